"""Talking points from a slide deck's speaker notes (``.pptx``, ``.odp``).

Each visible slide is a section titled by its slide title ("Slide 7" when it has none); hidden
slides are left out. A slide's points are read from its notes in these steps:

1. **Front matter**: the first slide's notes may open with a block fenced by ``---`` lines
   holding the talk settings, exactly like Markdown front matter.
2. **Stage directions**: short bracketed cues such as ``[click]`` or ``[demo]`` are removed;
   a paragraph made of nothing else is dropped.
3. **Points**: when any paragraph is numbered (typed ``3.``/``3)`` or automatic numbering),
   the numbered paragraphs are the points and keep their numbers, and the other paragraphs at
   their level are the slide's context. Otherwise each top-level paragraph is a point,
   numbered on from the deck's previous point. Deeper paragraphs fold into the point above.
4. **Budgets**: ``(1:30)``/``[90s]`` in a point is its budget; in the title or standing alone
   in the notes it is the slide's.

A slide with no notes at all takes its body text (title excluded) as points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rehearse.errors import NotesError
from rehearse.models import Notes, Point, Section
from rehearse.notes.slides import OLE_MAGIC, ZIP_MAGIC, Paragraph, Slide, read_slides
from rehearse.notes.text import build_notes, clean_text, split_budget, split_front_matter

DECK_SUFFIXES = (".pptx", ".odp")
# Formats people try that hold slides but cannot be read: what to do instead.
OTHER_DECKS = {
    ".ppt": "an old binary PowerPoint file (.ppt): open it in PowerPoint or Impress and save it "
    "as .pptx",
    ".pps": "an old binary PowerPoint show (.pps): open it in PowerPoint or Impress and save it "
    "as .pptx",
    ".key": "a Keynote file: export it from Keynote as PowerPoint (File > Export To > "
    "PowerPoint) and use the .pptx",
    ".pdf": "a PDF, which has no speaker notes: use the deck itself (.pptx or .odp)",
}
# A bracketed cue of up to this many words is a stage direction ("[click]", "[live demo]",
# "[pause for questions]"); longer bracketed text is kept as part of the point. Trades
# dropping a cue the speaker wrote long against keeping real bracketed content.
STAGE_DIRECTION_WORDS = 4
# The deck's last slides without speaker notes whose whole text is this many words or fewer
# ("Questions?", "Thank you", "Dziękuję") close the talk: they are no points (a point made
# of them would always count as skipped). More words: a real last slide read from its body.
CLOSING_WORDS = 4
_STAGE = re.compile(r"\[\s*([^\[\]]*?)\s*\]")
_TYPED = re.compile(r"(\d{1,4})[.)](?:\s+(.*))?$", re.S)


def is_deck(path: Path, raw: bytes) -> bool:
    """Whether ``path`` is meant as a deck: by its suffix, or by its content (a zip or a
    compound file, whatever its name), so no deck is ever decoded as Markdown text."""
    suffix = path.suffix.lower()
    return (
        suffix in DECK_SUFFIXES
        or suffix in OTHER_DECKS
        or raw.startswith(ZIP_MAGIC)
        or raw.startswith(OLE_MAGIC)
    )


def parse_deck(path: Path, raw: bytes) -> Notes:
    """The talk in the deck ``path`` (whose bytes are ``raw``); NotesError if it is no readable
    deck or holds no talking point."""
    suffix = path.suffix.lower()
    if suffix in OTHER_DECKS:
        raise NotesError(f"{path.name} is {OTHER_DECKS[suffix]}")
    return slides_to_notes(read_slides(path, raw), str(path))


def slides_to_notes(slides: tuple[Slide, ...], path: str) -> Notes:
    """Points and sections of the visible slides, and the talk settings of the first slide."""
    name = Path(path).name
    if not slides:
        raise NotesError(f"{name} has no slides")
    if all(s.hidden for s in slides):
        raise NotesError(f"{name}: every slide is hidden, so there are no talking points")
    try:
        meta, first_notes = _front_matter(slides[0].notes)
    except NotesError as exc:
        raise NotesError(f"{name}: {exc} (in the first slide's notes)") from None
    reader = _Reader()
    closing = _closing(slides)
    for slide in slides:
        notes = first_notes if slide is slides[0] else slide.notes
        if slide.hidden:
            reader.remarks.append(f"slide {slide.number} {_quoted(slide)} is hidden: left out")
            continue
        if slide in closing:
            words = " ".join([slide.title, *(p.text for p in slide.body)]).split()
            reader.remarks.append(
                f"slide {slide.number} '{' '.join(words)}' closes the talk (no speaker notes, "
                "a short title): not a point"
            )
            continue
        reader.read(slide, notes)
    if not reader.points:
        raise NotesError(
            f"{name}: no talking points: the visible slides have no speaker notes and no body text"
            if not any(s.notes or s.body for s in slides if not s.hidden)
            else f"{name}: no talking points in the speaker notes of its visible slides"
        )
    first = next((s.title for s in slides if not s.hidden and s.title), "")
    first_title, _ = split_budget(clean_text(first))
    return build_notes(
        meta,
        reader.points,
        reader.sections,
        path,
        first_title,
        reader.warnings,
        tuple(reader.remarks),
    )


def _closing(slides: tuple[Slide, ...]) -> list[Slide]:
    """The visible slides at the end of the deck that only close it: no speaker notes, some
    body text (which would be read as points) and at most ``CLOSING_WORDS`` words of title
    and body text (never the first slide)."""
    visible = [s for s in slides if not s.hidden]
    closing = []
    for slide in reversed(visible[1:]):
        words = " ".join([slide.title, *(p.text for p in slide.body)]).split()
        if any(p.text.strip() for p in slide.notes) or len(words) > CLOSING_WORDS:
            break
        if any(p.text.strip() for p in slide.body):  # else it has no points anyway
            closing.append(slide)
    return closing


def _quoted(slide: Slide) -> str:
    return f"'{slide.title}'" if slide.title else "(no title)"


def _front_matter(notes: tuple[Paragraph, ...]) -> tuple[dict, tuple[Paragraph, ...]]:
    """The talk settings fenced by ``---`` lines at the start of the first slide's notes (as
    paragraphs or as line breaks in one), and the notes after them."""
    lines = [p.text.split("\n") for p in notes]
    meta, _, consumed = split_front_matter("\n".join(line for ls in lines for line in ls))
    rest = []
    for paragraph, own in zip(notes, lines, strict=True):
        if consumed >= len(own):
            consumed -= len(own)
            continue
        kept = "\n".join(own[consumed:])
        rest.append(Paragraph(kept, paragraph.level, None if consumed else paragraph.number))
        consumed = 0
    return meta, tuple(rest)


@dataclass
class _Item:
    """A point being read: its number, first paragraph and folded-in deeper paragraphs."""

    number: int
    lines: list[str]


@dataclass
class _Reader:
    points: list[Point] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    def read(self, slide: Slide, notes: tuple[Paragraph, ...]) -> None:
        """Add the slide's section and points."""
        title, budget = split_budget(clean_text(slide.title))
        title = title or f"Slide {slide.number}"
        from_body = not any(p.text.strip() for p in slide.notes)
        paragraphs = _without_stage_directions(slide.body if from_body else notes)
        budgets = [split_budget(p.text)[1] for p in paragraphs if not split_budget(p.text)[0]]
        paragraphs = [p for p in paragraphs if split_budget(p.text)[0]]
        items, context = self._items(paragraphs)
        kept = []
        for line in context:
            rest, own = split_budget(line)
            budgets.append(own)
            if rest:
                kept.append(rest)
        if budget is None:
            budget = next((b for b in budgets if b is not None), None)
        section = Section(title, 1, budget, slide.number, " ".join(kept))
        self.sections.append(section)
        added = [self._add(item, section) for item in items]
        added = [p for p in added if p is not None]
        if from_body and added:
            self.remarks.append(
                f"slide {slide.number} {_quoted(slide)} has no speaker notes: its body text is "
                "used as points"
            )
        elif not added:
            self.remarks.append(f"slide {slide.number} {_quoted(slide)} has no talking points")

    def _items(self, paragraphs: list[Paragraph]) -> tuple[list[_Item], list[str]]:
        """(points, context lines): numbered paragraphs when there are any, else every
        top-level paragraph; deeper paragraphs join the point above."""
        numbered = [p for p in paragraphs if _number(p) is not None]
        top = min((p.level for p in numbered or paragraphs), default=0)
        items: list[_Item] = []
        context: list[str] = []
        current: _Item | None = None
        after = self.points[-1].number if self.points else 0
        for paragraph in paragraphs:
            number, text = _number(paragraph), _text(paragraph)
            if paragraph.level > top and current is not None:
                current.lines.append(text)
            elif numbered and number is None:
                current = None
                context.append(text)
            else:
                if number is None:
                    number = (items[-1].number if items else after) + 1
                current = _Item(number, [text])
                items.append(current)
        return items, context

    def _add(self, item: _Item, section: Section) -> Point | None:
        first, budget = split_budget(clean_text(item.lines[0]))
        text = " ".join(t for t in [first, *(clean_text(x) for x in item.lines[1:])] if t)
        where = f"slide {section.slide}"
        if not text:
            self.warnings.append(f"{where}: point {item.number} is empty; ignored")
            return None
        if any(p.number == item.number and p.slide == section.slide for p in self.points):
            self.warnings.append(f"{where}: point number {item.number} repeats")
        point = Point(
            index=len(self.points),
            number=item.number,
            text=text,
            section=section.title,
            budget=budget,
            slide=section.slide,
        )
        self.points.append(point)
        return point


