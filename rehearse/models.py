"""The data model shared end to end: transcript -> notes -> coverage -> pacing -> analysis.

Every class is a frozen dataclass made of plain values, tuples and other model
classes, so ``to_dict``/``from_dict`` give a lossless JSON round trip and the
JSON report is just ``to_dict(analysis)``. ``Analysis`` holds each fact once; what can be
derived from it (points said, took minus budget) is a property, not a field. New facts are
new fields with defaults: readers ignore fields they do not know, so they stay schema 2.

Over 500 lines because it is the one set of dataclasses shared end to end, kept in one file
so the JSON schema reads in one place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from rehearse.errors import InputError, reason

T = TypeVar("T")

SCHEMA_VERSION = 2

# "uncertain": the recording where the point should be was heard too badly to judge
# (rehearse/transcribe/hearing.py): neither said nor skipped.
Status = Literal["covered", "partial", "missed", "uncertain"]
SAID: tuple[Status, ...] = ("covered", "partial")


class _Judged:
    """What a point's ``status`` says, asked by name rather than by its literal."""

    status: Status

    @property
    def said(self) -> bool:
        return self.status in SAID

    @property
    def skipped(self) -> bool:
        return self.status == "missed"

    @property
    def partly(self) -> bool:
        return self.status == "partial"

    @property
    def uncertain(self) -> bool:
        return self.status == "uncertain"


class _JudgedPoints:
    """What a list of judged points (``_judged``: an analysis's or a rehearsal's) says: how
    many were said, and the numbers of those skipped, said out of order and heard too badly
    to judge."""

    _judged: tuple[Any, ...] = ()  # of PointReport or RehearsalPoint

    @property
    def said(self) -> int:
        """How many points were said (covered or partly)."""
        return sum(p.said for p in self._judged)

    @property
    def skipped(self) -> tuple[int, ...]:
        return tuple(p.number for p in self._judged if p.skipped)

    @property
    def out_of_order(self) -> tuple[int, ...]:
        return tuple(p.number for p in self._judged if p.out_of_order)

    @property
    def uncertain(self) -> tuple[int, ...]:
        """Points heard too badly to judge: neither said (not in ``coverage``) nor skipped."""
        return tuple(p.number for p in self._judged if p.uncertain)


# Field metadata: leave the field out of the JSON when it is None (a field that only some
# inputs have, such as a deck point's slide, so that other reports stay as they were).
OMIT_NONE = "omit_none"
# Field metadata: the field's key in the JSON when it is not the field's name (a field renamed
# in Python to say what it holds, its JSON key kept so that reports stay as they were).
JSON_NAME = "json_name"

# A point is referred to by its index (position in the notes, 0-based, unique) in the timing
# facts pacing finds (``point_index``), and by its number (as the notes number it, the one
# people read) in the voice's spans (``point_number``); both are ``point`` in the JSON.
_AS_POINT = {JSON_NAME: "point"}


# --- transcript ---------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span in seconds."""

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Span:
    """A stretch of the recording, in seconds."""

    start: float
    end: float


def overlap(a: float, b: float, start: float, end: float) -> float:
    """How many seconds the stretches ``a``..``b`` and ``start``..``end`` share (0 if none)."""
    return max(0.0, min(b, end) - max(a, start))


@dataclass(frozen=True)
class Segment:
    """A stretch Whisper decoded as one piece, and how sure it was of it: ``avg_logprob``
    (mean log-probability of its tokens; near 0 is sure, below about -1 is guessing),
    ``no_speech_prob`` (the chance it heard no speech at all) and ``compression_ratio``
    (of its text; above about 2.4 the text loops). None in transcripts made before they were
    kept, and then left out of the JSON."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    avg_logprob: float | None = field(default=None, metadata={OMIT_NONE: True})
    no_speech_prob: float | None = field(default=None, metadata={OMIT_NONE: True})
    compression_ratio: float | None = field(default=None, metadata={OMIT_NONE: True})


@dataclass(frozen=True)
class Transcript:
    """What an engine heard: the one shape both engines produce."""

    language: str
    duration: float
    engine: str
    model: str
    segments: tuple[Segment, ...]
    language_probability: float | None = None
    initial_prompt: str | None = None
    # Stretches of 2 s or more with sound but no word recognised (a far microphone, music):
    # absent in transcripts made before they were kept.
    unheard: tuple[Span, ...] | None = field(default=None, metadata={OMIT_NONE: True})

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments).strip()


# --- notes --------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading of Markdown notes, or a visible slide of a deck: ``slide`` is its position in
    the deck (1 = first; None for Markdown), ``context`` the slide's notes that are not points."""

    title: str
    level: int
    budget: float | None = None
    slide: int | None = None
    context: str = ""

    @property
    def key(self) -> tuple[int | None, str]:
        """What tells two sections apart: a deck may have two slides of one title."""
        return (self.slide, self.title)


