"""The stages of an analysis, each named, and progress through them as one share of the whole.

The library tells a ``Tracker`` when a stage starts and how far it has got (in the stage's own
unit: seconds of audio while decoding and transcribing); the tracker turns that into a
``Step`` (the stage, a line saying what is happening, the share of the whole analysis done)
for whoever shows it: cli.py draws a bar, nothing else does. The share weighs each stage by
what it costs (``COST``, measured on 2 cores with base), so the bar moves at about an even
pace, never goes back, and ends at 100 % when ``finish`` is called. A stage that is not run (a
cached transcript skips decoding, the language check and transcribing) drops out of the whole.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cost:
    """What a stage costs: seconds of work per second of audio, plus fixed seconds."""

    per_audio: float
    fixed: float


# Measured with benchmarks/long_talk.py and the tests' clips (2 cores, base, English): only
# the shares matter, and a wrong one makes the bar speed up or slow down between stages,
# never go back. Transcription is the bulk; the model load counts to the language check.
COST = {
    "decoding": Cost(0.0005, 0.1),  # PyAV streams an MP3 at ~2000x real time
    "language": Cost(0.0, 2.0),  # loading Whisper, 1-3 detections of 30 s
    "transcribing": Cost(0.09, 0.0),
    "aligning": Cost(0.002, 1.5),
    "voice": Cost(0.004, 0.2),  # decoding again, DIO + StoneMask per 10 s block
    "report": Cost(0.0002, 2.0),  # charts, HTML, Markdown, captions
}
LABELS = {
    "decoding": "Decoding the recording",
    "language": "Loading Whisper, checking the language",
    "transcribing": "Transcribing",
    "aligning": "Aligning to the notes",
    "voice": "Measuring the voice",
    "report": "Writing the report",
}
TRANSCRIPTION = ("decoding", "language", "transcribing")
ANALYSIS = (*TRANSCRIPTION, "aligning", "voice")
ANALYSIS_AND_REPORT = (*ANALYSIS, "report")
# The length assumed until the recording's is known (its container states none): only the
# shares of the first stages depend on it, and those are shown for a second or two.
UNKNOWN_LENGTH = 600.0  # s
LEFT_AFTER = 5.0  # s into a stage before its time left is estimated from its pace so far


@dataclass(frozen=True)
class Step:
    """Where an analysis is: ``stage`` (a key of ``LABELS``, or "done"), how far into it
    (``done`` of ``total`` in its unit; seconds of audio when ``audio``), the share of the
    whole analysis done, and the seconds the stage still needs (when it can tell)."""

    stage: str
    fraction: float
    done: float = 0.0
    total: float | None = None
    audio: bool = False
    left: float | None = None

    @property
    def label(self) -> str:
        """'Transcribing 12.5 of 60.0 min of audio, about 4:10 left'."""
        if self.stage == "done":
            return "Done"
        text = LABELS[self.stage]
        if self.audio and self.total:
            text += f" {self.done / 60:.1f} of {self.total / 60:.1f} min of audio"
        if self.left is not None:
            minutes, seconds = divmod(round(self.left), 60)
            text += f", about {minutes}:{seconds:02d} left"
        return text


class Tracker:
    """Progress through ``stages`` (in their order), reported as ``Step``s to ``show``."""

    def __init__(
        self, show: Callable[[Step], None] | None = None, stages: Sequence[str] = ANALYSIS
    ) -> None:
        unknown = [s for s in stages if s not in COST]
        if unknown:
            raise ValueError(f"unknown stage {unknown[0]!r}")
        self.show = show
        self.stages = tuple(stages)
        self.skipped: set[str] = set()
        self.length: float | None = None
        self.shown = 0.0
        self._stage: str | None = None
        self._total: float | None = None
        self._audio = False
        self._began = 0.0

    def audio_length(self, seconds: float | None) -> None:
        """The recording's length in seconds, once known (it sets the stages' weights)."""
        if seconds:
            self.length = seconds

    def skip(self, *stages: str) -> None:
        """``stages`` will not run: they drop out of the whole."""
        self.skipped.update(s for s in stages if s in self.stages)

    def start(
        self, stage: str, total: float | None = None, *, audio: bool = False
    ) -> Callable[[float], None]:
        """Enter ``stage`` (the stages before it are over); returns the function that takes
        how much of ``total`` is done."""
        if stage not in self.stages:
            raise ValueError(f"stage {stage!r} is not one of {self.stages}")
        log.info("stage: %s", stage)
        self._stage, self._total, self._audio = stage, total, audio
        self._began = time.monotonic()
        self._report(0.0)
        return self._report

    def finish(self) -> None:
        """Everything is done: the share goes to 100 %."""
        self._stage = None
        self._emit(Step("done", 1.0))

    def _report(self, done: float) -> None:
        stage, total = self._stage, self._total
        if stage is None:
            return
        part = min(max(done / total, 0.0), 1.0) if total else 0.0
        weights = {s: self._weight(s) for s in self.stages if s not in self.skipped}
        before = sum(w for s, w in weights.items() if self._order(s) < self._order(stage))
        whole = sum(weights.values()) or 1.0
        fraction = (before + part * weights.get(stage, 0.0)) / whole
        elapsed = time.monotonic() - self._began
        left = None
        if total and 0 < done < total and elapsed >= LEFT_AFTER:
            left = elapsed / done * (total - done)
        self._emit(Step(stage, fraction, done, total, self._audio, left))

    def _emit(self, step: Step) -> None:
        self.shown = min(max(step.fraction, self.shown), 1.0)  # never backwards
        if self.show:
            self.show(replace(step, fraction=self.shown))

    def _order(self, stage: str) -> int:
        return self.stages.index(stage)

    def _weight(self, stage: str) -> float:
        cost = COST[stage]
        return cost.per_audio * (self.length or UNKNOWN_LENGTH) + cost.fixed
