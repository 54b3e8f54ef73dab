"""Short recordings decoded whole, for the tests and the benchmarks (which put this folder on
their path): the library reads a talk as a stream (``rehearse.audio.scan`` and ``spans``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.audio import (
    SAMPLE_RATE,
    Levels,
    audio_file,
    check_sound,
    measure_levels,
    stream,
)
from rehearse.files import sha256_file


@dataclass(frozen=True)
class Audio:
    """A decoded recording: 16 kHz mono float32 samples in [-1, 1] (short clips; a whole talk
    goes through ``stream`` instead)."""

    path: str
    samples: np.ndarray = field(repr=False, compare=False)
    sha256: str
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def levels(self) -> Levels:
        return measure_levels([self.samples])

    def speech_start(self) -> float:
        """Seconds to the first frame with speech-like energy (0.0 if none)."""
        return self.levels().speech_start()


def load_audio(path: str | Path, *, sha256: str | None = None) -> Audio:
    """Decode ``path`` whole to 16 kHz mono float32; AudioError if missing, empty, corrupt or
    silent. ``sha256``: the file's hash when the caller already has it. For short clips: a
    talk is read with ``scan`` and ``spans``."""
    path = audio_file(path)
    samples = decode(path)
    check_sound(path, measure_levels([samples]))
    return Audio(str(path), samples, sha256 or sha256_file(path))


def decode(path: Path) -> np.ndarray:
    """All audio of the first audio stream as 16 kHz mono float32, in one array."""
    blocks = list(stream(path))
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
