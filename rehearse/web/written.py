"""Notes written in the app's text box: a title and points, saved as a new Markdown file of
the folder under a name the server makes from the title (its letters and digits only), never
over a file that is there, once the text reads as notes that are mostly their points."""

from __future__ import annotations

from pathlib import Path

import yaml

from rehearse.errors import NotesError
from rehearse.notes import parse_notes
from rehearse.report import slugify
from rehearse.web.talks import points_share_ok

TITLE_MAX = 200  # characters of a title
TEXT_MAX = 256 * 1024  # characters of the points: a long talk's notes are a few kB
CLASHES = 100  # names tried (title.md, title-2.md, ...) before giving up


def markdown(title: str, text: str) -> str:
    """The notes file: the title in front matter (YAML-quoted, whatever it holds), then the
    text as written."""
    front = yaml.safe_dump({"title": title}, allow_unicode=True, width=1 << 16).strip()
    return f"---\n{front}\n---\n\n{text.strip()}\n"


def save_written(title: str, text: str, folder: Path) -> Path:
    """Save notes written as ``title`` and ``text`` in ``folder`` as ``<slug>.md`` (then
    ``<slug>-2.md``, ``-3``... when taken); NotesError (nothing written) when there is no
    title, the text is too long, has no numbered points or is mostly not its points."""
    title = " ".join(title.split())
    if not title:
        raise NotesError("give the talk a title")
    if len(title) > TITLE_MAX:
        raise NotesError(f"the title is over {TITLE_MAX} characters")
    if len(text) > TEXT_MAX:
        raise NotesError(f"the notes are over {TEXT_MAX // 1024} kB of text")
    content = markdown(title, text.replace("\r\n", "\n").replace("\r", "\n"))
    notes = parse_notes(content)  # NotesError: no numbered points
    if not points_share_ok(content, notes):
        raise NotesError(
            "the notes are mostly not numbered points: write each point as a '1. ...' line "
            "(headings '# Slide' may group them)"
        )
    stem = slugify(title, fallback="notes")
    for n in range(1, CLASHES + 1):
        target = folder / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        try:
            with target.open("x", encoding="utf-8") as out:  # never over a file that is there
                out.write(content)
        except FileExistsError:
            continue
        return target
    raise NotesError(f"{CLASHES} notes named {stem!r} are there already: choose another title")
