"""The voice stage against ground truth we control: synthetic voiced signals with a known F0
contour and level, espeak-ng speech with a flat and a varied pitch range, and real human
readings from benchmarks/sources ranked against flat synthetic speech."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from clips import load_audio
from model_json import from_json

from rehearse.audio import SAMPLE_RATE
from rehearse.measure.voice import (
    FRAME,
    MONOTONE_ST,
    TRAIL_DB,
    WINDOW,
    blocks,
    measure_voice,
    track,
)
from rehearse.models import (
    PointReport,
    Segment,
    Transcript,
    Voice,
    Word,
    from_dict,
    to_dict,
    to_json,
)

SOURCES = Path(__file__).resolve().parents[1] / "benchmarks" / "sources"
NO_WORDS = Transcript("en", 0.0, "test", "test", ())
F0_TOLERANCE = 0.02  # tracked F0 within 2 % of the truth...
F0_SHARE = 0.95  # ...in at least this share of the voiced frames away from syllable edges
SPREAD_TOLERANCE = 0.25  # semitones, window spread against the truth's
LEVEL_TOLERANCE = 0.5  # dB


def voiced(f0, amplitude, seconds: float, syllable: float = 0.7, gap: float = 0.3):
    """A harmonic series (10 harmonics, 1/k amplitudes) following ``f0(t)`` Hz and
    ``amplitude(t)``, voiced for ``syllable`` s then silent for ``gap`` s, like speech, over a
    faint noise floor (-80 dBFS). Returns the samples and the truth mask of voiced samples."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    phase = 2 * np.pi * np.cumsum(f0(t)) / SAMPLE_RATE
    wave = sum(np.sin(k * phase) / k for k in range(1, 11))
    on = (t % (syllable + gap)) < syllable
    noise = np.random.default_rng(0).normal(0, 1e-4, len(t))
    return (amplitude(t) * wave * on + noise).astype(np.float32), on


def harmonic_rms(amplitude: float) -> float:
    """dBFS of the harmonic series at ``amplitude``."""
    return 20 * np.log10(amplitude * np.sqrt(sum(1 / k**2 for k in range(1, 11)) / 2))


