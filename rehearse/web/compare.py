"""The app's Compare page: two rehearsals of a talk (its last two, or two of its history ids)
as ``rehearse compare --html`` writes them, served at ``COMPARE_URL``, a name in the reports
folder's URL space that no file there has (hidden names are never served), so the page's
links to each rehearsal's ``recording.m4a``, relative to the reports folder, reach them."""

from __future__ import annotations

from pathlib import Path

from rehearse.errors import InputError
from rehearse.history.trends import compare
from rehearse.models import Rehearsal
from rehearse.report.compare import render_compare

COMPARE_URL = "/reports/.compare"


def pick(past: list[Rehearsal], a: str | None, b: str | None) -> tuple[Rehearsal, Rehearsal]:
    """The two rehearsals of ``past`` (a talk's, oldest first) to compare, older first: the
    last two, or those whose history ids are ``a`` and ``b``; InputError otherwise."""
    if a is None and b is None:
        if len(past) < 2:
            count = f"{len(past)} rehearsal{'s' if len(past) != 1 else ''}"
            raise InputError(f"the talk has {count} in the history; compare needs two")
        return past[-2], past[-1]
    order = {str(r.id): i for i, r in enumerate(past)}
    if a not in order or b not in order or a == b:
        raise InputError("a and b must be two different rehearsals of the talk (its history ids)")
    first, second = sorted((order[a], order[b]))
    return past[first], past[second]


def compare_html(past: list[Rehearsal], reports: Path, a: str | None, b: str | None) -> str:
    """The page comparing two of ``past``, its links relative to the ``reports`` folder."""
    first, second = pick(past, a, b)
    return render_compare(compare(first, second), reports / "compare.html")
