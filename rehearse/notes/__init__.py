"""Talking points from a Markdown notes file.

Headings are slides (sections), numbered items (``1.`` or ``1)``) are points. A point keeps
the number written in the file; indented continuation lines and sub-bullets belong to it.
Budgets such as ``(1:30)``, ``[90s]`` or ``[2 min]`` on a heading or a point are read and
stripped. Optional YAML front matter: ``title``, ``language``, ``target``, ``fillers``.
Files that are not UTF-8 are decoded in the encoding charset-normalizer finds. Slide decks are
read by ``deck``; both take budgets, front matter and talk settings from ``notetext``.
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

from rehearse.errors import InputError, NotesError, OutputError, reason
from rehearse.files import write_atomic
from rehearse.models import Notes, Point, Section
from rehearse.notes import deck
from rehearse.notes.text import (
    STDIN,
    build_notes,
    clean_text,
    display_name,
    split_budget,
    split_front_matter,
)

log = logging.getLogger(__name__)

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

# The largest notes read: Markdown notes of a long talk are tens of kB, so a text file this
# big is no notes; a deck carries its pictures, so it may be far bigger. Reads stop here.
TEXT_MAX = 4 * 1024 * 1024  # bytes
DECK_MAX = 512 * 1024 * 1024  # bytes

_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")  # a closing "#" run needs a space: "C#"
_ITEM = re.compile(r"( *)(\d{1,4})[.)](?:\s+(.*))?$")
_BULLET = re.compile(r" *[-*+]\s+(.*)$")
_FENCE = re.compile(r" *(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


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


def load_notes(path: str | Path, encoding: str | None = None) -> Notes:
    """Read and parse a notes file: Markdown, a slide deck (.pptx, .odp; see ``deck``), or
    Markdown on standard input for ``-``; ``encoding`` is the Markdown's (default: the front
    matter's ``encoding:``, else found). InputError if it cannot be read."""
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


def deck_as_notes(
    deck: str | Path, out: Path | None = None, replace: bool = False
) -> tuple[Notes, str]:
    """A deck's notes and their Markdown (``format_notes``), written to the file ``out`` when
    given: InputError before the deck is read if ``out`` is there and not to be replaced,
    OutputError if it cannot be written."""
    if out is not None and out.exists() and not replace:
        raise InputError(f"{out} exists: choose another name or add --force to replace it")
    notes = load_notes(deck)
    text = format_notes(notes, Path(deck).name)
    if out is not None:
        try:
            write_atomic(out, text)
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {reason(exc)}") from None
    return notes, text


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
