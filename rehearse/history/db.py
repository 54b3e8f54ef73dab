"""The history database opened: ``HistoryDB`` records, forgets and reads rehearsals, talks
and speakers; where the database is (``default_db``) and whether it can be used
(``check_db``)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from rehearse.errors import OutputError
from rehearse.files import probe_folder
from rehearse.history.points import known_points, point_ids
from rehearse.history.rows import (
    POINT_FIELDS,
    REHEARSAL_FIELDS,
    point_of_row,
    rehearsal_of,
    rehearsal_values,
    timestamp,
)
from rehearse.history.schema import (
    BUSY_TIMEOUT,
    BrokenHistory,
    HistoryError,
    migrate,
    refuse_newer,
    stored_version,
    transaction,
    write_ahead,
)
from rehearse.history.trends import match_points
from rehearse.models import Analysis, History, Rehearsal, Talk
from rehearse.textnorm import name_key, normal_name, normal_speaker, speaker_key

DB_NAME = "history.sqlite"


def default_db(reports: str | Path, chosen: str | Path | None = None) -> Path:
    """The history database: ``chosen`` (``--db``) when given, else the reports folder's."""
    return Path(chosen) if chosen is not None else Path(reports) / DB_NAME


def check_db(path: str | Path) -> None:
    """Before any long work: HistoryError if ``path`` is a database this rehearse cannot use
    (newer, or not a history), OutputError if it cannot be written. Reads it without
    changing a byte."""
    path = Path(path)
    if path.exists():
        refuse_newer(path, stored_version(path))
    try:
        probe_folder(path.parent)  # the database, its -wal and -shm files live there
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise OutputError(f"cannot write the history {path}: {exc.strerror}") from None


