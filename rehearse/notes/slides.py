"""The text of a slide deck: each slide's title, speaker notes and body text, as paragraphs.

``.pptx`` (PowerPoint, and the exports of Google Slides and Keynote) is read with python-pptx;
``.odp`` (LibreOffice/OpenOffice Impress) with the standard library's zipfile and ElementTree,
since ODF is zipped XML. Each paragraph keeps its indent level and the number an automatic
numbering gives it, so that ``deck`` can tell points from prose. Files that are no deck (the old
binary ``.ppt``, a password-protected ``.pptx``, a corrupt zip) are a one-line NotesError.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from rehearse.errors import NotesError, first_line

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .ppt, or an encrypted .pptx
ZIP_MAGIC = b"PK\x03\x04"
ODP_MIMETYPES = (
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.presentation-template",
)
_LINE_BREAK = re.compile(r"[\v\n\u2028]")
_TYPED_NUMBER = re.compile(r"\s*\d{1,4}[.)](\s|$)")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its text, indent level (0 = top) and automatic number, if numbered."""

    text: str
    level: int = 0
    number: int | None = None


@dataclass(frozen=True)
class Slide:
    """``number``: position in the deck (1 = first, hidden slides counted, as the slide sorter
    numbers them); ``title`` as written (may be empty)."""

    number: int
    title: str
    notes: tuple[Paragraph, ...]
    body: tuple[Paragraph, ...]
    hidden: bool = False


