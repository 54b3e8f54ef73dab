"""Talking points from a Markdown notes file.

Headings are slides (sections), numbered items (``1.`` or ``1)``) are points. A point keeps
the number written in the file; indented continuation lines and sub-bullets belong to it.
Budgets such as ``(1:30)``, ``[90s]`` or ``[2 min]`` on a heading or a point are read and
stripped. Optional YAML front matter: ``title``, ``language``, ``target``, ``fillers``.
Files that are not UTF-8 are decoded in the encoding charset-normalizer finds. Slide decks are
read by ``deck``, which shares the budgets, front matter and talk settings defined here.
"""

from __future__ import annotations

import codecs
import logging
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from charset_normalizer import from_bytes

from rehearse.errors import InputError, NotesError
from rehearse.languages import language_code
from rehearse.models import Notes, Point, Section
from rehearse.textnorm import detect_language

log = logging.getLogger(__name__)

# A whole-talk target longer than this is a typo (99999m), not a talk.
TARGET_MAX = 12 * 3600.0
# Encodings tried first for notes that are not UTF-8: the Central and Western European ones
# a Polish or English notes file is saved in. A short file fits several of them, and on their
# own charset-normalizer's guesses among all code pages are worse (a two-line ISO-8859-2 file
# came out as ISO-8859-10); any other encoding is still found by the unrestricted guess.
_LIKELY_ENCODINGS = ["cp1250", "iso8859_2", "cp1252", "iso8859_15", "utf_16", "utf_32"]
# Windows-1250 and ISO-8859-2 give different letters for the same bytes ("ś" in one is "¶" in
# the other) and charset-normalizer cannot always tell them apart: when both read the file,
# the one giving more Polish letters (and fewer other characters above ASCII) wins.
_TWINS = ("cp1250", "iso8859_2")
_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# ``encoding:`` in the front matter, found in the raw bytes (front matter is ASCII)
_FRONT_ENCODING = re.compile(
    rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n(?:(?!---|\.\.\.).*\n)*?encoding:[ \t]*['\"]?([\w.:-]+)"
)

STDIN = "-"  # the notes path that means standard input
# The largest notes read: Markdown notes of a long talk are tens of kB, so a text file this
# big is no notes; a deck carries its pictures, so it may be far bigger. Reads stop here.
TEXT_MAX = 4 * 1024 * 1024  # bytes
DECK_MAX = 512 * 1024 * 1024  # bytes

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
_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")  # a closing "#" run needs a space: "C#"
_ITEM = re.compile(r"( *)(\d{1,4})[.)](?:\s+(.*))?$")
_BULLET = re.compile(r" *[-*+]\s+(.*)$")
_FENCE = re.compile(r" *(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
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


@dataclass
class _Draft:
    number: int
    indent: int
    line: int
    section: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _Parser:
    points: list[Point] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    current: _Draft | None = None
    blank: bool = False
    seen: set[tuple[str, int]] = field(default_factory=set)

    def feed(self, line: str, lineno: int) -> None:
        if not line.strip():
            self.blank = True
            return
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading and not line.startswith(" "):
            self.close()
            title, budget = split_budget(clean_text(heading.group(2)))
            self.sections.append(Section(title=title, level=len(heading.group(1)), budget=budget))
        elif item and (self.current is None or len(item.group(1)) <= self.current.indent + 1):
            self.close()
            section = self.sections[-1].title if self.sections else ""
            self.current = _Draft(int(item.group(2)), len(item.group(1)), lineno, section)
            self.current.lines.append(item.group(3) or "")
        elif self.current is not None and self._continues(line):
            bullet = _BULLET.match(line)
            self.current.lines.append(
                bullet.group(1) if bullet else item.group(3) if item else line
            )
        else:
            self.close()
        self.blank = False

    def _continues(self, line: str) -> bool:
        indented = line.startswith(" ")
        return indented or not self.blank or bool(_BULLET.match(line))

    def close(self) -> None:
        draft, self.current = self.current, None
        if draft is None:
            return
        first, budget = split_budget(clean_text(draft.lines[0]))
        text = " ".join(t for t in [first, *(clean_text(x) for x in draft.lines[1:])] if t)
        if not text:
            self.warnings.append(f"line {draft.line}: point {draft.number} is empty; ignored")
            return
        key = (draft.section, draft.number)
        if key in self.seen:
            where = f" in section {draft.section!r}" if draft.section else ""
            self.warnings.append(f"line {draft.line}: point number {draft.number} repeats{where}")
        self.seen.add(key)
        self.points.append(
            Point(
                index=len(self.points),
                number=draft.number,
                text=text,
                section=draft.section,
                budget=budget,
                line=draft.line,
            )
        )


def _body_lines(body: str) -> list[str]:
    """Lines with HTML comments blanked (line numbers kept) and fenced code blanked."""
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    lines, fence = [], None
    for line in body.split("\n"):
        marker = _FENCE.match(line)
        if fence is None and marker:
            fence = marker.group(1)
            lines.append("")
        elif fence is not None:
            if marker and marker.group(1) == fence:
                fence = None
            lines.append("")
        else:
            lines.append(line)
    return lines


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


def parse_notes(text: str, path: str = "") -> Notes:
    """Parse Markdown notes; NotesError if there is no numbered point."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    meta, body, offset = split_front_matter(text)
    parser = _Parser()
    for lineno, line in enumerate(_body_lines(body), start=offset + 1):
        parser.feed(line.rstrip(), lineno)
    parser.close()
    if not parser.points:
        raise NotesError(
            f"{display_name(path)}: no numbered talking points (write them as '1. ...' lines)"
        )
    first = parser.sections[0].title if parser.sections else ""
    return build_notes(meta, parser.points, parser.sections, path, first, parser.warnings)


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


def load_notes(path: str | Path, encoding: str | None = None) -> Notes:
    """Read and parse a notes file: Markdown, a slide deck (.pptx, .odp; see ``deck``), or
    Markdown on standard input for ``-``; ``encoding`` is the Markdown's (default: the front
    matter's ``encoding:``, else found). InputError if it cannot be read."""
    from rehearse import deck

    if str(path) == STDIN:
        raw = sys.stdin.buffer.read(TEXT_MAX + 1)
        _check_size(raw, TEXT_MAX, "standard input", "Markdown notes")
        return parse_notes(decode_text(raw, display_name(path), encoding), STDIN)
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            kind = "a folder" if path.is_dir() else "not a regular file"
            raise InputError(f"{path} is {kind}, not a notes file")
        with path.open("rb") as file:
            raw = file.read(DECK_MAX + 1)
    except FileNotFoundError:
        raise InputError(f"notes file not found: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read notes {path}: {exc.strerror}") from None
    if deck.is_deck(path, raw):
        _check_size(raw, DECK_MAX, str(path), "a slide deck")
        return deck.parse_deck(path, raw)
    _check_size(raw, TEXT_MAX, str(path), "Markdown notes")
    return parse_notes(decode_text(raw, path, encoding), str(path))


def _check_size(raw: bytes, limit: int, name: str, what: str) -> None:
    if len(raw) > limit:
        raise NotesError(
            f"{name} is over {limit >> 20} MB, too big for {what} (is it the right file?)"
        )


def decode_text(raw: bytes, path: Path | str, encoding: str | None = None) -> str:
    """The text of notes in ``encoding``, else the front matter's ``encoding:``, else UTF-8,
    else the encoding charset-normalizer finds (a warning names it; of Windows-1250 and
    ISO-8859-2 the one giving Polish letters). InputError for a file that is not text or not
    in the encoding it is said to be in."""
    said = encoding or _front_encoding(raw)
    if said is not None:
        return _decode_as(raw, path, said, "--encoding" if encoding else "its front matter")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw, cp_isolation=_LIKELY_ENCODINGS).best() or from_bytes(raw).best()
    if best is None or "\x00" in str(best):
        raise NotesError(f"{path} is not a text file (write the notes as Markdown text)")
    chosen, text = best.encoding, str(best)
    if codecs.lookup(chosen).name in {codecs.lookup(t).name for t in _TWINS}:
        chosen, text = max(_readings(raw), key=lambda r: _polish_score(r[1]))
    log.warning(
        "%s is not UTF-8; read it as %s (--encoding or front matter encoding: to say otherwise)",
        path,
        _encoding_name(chosen),
    )
    return text


def _front_encoding(raw: bytes) -> str | None:
    found = _FRONT_ENCODING.match(raw[:4096])
    return found.group(1).decode("ascii") if found else None


def _decode_as(raw: bytes, path: Path | str, encoding: str, said_by: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise NotesError(f"{path}: unknown encoding {encoding!r} (from {said_by})") from None
    try:
        return raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        raise NotesError(
            f"{path} is not {_encoding_name(codec)} as {said_by} says (byte {exc.start})"
        ) from None


def _readings(raw: bytes) -> list[tuple[str, str]]:
    """The file read as each of Windows-1250 and ISO-8859-2 that can read it."""
    found = []
    for encoding in _TWINS:
        try:
            found.append((encoding, raw.decode(encoding)))
        except UnicodeDecodeError:
            continue
    return found


def _polish_score(text: str) -> int:
    """Polish letters minus the other characters above ASCII."""
    return sum(1 if c in _POLISH else -1 for c in text if ord(c) > 127)


def _encoding_name(encoding: str) -> str:
    """Python's codec name as people know it: 'iso8859_2' -> 'ISO-8859-2', 'cp1250' ->
    'Windows-1250'."""
    name = codecs.lookup(encoding).name
    if name.startswith("iso8859-"):
        return "ISO-8859-" + name.removeprefix("iso8859-")
    if name.startswith("cp125"):
        return "Windows-" + name.removeprefix("cp")
    return name


# --- writing notes as Markdown --------------------------------------------------------------


def format_notes(notes: Notes, source: str = "") -> str:
    """``notes`` as Markdown notes that ``parse_notes`` reads back to the same points: front
    matter with the talk settings, a heading per section (a slide's number in a comment, its
    context as a paragraph), its numbered points with their own budgets. ``source`` names the
    file they came from; ``notes.remarks`` become comments."""
    meta: dict = {"title": notes.title}
    if notes.language:
        meta["language"] = notes.language
    if notes.target:
        whole_minutes = notes.target % 60 == 0
        meta["target"] = (
            f"{notes.target / 60:g}m" if whole_minutes else _duration_text(notes.target)
        )
    if notes.fillers:
        meta["fillers"] = list(notes.fillers)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    out = [f"---\n{front}---"]
    if source:
        out.append(
            f"<!-- Written by `rehearse notes {_comment(source)}`: one heading per slide. -->"
        )
    out += [f"<!-- {_comment(remark)} -->" for remark in notes.remarks]
    for section in notes.sections or (Section("", 1),):
        members = [p for p in notes.points if p.section_key == section.key]
        if section.title:
            budget = f" ({_duration_text(section.budget)})" if section.budget is not None else ""
            slide = f" <!-- slide {section.slide} -->" if section.slide is not None else ""
            out.append(f"{'#' * max(1, section.level)} {section.title}{budget}{slide}")
        if section.context:
            out.append(section.context)
        if members:
            out.append("\n".join(_point_line(p) for p in members))
    return "\n\n".join(out) + "\n"


def _point_line(point: Point) -> str:
    budget = f" ({_duration_text(point.budget)})" if point.budget is not None else ""
    return f"{point.number}. {point.text}{budget}"


def _duration_text(seconds: float) -> str:
    """'1:30' for whole seconds (what a budget reads back to the same value), else '2.5s'."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _comment(text: str) -> str:
    return text.replace("--", "- -")
