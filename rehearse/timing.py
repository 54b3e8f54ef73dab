"""Word timestamps as a listener would place them.

Whisper's word times tend to swallow the silence next to a word: the word after a pause
often "starts" in the middle of it. Every stage that reads times (alignment, pacing)
uses ``spoken_words``, which cuts implausibly long words back to what their letters allow.
"""

from __future__ import annotations

from rehearse import fillers as fillerlib
from rehearse.models import Transcript, Word

WORD_BASE, WORD_PER_LETTER = 0.3, 0.1  # s; longest plausible word = base + per letter


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
    if word.end - word.start <= longest or fillerlib.is_hesitation(word.text, language):
        return word
    if at_start:
        return Word(word.text, round(word.end - longest, 3), word.end, word.probability)
    return Word(word.text, word.start, round(word.start + longest, 3), word.probability)