def read_slides(path: Path, raw: bytes) -> tuple[Slide, ...]:
    """Every slide of the deck in ``raw`` (the bytes of ``path``); NotesError for a file that
    is not a readable ``.pptx`` or ``.odp``."""
    name = path.name
    if raw.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise NotesError(
                f"{name} is password-protected: save a copy without a password (File > Info > "
                "Protect Presentation) and use that"
            )
        raise NotesError(
            f"{name} is an old binary PowerPoint file (.ppt): open it in PowerPoint or Impress "
            "and save it as .pptx"
        )
    if not raw.startswith(ZIP_MAGIC):
        raise NotesError(f"{name} is not a .pptx or .odp slide deck (the file is damaged?)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        if _odp_mimetype(archive):
            manifest = "META-INF/manifest.xml"
            if manifest in names and b"encryption-data" in archive.read(manifest):
                raise NotesError(
                    f"{name} is password-protected: save a copy without a password (File > "
                    "Properties > Security in Impress) and use that"
                )
            return _odp_slides(archive)
        if not any(n.startswith("ppt/") for n in names):
            raise NotesError(f"{name} is a zip file but not a .pptx or .odp slide deck")
        return _pptx_slides(raw)
    except NotesError:
        raise
    except Exception as exc:  # a damaged zip or XML fails in many ways deep inside
        raise NotesError(f"{name} cannot be read as a slide deck (the file is damaged?): "
                         f"{first_line(exc)[:120]}") from None  # fmt: skip


def _lines(text: str, level: int, number: int | None) -> Iterator[Paragraph]:
    """A paragraph's text split at line breaks: a line that starts with a typed number
    ('2. ...') begins a paragraph of its own, other lines stay in the one before (kept as
    lines, so that front matter typed with line breaks still reads)."""
    current: list[str] = []
    for line in _LINE_BREAK.split(text):
        if current and _TYPED_NUMBER.match(line):
            yield Paragraph("\n".join(current).strip(), level, number)
            current, number = [], None
        current.append(" ".join(line.split()))
    joined = "\n".join(current).strip()
    if joined:
        yield Paragraph(joined, level, number)


# --- .pptx ----------------------------------------------------------------------------------


def _pptx_slides(raw: bytes) -> tuple[Slide, ...]:
    # python-pptx and lxml (0.3 s to import): only when a .pptx deck is read.
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    skipped = {
        PP_PLACEHOLDER.TITLE,
        PP_PLACEHOLDER.CENTER_TITLE,
        PP_PLACEHOLDER.VERTICAL_TITLE,
        PP_PLACEHOLDER.FOOTER,
        PP_PLACEHOLDER.SLIDE_NUMBER,
        PP_PLACEHOLDER.DATE,
    }

    def body_frames(shapes) -> Iterator:
        for shape in shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
                yield from body_frames(shape.shapes)
            elif shape.has_text_frame and not (
                shape.is_placeholder and shape.placeholder_format.type in skipped
            ):
                yield shape.text_frame

    slides = []
    for number, slide in enumerate(Presentation(io.BytesIO(raw)).slides, start=1):
        title = slide.shapes.title
        notes = ()
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = tuple(_pptx_paragraphs(slide.notes_slide.notes_text_frame))
        slides.append(
            Slide(
                number=number,
                title=" ".join(title.text_frame.text.split()) if title is not None else "",
                notes=notes,
                body=tuple(
                    p for frame in body_frames(slide.shapes) for p in _pptx_paragraphs(frame)
                ),
                hidden=slide._element.get("show") in ("0", "false"),
            )
        )
    return tuple(slides)


def _pptx_paragraphs(frame) -> Iterator[Paragraph]:
    """The frame's paragraphs with PowerPoint's automatic numbers: a numbered paragraph
    continues the count of the one before at its level unless an unnumbered paragraph at that
    level or above came between (deeper paragraphs do not interrupt a list)."""
    from pptx.oxml.ns import qn  # python-pptx: see ``_pptx_slides``

    inherited = _pptx_list_numbering(frame, qn)
    counters: dict[int, int] = {}
    for paragraph in frame.paragraphs:
        text, level = paragraph.text, paragraph.level
        if not text.strip():
            continue
        auto = _pptx_autonum(paragraph._p.pPr, qn)
        if auto is None:
            auto = inherited.get(level)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        number = None
        if auto:
            number = counters.get(level, auto - 1) + 1
            counters[level] = number
        else:
            counters.pop(level, None)
        yield from _lines(text, level, number)


def _pptx_autonum(ppr, qn) -> int | None:
    """The start number when the paragraph properties turn automatic numbering on, 0 when they
    turn bullets or numbering off, None when they say nothing."""
    if ppr is None:
        return None
    auto = ppr.find(qn("a:buAutoNum"))
    if auto is not None:
        return int(auto.get("startAt", "1"))
    if ppr.find(qn("a:buNone")) is not None or ppr.find(qn("a:buChar")) is not None:
        return 0
    return None


def _pptx_list_numbering(frame, qn) -> dict[int, int]:
    """Levels the text frame's own list style numbers automatically: {level: start}."""
    styles = frame._txBody.find(qn("a:lstStyle"))
    found = {}
    for level in range(9):
        ppr = styles.find(qn(f"a:lvl{level + 1}pPr")) if styles is not None else None
        start = _pptx_autonum(ppr, qn)
        if start:
            found[level] = start
    return found


# --- .odp -----------------------------------------------------------------------------------

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
}
# Frames that are no body text: the title, and the page furniture.
_ODP_NOT_BODY = {"title", "page-number", "footer", "date-time", "header", "page", "notes"}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def _odp_mimetype(archive: zipfile.ZipFile) -> bool:
    try:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        return "content.xml" in archive.namelist() and "ppt/presentation.xml" not in (
            archive.namelist()
        )
    return mimetype in ODP_MIMETYPES