@dataclass(frozen=True)
class Point:
    """A numbered talking point. ``index`` is its position in the notes (unique);
    ``number`` is the number written in the file (may restart or repeat)."""

    index: int
    number: int
    text: str
    section: str = ""
    budget: float | None = None
    line: int = 0
    slide: int | None = None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def section_key(self) -> tuple[int | None, str]:
        return (self.slide, self.section)


@dataclass(frozen=True)
class Notes:
    path: str
    title: str
    points: tuple[Point, ...]
    sections: tuple[Section, ...] = ()
    language: str | None = None
    target: float | None = None
    fillers: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()  # how a deck was read: hidden slides, body text used...


# --- coverage -----------------------------------------------------------------


@dataclass(frozen=True)
class Restart:
    """The speaker went back to ``from_point`` (its number) at ``at`` seconds and carried on
    from there through points said before."""

    at: float
    from_point: int


@dataclass(frozen=True)
class Mention:
    """A point named in passing, not delivered: ``start``/``end`` in seconds, ``in_point`` the
    number of the point whose passage it lies in (None: outside every passage)."""

    start: float
    end: float
    in_point: int | None = None


@dataclass(frozen=True)
class Hearing:
    """How well the stretch of the recording where a point should be was heard: ``start`` to
    ``end`` (seconds, its surroundings included), and the share of its sound heard badly
    (Whisper unsure, looping, or no word recognised at all)."""

    start: float
    end: float
    badly: float


@dataclass(frozen=True)
class PointCoverage(_Judged):
    """Whether and where one point was said: ``start``/``end`` are its last complete
    delivery, ``repeats`` its other deliveries; a point skipped but named in passing has
    ``mentions``."""

    index: int
    number: int
    status: Status
    score: float
    start: float | None = None
    end: float | None = None
    quote: str = ""
    out_of_order: bool = False
    verbatim: bool = False
    order: int | None = None
    repeats: tuple[Span, ...] = ()
    missing: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    hearing: Hearing | None = None  # for an uncertain point: why


@dataclass(frozen=True)
class Adlib:
    """A stretch of speech that matches no point."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Coverage:
    points: tuple[PointCoverage, ...]
    adlibs: tuple[Adlib, ...] = ()
    restarts: tuple[Restart, ...] = ()


# --- pacing -------------------------------------------------------------------


@dataclass(frozen=True)
class PointPacing:
    index: int
    number: int
    start: float | None
    end: float | None
    duration: float
    words: int
    wpm: float | None
    budget: float | None = None
    drift: float | None = None
    fillers: int = 0
    budget_from: str | None = None
    over_budget: bool = False


@dataclass(frozen=True)
class Pause:
    """A silence: inside the point of ``point_index``, or ``between`` two (point indexes)."""

    start: float
    duration: float
    point_index: int | None = field(default=None, metadata=_AS_POINT)
    between: tuple[int, int] | None = None


@dataclass(frozen=True)
class Filler:
    text: str
    start: float
    point_index: int | None = field(default=None, metadata=_AS_POINT)


@dataclass(frozen=True)
class Repetition:
    text: str
    start: float
    point_index: int | None = field(default=None, metadata=_AS_POINT)


@dataclass(frozen=True)
class RatePoint:
    time: float
    wpm: float


@dataclass(frozen=True)
class Pacing:
    """The pacing of the whole talk, as ``analysis.json`` stores it. ``talk_time``: first to
    last word (compared with the target); ``speaking_time``: talk time minus pauses. Rates
    are per speaking time. Per-point timing is in ``Analysis.points``."""

    speaking_time: float
    words: int
    wpm: float
    articulation_rate: float
    pace_band: tuple[float, float]
    pace_verdict: str
    pauses: tuple[Pause, ...] = ()
    fillers: tuple[Filler, ...] = ()
    filler_counts: dict[str, int] = field(default_factory=dict)
    fillers_per_minute: float = 0.0
    filler_share: float = 0.0
    fillers_undercounted: bool = False
    repetitions: tuple[Repetition, ...] = ()
    wpm_series: tuple[RatePoint, ...] = ()
    talk_time: float | None = None
    syllables: int = 0
    syllable_rate: float | None = None
    syllable_band: tuple[float, float] | None = None
    pause_min: float | None = None


@dataclass(frozen=True)
class PacingResult(Pacing):
    """What the pacing stage measures: the talk's pacing, plus the recording's length
    (``duration``), the time per point and the target it was measured against."""

    duration: float = 0.0
    points: tuple[PointPacing, ...] = ()
    target: float | None = None

    def talk(self) -> Pacing:
        """The whole talk's pacing alone, as the analysis stores it."""
        return Pacing(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Pacing)})


