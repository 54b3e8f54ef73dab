"""Filler words: lexicons per language, the filler-position rule and a prompt that keeps fillers.

A lexicon entry is a word or phrase with a *position*:

- ``any``: a filler wherever it occurs (hesitation sounds, "że tak powiem", "basically").
- ``alone``: also a real word, so it counts only when set off on both sides by a pause,
  punctuation or the edge of the talk ("Nie ma na to rady, no." / "..., you know, ...").
- ``initial``: like ``alone``, and also when it opens a sentence ("So I went", "No więc").

Hesitation sounds (yyy, eee, um, uh...) are matched by pattern (rehearse.hesitations), so
"yyyy" and "Eeem" count too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.hesitations import PUNCTUATION, fold_word, hesitation_pattern, language_key
from rehearse.textnorm import SENTENCE_END

Position = Literal["any", "alone", "initial"]

# Canonical label -> (phrase, position). The phrase is matched on casefolded words.
LEXICONS: dict[str, tuple[tuple[str, Position], ...]] = {
    "pl": (
        ("że tak powiem", "any"),
        ("tak naprawdę", "any"),
        ("jakby to powiedzieć", "any"),
        ("generalnie", "any"),
        ("znaczy się", "any"),
        ("w sumie", "initial"),
        ("no", "initial"),
        ("jakby", "initial"),
        ("znaczy", "initial"),
        ("prawda", "alone"),
        ("dokładnie", "alone"),
    ),
    "en": (
        ("basically", "any"),
        ("you know", "alone"),
        ("i mean", "alone"),
        ("sort of", "alone"),
        ("kind of", "alone"),
        ("actually", "initial"),
        ("like", "initial"),
        ("so", "initial"),
    ),
}

# A phrase whose label is shorter than the phrase ("jakby to powiedzieć" counts as "jakby").
LABELS = {"jakby to powiedzieć": "jakby", "znaczy się": "znaczy"}

PROMPTS = {
    "pl": "Yyy, no więc, eee, to jest tak, że, yyy, zaczynamy.",
    "en": "Um, so, uh, I mean, it's like, er, we start.",
}


@dataclass(frozen=True)
class FillerMatch:
    """A filler found in a word sequence: its label and the word indices it spans."""

    label: str
    first: int
    last: int


def filler_prompt(language: str | None) -> str:
    """A short filler-laden initial prompt in the talk's language (English if unknown).

    Whisper drops hesitations unless its context shows them; a long prompt makes it drop
    whole sentences instead, so this stays under twenty words.
    """
    return PROMPTS.get(language_key(language), PROMPTS["en"])


def lexicon(
    language: str | None, extra: Iterable[str] = ()
) -> tuple[tuple[tuple[str, ...], Position, str], ...]:
    """The language's entries plus ``extra`` fillers (counted anywhere), longest first."""
    entries = [(p, pos, LABELS.get(p, p)) for p, pos in LEXICONS.get(language_key(language), ())]
    known = {p for p, _, _ in entries}
    entries += [(e, "any", e) for e in (fold_word(x) for x in extra) if e and e not in known]
    return tuple(
        sorted(
            ((tuple(p.split()), pos, label) for p, pos, label in entries),
            key=lambda e: -len(e[0]),
        )
    )


def find_fillers(
    words: Sequence[str],
    language: str | None,
    *,
    pauses_before: Sequence[bool] | None = None,
    extra: Iterable[str] = (),
) -> list[FillerMatch]:
    """Fillers in a sequence of raw transcript words (punctuation attached, as Whisper gives it).

    ``pauses_before[i]`` says that a pause precedes word ``i``; a pause counts as a boundary
    just like a comma.
    """
    tokens = [fold_word(w) for w in words]
    pauses = list(pauses_before) if pauses_before is not None else [False] * len(words)
    hesitation = hesitation_pattern(language)
    entries = lexicon(language, extra)
    found: list[FillerMatch] = []
    i = 0
    while i < len(words):
        match = _match_at(i, words, tokens, pauses, hesitation, entries)
        if match:
            found.append(match)
            i = match.last + 1
        else:
            i += 1
    return found


def _match_at(i, words, tokens, pauses, hesitation, entries) -> FillerMatch | None:
    if tokens[i] and hesitation.match(tokens[i]):
        return FillerMatch(_hesitation_label(tokens[i]), i, i)
    for phrase, position, label in entries:
        last = i + len(phrase) - 1
        if tuple(tokens[i : last + 1]) != phrase:
            continue
        if position == "any" or _in_filler_position(i, last, words, pauses, position):
            return FillerMatch(label, i, last)
    return None


def _in_filler_position(first, last, words, pauses, position: Position) -> bool:
    before = first == 0 or pauses[first] or _ends_with(words[first - 1], PUNCTUATION)
    after = last == len(words) - 1 or pauses[last + 1] or _ends_with(words[last], PUNCTUATION)
    if before and after:
        return True
    sentence_start = first == 0 or pauses[first] or _ends_with(words[first - 1], SENTENCE_END)
    return position == "initial" and sentence_start


def _hesitation_label(token: str) -> str:
    """One label per kind of sound, so "yyyy" and "yy" are counted together as "yyy"."""
    collapsed = re.sub(r"(.)\1+", r"\1", token)
    return {"y": "yyy", "e": "eee", "em": "emm", "ym": "yyy", "m": "mmm", "hm": "hmm"}.get(
        collapsed, collapsed
    )


def _ends_with(word: str, chars: str) -> bool:
    word = word.rstrip()
    return bool(word) and word[-1] in chars
