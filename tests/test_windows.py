"""Transcription windows: where a recording is cut, and a windowed transcript against the
transcript of the same recording in one piece (real Whisper base, a real reading)."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehearse.audio import QUIET_FRAME, scan
from rehearse.transcribe.windows import SEARCH, Window, plan

SOURCES = Path(__file__).parent.parent / "benchmarks" / "sources"


def quiet_at(duration: float, *silences: tuple[float, float]) -> np.ndarray:
    quiet = np.zeros(int(duration / QUIET_FRAME), dtype=bool)
    for start, end in silences:
        quiet[int(start / QUIET_FRAME) : int(end / QUIET_FRAME)] = True
    return quiet


def test_a_short_recording_is_one_window():
    assert plan(quiet_at(100.0), 100.0, size=180.0) == [Window(0.0, 100.0)]


def test_a_window_ends_in_the_middle_of_the_longest_silence_near_its_end():
    quiet = quiet_at(400.0, (155.0, 155.4), (162.0, 163.0), (170.0, 170.5), (330.0, 330.2))
    windows = plan(quiet, 400.0, size=180.0)
    assert windows[0] == Window(0.0, 162.5, 163.0)
    assert windows[1].start == 162.5
    assert windows[1].end == pytest.approx(330.1)
    assert windows[1].silence_end == pytest.approx(330.2)
    assert windows[-1].end == 400.0


def test_without_a_silence_a_window_ends_at_its_size():
    windows = plan(quiet_at(400.0, (100.0, 101.0)), 400.0, size=180.0)
    assert windows[0] == Window(0.0, 180.0, 180.0)  # 100 s is before the last SEARCH seconds
    assert SEARCH < 80.0


@given(
    duration=st.floats(1.0, 3000.0),
    size=st.floats(5.0, 400.0),
    silences=st.lists(st.tuples(st.floats(0, 3000), st.floats(0.01, 3.0)), max_size=60),
)
def test_windows_cover_the_recording_in_order(duration, size, silences):
    quiet = quiet_at(duration, *((s, s + d) for s, d in silences))
    windows = plan(quiet, duration, size=size)
    assert windows[0].start == 0.0 and windows[-1].end == duration
    for a, b in itertools.pairwise(windows):
        assert a.end == b.start
    for w in windows:
        assert 0 < w.duration <= size + 1e-3  # cuts are rounded to the millisecond
        assert w.end <= w.silence_end
    for w in windows[:-1]:
        assert w.duration >= size - min(SEARCH, size / 2) - 2 * QUIET_FRAME


def words(transcript) -> list[tuple[str, float, float]]:
    return [
        (re.sub(r"[^\w']", "", w.text.casefold()), w.start, w.end)
        for w in transcript.words
        if re.sub(r"[^\w']", "", w.text)
    ]


@pytest.mark.slow
def test_no_word_is_lost_or_doubled_at_the_window_edges(tmp_path):
    """The 72 s human reading in 30 s windows (three windows, two edges) against one
    piece: around each edge the same words, each once; in all, the same words."""
    from rehearse.transcribe import TranscribeOptions, transcribe

    recording = SOURCES / "babylon.mp3"
    levels = scan(recording)
    edges = [w.end for w in plan(levels.quiet(), levels.duration, size=30.0)[:-1]]
    assert len(edges) >= 2
    options = TranscribeOptions(language="en", cache_dir=tmp_path)
    whole = words(transcribe(recording, options).transcript)
    windowed = words(transcribe(recording, replace(options, window=30.0)).transcript)
    starts = [start for _, start, _ in windowed]
    assert starts == sorted(starts)
    for edge in edges:
        near_whole = [t for t, start, _ in whole if abs(start - edge) <= 3.0]
        near_windowed = [t for t, start, _ in windowed if abs(start - edge) <= 3.0]
        assert near_windowed == near_whole, edge
    matcher = difflib.SequenceMatcher(a=[t for t, *_ in whole], b=[t for t, *_ in windowed])
    assert matcher.ratio() >= 0.97
    assert abs(len(windowed) - len(whole)) <= 2
