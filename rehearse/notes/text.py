"""What Markdown notes (``notes``) and slide decks (``deck``) share: budgets such as
``(1:30)`` or ``[90s]``, the YAML front matter and the talk settings in it, point text
cleaned of Markdown, and how messages name a notes file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rehearse.errors import InputError, NotesError
from rehearse.languages import language_code
from rehearse.models import Notes, Point, Section
from rehearse.textnorm import detect_language

# A whole-talk target longer than this is a typo (99999m), not a talk.
TARGET_MAX = 12 * 3600.0
STDIN = "-"  # the notes path that means standard input
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}
_UNIT_WORDS = (
    ("h", r"h|hr|hrs|hour|hours|godz"),
    ("m", r"m|min|mins|minute|minutes|minut|minuty"),
    ("s", r"s|sec|secs|second|seconds|sek|sekund"),
)
_NUM = r"\d+(?:[.,]\d+)?"
_COMPOUND = re.compile(
    "".join(rf"(?:(?P<{k}>{_NUM})\s*(?:{words})(?![a-z])\s*)?" for k, words in _UNIT_WORDS), re.I
)
_CLOCK = re.compile(r"(\d+):([0-5]\d)(?::([0-5]\d))?")
_BUDGET = re.compile(
    r"\s*[(\[]\s*(\d+:[0-5]\d(?::[0-5]\d)?|(?:\d+(?:[.,]\d+)?\s*[a-z]+\s*){1,3})\s*[)\]]", re.I
)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def parse_duration(text: str) -> float:
    """Seconds in ``"10m"``, ``"10 min"``, ``"90s"``, ``"1:30"``, ``"1h5m"``, ``"1.5m"``."""
    value = str(text).strip()
    clock = _CLOCK.fullmatch(value)
    if clock:
        a, b, c = clock.groups()
        return float(int(a) * 3600 + int(b) * 60 + int(c)) if c else float(int(a) * 60 + int(b))
    parts = _COMPOUND.fullmatch(value)
    if value and parts and any(parts.groupdict().values()):
        return sum(float(v.replace(",", ".")) * _UNIT[k] for k, v in parts.groupdict().items() if v)
    raise InputError(f"bad duration {text!r}: use e.g. 90s, 10m, 1h5m or 1:30")


def check_target(seconds: float, what: str = "target") -> float:
    """``seconds`` if it is a usable whole-talk length, else InputError."""
    if not 0 < seconds <= TARGET_MAX:
        shown = f"{seconds / 3600:,.0f} hours" if seconds > TARGET_MAX else f"{seconds:g} s"
        raise InputError(
            f"{what} of {shown} is not a talk length: use more than 0 and at most "
            f"{TARGET_MAX / 3600:g} hours (e.g. 10m, 1h5m, 1:30)"
        )
    return seconds


def split_budget(text: str) -> tuple[str, float | None]:
    """``text`` without its budget, and the budget in seconds (None if there is none)."""
    for match in _BUDGET.finditer(text):
        try:
            seconds = parse_duration(match.group(1))
        except InputError:
            continue
        return (text[: match.start()] + text[match.end() :]).strip(), seconds
    return text.strip(), None


def clean_text(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, number of lines the front matter took)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return read_front_matter("\n".join(lines[1:i])), "\n".join(lines[i + 1 :]), i + 1
    return {}, text, 0


def read_front_matter(text: str) -> dict:
    """The YAML between the ``---`` fences as a mapping; NotesError if it is not one."""
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise NotesError(f"bad YAML front matter: {exc}".splitlines()[0]) from None
    if not isinstance(meta, dict):
        raise NotesError("front matter must be a YAML mapping (key: value)")
    return meta


def _meta_duration(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        seconds = parse_duration(str(value))
    return check_target(seconds, f"front matter {name}")


def _meta_language(value: object, name: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return language_code(str(value))
    except InputError as exc:
        raise NotesError(f"{name}: front matter {exc}") from None


def build_notes(
    meta: dict,
    points: list[Point],
    sections: list[Section],
    path: str,
    first_title: str,
    warnings: list[str],
    remarks: tuple[str, ...] = (),
) -> Notes:
    """Notes from parsed points and sections with the talk settings of the front matter
    ``meta``: title (else ``first_title``, else the file's name), language (else detected from
    the points), target, fillers."""
    name = display_name(path)
    fillers = meta.get("fillers") or ()
    if isinstance(fillers, str):
        fillers = [f.strip() for f in fillers.split(",")]
    language = _meta_language(meta.get("language"), name) or detect_language(
        " ".join(p.text for p in points)
    )
    title = meta.get("title") or first_title
    stem = Path(path).stem if path and path != STDIN else ""
    return Notes(
        path=str(path),
        title=str(title or stem or "talk"),
        points=tuple(points),
        sections=tuple(sections),
        language=language,
        target=_meta_duration(meta.get("target"), "target"),
        fillers=tuple(str(f) for f in fillers if str(f).strip()),
        warnings=tuple(warnings),
        remarks=remarks,
    )


def display_name(path: str | Path) -> str:
    """How messages name a notes file: its name, 'standard input' for ``-``."""
    if not path:
        return "the notes"
    return "standard input" if str(path) == STDIN else Path(path).name
