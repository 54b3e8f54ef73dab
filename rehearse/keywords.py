"""The key words of a partly said point that were never heard in its passage: what a speaker
can add next time ("missing: Sotrenderze, MLOps")."""

from __future__ import annotations

import math
from collections import Counter

from rapidfuzz import fuzz

from rehearse.models import Coverage, Notes, Transcript
from rehearse.textnorm import fold, is_stopword, split_words, word_forms
from rehearse.timing import spoken_words

# rapidfuzz ratio (0-100) from which a written word counts as heard: Whisper's spellings of a
# word ("Sotrenderze" / "Sotrender'ze") pass, different words of one stem mostly do not.
HEARD_RATIO = 80
SHORT = 3  # forms this short must match exactly ("ML" is not "MS")
MAX_MISSING = 5  # the rarest few; a long list stops being advice


def missing_words(
    notes: Notes, transcript: Transcript, coverage: Coverage
) -> dict[int, tuple[str, ...]]:
    """Point index -> up to ``MAX_MISSING`` written words of each partly said point not heard
    between its start and end, rarest across the notes first."""
    language = notes.language or transcript.language
    words = spoken_words(transcript)
    written = {p.index: _content_words(p.text, language) for p in notes.points}
    df = Counter(form for forms in written.values() for form in {f[-1] for _, f in forms})
    out: dict[int, tuple[str, ...]] = {}
    for cov in coverage.points:
        if cov.status != "partial" or cov.start is None or cov.end is None:
            continue
        spoken = [w.text for w in words if cov.start <= (w.start + w.end) / 2 <= cov.end]
        heard = {f for text in spoken for word in split_words(text) for f in _forms(word, language)}
        unheard = [(text, forms) for text, forms in written[cov.index] if not _heard(forms, heard)]
        rarity = {text: math.log(1 + len(notes.points) / df[forms[-1]]) for text, forms in unheard}
        ranked = sorted(dict(unheard), key=lambda text: -rarity[text])
        if ranked:
            out[cov.index] = tuple(ranked[:MAX_MISSING])
    return out


def _forms(word: str, language: str | None) -> set[str]:
    return {form for token in word_forms(word, language) for form in token}


def _content_words(text: str, language: str | None) -> list[tuple[str, tuple[str, ...]]]:
    """(word as written, its forms) for each distinct content word of a note."""
    out, seen = [], set()
    for word in split_words(text):
        for forms in word_forms(word, language):
            if any(is_stopword(f, language) for f in forms) or fold(word) in seen:
                continue
            seen.add(fold(word))
            out.append((word, forms))
    return out


def _heard(forms: tuple[str, ...], heard: set[str]) -> bool:
    for form in forms:
        if form in heard:
            return True
        if len(form) > SHORT and any(
            len(h) > SHORT and fuzz.ratio(form, h) >= HEARD_RATIO for h in heard
        ):
            return True
    return False
