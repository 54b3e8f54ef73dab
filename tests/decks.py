"""Real slide decks for the tests, built with python-pptx (and converted by LibreOffice)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TITLE_AND_CONTENT, TITLE_ONLY, BLANK = 1, 5, 6


@dataclass(frozen=True)
class P:
    """A paragraph: its text, indent level, and whether PowerPoint numbers it automatically
    (``auto``: the start number of a new list, or True to continue)."""

    text: str
    level: int = 0
    auto: bool | int = False


@dataclass(frozen=True)
class S:
    """A slide: its title (None: a layout without one), notes, body text, hidden or not."""

    title: str | None = None
    notes: tuple[P | str, ...] = ()
    body: tuple[P | str, ...] = ()
    hidden: bool = False
    extra: tuple[str, ...] = field(default=())  # text boxes beside the body


def make_deck(path: Path, slides: list[S]) -> Path:
    """Save a .pptx of ``slides`` at ``path``."""
    prs = Presentation()
    for spec in slides:
        layout = TITLE_AND_CONTENT if spec.body else TITLE_ONLY if spec.title else BLANK
        slide = prs.slides.add_slide(prs.slide_layouts[layout])
        if spec.title is not None and slide.shapes.title is not None:
            slide.shapes.title.text = spec.title
        if spec.body:
            _fill(slide.placeholders[1].text_frame, spec.body)
        for i, text in enumerate(spec.extra):
            box = slide.shapes.add_textbox(Inches(1), Inches(5 + i * 0.5), Inches(4), Inches(0.5))
            box.text_frame.text = text
        if spec.notes:
            _fill(slide.notes_slide.notes_text_frame, spec.notes)
        if spec.hidden:
            slide._element.set("show", "0")
    prs.save(str(path))
    return path


def _fill(frame, paragraphs) -> None:
    for i, spec in enumerate(paragraphs):
        spec = P(spec) if isinstance(spec, str) else spec
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = spec.text
        paragraph.level = spec.level
        if spec.auto is not False:
            ppr = paragraph._p.get_or_add_pPr()
            attrs = {"type": "arabicPeriod"}
            if spec.auto is not True:
                attrs["startAt"] = str(spec.auto)
            ppr.insert(0, etree.Element(qn("a:buAutoNum"), attrs))


def convert(deck: Path, to: str, out: Path) -> Path:
    """``deck`` converted by LibreOffice to ``to`` (odp, ppt) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         to, "--outdir", str(out), str(deck)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    converted = out / f"{deck.stem}.{to}"
    assert converted.exists(), f"LibreOffice did not write {converted}"
    return converted