def _odp_slides(archive: zipfile.ZipFile) -> tuple[Slide, ...]:
    content = ElementTree.fromstring(archive.read("content.xml"))
    styles = [content]
    if "styles.xml" in archive.namelist():
        styles.append(ElementTree.fromstring(archive.read("styles.xml")))
    hidden_styles = {
        s.get(_q("style:name"))
        for s in content.iter(_q("style:style"))
        for props in s.iter(_q("style:drawing-page-properties"))
        if props.get(_q("presentation:visibility")) == "hidden"
    }
    numbered = _odp_numbered_levels(styles)
    slides = []
    pages = content.iter(_q("draw:page"))
    for number, page in enumerate(pages, start=1):
        title, body = "", []
        for frame in _odp_frames(page):
            kind = frame.get(_q("presentation:class"), "")
            paragraphs = list(_odp_paragraphs(frame, numbered))
            if kind == "title" and not title:
                title = " ".join(" ".join(p.text for p in paragraphs).split())
            elif kind not in _ODP_NOT_BODY:
                body += paragraphs
        notes: list[Paragraph] = []
        for notes_page in page.findall(_q("presentation:notes")):
            for frame in _odp_frames(notes_page):
                if frame.get(_q("presentation:class")) == "notes":
                    notes += _odp_paragraphs(frame, numbered)
        slides.append(
            Slide(
                number=number,
                title=title,
                notes=tuple(notes),
                body=tuple(body),
                hidden=page.get(_q("draw:style-name")) in hidden_styles
                or page.get(_q("presentation:visibility")) == "hidden",
            )
        )
    return tuple(slides)


def _odp_frames(parent) -> Iterator:
    """Text-holding shapes of a page in document order, groups opened; notes pages left out."""
    for child in parent:
        if child.tag == _q("draw:g"):
            yield from _odp_frames(child)
        elif child.tag in (_q("draw:frame"), _q("draw:custom-shape"), _q("draw:rect")):
            yield child


def _odp_numbered_levels(roots: Iterable) -> dict[str, dict[int, int]]:
    """List style name -> {level (0 = top): start number} for its numbered levels."""
    found: dict[str, dict[int, int]] = {}
    for root in roots:
        for style in root.iter(_q("text:list-style")):
            levels = {}
            for level_style in style.findall(_q("text:list-level-style-number")):
                if level_style.get(_q("style:num-format"), "1"):
                    level = int(level_style.get(_q("text:level"), "1")) - 1
                    levels[level] = int(level_style.get(_q("text:start-value"), "1"))
            found[style.get(_q("style:name"))] = levels
    return found


def _odp_paragraphs(frame, numbered: dict[str, dict[int, int]]) -> Iterator[Paragraph]:
    """Paragraphs of a shape: ``text:p`` at level 0, list items at their nesting depth, numbered
    when their list style numbers that level (a list restarts at its start value unless it says
    it continues the one before, as Impress shows it)."""
    counters: dict[int, int] = {}
    for box in [frame, *frame.findall(_q("draw:text-box"))]:
        for child in box:
            yield from _odp_block(child, 0, None, numbered, counters)


def _odp_block(element, level, style, numbered, counters) -> Iterator[Paragraph]:
    if element.tag in (_q("text:p"), _q("text:h")):
        yield from _lines(_odp_text(element), level, None)
    elif element.tag == _q("text:list"):
        style = element.get(_q("text:style-name")) or style
        if element.get(_q("text:continue-numbering")) != "true" and not element.get(
            _q("text:continue-list")
        ):
            counters.pop(level, None)
        for item in element:
            if item.tag not in (_q("text:list-item"), _q("text:list-header")):
                continue
            start = numbered.get(style or "", {}).get(level)
            number = None
            if start is not None and item.tag == _q("text:list-item"):
                restart = item.get(_q("text:start-value"))
                number = int(restart) if restart else counters.get(level, start - 1) + 1
                counters[level] = number
            first = True
            for part in item:
                if part.tag in (_q("text:p"), _q("text:h")) and first:
                    yield from _lines(_odp_text(part), level, number)
                    first = False
                else:
                    yield from _odp_block(part, level + 1, style, numbered, counters)


def _odp_text(element) -> str:
    """The text of a paragraph: spaces (``text:s``), tabs and line breaks as written."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _q("text:s"):
            parts.append(" " * int(child.get(_q("text:c"), "1")))
        elif child.tag == _q("text:tab"):
            parts.append(" ")
        elif child.tag == _q("text:line-break"):
            parts.append("\n")
        elif child.tag not in (_q("text:note"), _q("office:annotation")):
            parts.append(_odp_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