# --- voice --------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceWindow:
    """One 10 s window with speech: ``voiced`` seconds of it had a pitch; the spread of that
    pitch in semitones (None below the minimum voiced time) and the loudness of its voiced
    frames in dBFS (RMS)."""

    start: float
    voiced: float
    pitch_variation_st: float | None
    loudness_db: float | None


@dataclass(frozen=True)
class VoiceSpan:
    """A stretch of the talk (a monotone span, or a sentence that trails off) and the number
    of the point being said then (``point_number``; None: between points). ``drop_db``: how
    much quieter a sentence's end was than its start."""

    start: float
    end: float
    point_number: int | None = field(default=None, metadata=_AS_POINT)
    drop_db: float | None = field(default=None, metadata={OMIT_NONE: True})


@dataclass(frozen=True)
class PointVoice:
    """Per point: its sentences and how many of them trail off."""

    number: int
    sentences: int
    trailing_off: int


@dataclass(frozen=True)
class Voice:
    """How the talk sounded, relative to this speaker. ``measured`` is False when the
    recording is too short or too noisy for a verdict (``warnings`` say why); then the
    measures are None. ``pitch_variation_st``: median over windows of the F0 spread in
    semitones; ``loudness_db``: RMS dBFS of all voiced speech; ``verdict``: 'varied',
    'monotone' or 'not measured'."""

    measured: bool
    verdict: str
    pitch_variation_st: float | None = None
    median_f0_hz: float | None = None
    loudness_db: float | None = None
    noise_floor_db: float | None = None
    windows: tuple[VoiceWindow, ...] = ()
    monotone: tuple[VoiceSpan, ...] = ()
    sentences: int = 0
    trailing_off_share: float | None = None
    trailing_off: tuple[VoiceSpan, ...] = ()
    points: tuple[PointVoice, ...] = ()
    warnings: tuple[str, ...] = ()


# --- analysis (the report's contract) ----------------------------------------


@dataclass(frozen=True)
class TalkInfo:
    """The talk: its notes' title, the notes file, its language and, when given with
    ``--talk``, the name its history goes by."""

    title: str
    notes: str
    language: str | None
    name: str | None = None


@dataclass(frozen=True)
class RecordingInfo:
    """The recording; its length is ``Summary.duration``."""

    path: str
    sha256: str


@dataclass(frozen=True)
class TranscriptionInfo:
    """How this run got its transcript; the engine, model and language are the
    transcript's own."""

    cached: bool = False
    seconds: float | None = None


@dataclass(frozen=True)
class PointReport(_Judged):
    """One point as the report shows it: notes + coverage + timing. ``duration`` is the time
    it took (None if skipped), ``budget`` its planned time and ``budget_from`` where that
    comes from; ``drift`` is how far behind (+) or ahead (-) of the plan the talk was when
    it ended; ``over_budget`` follows the pacing rule."""

    number: int
    section: str
    text: str
    status: Status
    out_of_order: bool
    score: float
    start: float | None
    end: float | None
    duration: float | None
    budget: float | None
    quote: str
    verbatim: bool = False
    order: int | None = None
    repeats: tuple[Span, ...] = ()
    missing: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    words: int = 0
    wpm: float | None = None
    drift: float | None = None
    fillers: int = 0
    budget_from: str | None = None
    over_budget: bool = False
    # The slide's position in the deck, for notes read from a deck; absent for Markdown notes.
    slide: int | None = field(default=None, metadata={OMIT_NONE: True})
    # The status the analysis gave, when `rehearse mark` corrected it by hand; else absent.
    corrected: Status | None = field(default=None, metadata={OMIT_NONE: True})
    # For an uncertain point: the stretch where it should be and how badly it was heard.
    hearing: Hearing | None = field(default=None, metadata={OMIT_NONE: True})

    @property
    def over(self) -> float | None:
        """Took minus budget, in seconds; None when skipped or without a budget."""
        if self.duration is None or self.budget is None:
            return None
        return round(self.duration - self.budget, 2)


