"""What every report format says the same way: labels, times, verdicts, transcript tags; the
``Report`` the writers take.

Over 500 lines of small functions because it is the one home of every wording and figure
the HTML, Markdown and terminal outputs share, so each is written once and they cannot drift."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

import jinja2
from markupsafe import Markup

from rehearse import __version__
from rehearse.align import AlignOptions
from rehearse.clock import clock
from rehearse.history.trends import Past, length_change, talk_time
from rehearse.measure.pacing import OVER_SECONDS, OVER_SHARE, is_over, planned
from rehearse.measure.voice import EDGE, MONOTONE_SHARE, MONOTONE_ST, NO_VERDICT, TRAIL_DB, WINDOW
from rehearse.models import Analysis, PointReport, RehearsalPoint

Charts = Mapping[str, bytes]

PROGRESS_CHART = "progress.png"


@dataclass(frozen=True)
class Report:
    """What the writers write: the analysis, its charts (file name -> PNG), when the
    history has earlier rehearsals of the talk, its past, and the name of the recording's
    copy beside the page (None: no player)."""

    analysis: Analysis
    charts: Charts
    past: Past | None = None
    audio: str | None = None


STATUS_LABELS = {
    "covered": "said",
    "partial": "partly said",
    "missed": "skipped",
    "uncertain": "uncertain",
}


def label(point: PointReport, width: int = 38) -> str:
    """'3. To co tutaj widzicie…' ('slide 7 · 3. To co…' for a deck's point): number and text
    cut to ``width`` characters."""
    return shorten(f"{point_ref(point)} {point.text}", width)


def point_ref(point: PointReport) -> str:
    """'3.', or 'slide 7 · 3.' for a deck's point: how a speaker finds the point."""
    return f"{point.number}." if point.slide is None else f"slide {point.slide} · {point.number}."


def slide_name(point: PointReport) -> str:
    """'Slide 7 · Wyniki' for a deck's point, its section heading for Markdown notes."""
    if point.slide is None:
        return point.section
    generic = point.section == f"Slide {point.slide}"
    return point.section if generic else f"Slide {point.slide} · {point.section}"


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def signed(seconds: float) -> str:
    """A difference in seconds as '+0:12' / '-1:05'."""
    return ("+" if seconds >= 0 else "-") + clock(abs(seconds))


def change(seconds: float) -> str:
    """A difference as '+0:12' / '-1:05', or '±0:00' when it rounds to nothing."""
    return "±0:00" if round(seconds) == 0 else signed(seconds)


@dataclass(frozen=True)
class Line:
    """One transcript segment as the reports show it."""

    start: float
    end: float
    text: str
    tag: str | None


def segment_labels(analysis: Analysis) -> dict[int, str]:
    """Segment index -> caption tag: '[3]' for point 3, '[ad-lib]' for unplanned speech."""
    spans = [
        (p.start, p.end, f"[{point_ref(p)[:-1]}]") for p in analysis.points if p.start is not None
    ]
    spans += [(x.start, x.end, "[ad-lib]") for x in analysis.adlibs]
    return owners(analysis, spans)


def owners(analysis: Analysis, spans: list) -> dict:
    """Segment index -> the tag of the span overlapping it most (segments with none left out)."""
    found = {}
    for i, seg in enumerate(analysis.transcript.segments):
        best, overlap = None, 0.0
        for start, end, tag in spans:
            shared = min(seg.end, end if end is not None else start) - max(seg.start, start)
            if shared > overlap:
                best, overlap = tag, shared
        if best is not None:
            found[i] = best
    return found


def transcript_lines(analysis: Analysis) -> list[Line]:
    tags = segment_labels(analysis)
    return [
        Line(seg.start, seg.end, seg.text.strip(), tags.get(i))
        for i, seg in enumerate(analysis.transcript.segments)
    ]


def duration_detail(analysis: Analysis) -> str:
    """'of a 3:00 target (0:16 over)', or '' with no target and no complete budgets."""
    talk, plan = analysis.pacing.talk_time, planned(analysis)
    if not plan or talk is None:
        return ""
    delta = talk - plan
    where = "over" if delta > 0 else "under"
    if analysis.summary.target:
        return f"of a {clock(plan)} target ({clock(abs(delta))} {where})"
    return f"of {clock(plan)} planned ({clock(abs(delta))} {where})"


def duration_verdict(analysis: Analysis) -> str:
    """'3:16 of a 3:00 target (0:16 over)' or just '3:16': the talk time."""
    talk = analysis.pacing.talk_time
    return " ".join(filter(None, [clock(talk), duration_detail(analysis)]))


def durations_text(analysis: Analysis) -> str:
    """'recording 3:26 · speaking time 3:15': the two durations beside the talk time."""
    recording, speaking = analysis.summary.duration, analysis.pacing.speaking_time
    return f"recording {clock(recording)} · speaking time {clock(speaking)}"


def pace_detail(analysis: Analysis) -> str:
    """'usual 3.3–5.9: good; 121 wpm': the verdict on the speech rate, wpm beside it."""
    pacing = analysis.pacing
    parts = []
    if pacing.syllable_band:
        low, high = pacing.syllable_band
        parts.append(f"usual {low:g}–{high:g}: {pacing.pace_verdict}")
    parts.append(f"{pacing.wpm:.0f} wpm")
    return "; ".join(parts)


def pace_text(analysis: Analysis) -> str:
    """'4.1 syllables/s (usual 3.3–5.9: good; 121 wpm)'."""
    rate = analysis.pacing.syllable_rate
    if rate is None:
        return f"{analysis.pacing.wpm:.0f} wpm ({analysis.pacing.pace_verdict})"
    return f"{rate:.1f} syllables/s ({pace_detail(analysis)})"


def filler_detail(analysis: Analysis) -> str:
    """'1.2/min: yyy ×3, eee ×1', noting when Whisper probably dropped most of them."""
    pacing = analysis.pacing
    text = f"{pacing.fillers_per_minute:.1f}/min"
    if pacing.filler_counts:
        top = sorted(pacing.filler_counts.items(), key=lambda kv: -kv[1])[:4]
        text += ": " + ", ".join(f"{word} ×{n}" for word, n in top)
    if pacing.fillers_undercounted:
        text += "; likely undercounted (try --keep-fillers)"
    return text


def filler_text(analysis: Analysis) -> str:
    return f"{len(analysis.pacing.fillers)}, {filler_detail(analysis)}"


def restart_text(analysis: Analysis) -> str:
    """'at 1:12 from point 1; at 3:40 from point 5': where the speaker started again."""
    return "; ".join(f"at {clock(r.at)} from point {r.from_point}" for r in analysis.restarts)


def repeat_text(point: PointReport) -> str:
    """'also at 0:12, 2:30': a point's other deliveries."""
    if not point.repeats:
        return ""
    return "also at " + ", ".join(clock(r.start) for r in point.repeats)


def mention_text(point: PointReport) -> str:
    """'mentioned in passing at 2:31 in point 7, 4:02': where a skipped point was only
    named."""
    if not point.mentions:
        return ""
    places = [
        clock(m.start) + (f" in point {m.in_point}" if m.in_point is not None else "")
        for m in point.mentions
    ]
    return "mentioned in passing at " + ", ".join(places)


def voice_text(analysis: Analysis) -> str:
    """'varied (2.8 st); monotone 0:40 in points 9–10; trails off at 30 % of sentence ends';
    '' without a voice stage."""
    voice = analysis.voice
    if voice is None:
        return ""
    if not voice.measured:
        return "not measured: " + "; ".join(w for w in voice.warnings if w.startswith(NO_VERDICT))
    below = f", below {MONOTONE_ST:g}" if voice.verdict == "monotone" else ""
    parts = [f"{voice.verdict} (pitch spread {voice.pitch_variation_st:.1f} semitones{below})"]
    if voice.monotone:
        took = sum(s.end - s.start for s in voice.monotone)
        numbers = sorted({s.point_number for s in voice.monotone if s.point_number is not None})
        where = f" in {number_ranges(numbers)}" if numbers else ""
        parts.append(f"monotone {clock(took)}{where}")
    if voice.trailing_off_share is not None:
        parts.append(f"trails off at {voice.trailing_off_share:.0%} of sentence ends")
    return "; ".join(parts)


def voice_help(analysis: Analysis) -> str:
    """What the voice measures mean, with their thresholds; relative to this speaker."""
    median = analysis.voice.median_f0_hz if analysis.voice else None
    around = f" ({median:.0f} Hz)" if median else ""
    return (
        f"Pitch variation: how much your pitch moves within each {WINDOW:g} s of speech, as "
        "the spread (standard deviation) of your voice's fundamental frequency in semitones "
        f"around your own median{around}; Hincks (2005) found this spread to follow "
        "listeners' ratings of liveliness. It is relative to you, so a deep or a high voice "
        f"does not change it. A stretch is monotone when its spread is below {MONOTONE_ST:g} "
        f"semitones and below {MONOTONE_SHARE:.0%} of your own median spread. Loudness: the "
        "RMS level of your voiced speech in dBFS (pauses left out); phones and many laptops "
        "apply automatic gain control, which evens loudness out, so a flat loudness line may "
        "be the device rather than you. A sentence trails off when its last "
        f"{EDGE:g} s of voiced speech are {TRAIL_DB:g} dB or more quieter than its first "
        f"{EDGE:g} s."
    )


@dataclass(frozen=True)
class VoicePointRow:
    point: PointReport
    sentences: int
    trailing_off: int
    monotone: float  # seconds of monotone spans whose middle falls in this point


def voice_rows(analysis: Analysis) -> list[VoicePointRow]:
    """Per point with a monotone span or a sentence that trails off, in notes order."""
    voice = analysis.voice
    if voice is None or not voice.measured:
        return []
    counts = {p.number: p for p in voice.points}
    flat: dict[int, float] = {}
    for span in voice.monotone:
        if span.point_number is not None:
            flat[span.point_number] = flat.get(span.point_number, 0.0) + span.end - span.start
    found = []
    for p in analysis.points:
        pv = counts.get(p.number)
        trailing = pv.trailing_off if pv else 0
        if trailing or p.number in flat:
            found.append(
                VoicePointRow(p, pv.sentences if pv else 0, trailing, flat.get(p.number, 0))
            )
    return found


def number_ranges(numbers: list[int]) -> str:
    """[3, 9, 10] -> 'points 3, 9–10'; [4] -> 'point 4'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"point {text}" if len(numbers) == 1 else f"points {text}"


def pause_text(analysis: Analysis) -> str:
    """'3, longest 4.2 s at 1:05' or 'none'."""
    pauses = analysis.pacing.pauses
    longest = max(pauses, key=lambda x: x.duration, default=None)
    if longest is None:
        return "none"
    return f"{len(pauses)}, longest {longest.duration:.1f} s at {clock(longest.start)}"


@dataclass(frozen=True)
class Row:
    """One point's timing in words, as the tables show it."""

    point: PointReport

    @property
    def over(self) -> bool:
        """Over budget by the pacing rule (more than 15 % and at least 5 s)."""
        return self.point.over_budget

    @property
    def delta(self) -> str:
        """'+0:08' (took minus budget) or '' without a budget or when skipped."""
        over = self.point.over
        return "" if over is None else change(over)

    @property
    def drift(self) -> str:
        """'+0:26 behind' / '-0:05 ahead' / 'on plan' when the point ended; '' without one."""
        drift = self.point.drift
        if drift is None:
            return ""
        if round(drift) == 0:
            return "on plan"
        return f"{signed(drift)} {'behind' if drift > 0 else 'ahead'}"

    @property
    def budget_from(self) -> str:
        """'own', 'section share' or 'target share'."""
        return {"point": "own", "section": "section share", "target": "target share"}.get(
            self.point.budget_from or "", ""
        )


def rows(analysis: Analysis) -> list[Row]:
    """Every point, in notes order."""
    return [Row(p) for p in analysis.points]


def longest_overruns(analysis: Analysis, count: int = 3) -> list[Row]:
    """The points furthest over budget (by the pacing rule), worst first."""
    over = [r for r in rows(analysis) if r.over]
    return sorted(over, key=lambda r: -(r.point.over or 0.0))[:count]


def overrun_text(analysis: Analysis, count: int = 3, width: int = 30, sep: str = ", ") -> str:
    """'4. Natomiast to co… +0:11, 10. Dlatego też… +0:08' or ''."""
    return sep.join(f"{label(r.point, width)} {r.delta}" for r in longest_overruns(analysis, count))


def final_drift(analysis: Analysis) -> str:
    """The drift where the talk ended: '+0:26 behind at the end (after point 14)' when the
    last point said is the notes' last; else which point it is and why that one: '+0:08
    behind after point 4, the last point said (1 point after it skipped)'; '' for none."""
    said = [(i, r) for i, r in enumerate(rows(analysis)) if r.point.end is not None and r.drift]
    if not said:
        return ""
    at, row = max(said, key=lambda x: x[1].point.end or 0.0)
    point = row.point
    where = f"point {point.number}"
    where = where if point.slide is None else f"slide {point.slide} · {where}"
    after = analysis.points[at + 1 :]  # in notes order
    if not after:
        return f"{row.drift} at the end (after {where})"
    skipped = sum(not p.said for p in after)
    what = "skipped" if all(p.skipped for p in after if not p.said) else "not said"
    why = f"{skipped} point{'s' * (skipped != 1)} after it {what}" if skipped else "said last"
    return f"{row.drift} after {where}, the last point said ({why})"


def hearing_text(point: PointReport) -> str:
    """'0:40–1:05 heard badly: 80% of its sound': why a point is uncertain; '' if it is not."""
    heard = point.hearing
    if heard is None:
        return ""
    return f"{clock(heard.start)}–{clock(heard.end)} heard badly: {heard.badly:.0%} of its sound"


def status_text(point: PointReport | RehearsalPoint | None) -> str:
    """'said', 'partly said, out of order', 'not in the notes': a point's status in one
    rehearsal, as every output names it."""
    if point is None:
        return "not in the notes"
    text = STATUS_LABELS[point.status]
    text += ", out of order" if point.out_of_order else ""
    return text + ", corrected by hand" if point.corrected else text


@dataclass(frozen=True)
class SlideTime:
    """The points of one slide (a section of Markdown notes) and the time spent on them."""

    slide: int | None
    title: str
    points: tuple[PointReport, ...]

    @property
    def name(self) -> str:
        """'Slide 4 · Wyniki' ('Slide 4' when untitled); the heading for Markdown notes."""
        return slide_name(self.points[0])

    @property
    def took(self) -> float:
        """Seconds spent on the slide's points, wherever in the talk they were said."""
        return sum(p.duration or 0.0 for p in self.points)

    @property
    def budget(self) -> float | None:
        """The slide's plan: its points' budgets added up (None when none has one)."""
        budgets = [p.budget for p in self.points if p.budget is not None]
        return sum(budgets) if budgets else None

    @property
    def said(self) -> int:
        return sum(p.said for p in self.points)

    @property
    def over(self) -> bool:
        """Over its budget by the points' rule (more than 15 % and at least 5 s)."""
        return is_over(self.took, self.budget)

    @property
    def delta(self) -> str:
        """'+0:50' (took minus budget), '' without a budget."""
        return "" if self.budget is None else change(self.took - self.budget)

    @property
    def text(self) -> str:
        """'Slide 4 · Wyniki: 1:50 of 1:00' (just the time without a budget)."""
        plan = f" of {clock(self.budget)}" if self.budget is not None else ""
        return f"{self.name}: {clock(self.took)}{plan}"


def slide_times(analysis: Analysis) -> list[SlideTime]:
    """Time per slide in deck order (per section for Markdown notes): each run of points of one
    slide. Empty when the talk has one section only, where it would repeat the talk time."""
    groups: list[list[PointReport]] = []
    for point in analysis.points:
        key = (point.slide, point.section)
        if groups and (groups[-1][0].slide, groups[-1][0].section) == key:
            groups[-1].append(point)
        else:
            groups.append([point])
    deck = any(p.slide is not None for p in analysis.points)
    if len(groups) < 2 and not deck:
        return []
    return [SlideTime(g[0].slide, g[0].section, tuple(g)) for g in groups]


def over_rule() -> str:
    """The tolerance before a point counts as over budget, in words."""
    return f"more than {OVER_SHARE:.0%} and at least {OVER_SECONDS:g} s over its budget"


def score_help(analysis: Analysis | None = None) -> str:
    """What a point's score means, in words a speaker reads right."""
    covered = AlignOptions().covered
    talk = analysis.talk.language if analysis else None
    spoken = analysis.transcript.language if analysis else None
    if talk and spoken and talk != spoken:
        return (
            "Key words heard: the share of the note's key words heard in the passage. The notes "
            "are in another language than the talk, so this says little here: points were "
            "found by what you meant, and a point found counts as said."
        )
    return (
        "Key words heard: the share of the note's key words heard in the passage, rare words "
        "counting more. Whisper mishears names and some words, so even a word-for-word reading "
        f"scores about 40–75%; {covered:.0%} or more counts as said, less as partly said."
    )


def pace_against_own(past: Past | None) -> str:
    """'8% faster than your median 4.1 syllables/s (3 rehearsals)', or '' with fewer than
    three rehearsals."""
    baseline = past.baseline if past is not None else None
    return baseline.text() if baseline else ""


@dataclass(frozen=True)
class SincePoint:
    """A point named in "Since last time": how to find it now ('3.', 'slide 7 · 3.'), its
    text and its status in this rehearsal."""

    ref: str
    text: str
    status: str


@dataclass(frozen=True)
class SinceLast:
    """What the report says changed since the rehearsal before. ``changed``: the points
    whose status changed otherwise ('said → partly said', out of order now), with the
    change, by the one definition ``compare`` uses too (``Comparison.changed``)."""

    line: str
    previous: str
    newly_said: list[SincePoint]
    newly_skipped: list[SincePoint]
    added: list[SincePoint]
    removed: list[SincePoint]
    changed: list[tuple[SincePoint, str]]
    talk_time: str
    pace: str
    said: str

    @property
    def same(self) -> bool:
        """No point changed status (nor came or went)."""
        lists = (self.newly_said, self.newly_skipped, self.added, self.removed, self.changed)
        return not any(lists)


def since_last(past: Past | None, analysis: Analysis | None = None) -> SinceLast | None:
    """'Since last time', when there was a last time. A point still in the notes is named as
    ``analysis`` names it (with its slide, for a deck)."""
    since = past.since if past is not None else None
    if since is None:
        return None
    a, b = since.a, since.b
    pace = f"{a.wpm:.0f} → {b.wpm:.0f} wpm"
    if a.syllable_rate and b.syllable_rate:
        pace = f"{a.syllable_rate:.1f} → {b.syllable_rate:.1f} syllables/s ({pace})"
    before, after = talk_time(a), talk_time(b)
    when = a.created.replace("T", " ")[:16]
    current = {(p.number, p.text): p for p in analysis.points} if analysis is not None else {}

    def now(point) -> SincePoint:
        same = current.get((point.number, point.text))
        return SincePoint(point_ref(same) if same else f"{point.number}.", point.text, point.status)

    newly_said, newly_skipped = since.newly_said, since.newly_skipped
    return SinceLast(
        line=past.line(),
        previous=f"{when}, {PurePath(a.recording).name}",
        newly_said=[now(p.b) for p in since.newly_said],
        newly_skipped=[now(p.b) for p in since.newly_skipped],
        added=[now(p.b) for p in since.added],
        removed=[SincePoint(f"{p.a.number}.", p.a.text, p.a.status) for p in since.removed],
        changed=[
            (now(p.b), f"{status_text(p.a)} → {status_text(p.b)}")
            for p in since.changed
            if p.a is not None and p.b is not None and p not in (*newly_said, *newly_skipped)
        ],
        talk_time=f"{clock(before)} → {clock(after)} ({length_change(before, after)})",
        pace=pace,
        said=f"{a.said}/{len(a.points)} → {b.said}/{len(b.points)} ({b.said - a.said:+d})",
    )


def context(analysis: Analysis, past: Past | None = None) -> dict:
    """What both page templates get."""
    points = analysis.points
    return {
        "since": since_last(past, analysis),
        "pace_own": pace_against_own(past),
        "a": analysis,
        "points": points,
        "rows": rows(analysis),
        "said": analysis.said,
        "skipped": [p for p in points if p.skipped],
        "uncertain": [p for p in points if p.uncertain],
        "hearing_text": hearing_text,
        "out_of_order": [p for p in points if p.out_of_order],
        "restart_text": restart_text(analysis),
        "repeat_text": repeat_text,
        "mention_text": mention_text,
        "unheard": [p for p in points if p.missing and p.partly],
        "overruns": longest_overruns(analysis, 5),
        "slides": slide_times(analysis),
        "point_ref": lambda p: Markup(point_ref(p)),  # digits and 'slide': nothing to escape
        "slide_name": slide_name,
        "lines": transcript_lines(analysis),
        "recording_name": PurePath(analysis.recording.path).name,
        "notes_name": PurePath(analysis.talk.notes).name,
        "created": analysis.created.replace("T", " ")[:16],
        "talk_time": clock(analysis.pacing.talk_time),
        "duration_text": duration_verdict(analysis),
        "duration_detail": duration_detail(analysis),
        "durations_text": durations_text(analysis),
        "pace_text": pace_text(analysis),
        "pace_detail": pace_detail(analysis),
        "filler_text": filler_text(analysis),
        "filler_detail": filler_detail(analysis),
        "pause_text": pause_text(analysis),
        "longest_pause": max(analysis.pacing.pauses, key=lambda x: x.duration, default=None),
        "voice_text": voice_text(analysis),
        "voice_help": voice_help(analysis),
        "voice_rows": voice_rows(analysis),
        "final_drift": final_drift(analysis),
        "over_rule": over_rule(),
        "score_help": score_help(analysis),
        "status_labels": STATUS_LABELS,
        "clock": clock,
        "signed": signed,
        "shorten": shorten,
        "version": __version__,
    }


def environment(*, autoescape: bool, finalize=None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("rehearse.report", "templates"),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
