"""The talks of the app's folder: every notes file or deck in it that reads as notes (and, for
Markdown, is mostly its points: not a README with a numbered list in it), known to requests
only by its path relative to the folder, and what the history says of each."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from rehearse.errors import RehearseError
from rehearse.history import HistoryDB
from rehearse.history.trends import habits
from rehearse.measure.pacing import point_budgets
from rehearse.models import History, Notes, Rehearsal
from rehearse.notes import load_notes
from rehearse.notes.text import split_front_matter

log = logging.getLogger(__name__)

NOTES_FILES = (".md", ".pptx", ".odp")
# How deep under the folder notes are looked for: the folder and notes/ in it, not a whole
# home directory's tree on every page load.
DEPTH = 2
# Any length works: the presenter view scales the points' shares of it to the slot given.
NOMINAL_SLOT = 600.0  # s
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__"}
# A Markdown file is a talk when its points hold at least this share of its words (front
# matter, headings and code blocks left out). Notes are their points: every talk of the
# benchmarks and the tests is 0.77 or more; this README is 0.05, docs/how-it-works.md 0.16.
POINTS_SHARE = 0.5
TREND = 5  # the last rehearsals whose share of points said the Talks page shows
MOST_SKIPPED = 3  # the points skipped most that it names
FENCED = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


@dataclass(frozen=True)
class PlannedPoint:
    """A point as the record page's presenter view plans it: when it starts and its budget."""

    number: int
    text: str
    section: str
    budget: float | None
    start: float | None
    weight: float  # its share of the talk when the slot is given on the record page
    slide: int | None = None  # its slide's position in the deck (None for Markdown notes)


@dataclass(frozen=True)
class PlannedSection:
    """The points under one heading of the notes (or one slide of a deck), as the talk's page
    shows them; ``title`` is "" for points before the first heading."""

    title: str
    slide: int | None
    points: tuple[PlannedPoint, ...]


@dataclass(frozen=True)
class Talk:
    """A notes file of the folder (``key``: its path from the folder, with /) and its notes."""

    key: str
    path: Path
    notes: Notes

    @property
    def plan(self) -> list[PlannedPoint]:
        """The points in order with budgets and planned starts (None without a plan)."""
        budgets = point_budgets(self.notes, self.notes.target)
        weights = point_budgets(self.notes, self.notes.target or NOMINAL_SLOT)
        planned, at = [], 0.0
        for p in self.notes.points:
            budget = budgets.get(p.index)
            start = at if budget is not None and at is not None else None
            at = at + budget if budget is not None and at is not None else None
            weight = weights.get(p.index) or 0.0
            planned.append(
                PlannedPoint(p.number, p.text, p.section, budget, start, weight, p.slide)
            )
        return planned

    @property
    def sections(self) -> list[PlannedSection]:
        """The plan's points grouped under their headings or slides, in order; a Markdown
        heading that is the talk's title (its one ``# `` line) is not said again."""
        grouped: list[PlannedSection] = []
        for point in self.plan:
            title = point.section
            if point.slide is None and title == self.notes.title:
                title = ""
            last = grouped[-1] if grouped else None
            if last is not None and (last.slide, last.title) == (point.slide, title):
                grouped[-1] = PlannedSection(last.title, last.slide, (*last.points, point))
            else:
                grouped.append(PlannedSection(title, point.slide, (point,)))
        return grouped


def find_talks(folder: Path, skip: Path | None = None) -> dict[str, Talk]:
    """Every notes file under ``folder`` (``DEPTH`` levels, hidden folders and ``skip``, the
    reports folder, left out) that reads as notes with points, by key."""
    found: dict[str, Talk] = {}
    for path in _files(folder, DEPTH, skip.resolve() if skip else None):
        try:
            notes = load_notes(path)
        except RehearseError:
            continue
        except Exception as exc:  # an odd file must not take the Talks page down
            log.info("%s: not read as notes (%s)", path, exc)
            continue
        if path.suffix.lower() == ".md" and not mostly_points(path, notes):
            log.info("%s: not a talk (its numbered points are a small part of it)", path)
            continue
        key = path.relative_to(folder).as_posix()
        found[key] = Talk(key, path, notes)
    return found


def mostly_points(path: Path, notes: Notes) -> bool:
    """Whether the points of Markdown ``notes`` hold ``POINTS_SHARE`` of the file's words."""
    return points_share_ok(path.read_text(encoding="utf-8", errors="replace"), notes)


def points_share_ok(text: str, notes: Notes) -> bool:
    """Whether the points of ``notes`` hold ``POINTS_SHARE`` of the words of their Markdown
    ``text``."""
    _, body, _ = split_front_matter(text)
    lines = FENCED.sub("", body).splitlines()
    words = sum(len(line.split()) for line in lines if not line.lstrip().startswith("#"))
    said = sum(len(p.text.split()) for p in notes.points)
    return said >= POINTS_SHARE * words


def _files(folder: Path, depth: int, skip: Path | None) -> list[Path]:
    out = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return out
    for entry in entries:
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir():
            if depth > 1 and entry.name not in SKIPPED_DIRS and entry.resolve() != skip:
                out += _files(entry, depth - 1, skip)
        elif entry.suffix.lower() in NOTES_FILES and entry.is_file():
            out.append(entry)
    return out


def history_of(database: Path, talk: Talk) -> History | None:
    """The talk's history (yours); None without one."""
    if not database.exists():
        return None
    try:
        with HistoryDB.open(database) as history:
            found = history.find_talk(notes=talk.path)
            return history.history(found, None) if found else None
    except RehearseError as exc:
        log.warning("history %s: %s", database, exc)
        return None


def rehearsals(database: Path, talk: Talk) -> list[Rehearsal]:
    """The talk's rehearsals in the history (yours, oldest first); none without a history."""
    found = history_of(database, talk)
    return list(found.rehearsals) if found else []


def summary(talk: Talk, history: History | None) -> dict:
    """A talk as ``GET /api/talks`` lists it: its last rehearsal, the share of points said
    in its last ``TREND`` (oldest first) and the points skipped most, as ``history`` says."""
    past = list(history.rehearsals) if history else []
    last = past[-1] if past else None
    most = habits(history, "skipped", MOST_SKIPPED) if history else []
    return {
        "talk": talk.key,
        "title": talk.notes.title,
        "points": len(talk.notes.points),
        "target": talk.notes.target,
        "rehearsals": len(past),
        "trend": [r.coverage for r in past[-TREND:]],
        "most_skipped": [
            {"number": h.number, "text": h.text, "skipped": h.count, "of": h.of} for h in most
        ],
        "last": None
        if last is None
        else {
            "created": last.created,
            "coverage": last.coverage,
            "talk_time": last.talk_time,
            "skipped": skipped(last),
            "report": last.report,
        },
    }


def skipped(rehearsal: Rehearsal) -> list[int]:
    """The numbers of the points a rehearsal skipped."""
    return [p.number for p in rehearsal.points if p.status == "missed"]
