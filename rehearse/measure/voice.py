"""Voice: pitch variation (monotone stretches), loudness and trailing off, from the audio.

Definitions (the report states them too):

- *Pitch* is the fundamental frequency (F0) tracked every 10 ms by WORLD's DIO with StoneMask
  refinement (pyworld), block by block over the decoded samples, so memory stays flat.
- *Pitch variation* of a 10 s window is the standard deviation of its voiced frames' F0 in
  semitones relative to the speaker's median F0, so men's and women's voices compare. This is
  Hincks's measure (Hincks 2005, "Measures and perceptions of liveliness in student oral
  presentation speech", System 33: F0 spread per 10 s window correlated r = .83 with
  listeners' liveliness ratings); she divides the spread in Hz by the mean (PVQ), which is
  the spread in semitones over 17.3.
- A window is *monotone* when its variation is low both for this speaker (below
  ``MONOTONE_SHARE`` of their median window) and in absolute terms (below ``MONOTONE_ST``);
  neighbouring monotone windows merge into spans.
- *Loudness* is the RMS level in dBFS of the voiced frames (pauses left out); phones apply
  automatic gain control, which flattens it, so it is reported, not judged, except when the
  whole talk is very quiet.
- A sentence (from the transcript's punctuation) *trails off* when its last ``EDGE`` seconds of
  voiced speech are ``TRAIL_DB`` or more below its first (median levels). Voiced frames only,
  since Whisper's word times include silence; an end fading into a whisper counts by its last
  voiced part.
- No verdict when there is too little voiced speech or the speech is barely above the noise.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from rehearse.audio import SAMPLE_RATE, db
from rehearse.models import PointReport, PointVoice, Transcript, Voice, VoiceSpan, VoiceWindow
from rehearse.textnorm import SENTENCE_END

FRAME = 0.01  # s; one F0 and level value per 10 ms
WINDOW = 10.0  # s; Hincks's window for the pitch spread
F0_RANGE = (60.0, 500.0)  # Hz; the speaking voices of men, women and children
# DIO's decimation: 2 analyses at 8 kHz, four times faster than 1 at a cost of a few cents of
# accuracy (tests hold synthetic F0 to 2 %); the recording's F0 is far below 4 kHz.
DIO_SPEED = 2
# A frame this far (semitones) from its window's median is an octave error of the tracker, not
# intonation: a larger bound lets octave jumps inflate the spread, a smaller one cuts real peaks.
OUTLIER_ST = 10.0
MIN_WINDOW_VOICED = 2.0  # s; fewer voiced seconds in a window give no spread (too few frames)
# Monotone: below this spread in semitones in absolute terms (Hincks's PVQ 0.116 x 17.3). Set
# between what we measured, not taken from the paper: espeak-ng at its lowest and default pitch
# range 0.4-1.7 st, the real readings in benchmarks/sources 2.3-4.0 st (tests/test_voice.py).
# Lower flags fewer stretches; higher flags calm but lively-enough speech.
MONOTONE_ST = 2.0
# ...and below this share of the speaker's own median window: monotone for this speaker.
MONOTONE_SHARE = 0.7
MIN_VOICED = 15.0  # s of voiced speech for any verdict; less is too short to judge a voice
# Speech must stand this far (dB) above the noise floor for a verdict; below NOISY_DB a warning.
TOO_NOISY_DB = 10.0
NOISY_DB = 20.0
QUIET_DB = -35.0  # dBFS; voiced speech quieter than this overall: "recorded quietly"
DB_FLOOR = 1e-5  # amplitude taken for a silent frame's level (-100 dBFS)
CLIP_LEVEL = 0.999  # of full scale: a sample this loud is clipped
CLIP_SHARE = 0.0005  # share of clipped samples above which the recording is said to clip
EDGE = 0.6  # s of voiced speech; a sentence's first and last are compared for trailing off
# Trailing off: the median level of the last EDGE voiced seconds this many dB below that of the
# first. Measured on the real readings in benchmarks/cases (babylon, ivory-trade, sonnets):
# their sentence ends fall -6 to +8 dB (a statement's natural fall), and only 2 of 25 sentences
# (both in the sonnets, read fading) fall more than 10 dB. Lower flags ordinary ends.
TRAIL_DB = 10.0
MIN_SENTENCE = 1.5  # s; shorter sentences have no separate start and end
NO_VERDICT = "no voice verdict"  # opens the warning that says why there is none


@dataclass(frozen=True)
class Frames:
    """Per 10 ms frame of the recording: F0 in Hz (0: unvoiced) and level in dBFS; and how
    many samples were clipped."""

    f0: np.ndarray
    level: np.ndarray
    clipped: int
    samples: int

    @property
    def voiced(self) -> np.ndarray:
        return self.f0 > 0


def measure_voice(
    audio: np.ndarray | Iterable[np.ndarray],
    transcript: Transcript,
    points: Sequence[PointReport] = (),
    progress: Callable[[float], None] | None = None,
) -> Voice:
    """The voice of a rehearsal from its decoded 16 kHz samples (an array, or consecutive
    blocks of ``WINDOW`` seconds as ``audio.stream`` gives them), its transcript (for
    sentences) and its points (to name the point of each span). ``progress(seconds done)``
    after each block."""
    frames = track(blocks(audio) if isinstance(audio, np.ndarray) else audio, progress)
    floor, speech = noise_floor(frames), speech_level(frames)
    warnings = quality_warnings(frames, floor, speech)
    voiced_seconds = float(np.count_nonzero(frames.voiced) * FRAME)
    if voiced_seconds < MIN_VOICED or speech - floor < TOO_NOISY_DB:
        return Voice(
            measured=False,
            verdict="not measured",
            noise_floor_db=_round(floor),
            warnings=(*warnings, _no_verdict(voiced_seconds, speech - floor)),
        )
    median_f0 = float(np.median(frames.f0[frames.voiced]))
    windows = pitch_windows(frames, median_f0)
    spreads = [w.pitch_variation_st for w in windows if w.pitch_variation_st is not None]
    spread = float(np.median(spreads)) if spreads else None
    drops = sentence_drops(sentence_spans(transcript), frames)
    sentences = [(start, end) for start, end, _ in drops]
    trailing = trailing_off(drops, points)
    return Voice(
        measured=spread is not None,
        verdict=verdict(spread),
        pitch_variation_st=_round(spread),
        median_f0_hz=_round(median_f0, 1),
        loudness_db=_round(speech),
        noise_floor_db=_round(floor),
        windows=windows,
        monotone=monotone_spans(windows, spread, points, len(frames.f0) * FRAME),
        sentences=len(sentences),
        trailing_off_share=round(len(trailing) / len(sentences), 3) if sentences else None,
        trailing_off=trailing,
        points=point_voices(sentences, trailing, points),
        warnings=tuple(warnings),
    )


# --- step 1: F0 and level per frame, block by block ------------------------------------------


def blocks(samples: np.ndarray, seconds: float = WINDOW) -> Iterator[np.ndarray]:
    """The samples in blocks of ``seconds`` (views, not copies)."""
    size = int(seconds * SAMPLE_RATE)
    for start in range(0, len(samples), size):
        yield samples[start : start + size]


def track(chunks: Iterable[np.ndarray], progress: Callable[[float], None] | None = None) -> Frames:
    """F0 (DIO + StoneMask) and RMS level per 10 ms frame of each block of samples; only one
    block is in float64 at a time."""
    world = _pyworld()
    hop = int(FRAME * SAMPLE_RATE)
    f0s, levels, clipped, total = [], [], 0, 0
    for chunk in chunks:
        count = len(chunk) // hop
        if count == 0:
            continue
        x = np.asarray(chunk[: count * hop], dtype=np.float64)
        f0, times = world.dio(
            x, SAMPLE_RATE, f0_floor=F0_RANGE[0], f0_ceil=F0_RANGE[1],
            frame_period=FRAME * 1000, speed=DIO_SPEED,
        )  # fmt: skip
        f0 = world.stonemask(x, f0, times, SAMPLE_RATE)
        frames = x.reshape(count, hop)
        f0s.append(_fit(f0, count))
        levels.append(db(np.sqrt(np.einsum("ij,ij->i", frames, frames) / hop), DB_FLOOR))
        clipped += int(np.count_nonzero(np.abs(x) >= CLIP_LEVEL))
        total += len(x)
        if progress:
            progress(total / SAMPLE_RATE)
    if not f0s:
        return Frames(np.zeros(0), np.zeros(0), 0, 0)
    return Frames(np.concatenate(f0s), np.concatenate(levels), clipped, total)


def _fit(f0: np.ndarray, count: int) -> np.ndarray:
    """DIO's frames (centred at 0, 10 ms, ...) cut or padded to the block's ``count`` frames."""
    f0 = f0[:count]
    return np.pad(f0, (0, count - len(f0))) if len(f0) < count else f0


@cache
def _pyworld():
    """pyworld's compiled module. pyworld 0.3.5's package __init__ imports pkg_resources only
    to read its own version, and setuptools 81+ no longer has it: then the compiled module is
    loaded directly (it needs nothing from the package)."""
    try:
        from pyworld import pyworld

        return pyworld
    except ModuleNotFoundError as exc:
        if exc.name != "pkg_resources":
            raise
    spec = importlib.util.find_spec("pyworld")
    folder = Path(next(iter(spec.submodule_search_locations)))
    library = next(
        p for s in importlib.machinery.EXTENSION_SUFFIXES for p in folder.glob(f"pyworld{s}")
    )
    module_spec = importlib.util.spec_from_file_location("pyworld.pyworld", library)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


# --- step 2: the recording's quality ---------------------------------------------------------


def noise_floor(frames: Frames) -> float:
    """The background level: the 10th percentile of the frame levels (dBFS)."""
    return float(np.percentile(frames.level, 10)) if len(frames.level) else -100.0


def speech_level(frames: Frames) -> float:
    """RMS level of all voiced frames together (dBFS)."""
    return _power_mean(frames.level[frames.voiced])


def quality_warnings(frames: Frames, floor: float, speech: float) -> list[str]:
    """Clipping, a noisy floor and a very quiet recording, each as one sentence."""
    warnings = []
    if frames.samples and frames.clipped / frames.samples > CLIP_SHARE:
        share = 100 * frames.clipped / frames.samples
        warnings.append(
            f"the recording clips ({share:.2f} % of samples at full scale): "
            "move the microphone back or lower its gain"
        )
    if TOO_NOISY_DB <= speech - floor < NOISY_DB:
        warnings.append(
            f"noisy background: speech is only {speech - floor:.0f} dB above the noise floor "
            f"({floor:.0f} dBFS), so the voice measures are rough"
        )
    if np.isfinite(speech) and speech < QUIET_DB:
        warnings.append(
            f"recorded quietly (speech at {speech:.0f} dBFS): move the microphone closer "
            "(a phone's automatic gain usually hides this)"
        )
    return warnings


def _no_verdict(voiced: float, snr: float) -> str:
    if voiced < MIN_VOICED:
        return (
            f"{NO_VERDICT}: only {voiced:.0f} s of voiced speech "
            f"(at least {MIN_VOICED:.0f} s needed)"
        )
    return f"{NO_VERDICT}: speech is only {snr:.0f} dB above the background noise"


# --- step 3: pitch variation per 10 s window, monotone spans ---------------------------------


def pitch_windows(frames: Frames, median_f0: float) -> tuple[VoiceWindow, ...]:
    """Each 10 s window with voiced speech: its pitch spread in semitones re the speaker's
    median F0 (octave errors left out) and its voiced loudness."""
    per = int(WINDOW / FRAME)
    windows = []
    for first in range(0, len(frames.f0), per):
        f0 = frames.f0[first : first + per]
        voiced = f0 > 0
        if not voiced.any():
            continue
        semitones = 12 * np.log2(f0[voiced] / median_f0)
        semitones = semitones[np.abs(semitones - np.median(semitones)) <= OUTLIER_ST]
        seconds = float(np.count_nonzero(voiced) * FRAME)
        spread = float(np.std(semitones)) if seconds >= MIN_WINDOW_VOICED else None
        windows.append(
            VoiceWindow(
                start=round(first * FRAME, 2),
                voiced=round(seconds, 2),
                pitch_variation_st=_round(spread),
                loudness_db=_round(_power_mean(frames.level[first : first + per][voiced])),
            )
        )
    return tuple(windows)


def verdict(spread: float | None) -> str:
    if spread is None:
        return "not measured"
    return "monotone" if spread < MONOTONE_ST else "varied"


def is_monotone(window: VoiceWindow, spread: float | None) -> bool:
    """Low for this speaker and low in absolute terms."""
    v = window.pitch_variation_st
    return v is not None and spread is not None and v < MONOTONE_ST and v < MONOTONE_SHARE * spread


def monotone_spans(
    windows: Sequence[VoiceWindow],
    spread: float | None,
    points: Sequence[PointReport],
    duration: float,
) -> tuple[VoiceSpan, ...]:
    """Runs of adjacent monotone windows (up to ``duration``), each with the point said in
    its middle."""
    spans: list[tuple[float, float]] = []
    for w in windows:
        if not is_monotone(w, spread):
            continue
        if spans and abs(spans[-1][1] - w.start) < FRAME:
            spans[-1] = (spans[-1][0], min(w.start + WINDOW, duration))
        else:
            spans.append((w.start, min(w.start + WINDOW, duration)))
    return tuple(VoiceSpan(a, round(b, 2), point_at((a + b) / 2, points)) for a, b in spans)


# --- step 4: sentences that trail off ---------------------------------------------------------


def sentence_spans(transcript: Transcript) -> list[tuple[float, float]]:
    """(start, end) of each sentence of at least ``MIN_SENTENCE`` s; a sentence ends at a word
    ending in . ! ? or … (Whisper punctuates), or at the transcript's end."""
    spans, start = [], None
    words = transcript.words
    for i, word in enumerate(words):
        start = word.start if start is None else start
        if word.text.strip().endswith(tuple(SENTENCE_END)) or i == len(words) - 1:
            if word.end - start >= MIN_SENTENCE:
                spans.append((start, word.end))
            start = None
    return spans


