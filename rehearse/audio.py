"""Audio input: decode any recording once, with PyAV, to 16 kHz mono float32 samples.

Both engines get these samples, so every container FFmpeg reads works (wav, mp3, m4a/aac,
ogg/opus, flac, webm, mp4 video...) without a system ffmpeg. Input that is missing, empty,
corrupt or silent raises AudioError with one clear line.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.errors import AudioError
from rehearse.files import sha256_file

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FRAME = 0.03
SILENCE_DB = -50.0
FLOOR_MARGIN_DB = 6.0
MIN_SOUND = 0.3
QUIET_FRAME = 0.01  # s; frames for finding the silences between words
QUIET_SHARE = 0.35  # quiet: below the noise floor plus this share of the way to the median level
QUIET_BLIP = 0.03  # s; a louder blip this short inside a silence (a click, a breath) is silence


@dataclass(frozen=True)
class Audio:
    """A decoded recording: 16 kHz mono float32 samples in [-1, 1]."""

    path: str
    samples: np.ndarray = field(repr=False, compare=False)
    sha256: str
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def speech_start(self) -> float:
        """Seconds to the first frame with speech-like energy (0.0 if none)."""
        active = np.flatnonzero(_active_frames(self.samples))
        return float(active[0] * FRAME) if len(active) else 0.0


def audio_file(path: str | Path) -> Path:
    """``path`` if it is a non-empty file; AudioError otherwise."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if not path.is_file():
        raise AudioError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty")
    return path


def load_audio(path: str | Path, *, sha256: str | None = None) -> Audio:
    """Decode ``path`` to 16 kHz mono float32; AudioError if missing, empty, corrupt or silent.
    ``sha256``: the file's hash when the caller already has it."""
    path = audio_file(path)
    samples = decode(path)
    if len(samples) < SAMPLE_RATE * FRAME:
        raise AudioError(f"{path}: contains no audio samples")
    _check_sound(path, samples)
    return Audio(str(path), samples, sha256 or sha256_file(path))


def decode(path: Path) -> np.ndarray:
    """All audio of the first audio stream as 16 kHz mono float32.

    Like Whisper's own loaders it goes through 16-bit PCM, so FFmpeg's downmix stays in range.
    """
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path}: has no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            chunks = []
            for frame in _frames(container, stream, path):
                chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    except av.FFmpegError as exc:
        raise AudioError(f"{path}: cannot decode audio ({_reason(exc)})") from None
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate(chunks).astype(np.float32)
    samples /= 32768.0
    return samples


def _frames(container, stream, path: Path):
    """Decoded frames; a damaged packet after good audio is skipped with a warning."""
    import av

    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            log.warning("%s: skipped a damaged packet at %ss", path, packet.pts)


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _check_sound(path: Path, samples: np.ndarray) -> None:
    """AudioError unless at least MIN_SOUND seconds rise above silence and the noise floor."""
    peak = float(np.max(np.abs(samples)))
    if peak < 10 ** (SILENCE_DB / 20):
        raise AudioError(f"{path}: the recording is silent (peak {_db(peak):.0f} dBFS)")
    active = float(np.count_nonzero(_active_frames(samples)) * FRAME)
    if active < MIN_SOUND:
        raise AudioError(
            f"{path}: no speech found, only {active:.2f} s of sound above the background noise"
        )


def _active_frames(samples: np.ndarray) -> np.ndarray:
    """Frames (30 ms) louder than -50 dBFS and at least 6 dB above the noise floor."""
    size = int(SAMPLE_RATE * FRAME)
    count = len(samples) // size
    if count == 0:
        return np.zeros(0, dtype=bool)
    frames = samples[: count * size].reshape(count, size).astype(np.float64)
    rms_db = _db(np.sqrt(np.mean(frames**2, axis=1)))
    floor = np.percentile(rms_db, 10)
    return (rms_db > SILENCE_DB) & (rms_db > floor + FLOOR_MARGIN_DB)


def quiet_frames(samples: np.ndarray) -> np.ndarray:
    """Per 10 ms frame: whether it is quiet for this recording, below its noise floor (10th
    percentile level) plus ``QUIET_SHARE`` of the way to its median level. The silences
    between words, judged against the room the speaker is in."""
    size = int(SAMPLE_RATE * QUIET_FRAME)
    count = len(samples) // size
    if count == 0:
        return np.zeros(0, dtype=bool)
    frames = samples[: count * size].reshape(count, size)
    level = _db(np.sqrt(np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / size))
    floor, median = np.percentile(level, [10, 50])
    quiet = level < floor + QUIET_SHARE * (median - floor)
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))  # last frame before each change
    for a, b in itertools.pairwise(edges):
        if not quiet[a + 1] and quiet[a] and b - a <= QUIET_BLIP / QUIET_FRAME:
            quiet[a + 1 : b + 1] = True
    return quiet


def longest_quiet(quiet: np.ndarray, start: float, end: float) -> tuple[float, float] | None:
    """The longest run of quiet frames between ``start`` and ``end`` seconds, or None."""
    first, last = max(0, int(start / QUIET_FRAME)), min(len(quiet), int(end / QUIET_FRAME) + 1)
    if last <= first:
        return None
    padded = np.concatenate(([False], quiet[first:last], [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    if not len(edges):
        return None
    runs = edges.reshape(-1, 2)
    a, b = runs[int(np.argmax(runs[:, 1] - runs[:, 0]))]
    return float((first + a) * QUIET_FRAME), float((first + b) * QUIET_FRAME)


def _db(value):
    return 20 * np.log10(np.maximum(value, 1e-10))
