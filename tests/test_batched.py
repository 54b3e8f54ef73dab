"""Batched decoding of our own chunks against the plain path (real Whisper base, a real reading)."""

from __future__ import annotations

import difflib
import statistics
from dataclasses import replace
from pathlib import Path

import pytest
from test_windows import words  # the words of a transcript, folded, with their times

from rehearse.audio import scan
from rehearse.transcribe import TranscribeOptions, cache_key, transcribe, weights, windows

SOURCES = Path(__file__).parent.parent / "benchmarks" / "sources"


@pytest.mark.slow
def test_batched_chunks_hear_the_same_words_at_the_same_times(tmp_path):
    """The 72 s human reading, cut into three chunks decoded two at a time (two batches),
    against the plain path: the same words in the same order, each starting within 0.5 s of
    its plain start (most within 0.1 s), none across a chunk's edge."""
    recording = SOURCES / "babylon.mp3"
    levels = scan(recording)
    chunks = windows.plan(levels.quiet(), levels.duration, windows.CHUNK)
    assert len(chunks) == 3 and all(c.duration <= 30.0 for c in chunks)
    options = TranscribeOptions(language="en", cache_dir=tmp_path)
    plain = words(transcribe(recording, options).transcript)
    batched_transcript = transcribe(recording, replace(options, batch_size=2)).transcript
    batched = words(batched_transcript)
    assert [start for _, start, _ in batched] == sorted(start for _, start, _ in batched)
    matcher = difflib.SequenceMatcher(
        a=[t for t, *_ in plain], b=[t for t, *_ in batched], autojunk=False
    )
    assert matcher.ratio() >= 0.97
    assert abs(len(batched) - len(plain)) <= 2
    offsets = [
        abs(plain[i][1] - batched[j][1])
        for block in matcher.get_matching_blocks()
        for i, j in zip(
            range(block.a, block.a + block.size), range(block.b, block.b + block.size), strict=True
        )
    ]
    assert max(offsets) <= 0.5
    assert statistics.median(offsets) <= 0.1
    for edge in (c.end for c in chunks[:-1]):
        assert not any(start < edge < end for _, start, end in batched), edge
    assert len(batched_transcript.segments) <= len(chunks)  # a chunk is one segment


def test_a_batched_transcript_is_cached_apart_from_a_plain_one():
    source = weights.ModelSource("faster", "base", "base", True, "base")
    plain = cache_key("x", source, TranscribeOptions())
    batched = cache_key("x", source, TranscribeOptions(batch_size=4))
    assert "chunk" not in plain and batched["chunk"] == windows.CHUNK
    assert cache_key("x", replace(source, engine="openai"), TranscribeOptions(batch_size=4)) == (
        cache_key("x", replace(source, engine="openai"), TranscribeOptions())
    )