def sentence_drops(
    sentences: Sequence[tuple[float, float]], frames: Frames
) -> list[tuple[float, float, float]]:
    """(start, end, dB its end is below its start) of each sentence with at least twice
    ``EDGE`` seconds of voiced speech; the others have no separate start and end."""
    edge = int(EDGE / FRAME)
    found = []
    for start, end in sentences:
        first = int(start / FRAME)
        voiced = np.flatnonzero(frames.voiced[first : int(end / FRAME)]) + first
        if len(voiced) < 2 * edge:
            continue
        head, tail = frames.level[voiced[:edge]], frames.level[voiced[-edge:]]
        found.append((start, end, float(np.median(head) - np.median(tail))))
    return found


def trailing_off(
    drops: Sequence[tuple[float, float, float]], points: Sequence[PointReport]
) -> tuple[VoiceSpan, ...]:
    """The sentences whose end is ``TRAIL_DB`` or more quieter than their start."""
    return tuple(
        VoiceSpan(start, end, point_at(start, points), round(drop, 1))
        for start, end, drop in drops
        if drop >= TRAIL_DB
    )


def point_voices(
    sentences: Sequence[tuple[float, float]],
    trailing: Sequence[VoiceSpan],
    points: Sequence[PointReport],
) -> tuple[PointVoice, ...]:
    """Per point said: its sentences and how many trail off."""
    said = [p for p in points if p.start is not None]
    starts = [point_at(s, said) for s, _ in sentences]
    trails = [t.point_number for t in trailing]
    return tuple(
        PointVoice(p.number, starts.count(p.number), trails.count(p.number))
        for p in said
        if starts.count(p.number)
    )


def point_at(time: float, points: Sequence[PointReport]) -> int | None:
    """The number of the point being said at ``time`` (the latest-starting one), or None."""
    found = [
        p for p in points if p.start is not None and p.end is not None and p.start <= time <= p.end
    ]
    return max(found, key=lambda p: p.start).number if found else None


# --- helpers ----------------------------------------------------------------------------------


def _power_mean(levels: np.ndarray) -> float:
    """The level of frames together: the mean of their powers, in dB."""
    if not len(levels):
        return float("nan")
    return float(10 * np.log10(np.mean(10 ** (levels / 10))))


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)
