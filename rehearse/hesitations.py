"""Hesitation sounds (yyy, eee, um, uh...) as Whisper writes them, matched by pattern so
"yyyy" and "Eeem" count too: what filler counting and word timing both need to know of a
word, below either of them."""

from __future__ import annotations

import re
import unicodedata

from rehearse.textnorm import SENTENCE_END

PUNCTUATION = SENTENCE_END + ",;:—–-\"'«»„”“()"

HESITATIONS: dict[str, re.Pattern[str]] = {
    "pl": re.compile(r"^(y{2,}|y+m+|e{2,}m*|e+m{2,}|m{2,}|h+m+|yhm)$"),
    "en": re.compile(r"^(u+m+|u+h+|u+h+m+|e+r+m*|h+m+|m{2,}|a+h+)$"),
}


def hesitation_pattern(language: str | None) -> re.Pattern[str]:
    """The language's hesitation sounds (English ones for a language without its own)."""
    return HESITATIONS.get(language_key(language), HESITATIONS["en"])


def is_hesitation(word: str, language: str | None) -> bool:
    return bool(hesitation_pattern(language).match(fold_word(word)))


def fold_word(word: str) -> str:
    """Casefolded word without surrounding punctuation; keeps Polish letters."""
    return unicodedata.normalize("NFC", word).strip().strip(PUNCTUATION + " ").casefold()


def language_key(language: str | None) -> str:
    """'pl' from 'pl', 'PL-pl' or 'pl_PL'; 'en' for none."""
    return (language or "en").split("-")[0].split("_")[0].casefold()
