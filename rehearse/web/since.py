"""A served rehearsal against the one before it, as ``analyze`` says it under "History"
('2nd rehearsal: 12/14 points, +1 since last; 0:05 shorter'): the history's own ``Past``,
nothing counted here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rehearse.history.trends import Past
from rehearse.web.talks import Talk, history_of


def since_last(database: Path, talk: Talk, report: Path) -> str | None:
    """The line for the rehearsal of ``talk`` whose report folder is ``report``, when the
    history has an earlier rehearsal of the talk before it; else None."""
    history = history_of(database, talk)
    if history is None:
        return None
    report = report.resolve()
    past = history.rehearsals
    for i, rehearsal in enumerate(past):
        if i and rehearsal.report and Path(rehearsal.report).resolve() == report:
            return Past(replace(history, rehearsals=past[: i + 1]), rehearsal).line()
    return None
