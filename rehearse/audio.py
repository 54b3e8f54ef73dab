"""Audio input: decode any recording with PyAV, as a stream, to 16 kHz mono float32 samples.

Both engines get these samples, so every container FFmpeg reads works (wav, mp3, m4a/aac,
ogg/opus, flac, webm, mp4 video...) without a system ffmpeg. ``stream`` decodes block by block,
so a two-hour talk never sits in memory whole: one pass measures its ``Levels`` (loudness per
10 ms frame: the silence check, where speech starts, the quiet frames between words), and
``spans`` hands on stretches of it (the language check's windows, the transcription windows).
Input that is missing, empty, corrupt or silent raises AudioError with one clear line.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rehearse.errors import AudioError, first_line

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FRAME = 0.03
SILENCE_DB = -50.0
FLOOR_MARGIN_DB = 6.0
MIN_SOUND = 0.3
QUIET_FRAME = 0.01  # s; frames for finding the silences between words
QUIET_SHARE = 0.35  # quiet: below the noise floor plus this share of the way to the median level
QUIET_BLIP = 0.03  # s; a louder blip this short inside a silence (a click, a breath) is silence
# Decoded samples are handed on in blocks this long: memory holds about one block (2 MB) while
# a recording is scanned; shorter blocks cost more Python calls per minute of audio.
BLOCK = 30.0  # s
_DB_FLOOR = 1e-10  # amplitude taken for digital silence in the levels (-200 dBFS)


@dataclass(frozen=True)
class Levels:
    """A recording measured on its stream: the mean power of each 10 ms frame, the peak sample
    and the number of samples. 2.9 MB per hour of audio."""

    power: np.ndarray = field(repr=False, compare=False)
    peak: float
    samples: int
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate

    def active_frames(self) -> np.ndarray:
        """Frames (30 ms) louder than -50 dBFS and at least 6 dB above the noise floor."""
        per = round(FRAME / QUIET_FRAME)
        count = self.samples // int(SAMPLE_RATE * FRAME)
        if count == 0:
            return np.zeros(0, dtype=bool)
        power = self.power[: count * per].reshape(count, per).mean(axis=1)
        rms_db = db(np.sqrt(power), _DB_FLOOR)
        floor = np.percentile(rms_db, 10)
        return (rms_db > SILENCE_DB) & (rms_db > floor + FLOOR_MARGIN_DB)

    def speech_start(self) -> float:
        """Seconds to the first frame with speech-like energy (0.0 if none)."""
        active = np.flatnonzero(self.active_frames())
        return float(active[0] * FRAME) if len(active) else 0.0

    def quiet(self) -> np.ndarray:
        """Per 10 ms frame: whether it is quiet for this recording, below its noise floor (10th
        percentile level) plus ``QUIET_SHARE`` of the way to its median level. The silences
        between words, judged against the room the speaker is in."""
        if not len(self.power):
            return np.zeros(0, dtype=bool)
        level = db(np.sqrt(self.power), _DB_FLOOR)
        floor, median = np.percentile(level, [10, 50])
        quiet = level < floor + QUIET_SHARE * (median - floor)
        edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))  # last frame before each change
        for a, b in itertools.pairwise(edges):
            if not quiet[a + 1] and quiet[a] and b - a <= QUIET_BLIP / QUIET_FRAME:
                quiet[a + 1 : b + 1] = True
        return quiet


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


def scan(path: str | Path, progress: Callable[[float], None] | None = None) -> Levels:
    """One pass over the decoded stream of ``path``: its ``Levels``; AudioError if it is
    missing, empty, corrupt or silent. ``progress(seconds decoded)`` after each block."""
    path = audio_file(path)
    levels = measure_levels(stream(path), progress)
    check_sound(path, levels)
    return levels


def stream(path: str | Path, *, block: float = BLOCK) -> Iterator[np.ndarray]:
    """The first audio stream of ``path`` as 16 kHz mono float32, in blocks of ``block``
    seconds (the last one shorter), decoded as they are asked for.

    Like Whisper's own loaders it goes through 16-bit PCM, so FFmpeg's downmix stays in range.
    """
    import av  # PyAV: 0.16 s to import, so only when audio is read (not for --help)

    size = round(block * SAMPLE_RATE)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path}: has no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            pending: list[np.ndarray] = []
            count = 0
            for frame in itertools.chain(_frames(container, stream, path), [None]):
                for resampled in resampler.resample(frame):
                    pending.append(resampled.to_ndarray().reshape(-1))
                    count += len(pending[-1])
                    while count >= size:
                        joined = np.concatenate(pending)
                        yield _float(joined[:size])
                        pending, count = [joined[size:]], len(joined) - size
            if count:
                yield _float(np.concatenate(pending))
    except av.FFmpegError as exc:
        reason = first_line(exc, getattr(exc, "strerror", None))
        raise AudioError(f"{path}: cannot decode audio ({reason})") from None


def spans(path: str | Path, bounds: Sequence[tuple[int, int]]) -> Iterator[np.ndarray]:
    """The samples of each ``(start, end)`` range of sample indices, from one pass over the
    stream of ``path``. Ranges may overlap, but their starts and their ends must not go
    back; memory holds one range and the blocks it touches. A range past the end comes out
    short (or empty)."""
    blocks = stream(path)
    held: list[tuple[int, np.ndarray]] = []  # (where it starts, block) that may still be needed
    read = 0  # samples read from the stream so far
    try:
        for start, end in bounds:
            held = [(at, block) for at, block in held if at + len(block) > start]
            while read < end and (block := next(blocks, None)) is not None:
                if read + len(block) > start:
                    held.append((read, block))
                read += len(block)
            parts = [
                block[max(start - at, 0) : max(min(end - at, len(block)), 0)]
                for at, block in held
                if at < end
            ]
            yield np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    finally:
        blocks.close()


def probe_duration(path: str | Path) -> float | None:
    """The length the container states, in seconds, without decoding (None if it states none)."""
    import av  # PyAV: on first use (see ``stream``)

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration is not None:
                return container.duration / av.time_base
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is not None and stream.duration is not None and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.FFmpegError, OSError):
        return None
    return None


def measure_levels(
    blocks: Iterable[np.ndarray], progress: Callable[[float], None] | None = None
) -> Levels:
    """The ``Levels`` of consecutive blocks of samples, one block in float64 at a time."""
    size = int(SAMPLE_RATE * QUIET_FRAME)
    powers, peak, total = [], 0.0, 0
    rest = np.zeros(0, dtype=np.float32)  # samples short of a whole frame, for the next block
    for block in blocks:
        total += len(block)
        if len(block):
            peak = max(peak, float(np.max(np.abs(block))))
        joined = np.concatenate((rest, block)) if len(rest) else block
        count = len(joined) // size
        frames = joined[: count * size].reshape(count, size)
        powers.append(np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / size)
        rest = joined[count * size :]
        if progress:
            progress(total / SAMPLE_RATE)
    power = np.concatenate(powers) if powers else np.zeros(0)
    return Levels(power, peak, total)


def _float(pcm: np.ndarray) -> np.ndarray:
    samples = pcm.astype(np.float32)
    samples /= 32768.0
    return samples


def _frames(container, stream, path: Path):
    """Decoded frames; a damaged packet after good audio is skipped with a warning."""
    import av  # PyAV: on first use (see ``stream``)

    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            log.warning("%s: skipped a damaged packet at %ss", path, packet.pts)


def check_sound(path: Path, levels: Levels) -> None:
    """AudioError unless the recording has samples and at least MIN_SOUND seconds rise above
    silence and the noise floor."""
    if levels.samples < SAMPLE_RATE * FRAME:
        raise AudioError(f"{path}: contains no audio samples")
    if levels.peak < 10 ** (SILENCE_DB / 20):
        peak = db(levels.peak, _DB_FLOOR)
        raise AudioError(f"{path}: the recording is silent (peak {peak:.0f} dBFS)")
    active = float(np.count_nonzero(levels.active_frames()) * FRAME)
    if active < MIN_SOUND:
        raise AudioError(
            f"{path}: no speech found, only {active:.2f} s of sound above the background noise"
        )


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


def db(value, floor: float):
    """An amplitude (RMS or peak, full scale 1) in dBFS; values below ``floor`` count as it."""
    return 20 * np.log10(np.maximum(value, floor))
