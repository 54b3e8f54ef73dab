"""The data model shared end to end: transcript -> notes -> coverage -> pacing -> analysis.

Every class is a frozen dataclass made of plain values, tuples and other model
classes, so ``to_dict``/``from_dict`` give a lossless JSON round trip and the
JSON report is just ``to_dict(analysis)``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypeVar

T = TypeVar("T")

SCHEMA_VERSION = 1

Status = Literal["covered", "partial", "missed"]


# --- transcript ---------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span in seconds."""

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...]


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

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments).strip()


# --- notes --------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading (slide) of the notes."""

    title: str
    level: int
    budget: float | None = None


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

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}"


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


# --- coverage -----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the recording, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class Restart:
    """The speaker went back to ``from_point`` (its number) at ``at`` seconds and carried on
    from there through points said before."""

    at: float
    from_point: int


@dataclass(frozen=True)
class PointCoverage:
    """Whether and where one point was said: ``start``/``end`` are its last complete
    delivery, ``repeats`` its other deliveries."""

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
    over: float | None = None
    drift: float | None = None
    fillers: int = 0


@dataclass(frozen=True)
class Pause:
    start: float
    duration: float
    point: int | None = None
    between: tuple[int, int] | None = None


@dataclass(frozen=True)
class Filler:
    text: str
    start: float
    point: int | None = None


@dataclass(frozen=True)
class Repetition:
    text: str
    start: float
    point: int | None = None


@dataclass(frozen=True)
class RatePoint:
    time: float
    wpm: float


@dataclass(frozen=True)
class Pacing:
    duration: float
    speaking_time: float
    words: int
    wpm: float
    articulation_rate: float
    pace_band: tuple[float, float]
    pace_verdict: str
    points: tuple[PointPacing, ...] = ()
    pauses: tuple[Pause, ...] = ()
    fillers: tuple[Filler, ...] = ()
    filler_counts: dict[str, int] = field(default_factory=dict)
    fillers_per_minute: float = 0.0
    filler_share: float = 0.0
    fillers_undercounted: bool = False
    repetitions: tuple[Repetition, ...] = ()
    wpm_series: tuple[RatePoint, ...] = ()
    target: float | None = None


# --- analysis (the report's contract) ----------------------------------------


@dataclass(frozen=True)
class TalkInfo:
    title: str
    notes: str
    language: str | None
    target: float | None = None


@dataclass(frozen=True)
class RecordingInfo:
    path: str
    duration: float
    sha256: str


@dataclass(frozen=True)
class TranscriptionInfo:
    engine: str
    model: str
    language: str
    cached: bool = False
    seconds: float | None = None


@dataclass(frozen=True)
class PointReport:
    """One point as the report shows it: notes + coverage + timing."""

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


@dataclass(frozen=True)
class Summary:
    coverage: float
    duration: float
    skipped: tuple[int, ...]
    out_of_order: tuple[int, ...] = ()
    target: float | None = None


@dataclass(frozen=True)
class Analysis:
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


# --- serialisation ------------------------------------------------------------


def to_dict(obj: Any) -> Any:
    """A model object as JSON-ready plain data (tuples become lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a model object from ``to_dict`` output; unknown keys are ignored."""
    return _build(cls, data)


def to_json(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


def from_json(cls: type[T], text: str) -> T:
    return from_dict(cls, json.loads(text))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _build(hints[k], v) for k, v in data.items() if k in names})
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(options[0], data) if len(options) == 1 else data
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        return tuple(_build(a, v) for a, v in zip(args, data, strict=True))
    if origin is dict:
        _, value_type = typing.get_args(tp)
        return {k: _build(value_type, v) for k, v in data.items()}
    if tp is float and isinstance(data, int):
        return float(data)
    return data