class HistoryDB:
    """An open history database; ``open`` checks its version and migrates it."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    @contextmanager
    def open(cls, path: str | Path, *, create: bool = False) -> Iterator[HistoryDB]:
        """The database at ``path``, made when ``create`` (else HistoryError if missing)."""
        path = Path(path)
        if path.exists():
            refuse_newer(path, stored_version(path))
        elif not create:
            raise HistoryError(
                f"no history at {path} yet: `rehearse analyze` records every rehearsal there"
            )
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot make the history {path}: {exc.strerror}") from None
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise OutputError(f"cannot open the history {path}: {exc}") from None
        try:
            db.execute("PRAGMA foreign_keys = ON")
            write_ahead(db)
            migrate(db, path)
            yield cls(db, path)
        except sqlite3.OperationalError as exc:
            raise OutputError(f"cannot use the history {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise BrokenHistory(f"{path} is not a usable history database ({exc})") from None
        finally:
            db.close()

    # --- writing -------------------------------------------------------------------------

    def record(self, analysis: Analysis, report: str | Path | None) -> Recorded:
        """Add the analysed rehearsal (or replace the analysis of the same recording of the
        same talk by the same speaker), in one transaction."""
        rehearsal = rehearsal_of(analysis, report)
        with transaction(self.db):
            return self.record_within(analysis, rehearsal)

    def correct(self, analysis: Analysis, report: str | Path) -> int | None:
        """Put an analysis corrected by hand (``rehearse mark``) in place of the one the
        history holds with the same analysis time; None when it holds no such analysis (a
        later one of the recording, or none)."""
        rehearsal = rehearsal_of(analysis, report)
        with transaction(self.db):
            talk = self.talk_for_reading(analysis)
            held = talk is not None and self._one(
                "SELECT id FROM rehearsals WHERE sha256 = ? AND talk_id = ? AND speaker_key = ? "
                "AND analysed = ?",
                rehearsal.sha256, talk.id, speaker_key(rehearsal.speaker), rehearsal.analysed,
            )  # fmt: skip
            return self.record_within(analysis, rehearsal, again=True).id if held else None

    def record_within(
        self, analysis: Analysis, rehearsal: Rehearsal, again: bool = False
    ) -> Recorded:
        """``record`` inside the caller's transaction (``rebuild`` replays every analysis in
        one): ``rehearsal`` is ``rehearsal_of(analysis, ...)``; ``again`` writes it even when
        the history holds this very analysis."""
        talk_id = self._talk_for(analysis)
        old = self.take(rehearsal.sha256, talk_id, rehearsal.speaker)
        if old is not None and old[3] == rehearsal.analysed and not again:
            return Recorded(old[0])
        numbered = [(p.number, p.text) for p in rehearsal.points]
        ids = point_ids(self.db, talk_id, numbered, rehearsal.language)
        created, created_ts = (
            (old[1], old[2]) if old else (rehearsal.created, timestamp(rehearsal.created))
        )
        values = rehearsal_values(rehearsal) | {
            "talk_id": talk_id,
            "created": created,
            "created_ts": created_ts,
        }
        if old is None:
            columns = ", ".join(f'"{k}"' for k in values)
            marks = ", ".join(f":{k}" for k in values)
            cursor = self.db.execute(f"INSERT INTO rehearsals ({columns}) VALUES ({marks})", values)
            rehearsal_id = cursor.lastrowid
        else:
            rehearsal_id = old[0]
            self.db.execute("DELETE FROM rehearsal_points WHERE rehearsal_id = ?", (old[0],))
            sets = ", ".join(f'"{k}" = :{k}' for k in values)
            self.db.execute(f"UPDATE rehearsals SET {sets} WHERE id = :id", values | {"id": old[0]})
        points = [replace(p, point_id=i) for p, i in zip(rehearsal.points, ids, strict=True)]
        self._insert_points(rehearsal_id, points)
        self._prune(talk_id)
        return Recorded(rehearsal_id)

    def _insert_points(self, rehearsal_id: int, points) -> None:
        columns = ", ".join(f'"{k}"' for k in POINT_FIELDS)
        marks = ", ".join("?" for _ in POINT_FIELDS)
        self.db.executemany(
            f"INSERT INTO rehearsal_points (rehearsal_id, position, {columns}) "
            f"VALUES (?, ?, {marks})",
            [
                (rehearsal_id, i, *(getattr(p, k) for k in POINT_FIELDS))
                for i, p in enumerate(points)
            ],
        )

    def _talk_for(self, analysis: Analysis) -> int:
        """The talk this analysis belongs to, made, named or joined as ``--talk`` says, with
        its notes file linked to it and its title brought up to date."""
        notes, title = analysis.talk.notes, analysis.talk.title
        name = normal_name(analysis.talk.name)
        by_path = self._one("SELECT talk_id FROM talk_notes WHERE path = ?", notes)
        if name is None:
            talk = by_path
        else:
            talk = self._one("SELECT id FROM talks WHERE name_key = ?", name.casefold())
            if talk is None and by_path is not None:
                self.db.execute(
                    "UPDATE talks SET name = ?, name_key = ? WHERE id = ?",
                    (name, name.casefold(), by_path),
                )
                talk = by_path
            elif talk is not None and by_path is not None and by_path != talk:
                self._join(by_path, talk)
        if talk is None:
            talk = self.db.execute(
                "INSERT INTO talks (name, name_key, title) VALUES (?, ?, ?)",
                (name, name.casefold() if name else None, title),
            ).lastrowid
        self.db.execute("UPDATE talks SET title = ? WHERE id = ?", (title, talk))
        self.db.execute(
            "INSERT INTO talk_notes (path, talk_id) VALUES (?, ?) "
            "ON CONFLICT (path) DO UPDATE SET talk_id = excluded.talk_id",
            (notes, talk),
        )
        return talk

    def talk_for_reading(self, analysis: Analysis) -> Talk | None:
        """The talk ``record`` would put this analysis in, as it is now: the one named
        ``--talk``, else the one its notes belong to. (Notes about to join a named talk
        bring their rehearsals only once recorded.)"""
        found = self.find_talk(name=analysis.talk.name) if analysis.talk.name else None
        return found or self.find_talk(notes=analysis.talk.notes)

    def _join(self, source: int, target: int) -> None:
        """Move every rehearsal and notes file of talk ``source`` to talk ``target``; its
        points become the target's points they match, or new points of it."""
        language = self._one(
            "SELECT language FROM rehearsals WHERE talk_id = ? ORDER BY created_ts DESC",
            source,
        )
        theirs = known_points(self.db, source)
        latest = [(k.number, k.texts[-1]) for k in theirs]
        matched = match_points(known_points(self.db, target), latest, language)
        for point, same in zip(theirs, matched, strict=True):
            if same is None:
                self.db.execute(
                    "UPDATE talk_points SET talk_id = ? WHERE id = ?", (target, point.point_id)
                )
            else:
                self.db.execute(
                    "UPDATE rehearsal_points SET point_id = ? WHERE point_id = ?",
                    (same, point.point_id),
                )
        # a recording by a speaker rehearsed in both talks is one rehearsal: the latest analysis
        self.db.execute(
            "DELETE FROM rehearsals WHERE id IN (SELECT a.id FROM rehearsals a "
            "JOIN rehearsals b ON a.sha256 = b.sha256 AND a.speaker_key = b.speaker_key "
            "AND a.id != b.id WHERE a.talk_id IN (?, ?) AND b.talk_id IN (?, ?) "
            "AND (a.analysed, a.id) < (b.analysed, b.id))",
            (source, target, source, target),
        )
        self.db.execute("UPDATE rehearsals SET talk_id = ? WHERE talk_id = ?", (target, source))
        self.db.execute("UPDATE talk_notes SET talk_id = ? WHERE talk_id = ?", (target, source))
        self.db.execute("DELETE FROM talks WHERE id = ?", (source,))

    def _prune(self, talk: int) -> None:
        """Drop the points of a talk no rehearsal has any more, and the talk when no
        rehearsal is left in it (its name and notes come back with the next rehearsal
        recorded for them)."""
        self.db.execute(
            "DELETE FROM talk_points WHERE talk_id = ? AND id NOT IN "
            "(SELECT point_id FROM rehearsal_points WHERE point_id IS NOT NULL)",
            (talk,),
        )
        if self._one("SELECT count(*) FROM rehearsals WHERE talk_id = ?", talk) == 0:
            self.db.execute("DELETE FROM talks WHERE id = ?", (talk,))

    def clear(self) -> None:
        """Delete every talk, rehearsal and point (and restart the ids), inside the caller's
        transaction: ``rebuild`` fills the history again."""
        for table in ("rehearsal_points", "rehearsals", "talk_points", "talk_notes", "talks"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("DELETE FROM sqlite_sequence")

    def forget(self, rehearsal_id: int) -> Rehearsal:
        """Remove a rehearsal from the history (its report folder is not touched here)."""
        with transaction(self.db):
            found = self.rehearsal(rehearsal_id)
            talk = self._one("SELECT talk_id FROM rehearsals WHERE id = ?", rehearsal_id)
            self.db.execute("DELETE FROM rehearsals WHERE id = ?", (rehearsal_id,))
            self._prune(talk)
        return found

    def forget_analysis(self, analysis: Analysis) -> None:
        """Take out the rehearsal ``analysis`` is of (``rebuild`` replaying a forget), inside
        the caller's transaction."""
        talk = self.talk_for_reading(analysis)
        if talk is not None:
            self.db.execute(
                "DELETE FROM rehearsals WHERE sha256 = ? AND talk_id = ? AND speaker_key = ?",
                (analysis.recording.sha256, talk.id, speaker_key(analysis.speaker)),
            )
            self._prune(talk.id)

    # --- reading -------------------------------------------------------------------------

    def _one(self, sql: str, *args):
        row = self.db.execute(sql, args).fetchone()
        return row[0] if row else None

    def take(
        self, sha256: str, talk_id: int, speaker: str | None
    ) -> tuple[int, str, float, str] | None:
        """The rehearsal of this recording of talk ``talk_id`` by ``speaker``, as (id,
        created, created_ts, analysed); None if the history has none."""
        return self.db.execute(
            "SELECT id, created, created_ts, analysed FROM rehearsals "
            "WHERE sha256 = ? AND talk_id = ? AND speaker_key = ?",
            (sha256, talk_id, speaker_key(speaker)),
        ).fetchone()

    def analysis_id(self, sha256: str, analysed: str) -> int | None:
        """The id of the rehearsal holding the analysis of recording ``sha256`` made at
        ``analysed``; None if the history holds no such analysis."""
        return self._one(
            "SELECT id FROM rehearsals WHERE sha256 = ? AND analysed = ?", sha256, analysed
        )

    def count(self) -> int:
        """How many rehearsals the history holds."""
        return self._one("SELECT count(*) FROM rehearsals")

    def talks(self) -> list[tuple[Talk, dict[str | None, int]]]:
        """Every talk, most recently rehearsed first, with its rehearsals per speaker."""
        found = []
        for (talk_id,) in self.db.execute(
            "SELECT talk_id FROM rehearsals GROUP BY talk_id ORDER BY max(created_ts) DESC"
        ).fetchall():
            talk = self._talk(talk_id)
            found.append((talk, dict(self.speakers(talk).values())))
        return found

    def speakers(self, talk: Talk) -> dict[str, tuple[str | None, int]]:
        """Who rehearsed ``talk``: speaker key -> (name, rehearsals), most rehearsals first."""
        rows = self.db.execute(
            "SELECT speaker_key, min(speaker), count(*) FROM rehearsals WHERE talk_id = ? "
            "GROUP BY speaker_key ORDER BY count(*) DESC, speaker_key",
            (talk.id,),
        )
        return {key: (name, n) for key, name, n in rows}

    def _talk(self, talk_id: int) -> Talk:
        title, name = self.db.execute(
            "SELECT title, name FROM talks WHERE id = ?", (talk_id,)
        ).fetchone()
        notes = self.db.execute(
            "SELECT path FROM talk_notes WHERE talk_id = ? ORDER BY path", (talk_id,)
        ).fetchall()
        return Talk(talk_id, title, name, tuple(n[0] for n in notes))

    def find_talk(self, notes: str | Path | None = None, name: str | None = None) -> Talk | None:
        """The talk named ``name``, else the one ``notes`` (a path) belongs to."""
        if normal_name(name) is not None:
            talk = self._one("SELECT id FROM talks WHERE name_key = ?", name_key(name))
        else:
            path = str(Path(notes).resolve()) if notes is not None else None
            talk = self._one("SELECT talk_id FROM talk_notes WHERE path = ?", path)
        return self._talk(talk) if talk is not None else None

    def talk(self, notes: str | Path | None = None, name: str | None = None) -> Talk:
        """``find_talk``; HistoryError if the history has no such talk."""
        found = self.find_talk(notes=notes, name=name)
        if found is None:
            what = f"talk {name!r}" if name else str(notes)
            raise HistoryError(
                f"no rehearsals of {what} in the history {self.path}; `rehearse history` "
                "lists the talks there"
            )
        return found

    def talk_history(
        self, notes: str | Path | None = None, name: str | None = None, speaker: str | None = None
    ) -> History:
        """The rehearsals by ``speaker`` of the talk named ``name``, else of ``notes``;
        HistoryError if there are none (naming who did rehearse it)."""
        talk = self.talk(notes, name)
        found = self.history(talk, speaker)
        if found.rehearsals:
            return found
        others = {k: v for k, v in self.speakers(talk).items() if k != speaker_key(speaker)}
        who = f"by {speaker}" if speaker else "by you (no --speaker)"
        names = ", ".join(f"{name or 'you'} ({n})" for name, n in others.values())
        raise HistoryError(
            f"no rehearsals of {talk.title!r} {who}; rehearsed by: {names}; give --speaker NAME"
        )

    def history(self, talk: Talk, speaker: str | None) -> History:
        """The rehearsals of ``talk`` by ``speaker``, oldest first."""
        ids = self.db.execute(
            "SELECT id FROM rehearsals WHERE talk_id = ? AND speaker_key = ? "
            "ORDER BY created_ts, id",
            (talk.id, speaker_key(speaker)),
        ).fetchall()
        rehearsals = tuple(self.rehearsal(i) for (i,) in ids)
        return History(talk, normal_speaker(speaker), rehearsals)

    def rehearsal(self, rehearsal_id: int) -> Rehearsal:
        """One rehearsal by its history id; HistoryError if there is none."""
        cursor = self.db.execute("SELECT * FROM rehearsals WHERE id = ?", (rehearsal_id,))
        row = cursor.fetchone()
        if row is None:
            raise HistoryError(f"no rehearsal {rehearsal_id} in the history {self.path}")
        values = dict(zip([c[0] for c in cursor.description], row, strict=True))
        columns = ", ".join(f'"{k}"' for k in POINT_FIELDS)
        points = self.db.execute(
            f"SELECT {columns} FROM rehearsal_points WHERE rehearsal_id = ? ORDER BY position",
            (rehearsal_id,),
        )
        return Rehearsal(
            **{k: values[k] for k in REHEARSAL_FIELDS},
            points=tuple(point_of_row(dict(zip(POINT_FIELDS, p, strict=True))) for p in points),
        )

    def latest_talk(self, speaker: str | None) -> Talk | None:
        """The talk ``speaker`` rehearsed last."""
        talk = self._one(
            "SELECT talk_id FROM rehearsals WHERE speaker_key = ? ORDER BY created_ts DESC",
            speaker_key(speaker),
        )
        return self._talk(talk) if talk is not None else None

    def talk_of(self, rehearsal_id: int) -> Talk:
        """The talk of a rehearsal; HistoryError if there is no such rehearsal."""
        talk = self._one("SELECT talk_id FROM rehearsals WHERE id = ?", rehearsal_id)
        if talk is None:
            raise HistoryError(f"no rehearsal {rehearsal_id} in the history {self.path}")
        return self._talk(talk)


@dataclass(frozen=True)
class Recorded:
    """What ``record`` did: the rehearsal's id."""

    id: int