@dataclass(frozen=True)
class Summary(_JudgedPoints):
    """The headline: share of points said, the recording's length, the target, the point
    numbers skipped, said out of order and heard too badly to judge. Only the target is its
    own; the rest is derived from the analysis's points and transcript, which ``Analysis``
    hands it, and written to the JSON as before (``JSON_KEYS``)."""

    target: float | None = None

    JSON_KEYS: ClassVar[tuple[str, ...]] = (
        "coverage", "duration", "skipped", "out_of_order", "target", "uncertain",
    )  # fmt: skip
    # What it is derived from (set by ``of``; a summary on its own has no points).
    _duration = 0.0

    def of(self, points: tuple[PointReport, ...], duration: float) -> Summary:
        """This summary for an analysis's points and recording length."""
        summary = Summary(target=self.target)
        object.__setattr__(summary, "_judged", points)
        object.__setattr__(summary, "_duration", duration)
        return summary

    @property
    def coverage(self) -> float:
        """The share of points said (of all points: an uncertain point is not said)."""
        points = self._judged
        return self.said / len(points) if points else 0.0

    @property
    def duration(self) -> float:
        """The recording's length (the transcript's)."""
        return self._duration


@dataclass(frozen=True)
class Analysis(_JudgedPoints):
    talk: TalkInfo
    recording: RecordingInfo
    transcription: TranscriptionInfo
    points: tuple[PointReport, ...]
    adlibs: tuple[Adlib, ...]
    pacing: Pacing
    summary: Summary
    created: str
    transcript: Transcript
    schema: int = SCHEMA_VERSION
    restarts: tuple[Restart, ...] = ()
    warnings: tuple[str, ...] = ()
    speaker: str | None = None
    # How the talk sounded; absent in analyses made before the voice stage or without audio.
    voice: Voice | None = field(default=None, metadata={OMIT_NONE: True})

    def __post_init__(self) -> None:
        # The summary's figures are derived from these points and this transcript.
        object.__setattr__(self, "summary", self.summary.of(self.points, self.transcript.duration))

    @property
    def _judged(self) -> tuple[PointReport, ...]:
        return self.points


# --- history ------------------------------------------------------------------


@dataclass(frozen=True)
class RehearsalPoint(_Judged):
    """One point of a rehearsal as the history keeps it: the number and text it had in that
    rehearsal's notes, and what happened to it. ``point_id`` is the point across versions of
    the notes: a renumbered or reworded point keeps it (None until the history matched it)."""

    number: int
    text: str
    status: Status
    score: float
    start: float | None = None
    duration: float | None = None
    budget: float | None = None
    drift: float | None = None
    order: int | None = None
    out_of_order: bool = False
    repeats: int = 0
    point_id: int | None = None
    corrected: Status | None = None  # the status the analysis gave, when corrected by hand


@dataclass(frozen=True)
class Rehearsal(_JudgedPoints):
    """One rehearsal in the history. ``id`` is its history id (None when it is not in the
    history); ``created`` is when it was first analysed, which places it in time, and
    ``analysed`` when the analysis kept was made. ``duration`` is the recording's length,
    ``talk_time`` the time compared with the target."""

    id: int | None
    created: str
    analysed: str
    speaker: str | None
    title: str
    notes: str
    recording: str
    sha256: str
    duration: float
    talk_time: float | None
    speaking_time: float | None
    target: float | None
    engine: str
    model: str
    report: str | None
    coverage: float
    wpm: float
    syllable_rate: float | None
    pace_verdict: str
    pauses: int
    longest_pause: float | None
    fillers: int
    fillers_per_minute: float
    restarts: int
    language: str | None = None
    # The voice (None: not measured, or recorded before the voice stage): the median pitch
    # spread in semitones, its verdict, seconds of monotone spans, the share of sentences that
    # trail off and the loudness of speech in dBFS.
    pitch_variation_st: float | None = None
    voice_verdict: str | None = None
    monotone_seconds: float | None = None
    trailing_off_share: float | None = None
    loudness_db: float | None = None
    points: tuple[RehearsalPoint, ...] = ()

    @property
    def _judged(self) -> tuple[RehearsalPoint, ...]:
        return self.points

    @property
    def corrected(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.points if p.corrected)


