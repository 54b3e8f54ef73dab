"""The pipeline: notes -> transcribe -> align -> pacing/voice -> one Analysis for the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path

from rehearse.align import AlignOptions, align
from rehearse.audio import stream
from rehearse.clock import clock
from rehearse.errors import InputError
from rehearse.languages import language_name
from rehearse.measure.fillers import filler_prompt
from rehearse.measure.pacing import (
    PacingOptions,
    measure_pacing,
    planned,
    planned_length,
    reading_seconds,
    reading_time,
)
from rehearse.measure.voice import WINDOW as PITCH_WINDOW
from rehearse.measure.voice import measure_voice
from rehearse.models import (
    Analysis,
    Coverage,
    Notes,
    PacingResult,
    PointReport,
    RecordingInfo,
    Summary,
    TalkInfo,
    Transcript,
    TranscriptionInfo,
    Voice,
)
from rehearse.notes import load_notes
from rehearse.stages import ANALYSIS, Tracker
from rehearse.textnorm import normal_name, normal_speaker
from rehearse.transcribe import TranscribeOptions, TranscribeResult, transcribe
from rehearse.transcribe.hearing import judge

DEMO_RECORDING = "pl-skips.mp3"
DEMO_NOTES = "kilka-zdan-o-sobie.md"
DEMO_TARGET = 180.0  # s: the talk's slot, so the demo shows budgets, drift and overruns
# A talk shorter than this share of the plan (or of reading the notes at the fast edge of the
# speech-rate band) is reported as probably cut short. Low enough that a brisk full run never
# trips it; a rehearsal of one section on purpose does, and the warning says so.
SHORT_SHARE = 0.5
# A take too short to judge (a 1 s "hello", a truncated file) is analysed and reported but
# kept out of the history, and so of the pace baselines, unless the speaker keeps it: under
# this many seconds of talk, or under this share of the plan (the target, the budgets, else a
# fast reading of the notes). Higher: a real rehearsal of one section is left out too.
JUNK_SECONDS = 30.0
JUNK_SHARE = 0.2


@dataclass(frozen=True)
class AnalyzeOptions:
    """Options of every stage; ``keep_fillers`` prompts Whisper to keep hesitations;
    ``voice`` measures pitch and loudness from the audio."""

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    pacing: PacingOptions = field(default_factory=PacingOptions)
    keep_fillers: bool = False
    voice: bool = True
    notes_encoding: str | None = None  # of Markdown notes; None: front matter, else found


def analyze(
    recording: str | Path,
    notes_path: str | Path,
    options: AnalyzeOptions | None = None,
    *,
    progress: Tracker | None = None,
    speaker: str | None = None,
    talk_name: str | None = None,
) -> Analysis:
    """Transcribe ``recording`` (cached), align it to the notes, measure its pacing and voice.
    ``speaker`` (None: the usual speaker) and ``talk_name`` (``--talk``) are recorded in
    the analysis for the history; ``progress`` hears of each stage (it is not finished here:
    the caller may have more stages after these)."""
    options = options or AnalyzeOptions()
    tracker = progress or Tracker(stages=ANALYSIS)
    if not options.voice:
        tracker.skip("voice")
    notes = load_notes(notes_path, options.notes_encoding)
    result = transcribe(recording, _transcribe_options(notes, options), progress=tracker)
    transcript = result.transcript
    aligned = tracker.start("aligning", 1)
    coverage = judge(transcript, align(notes, transcript, options.align))
    aligned(1)
    pacing = measure_pacing(notes, transcript, coverage, _pacing_options(notes, options))
    analysis = build_analysis(
        notes,
        Path(recording),
        result,
        coverage,
        pacing,
        speaker=normal_speaker(speaker),
        talk_name=normal_name(talk_name),
    )
    if not options.voice:
        return analysis
    update = tracker.start("voice", transcript.duration, audio=True)
    return replace(analysis, voice=measure_recording_voice(recording, analysis, update))


def measure_recording_voice(
    recording: str | Path, analysis: Analysis, progress: Callable[[float], None] | None = None
) -> Voice:
    """The voice stage: decode the recording again as a stream (the transcript may come from
    the cache), 10 s at a time, and measure pitch and loudness against the transcript's
    sentences and the points; ``progress(seconds done)``."""
    blocks = stream(recording, block=PITCH_WINDOW)
    return measure_voice(blocks, analysis.transcript, analysis.points, progress)


def demo_options() -> AnalyzeOptions:
    """The demo's options: the defaults with the talk's 3-minute slot as the target."""
    return AnalyzeOptions(pacing=PacingOptions(target=DEMO_TARGET))


def demo_files() -> tuple[Path, Path]:
    """The bundled sample rehearsal and its notes (recording, notes)."""
    data = Path(str(resources.files("rehearse") / "data"))
    return data / DEMO_RECORDING, data / DEMO_NOTES


def _transcribe_options(notes: Notes, options: AnalyzeOptions) -> TranscribeOptions:
    chosen = options.transcribe
    expected = chosen.expected or notes.language  # a bilingual speaker may speak another
    prompt = chosen.initial_prompt
    if prompt is None and options.keep_fillers:
        prompt = filler_prompt(chosen.language or expected)
    return replace(chosen, expected=expected, initial_prompt=prompt)


def _pacing_options(notes: Notes, options: AnalyzeOptions) -> PacingOptions:
    chosen = options.pacing
    fillers = tuple(dict.fromkeys((*notes.fillers, *chosen.fillers)))
    return replace(chosen, target=chosen.target or notes.target, fillers=fillers)


def build_analysis(
    notes: Notes,
    recording: Path,
    result: TranscribeResult,
    coverage: Coverage,
    pacing: PacingResult,
    *,
    speaker: str | None = None,
    talk_name: str | None = None,
) -> Analysis:
    """Join the stages' outputs into the report's contract, each fact in one place."""
    transcript = result.transcript
    points = point_reports(notes, coverage, pacing)
    return Analysis(
        talk=TalkInfo(
            title=notes.title,
            notes=str(Path(notes.path).resolve()) if notes.path else "",
            language=notes.language or transcript.language,
            name=talk_name,
        ),
        recording=RecordingInfo(path=str(recording), sha256=result.sha256),
        transcription=TranscriptionInfo(cached=result.cached, seconds=round(result.seconds, 2)),
        points=points,
        adlibs=coverage.adlibs,
        pacing=pacing.talk(),
        summary=Summary(target=pacing.target),
        created=datetime.now().astimezone().isoformat(timespec="seconds"),
        transcript=transcript,
        restarts=coverage.restarts,
        warnings=(
            *(f"{notes.path}: {w}" for w in notes.warnings),
            *languages_warning(notes, transcript),
            *short_warning(notes, pacing),
        ),
        speaker=speaker,
    )


# What `rehearse mark` accepts, and the status each gives.
MARKS = {"said": "covered", "skipped": "missed"}


def mark(analysis: Analysis, number: int, said: str) -> Analysis:
    """The analysis with point ``number`` corrected by hand to ``said`` or ``skipped`` (its
    ``corrected`` keeps the status the analysis gave; a skipped point loses its timing), and
    its summary follows from them. InputError for a point or word it does not know."""
    if said not in MARKS:
        raise InputError(f"mark a point as {' or '.join(MARKS)}, not {said!r}")
    found = [i for i, p in enumerate(analysis.points) if p.number == number]
    if not found:
        known = ", ".join(str(p.number) for p in analysis.points)
        raise InputError(f"no point {number} in {analysis.talk.title!r} (its points: {known})")
    if len(found) > 1:
        raise InputError(f"point {number} is numbered so more than once in the notes")
    point = analysis.points[found[0]]
    status = MARKS[said]
    original = point.corrected or point.status
    point = replace(
        point, status=status, corrected=None if status == original else original, hearing=None
    )
    if status == "missed":
        point = replace(
            point, start=None, end=None, duration=None, quote="", order=None,
            out_of_order=False, repeats=(), wpm=None, drift=None, over_budget=False,
        )  # fmt: skip
    points = tuple(point if i == found[0] else p for i, p in enumerate(analysis.points))
    return replace(analysis, points=points)


def languages_warning(notes: Notes, transcript: Transcript) -> list[str]:
    """A word when the notes are in another language than the talk: points are then found
    by what was meant, never by their words."""
    if not notes.language or not transcript.language or notes.language == transcript.language:
        return []
    return [
        f"the notes are in {language_name(notes.language)} and the talk in "
        f"{language_name(transcript.language)}: points are followed by what you meant, not "
        "by their words"
    ]


def short_warning(notes: Notes, pacing: PacingResult) -> list[str]:
    """A warning when the talk is far shorter than the plan or than reading the notes takes."""
    talk = pacing.talk_time or 0.0
    plan = planned_length(pacing.target, [p.budget for p in pacing.points])
    if plan and talk < SHORT_SHARE * plan:
        return [
            f"the talk took {clock(talk)} of a {clock(plan)} plan: was the recording cut "
            "short? (fine if you rehearsed only a part)"
        ]
    reading = reading_time(notes)
    if not plan and talk < SHORT_SHARE * reading:
        return [
            f"the talk took {clock(talk)}, while even a fast reading of the notes takes "
            f"{clock(reading)}: was the recording cut short? (fine if you rehearsed only a part)"
        ]
    return []


def too_short(analysis: Analysis) -> str | None:
    """Why the take is too short to judge (to keep it out of the history), or None."""
    talk = analysis.pacing.talk_time or 0.0
    if talk < JUNK_SECONDS:
        return f"a talk of {clock(talk)} is too short to judge (under {clock(JUNK_SECONDS)})"
    plan = planned(analysis)
    what = "plan"
    if not plan:
        plan = reading_seconds([p.text for p in analysis.points], analysis.talk.language)
        what = "fast reading of the notes"
    if talk < JUNK_SHARE * plan:
        return (
            f"a talk of {clock(talk)} is too short to judge (under {JUNK_SHARE:.0%} of the "
            f"{clock(plan)} {what})"
        )
    return None


def point_reports(
    notes: Notes, coverage: Coverage, pacing: PacingResult
) -> tuple[PointReport, ...]:
    """Each point of the notes with its coverage, timing and unheard key words, in notes
    order."""
    covered = {c.index: c for c in coverage.points}
    timed = {p.index: p for p in pacing.points}
    reports = []
    for point in notes.points:
        cov = covered[point.index]
        timing = timed.get(point.index)
        said = not cov.skipped and cov.start is not None
        budget = timing.budget if timing and timing.budget is not None else point.budget
        reports.append(
            PointReport(
                number=point.number,
                section=point.section,
                text=point.text,
                status=cov.status,
                out_of_order=cov.out_of_order,
                score=cov.score,
                start=cov.start,
                end=cov.end,
                duration=_duration(cov.start, cov.end, timing) if said else None,
                budget=budget,
                quote=cov.quote,
                verbatim=cov.verbatim,
                order=cov.order,
                repeats=cov.repeats,
                missing=cov.missing,
                mentions=cov.mentions,
                hearing=cov.hearing,
                words=timing.words if timing else 0,
                wpm=timing.wpm if timing else None,
                drift=timing.drift if timing else None,
                fillers=timing.fillers if timing else 0,
                budget_from=timing.budget_from if timing else None,
                over_budget=timing.over_budget if timing else False,
                slide=point.slide,
            )
        )
    return tuple(reports)


def _duration(start, end, timing) -> float | None:
    if timing is not None and timing.start is not None:
        return timing.duration
    return end - start if start is not None and end is not None else None