def _number(paragraph: Paragraph) -> int | None:
    """The paragraph's number: automatic, else typed ('3. ...', '3) ...')."""
    if paragraph.number is not None:
        return paragraph.number
    typed = _TYPED.match(paragraph.text.strip())
    return int(typed.group(1)) if typed else None


def _text(paragraph: Paragraph) -> str:
    """The paragraph without a typed number."""
    typed = _TYPED.match(paragraph.text.strip())
    if typed and paragraph.number is None:
        return typed.group(2) or ""
    return paragraph.text


def _without_stage_directions(paragraphs: tuple[Paragraph, ...]) -> list[Paragraph]:
    """Paragraphs with cues such as ``[click]`` removed (budgets such as ``[90s]`` kept); a
    paragraph that held nothing else is dropped."""
    kept = []
    for paragraph in paragraphs:
        text = _STAGE.sub(_stage_or_budget, paragraph.text)
        text = " ".join(text.split())
        if text:
            kept.append(Paragraph(text, paragraph.level, paragraph.number))
    return kept


def _stage_or_budget(match: re.Match) -> str:
    inside = match.group(1)
    _, budget = split_budget(match.group(0))
    if budget is not None or len(inside.split()) > STAGE_DIRECTION_WORDS:
        return match.group(0)
    return " "
