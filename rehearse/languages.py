"""Language names and codes: what a user may write (``PL``, ``polish``, ``polski``, ``pl-PL``)
and the code Whisper knows it by. langcodes (with its language_data names) does the reading."""

from __future__ import annotations

from functools import cache

import langcodes

from rehearse.errors import InputError

# Codes where Whisper keeps an older ISO 639 code than langcodes returns.
_WHISPER_ALIASES = {"jv": "jw"}


@cache
def whisper_languages() -> tuple[str, ...]:
    """The language codes Whisper transcribes (the same set in both engines)."""
    # A Whisper engine (0.1 s to import): only when a language is checked, not for --help.
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return tuple(_LANGUAGE_CODES)


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
    if code not in whisper_languages():
        known = ", ".join(whisper_languages())
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