@dataclass(frozen=True)
class Talk:
    """A talk in the history: its latest title, the name given with ``--talk`` (None when
    its notes file is the talk) and the notes files (resolved paths) its rehearsals used."""

    id: int
    title: str
    name: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    """The rehearsals of one talk by one speaker (None: the usual speaker), oldest first."""

    talk: Talk
    speaker: str | None
    rehearsals: tuple[Rehearsal, ...] = ()


# --- batch ---------------------------------------------------------------------

# "already analysed": done by an earlier run into the same folder ("skipped" in older
# batch.json files, read as it was; "skipped" is what happens to a point).
BatchStatus = Literal["analysed", "already analysed", "failed", "skipped"]


@dataclass(frozen=True)
class BatchRow:
    """One recording of a batch: ``analysed`` now, ``skipped`` (analysed before with the same
    audio, notes and options: ``key``) or ``failed`` (``error``). ``report`` is its report
    folder relative to the batch's folder; the figures come from its analysis."""

    recording: str
    notes: str
    speaker: str | None
    status: BatchStatus
    key: str
    error: str | None = None
    report: str | None = None
    title: str | None = None
    coverage: float | None = None
    points: int = 0
    skipped: tuple[int, ...] = ()
    duration: float | None = None
    talk_time: float | None = None
    target: float | None = None
    wpm: float | None = None
    pace_verdict: str | None = None
    fillers_per_minute: float | None = None
    restarts: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class SkippedPoint:
    """A point of a talk and how many of the talk's recordings skipped it."""

    title: str
    number: int
    text: str
    skipped: int
    of: int


@dataclass(frozen=True)
class BatchReport:
    """The class report: every recording of the batch folder, done now or before."""

    created: str
    rows: tuple[BatchRow, ...]
    most_skipped: tuple[SkippedPoint, ...] = ()
    schema: int = 1


# --- serialisation ------------------------------------------------------------


