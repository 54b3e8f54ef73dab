"""Language names and codes: what a user may write (``PL``, ``polish``, ``polski``, ``pl-PL``)
and the code Whisper knows it by. langcodes (with its language_data names) does the reading."""

from __future__ import annotations

import langcodes

from rehearse.errors import InputError

# Codes where Whisper keeps an older ISO 639 code than langcodes returns.
_WHISPER_ALIASES = {"jv": "jw"}


# The language codes Whisper transcribes, in its tokenizer's order (the same set in both
# engines; tests/test_bad_input.py checks it against faster-whisper's), so that only the
# transcription module imports Whisper.
_WHISPER_CODES = (
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha "
    "haw he hi hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn "
    "mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te "
    "tg th tk tl tr tt uk ur uz vi yi yo zh yue"
)
WHISPER_LANGUAGES = tuple(_WHISPER_CODES.split())


def language_code(text: str) -> str:
    """Whisper's code for a language written as a code or a name, in any case.

    ``"PL"``, ``"pl-PL"``, ``"polish"`` and ``"polski"`` all give ``"pl"``; InputError (one
    line listing the known codes) for anything Whisper does not transcribe.
    """
    value = str(text).strip()
    try:
        if len(value) <= 3 or "-" in value or "_" in value:
            code = langcodes.Language.get(value.replace("_", "-")).language
        else:
            code = langcodes.find(value).language
    except (LookupError, ValueError):
        code = None
    code = _WHISPER_ALIASES.get(code, code)
    if code not in WHISPER_LANGUAGES:
        known = ", ".join(WHISPER_LANGUAGES)
        raise InputError(
            f"unknown language {value!r}: use a code or an English name such as pl, en, "
            f"polish (Whisper knows {known})"
        )
    return code


def language_name(code: str) -> str:
    """``"pl"`` -> ``"Polish"``; the code itself if it has no name."""
    try:
        name = langcodes.Language.get(code).display_name()
    except (LookupError, ValueError):
        return code
    return code if name.startswith("Unknown") else name
