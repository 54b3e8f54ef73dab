"""The terminal: what the CLI prints, as rich panels, tables and bars (the library never
prints). One module a kind of output: ``summary`` (an analysis in a panel), ``tables`` (the
per-point tables), ``history``, ``compare``, ``messages`` (one-line results) and ``bars``
(progress bars); here the two consoles and the small formats they share."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape

from rehearse.report import view

console = Console()
err_console = Console(stderr=True)


def say(text: str) -> None:
    """A message line on stdout, as every one-line result is printed: rich markup kept, no
    automatic highlighting, long lines wrapped by the terminal rather than cut."""
    console.print(text, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    err_console.print(
        f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True
    )


def count(n: int, noun: str) -> str:
    """'1 slide', '3 slides'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def dates(created: list[str]) -> list[str]:
    """'28 Nov 18:02' for each time ('2024-11-28 18:02' when the history spans years)."""
    times = [datetime.fromisoformat(c) for c in created]
    spec = "%d %b %H:%M" if len({t.year for t in times}) <= 1 else "%Y-%m-%d %H:%M"
    return [t.strftime(spec) for t in times]


def correction(point) -> str:
    """'3. said (the analysis said skipped)'."""
    said, was = view.STATUS_LABELS[point.status], view.STATUS_LABELS[point.corrected]
    return f"{point.number}. {said} (the analysis said {was})"


def slide_column(analysis) -> tuple[str, ...]:
    """('slide',) when the points come from a deck (tables then show each point's slide)."""
    return ("slide",) if any(p.slide is not None for p in analysis.points) else ()