def truth_frames(f0, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The true F0 per 10 ms frame and which frames lie well inside a syllable."""
    hop = int(FRAME * SAMPLE_RATE)
    count = len(on) // hop
    centres = np.arange(count) * FRAME
    inside = np.array([on[max(0, i * hop - 480) : i * hop + 480].all() for i in range(count)])
    return f0(centres), inside


def true_spreads(f0, on: np.ndarray, seconds: float) -> list[float]:
    truth, _ = truth_frames(f0, on)
    hop = int(FRAME * SAMPLE_RATE)
    voiced_frames = on[::hop][: len(truth)]
    per = int(WINDOW / FRAME)
    median = np.median(truth[voiced_frames])
    spreads = []
    for first in range(0, len(truth), per):
        mask = voiced_frames[first : first + per]
        st = 12 * np.log2(truth[first : first + per][mask] / median)
        spreads.append(float(np.std(st)))
    return spreads


CONTOURS = {
    "flat": lambda t: np.full_like(t, 150.0),
    "varied": lambda t: 150.0 * 2 ** (4 * np.sin(2 * np.pi * 0.45 * t) / 12),
    "gliding": lambda t: 100.0 * 2 ** (t / 30),  # one octave in 30 s
}


@pytest.mark.parametrize("name", list(CONTOURS))
def test_tracks_known_f0_contours(name):
    f0 = CONTOURS[name]
    samples, on = voiced(f0, lambda t: 0.3, 30.0)
    frames = track(blocks(samples))
    truth, inside = truth_frames(f0, on)
    close = np.abs(frames.f0[inside] / truth[inside] - 1) <= F0_TOLERANCE
    assert close.mean() >= F0_SHARE, f"{name}: only {close.mean():.1%} within 2 %"

    voice = measure_voice(samples, NO_WORDS)
    measured = [w.pitch_variation_st for w in voice.windows]
    expected = true_spreads(f0, on, 30.0)
    assert measured == pytest.approx(expected, abs=SPREAD_TOLERANCE)
    # A slow glide (4 semitones per window) is as flat within a window as its truth says.
    assert voice.verdict == ("monotone" if np.median(expected) < MONOTONE_ST else "varied")
    assert voice.median_f0_hz == pytest.approx(float(np.median(truth[inside])), rel=0.03)


def test_loudness_steps_per_window():
    steps = [0.3, 0.03, 0.1]  # per 10 s window: -20 dB, then +10.5 dB
    samples, _ = voiced(CONTOURS["varied"], lambda t: np.take(steps, (t // WINDOW).astype(int)), 30)
    voice = measure_voice(samples, NO_WORDS)
    levels = [w.loudness_db for w in voice.windows]
    assert levels == pytest.approx([harmonic_rms(a) for a in steps], abs=LEVEL_TOLERANCE)


def sentence_transcript(starts, length: float) -> Transcript:
    """Three words a sentence, the last ending with a full stop."""
    words = []
    for s in starts:
        third = length / 3
        words += [
            Word("So", s, s + third, 1.0),
            Word("we", s + third, s + 2 * third, 1.0),
            Word("go.", s + 2 * third, s + length, 1.0),
        ]
    segment = Segment(starts[0], starts[-1] + length, " ".join(w.text for w in words), tuple(words))
    return Transcript("en", starts[-1] + length, "test", "test", (segment,))


def point(number: int, start: float, end: float) -> PointReport:
    return PointReport(
        number, "", f"point {number}", "covered", False, 100.0, start, end, end - start, None, ""
    )


def test_trailing_off_sentences_and_their_points():
    length, step = 3.0, 3.5
    starts = [i * step for i in range(8)]
    fading = {1, 2, 5}  # these sentences fall 25 dB over their last 0.8 s
    drop = [25.0 if i in fading else 0.0 for i in range(8)]

    def amplitude(t):
        i = np.minimum((t // step).astype(int), 7)
        into = t - i * step
        fade = np.clip((into - (length - 0.8)) / 0.8, 0, 1) * np.take(drop, i)
        return 0.3 * 10 ** (-fade / 20)

    samples, _ = voiced(CONTOURS["varied"], amplitude, 8 * step, syllable=length, gap=step - length)
    points = [point(1, 0.0, 4 * step - 0.2), point(2, 4 * step, 8 * step)]
    voice = measure_voice(samples, sentence_transcript(starts, length), points)
    assert voice.sentences == 8
    assert [round(s.start / step) for s in voice.trailing_off] == sorted(fading)
    assert all(s.drop_db >= TRAIL_DB for s in voice.trailing_off)
    assert voice.trailing_off_share == pytest.approx(3 / 8)
    assert [(p.number, p.sentences, p.trailing_off) for p in voice.points] == [(1, 4, 2), (2, 4, 1)]


def test_monotone_span_is_found_with_its_point():
    lively = CONTOURS["varied"]

    def contour(t):
        return np.where((t >= 30) & (t < 50), 150.0, lively(t))

    samples, _ = voiced(contour, lambda t: 0.3, 60.0)
    points = [point(1, 0.0, 28.0), point(2, 28.5, 60.0)]
    voice = measure_voice(samples, NO_WORDS, points)
    assert voice.verdict == "varied"
    assert [(s.start, s.end, s.point_number) for s in voice.monotone] == [(30.0, 50.0, 2)]
    assert all(w.pitch_variation_st < MONOTONE_ST for w in voice.windows[3:5])


def test_no_verdict_on_short_or_noisy_recordings_and_a_clipping_warning():
    short, _ = voiced(CONTOURS["varied"], lambda t: 0.3, 8.0)
    voice = measure_voice(short, NO_WORDS)
    assert not voice.measured and voice.pitch_variation_st is None
    assert "voiced speech" in voice.warnings[-1]

    speech, _ = voiced(CONTOURS["varied"], lambda t: 0.1, 30.0)
    noise = np.random.default_rng(1).normal(0, 0.05, len(speech)).astype(np.float32)
    voice = measure_voice(speech + noise, NO_WORDS)
    assert not voice.measured and voice.verdict == "not measured"
    assert any("no voice verdict" in w for w in voice.warnings)

    loud, _ = voiced(CONTOURS["varied"], lambda t: 0.6, 30.0)
    voice = measure_voice(np.clip(loud * 2, -1, 1), NO_WORDS)
    assert any("clips" in w for w in voice.warnings)
    assert voice.measured


TEXT = (
    "The history of the city is long and full of surprises. Kings came and went, and the "
    "walls rose higher every year. Traders brought spices, silk and stories from distant "
    "lands. Scholars wrote on clay tablets about the stars and the rivers. Today only ruins "
    "remain, but the memory of the city lives on in books and songs."
)


def espeak(tmp_path: Path, range_: str) -> np.ndarray:
    """About 40 s of espeak-ng English with the SSML pitch range ``range_``."""
    out = tmp_path / f"{range_}.wav"
    ssml = f'<speak><prosody range="{range_}">{TEXT} {TEXT}</prosody></speak>'
    subprocess.run(["espeak-ng", "-m", "-w", str(out), ssml], check=True)
    return load_audio(out).samples


@pytest.fixture(scope="module")
def flat_espeak(tmp_path_factory) -> Voice:
    return measure_voice(espeak(tmp_path_factory.mktemp("espeak"), "x-low"), NO_WORDS)


def test_espeak_flat_against_varied_pitch(flat_espeak, tmp_path):
    varied = measure_voice(espeak(tmp_path, "x-high"), NO_WORDS)
    assert flat_espeak.measured and varied.measured
    assert varied.pitch_variation_st > flat_espeak.pitch_variation_st + 1.0
    assert flat_espeak.verdict == "monotone"
    assert varied.verdict == "varied"


@pytest.mark.parametrize("name", ["babylon.mp3", "ivory-trade.ogg", "sonnets.mp3"])
def test_real_reading_is_livelier_than_flat_synthetic_speech(flat_espeak, name):
    human = measure_voice(load_audio(SOURCES / name).samples, NO_WORDS)
    assert human.measured and human.verdict == "varied"
    assert human.pitch_variation_st > 2 * flat_espeak.pitch_variation_st
    assert not human.monotone


def test_voice_round_trips_in_analysis_json(flat_espeak):
    data = to_dict(flat_espeak)
    for key in ("pitch_variation_st", "windows", "monotone", "trailing_off_share", "loudness_db"):
        assert key in data
    assert set(data["windows"][0]) >= {"start", "pitch_variation_st", "loudness_db"}
    assert from_json(Voice, to_json(flat_espeak)) == flat_espeak
    assert from_dict(Voice, data) == flat_espeak


def test_a_flat_stretch_inside_a_real_reading_is_a_monotone_span(tmp_path):
    """40 s of a real human reading, 30 s of flat espeak-ng, then the reading again, joined
    on 10 s window edges: only the espeak-ng stretch is monotone."""
    human = load_audio(SOURCES / "babylon.mp3").samples
    flat = espeak(tmp_path, "x-low")[: 30 * SAMPLE_RATE]
    cut = 40 * SAMPLE_RATE
    voice = measure_voice(np.concatenate([human[:cut], flat, human[cut:]]), NO_WORDS)
    assert voice.verdict == "varied"
    assert [(s.start, s.end) for s in voice.monotone] == [(40.0, 70.0)]


def test_espeak_sentences_ending_softly_trail_off(tmp_path):
    """espeak-ng sentences, every other one with its second half at SSML volume x-soft, laid
    end to end with their known times as the transcript's sentences."""
    sentence = "The traders brought spices and silk {}from distant lands across the sea.{}"
    said = []
    for name, (open_, close) in {
        "even": ("", ""),
        "soft": ('<prosody volume="x-soft">', "</prosody>"),
    }.items():
        out = tmp_path / f"{name}.wav"
        ssml = f"<speak>{sentence.format(open_, close)}</speak>"
        subprocess.run(["espeak-ng", "-m", "-w", str(out), ssml], check=True)
        said.append(load_audio(out).samples)
    gap = np.zeros(int(0.4 * SAMPLE_RATE), dtype=np.float32)
    pieces, starts, length = [], [], len(said[0]) / SAMPLE_RATE
    for i in range(8):
        starts.append(sum(len(p) for p in pieces) / SAMPLE_RATE)
        pieces += [said[i % 2][: len(said[0])], gap]
    voice = measure_voice(np.concatenate(pieces), sentence_transcript(starts, length))
    assert voice.measured and voice.sentences == 8
    assert [round(s.start, 2) for s in voice.trailing_off] == [round(s, 2) for s in starts[1::2]]
    assert voice.trailing_off_share == 0.5
