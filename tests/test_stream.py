"""Streaming transcription (transcribe/stream.py) with the real base model on a real voice: the
words it commits chunk by chunk match the offline transcript, at the same times, and never
change once committed."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from clips import decode
from model_json import from_json
from rapidfuzz.distance import Levenshtein

from rehearse.audio import SAMPLE_RATE
from rehearse.models import Transcript
from rehearse.transcribe.stream import Streamer, StreamOptions, _key, live_model

CASES = Path(__file__).parent.parent / "benchmarks" / "cases" / "tune"
RECORDING = CASES / "babylon-cut.wav"  # a human voice (LJSpeech), English
OFFLINE = CASES / "transcripts" / "faster" / "babylon-cut.json"  # base, beam 5, whole file
SECONDS = 40.0  # of it streamed (a second trim of the buffer included)
WORD_ERRORS = 0.1  # greedy live passes against the offline beam-5 transcript
TIME_MEDIAN, TIME_MAX = 0.15, 1.0  # s between a word's live and offline start


@pytest.fixture(scope="module")
def streamed() -> tuple[Streamer, list[list]]:
    samples = decode(RECORDING)[: int(SECONDS * SAMPLE_RATE)]
    streamer = Streamer(live_model(), StreamOptions("en"))
    snapshots = []
    for i in range(0, len(samples), SAMPLE_RATE):
        streamer.add(samples[i : i + SAMPLE_RATE])
        if streamer.ready():
            streamer.step()
            snapshots.append(list(streamer.committed))
    streamer.finish()
    return streamer, snapshots


def offline_words() -> list:
    transcript = from_json(Transcript, OFFLINE.read_text())
    words = [w for s in transcript.segments for w in s.words if _key(w)]
    return [w for w in words if w.end <= SECONDS - 0.5]


def test_streamed_words_match_the_offline_transcript(streamed) -> None:
    streamer, _ = streamed
    live = [w for w in streamer.committed if w.end <= SECONDS - 0.5]
    reference = offline_words()
    keys = [_key(w) for w in reference], [_key(w) for w in live]
    errors = Levenshtein.distance(*keys)
    assert errors / len(reference) <= WORD_ERRORS, (errors, len(reference))
    # the same words at the same times: the words the edit script keeps, paired
    pairs = [
        (reference[block.src_start + i].start, live[block.dest_start + i].start)
        for block in Levenshtein.opcodes(*keys)
        if block.tag == "equal"
        for i in range(block.src_end - block.src_start)
    ]
    assert len(pairs) >= 0.8 * len(reference)
    gaps = np.abs(np.subtract(*zip(*pairs, strict=True)))
    assert np.median(gaps) <= TIME_MEDIAN and gaps.max() <= TIME_MAX, gaps


def test_committed_words_never_change_and_keep_time_order(streamed) -> None:
    streamer, snapshots = streamed
    for before, after in itertools.pairwise(snapshots):
        assert after[: len(before)] == before
    starts = [w.start for w in streamer.committed]
    assert starts == sorted(starts)
    assert streamer.committed[-1].end <= SECONDS + 0.1
