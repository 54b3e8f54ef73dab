"""Word timestamps as a listener would place them.

Whisper's word times tend to swallow the silence next to a word: the word after a pause
often "starts" in the middle of it, and about a quarter of the pauses between sentences come
out as no gap at all. At transcription ``snap_to_silence`` moves word edges out of the
silences the audio really has; every stage that reads times (alignment, pacing) uses
``spoken_words``, which also cuts implausibly long words back to what their letters allow.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rehearse.audio import longest_quiet
from rehearse.hesitations import is_hesitation
from rehearse.models import Segment, Transcript, Word

WORD_BASE, WORD_PER_LETTER = 0.3, 0.1  # s; longest plausible word = base + per letter
# s; a silence this long between two words is a pause (word edges snap to it; alignment ranks
# breaks among such gaps); lower counts stop consonants as pauses, higher misses short breaks.
PAUSE = 0.15
SHORTEST_WORD = 0.05  # s; a word keeps at least this much of itself when its edge moves


def snap_to_silence(segments: list[Segment], quiet: np.ndarray) -> list[Segment]:
    """``segments`` with each pair of neighbouring words split at the longest silence
    between them (``quiet``: per 10 ms frame, from ``audio.Levels.quiet``) when it lasts
    ``PAUSE`` or more: the first word ends where the silence starts, the next begins where
    it ends. Words keep their order; a word never shrinks below ``SHORTEST_WORD``."""
    words = [w for s in segments for w in s.words]
    starts = [w.start for w in words]
    ends = [w.end for w in words]
    for i in range(len(words) - 1):
        low = max(starts[i] + SHORTEST_WORD, ends[i] - 1.0)
        high = min(ends[i + 1] - SHORTEST_WORD, starts[i + 1] + 1.0)
        silence = longest_quiet(quiet, low, high)
        if silence and silence[1] - silence[0] >= PAUSE:
            ends[i], starts[i + 1] = round(silence[0], 3), round(silence[1], 3)
    out, k = [], 0
    for s in segments:
        moved = []
        for w in s.words:
            moved.append(Word(w.text, starts[k], max(ends[k], starts[k]), w.probability))
            k += 1
        out.append(replace(s, words=tuple(moved)))
    return out


def spoken_words(transcript: Transcript) -> list[Word]:
    """The transcript's words with letters or digits, in time order, implausible lengths cut."""
    words, opens = [], []
    for segment in transcript.segments:
        for i, word in enumerate(segment.words):
            if any(c.isalnum() for c in word.text):
                words.append(word)
                opens.append(i == 0)
    order = sorted(range(len(words)), key=lambda i: words[i].start)
    words, opens = [words[i] for i in order], [opens[i] for i in order]
    out = []
    for i, word in enumerate(words):
        before = word.start - words[i - 1].end if i else word.start
        after = words[i + 1].start - word.end if i + 1 < len(words) else 0.0
        out.append(_trim(word, at_start=opens[i] or before >= after, language=transcript.language))
    return out


def _trim(word: Word, *, at_start: bool, language: str | None) -> Word:
    """Cut a word longer than its letters allow; hesitations may be long and are kept."""
    letters = sum(c.isalnum() for c in word.text)
    longest = WORD_BASE + WORD_PER_LETTER * letters
    if word.end - word.start <= longest or is_hesitation(word.text, language):
        return word
    if at_start:
        return Word(word.text, round(word.end - longest, 3), word.end, word.probability)
    return Word(word.text, word.start, round(word.start + longest, 3), word.probability)