def to_dict(obj: Any) -> Any:
    """A model object as JSON-ready plain data (tuples become lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if keys := getattr(obj, "JSON_KEYS", None):  # derived values (properties) too
            return {k: to_dict(getattr(obj, k)) for k in keys}
        return {
            _key(f): to_dict(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not (f.metadata.get(OMIT_NONE) and getattr(obj, f.name) is None)
        }
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _key(f: dataclasses.Field) -> str:
    """A field's key in the JSON (its name unless its metadata gives ``JSON_NAME``)."""
    return f.metadata.get(JSON_NAME, f.name)


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a model object from ``to_dict`` output; unknown keys are ignored.

    Every value is checked against its field's type: a wrong type, a missing field or a null
    where none is allowed raises ``SchemaError`` naming the field (``points[0].start``).
    """
    return _build(cls, data, "")


class SchemaError(ValueError):
    """Data that does not fit a model class; the message names the field."""


def to_json(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


_SCALARS = {float: "a number", int: "a whole number", str: "text", bool: "true or false"}


def _build(tp: Any, data: Any, where: str) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return _build(option, data, where)
            except SchemaError:
                continue
        raise _wrong(where, tp, data)
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise _wrong(where, tp, data)
        hints, fields = _hints(tp), [f for f in dataclasses.fields(tp) if f.init]
        for f in fields:
            no_default = f.default is dataclasses.MISSING
            if _key(f) not in data and no_default and f.default_factory is dataclasses.MISSING:
                raise SchemaError(f"{_at(where, _key(f))} is missing")
        built = {
            f.name: _build(hints[f.name], data[_key(f)], _at(where, _key(f)))
            for f in fields
            if _key(f) in data
        }
        return tp(**built)
    if origin is tuple:
        if not isinstance(data, list):
            raise _wrong(where, tp, data)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(data) != len(args):
            raise _wrong(where, tp, data)
        return tuple(
            _build(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, data, strict=True))
        )
    if origin is dict:
        if not isinstance(data, dict):
            raise _wrong(where, tp, data)
        return {str(k): _build(args[1], v, _at(where, str(k))) for k, v in data.items()}
    if origin is typing.Literal:
        if data not in args:
            raise _wrong(where, tp, data)
        return data
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp in _SCALARS and (type(data) is not tp):
        raise _wrong(where, tp, data)
    return data


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _wrong(where: str, tp: Any, data: Any) -> SchemaError:
    return SchemaError(f"{where or 'the data'} should be {_describe(tp)}, not {_short(data)}")


def _describe(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _describe(a) for a in args)
    if origin is typing.Literal:
        return "one of " + ", ".join(map(repr, args))
    if origin is tuple:
        return "a list"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "an object"
    return _SCALARS.get(tp, str(tp))


def _short(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# --- reading an analysis.json ---------------------------------------------------

ANALYSIS_FILE = "analysis.json"


def load_analysis(path: str | Path) -> Analysis:
    """Read an analysis.json (or the folder holding one); InputError if it is not one."""
    path = Path(path)
    if path.is_dir():
        path = path / ANALYSIS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"analysis not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read analysis {path}: {reason(exc)}") from None
    if not isinstance(data, dict) or "points" not in data or "schema" not in data:
        raise InputError(f"{path} is not a rehearse analysis.json")
    schema = data["schema"]
    if type(schema) is not int:
        raise InputError(
            f"{path} is not a valid analysis: schema should be a whole number such as "
            f"{SCHEMA_VERSION}, not {json.dumps(schema)}"
        )
    if schema > SCHEMA_VERSION:
        raise InputError(
            f"{path} has schema {schema}, newer than this rehearse reads "
            f"({SCHEMA_VERSION}); upgrade rehearse"
        )
    if schema < 2:
        data = from_schema_1(data)
    try:
        analysis = from_dict(Analysis, data)
        check_values(data)
    except SchemaError as exc:
        raise InputError(f"{path} is not a valid analysis: {exc}") from None
    return analysis


# Numbers of an analysis.json by field name: shares lie in 0..1, scores in 0..100, these
# may be negative (ahead of plan, under budget, decibels); every other number is >= 0.
SHARES = frozenset({"coverage", "probability", "language_probability", "no_speech_prob", "badly"})
SCORES = frozenset({"score"})
SIGNED = frozenset({"drift", "over", "avg_logprob"})


def check_values(data: object, where: str = "") -> None:
    """SchemaError naming the first number of analysis data that is not finite or out of
    its range (a hand-edited coverage of 5.0 would show as 500 %)."""
    if isinstance(data, dict):
        for key, value in data.items():
            check_values(value, f"{where}.{key}" if where else str(key))
        return
    if isinstance(data, list):
        for i, value in enumerate(data):
            check_values(value, f"{where}[{i}]")
        return
    if isinstance(data, bool) or not isinstance(data, int | float):
        return
    name = where.rsplit(".", 1)[-1].split("[", 1)[0]
    if not math.isfinite(data):
        raise SchemaError(f"{where} should be a finite number, not {data}")
    if name in SHARES or name.endswith("_share"):
        low, high = 0.0, 1.0
    elif name in SCORES:
        low, high = 0.0, 100.0
    elif name in SIGNED or name.endswith("_db"):
        return
    else:
        low, high = 0.0, math.inf
    if not low <= data <= high:
        span = f"between {low:g} and {high:g}" if high < math.inf else "0 or more"
        raise SchemaError(f"{where} should be {span}, not {data:g}")


# Per-point facts schema 1 kept only in pacing.points[]; schema 2 keeps them in points[].
_POINT_TIMING = ("words", "wpm", "drift", "fillers", "budget_from", "over_budget")


def from_schema_1(data: dict) -> dict:
    """A schema 1 analysis as schema 2 data: per-point timing moves from ``pacing.points[]``
    into ``points[]``; the copies of the target, the recording's length and the transcript's
    engine, model and language go. Values are not checked here (``from_dict`` does that)."""
    data = dict(data, schema=2)
    pacing = data.get("pacing")
    if isinstance(pacing, dict):
        pacing = {k: v for k, v in pacing.items() if k not in ("points", "target", "duration")}
        timings = data["pacing"].get("points")
        points = data.get("points")
        if isinstance(timings, list) and isinstance(points, list) and len(timings) == len(points):
            data["points"] = [
                {**{k: t[k] for k in _POINT_TIMING if k in t}, **p}
                if isinstance(p, dict) and isinstance(t, dict)
                else p
                for p, t in zip(points, timings, strict=True)
            ]
        data["pacing"] = pacing
    drop = {"talk": ("target",), "recording": ("duration",)}
    drop["transcription"] = ("engine", "model", "language")
    for block, keys in drop.items():
        if isinstance(data.get(block), dict):
            data[block] = {k: v for k, v in data[block].items() if k not in keys}
    return data


def analysis_folder(path: str | Path) -> Path:
    """The report folder of an analysis.json path (or the folder itself)."""
    path = Path(path)
    return path if path.is_dir() else path.parent
