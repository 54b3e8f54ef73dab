"""What the history says: the points a speaker keeps skipping, what changed since last time,
how two rehearsals compare, the speaker's usual pace. Pure functions of ``History`` and
``Rehearsal`` values (``history.py`` reads and writes them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.models import History, Rehearsal


def talk_time(rehearsal: Rehearsal) -> float:
    """The time compared with the target: first to last word (the recording's length for a
    schema 1 analysis that did not measure it)."""
    return rehearsal.talk_time if rehearsal.talk_time is not None else rehearsal.duration


@dataclass(frozen=True)
class Habit:
    """A point and how often it was skipped (or said out of order) in the rehearsals whose
    notes had it."""

    number: int
    text: str
    count: int
    of: int


def habits(history: History, what: str, limit: int = 5) -> list[Habit]:
    """The points most often ``skipped`` or ``out_of_order``, most often first (ties in notes
    order); only points that were, at least once."""
    seen: dict[tuple[int, str], list[int]] = {}
    order: list[tuple[int, str]] = []
    for rehearsal in history.rehearsals:
        for point in rehearsal.points:
            key = (point.number, point.text)
            if key not in seen:
                seen[key] = [0, 0]
                order.append(key)
            hit = not point.said if what == "skipped" else point.out_of_order
            seen[key][0] += hit
            seen[key][1] += 1
    found = [Habit(k[0], k[1], *seen[k]) for k in order if seen[k][0]]
    return sorted(found, key=lambda h: (-h.count, order.index((h.number, h.text))))[:limit]


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def numbers(values: Sequence[int]) -> str:
    """'3, 9, 13' or '–'."""
    return ", ".join(map(str, values)) or "–"
