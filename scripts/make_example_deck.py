"""Build notes/kilka-zdan-o-sobie.pptx: the seed talk as a speaker keeps it, in slide notes.

Two slides share the talk's 14 points (the first as PowerPoint's automatic numbering, the
second typed, with a budget in its title), the first slide's notes open with the talk settings,
a stage direction is indented under a point, and a hidden backup slide follows. Run from the
repository: ``.venv/bin/python scripts/make_example_deck.py``.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "notes" / "kilka-zdan-o-sobie.md"
DECK = ROOT / "notes" / "kilka-zdan-o-sobie.pptx"
FIRST_SLIDE = 7  # points 1-7 on the first slide, 8-14 on the second
TITLE_AND_CONTENT = 1


def main() -> None:
    from rehearse.notes import load_notes

    points = load_notes(SOURCE).points
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[TITLE_AND_CONTENT])
    first.shapes.title.text = "Kilka zdań o sobie"
    first.placeholders[1].text_frame.text = "Data Scientist → ML Engineer"
    notes = first.notes_slide.notes_text_frame
    lines = ["---", "language: pl", "target: 3m", "---"]
    for line in lines:
        _paragraph(notes, line)
    for point in points[:FIRST_SLIDE]:
        _paragraph(notes, point.text, numbered=True)
        if point.number == 3:
            _paragraph(notes, "[klik]", level=1)
    second = prs.slides.add_slide(prs.slide_layouts[TITLE_AND_CONTENT])
    second.shapes.title.text = "Dlaczego MLOps? (1:30)"
    second.placeholders[1].text_frame.text = "Od modelu do produkcji"
    notes = second.notes_slide.notes_text_frame
    for point in points[FIRST_SLIDE:]:
        _paragraph(notes, f"{point.number}. {point.text}")
    backup = prs.slides.add_slide(prs.slide_layouts[TITLE_AND_CONTENT])
    backup.shapes.title.text = "Zapas: doświadczenie zawodowe"
    _paragraph(backup.notes_slide.notes_text_frame, "Tylko gdy ktoś zapyta o CV.")
    backup._element.set("show", "0")
    prs.core_properties.title = "Kilka zdań o sobie"
    prs.save(str(DECK))
    print(f"wrote {DECK.relative_to(ROOT)}")


def _paragraph(frame, text: str, numbered: bool = False, level: int = 0) -> None:
    """A paragraph at the end of ``frame`` (its first one while that is still empty)."""
    first = frame.paragraphs[0]
    paragraph = first if not first.text and len(frame.paragraphs) == 1 else frame.add_paragraph()
    paragraph.text = text
    paragraph.level = level
    if numbered:
        ppr = paragraph._p.get_or_add_pPr()
        ppr.insert(0, etree.Element(qn("a:buAutoNum"), {"type": "arabicPeriod"}))


if __name__ == "__main__":
    main()
