"""The reports are the history's source of truth: ``forget`` and ``keep_out`` leave
``forgotten.json`` in a report folder, and ``rebuild`` makes the database again from every
``analysis.json`` under a reports folder, honouring those markers."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rehearse.errors import InputError
from rehearse.files import write_atomic
from rehearse.history.db import HistoryDB
from rehearse.history.rows import rehearsal_of, resolved, timestamp
from rehearse.history.schema import BrokenHistory, HistoryError, stored_version, transaction
from rehearse.models import Analysis, Rehearsal, load_analysis

log = logging.getLogger(__name__)

FORGOTTEN = "forgotten.json"  # left in a report folder by ``forget``; ``rebuild`` honours it


def forget(
    path: str | Path,
    rehearsal_id: int,
    *,
    notes: str | Path | None = None,
    talk: str | None = None,
) -> tuple[Rehearsal, Path | None]:
    """Remove a rehearsal from the history and leave ``forgotten.json`` in its report folder
    (which stays), so ``rebuild`` leaves it out too. Returns it and the marker written. With
    ``notes`` or a ``talk`` name: HistoryError unless the rehearsal is of that talk."""
    with HistoryDB.open(path) as history:
        if notes is not None or talk is not None:
            found, owner = history.talk(notes, talk), history.talk_of(rehearsal_id)
            if owner.id != found.id:
                raise HistoryError(
                    f"rehearsal {rehearsal_id} is of {owner.title!r}, not of {found.title!r}"
                )
        rehearsal = history.forget(rehearsal_id)
    marker = Path(rehearsal.report) / FORGOTTEN if rehearsal.report else None
    if marker is None or not marker.parent.is_dir():
        return rehearsal, None
    note = {
        "forgotten": datetime.now().astimezone().isoformat(timespec="seconds"),
        "rehearsal": rehearsal.id,
        "sha256": rehearsal.sha256,
        "note": "`rehearse history --forget` took this rehearsal out of the history; "
        "`rehearse history --rebuild` leaves it out. Delete this file to count it again.",
    }
    written = _write_marker(marker, note, "this rehearsal again")
    return rehearsal, written


def keep_out(folder: str | Path, analysis: Analysis, reason: str) -> Path | None:
    """Leave ``forgotten.json`` in the report folder of a take kept out of the history (too
    short to judge), so ``rebuild`` leaves it out as well. Returns the marker, None if it
    could not be written (a warning says so)."""
    marker = Path(folder) / FORGOTTEN
    note = {
        "forgotten": datetime.now().astimezone().isoformat(timespec="seconds"),
        "kept_out": reason,
        "sha256": analysis.recording.sha256,
        "note": "this take was kept out of the history; `rehearse history --rebuild` leaves "
        "it out. Delete this file to count it (or analyse it again with --keep).",
    }
    return _write_marker(marker, note, "this take")


def _write_marker(marker: Path, note: dict, what: str) -> Path | None:
    """Write ``forgotten.json``; None, with a warning, if it cannot be written."""
    try:
        write_atomic(marker, json.dumps(note, indent=2) + "\n")
    except OSError as exc:
        log.warning(
            "could not write %s (%s): `history --rebuild` would count %s",
            marker,
            exc.strerror,
            what,
        )
        return None
    return marker


@dataclass(frozen=True)
class Rebuilt:
    """What ``rebuild`` found: rehearsals in the new history, analyses read, forgotten
    rehearsals left out, files that could not be read (path, reason), and where a broken
    database was put aside."""

    rehearsals: int
    analyses: int
    forgotten: int
    unreadable: tuple[tuple[str, str], ...] = ()
    set_aside: Path | None = None


def rebuild(path: str | Path, reports: str | Path) -> Rebuilt:
    """Recreate the history at ``path`` from every analysis.json under ``reports``.

    Analyses (schema 1 and 2) and forgets are replayed in time order through ``record``, in
    one transaction: the old rows go only when the new ones are all in. Each file that
    cannot be read, and a broken database set aside, is a logged warning.
    """
    reports, path = Path(reports), Path(path)
    if not reports.is_dir():
        raise HistoryError(f"reports folder not found: {reports}")
    events: list[tuple[float, int, tuple[str, ...], object]] = []
    unreadable, analyses, forgotten = [], 0, 0
    for file in sorted(reports.rglob("analysis.json")):
        if any(part.startswith(".") for part in file.relative_to(reports).parts):
            continue  # a report being written (.partial-*)
        try:
            analysis = load_analysis(file)
            time = timestamp(analysis.created)
        except (InputError, ValueError) as exc:
            unreadable.append((str(file), str(exc)))
            continue
        analysis = resolved(analysis)
        analyses += 1
        # the same analysis in two folders (re-rendered): the first by path counts
        events.append((time, 0, file.parts, (analysis, file.parent)))
        marker = file.parent / FORGOTTEN
        if marker.exists():
            try:
                when = timestamp(json.loads(marker.read_text(encoding="utf-8"))["forgotten"])
            except (OSError, ValueError, KeyError, TypeError):
                when = time
            forgotten += 1
            events.append((max(when, time), 1, file.parts, analysis))
    events.sort(key=lambda e: e[:3])
    aside = _set_aside_if_broken(path)
    with HistoryDB.open(path, create=True) as history, transaction(history.db):
        history.clear()
        for _, kind, _, what in events:
            if kind == 0:
                analysis, folder = what
                history.record_within(analysis, rehearsal_of(analysis, folder))
            else:
                history.forget_analysis(what)
        count = history.count()
    for file, reason in unreadable:
        log.warning("skipped %s: %s", file, reason)
    if aside is not None:
        log.warning("%s could not be read; it is kept as %s", path, aside)
    return Rebuilt(count, analyses, forgotten, tuple(unreadable), aside)


def _set_aside_if_broken(path: Path) -> Path | None:
    """A file SQLite cannot read is renamed (with its -wal and -shm) to
    ``<name>.broken-<time>`` so a new history can take its place; returns where it went. A
    newer history or another program's database is refused as ever."""
    if not path.exists():
        return None
    try:
        stored_version(path)
        return None
    except BrokenHistory:
        pass
    aside = path.with_name(f"{path.name}.broken-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(f"{aside}{suffix}")
    return aside
