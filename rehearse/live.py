"""A live rehearsal: audio chunks in, the live view out (streaming transcription feeding the
follower). The web app, the benchmark and the terminal drive it the same way: ``add`` audio as
it comes, ``step`` whenever a pass is due, ``finish`` at the end; the recording so far is kept
(``samples``) for the analysis after the stop."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rehearse.align.live import Follower, LiveView
from rehearse.audio import SAMPLE_RATE
from rehearse.models import Notes, Word
from rehearse.transcribe.stream import Pass, Streamer, StreamOptions


@dataclass
class LiveRehearsal:
    """One rehearsal followed live: ``model`` from ``transcribe.stream.live_model``."""

    notes: Notes
    model: object
    language: str
    target: float | None = None
    options: StreamOptions | None = None
    view: LiveView | None = None
    _chunks: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.streamer = Streamer(self.model, self.options or StreamOptions(self.language))
        self.follower = Follower(self.notes, self.language, self.target)
        self.view = self.follower.view(0.0)

    @property
    def heard(self) -> float:
        return self.streamer.heard

    @property
    def words(self) -> list[Word]:
        return self.streamer.committed

    def add(self, samples: np.ndarray) -> None:
        """Append 16 kHz mono float32 samples."""
        samples = np.asarray(samples, dtype=np.float32).ravel()
        self._chunks.append(samples)
        self.streamer.add(samples)

    def ready(self) -> bool:
        return self.streamer.ready()

    def step(self) -> Pass:
        """One transcription pass and the view it gives."""
        done = self.streamer.step()
        self.view = self.follower.update(done.committed, done.heard, self.streamer.tentative)
        return done

    def finish(self) -> LiveView:
        """Commit what the last pass heard: the view at the end."""
        rest = self.streamer.finish()
        self.view = self.follower.update(rest, self.heard)
        return self.view

    def samples(self) -> np.ndarray:
        """Everything heard so far."""
        if not self._chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._chunks)

    def seconds(self) -> float:
        return sum(len(c) for c in self._chunks) / SAMPLE_RATE
