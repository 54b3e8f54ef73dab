"""compare.html: two rehearsals to hear side by side, each point's "then" and "now" a link
that plays that rehearsal's recording (its report folder's recording.m4a) from there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from markupsafe import Markup

from rehearse import __version__
from rehearse.clock import clock
from rehearse.errors import OutputError, reason
from rehearse.files import write_atomic
from rehearse.history.trends import Comparison
from rehearse.models import Rehearsal
from rehearse.report.audio import AUDIO_FILE
from rehearse.report.html import script, script_hash
from rehearse.report.view import environment, shorten, status_text


@dataclass(frozen=True)
class Side:
    """One rehearsal on the page: its name, and its recording's copy as a path from the
    page's folder (None: its report folder has none, or it has no report folder)."""

    name: str
    audio: str | None


def side(rehearsal: Rehearsal, page: Path) -> Side:
    created = rehearsal.created.replace("T", " ")[:16]
    name = f"{created}, {PurePath(rehearsal.recording).name}"
    name = f"#{rehearsal.id} ({name})" if rehearsal.id is not None else name
    copy = Path(rehearsal.report) / AUDIO_FILE if rehearsal.report else None
    if copy is None or not copy.is_file():
        return Side(name, None)
    relative = os.path.relpath(copy.resolve(), page.parent.resolve())
    return Side(name, PurePath(relative).as_posix())


def render_compare(comparison: Comparison, page: Path) -> str:
    """The page for ``comparison`` at ``page`` (its links are relative to its folder)."""
    a, b = side(comparison.a, page), side(comparison.b, page)
    heard = bool(a.audio or b.audio)
    code = script() if heard else ""
    template = environment(autoescape=True).get_template("compare.html.j2")
    return template.render(
        c=comparison,
        then=a,
        now=b,
        heard=heard,
        script=Markup(code),
        script_hash=script_hash(code),
        clock=clock,
        shorten=shorten,
        status_text=status_text,
        version=__version__,
    )


def write_compare(comparison: Comparison, page: str | Path) -> Path:
    """Write the page atomically; OutputError if it cannot be."""
    page = Path(page)
    try:
        page.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(page, render_compare(comparison, page))
    except OSError as exc:
        raise OutputError(f"cannot write {page}: {reason(exc)}") from None
    return page
