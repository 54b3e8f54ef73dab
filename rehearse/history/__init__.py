"""The history of rehearsals: an SQLite database beside the reports (``history.sqlite``).

Every ``rehearse analyze`` records its rehearsal; ``history``, ``compare`` and the report's
"Since last time" read it. The reports stay the source of truth: ``rebuild`` recreates the
database from every ``analysis.json`` under a reports folder (and the ``forgotten.json`` that
``forget`` leaves in a report folder), replaying them in time order through ``record``, so
it gives the same history.

- A talk is its notes file's resolved path, or the name given with ``--talk``: a name new to
  the history names the notes' history (rename), the name of another history joins the
  notes' history to it (their rehearsals merge).
- A rehearsal is a recording of a talk by a speaker: analysing it again for the same talk and
  speaker replaces its analysis and keeps its place in time; against other notes (another
  talk) or as another speaker it is a rehearsal of its own, and the first is not touched.
- Speakers are told apart by name, ignoring case and spacing; no name (or "me") is the usual
  speaker.
- WAL mode, a busy timeout and one ``BEGIN IMMEDIATE`` transaction per change: analyses
  finishing together both land, and a crash leaves no half-written rehearsal.
- A ``schema_version`` table and ``MIGRATIONS``: a new database is made by running every
  migration, an older one is brought up to date; a newer one is refused and never altered.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from rehearse.errors import InputError, OutputError
from rehearse.files import probe_folder, write_atomic
from rehearse.history.trends import KnownPoint, Past, match_points
from rehearse.models import (
    Analysis,
    History,
    Rehearsal,
    RehearsalPoint,
    Talk,
    analysis_folder,
    load_analysis,
)
from rehearse.textnorm import detect_language, name_key, normal_name, normal_speaker, speaker_key

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite"
FORGOTTEN = "forgotten.json"  # left in a report folder by ``forget``; ``rebuild`` honours it
BUSY_TIMEOUT = 60.0  # s to wait for another process's transaction


class HistoryError(InputError):
    """A history database that cannot be used (newer, not one, unreadable), or a rehearsal or
    talk that is not in it."""


class BrokenHistory(HistoryError):
    """A file that SQLite cannot read as a database (damaged, or not a database at all)."""


# --- the schema and its migrations ---------------------------------------------------------

_V1 = """
CREATE TABLE talks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT,
    name_key TEXT UNIQUE,
    title TEXT NOT NULL
);
CREATE TABLE talk_notes (
    path TEXT PRIMARY KEY,
    talk_id INTEGER NOT NULL REFERENCES talks(id) ON DELETE CASCADE
);
CREATE TABLE rehearsals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    talk_id INTEGER NOT NULL REFERENCES talks(id),
    created TEXT NOT NULL,
    created_ts REAL NOT NULL,
    analysed TEXT NOT NULL,
    speaker TEXT,
    speaker_key TEXT NOT NULL,
    title TEXT NOT NULL,
    notes TEXT NOT NULL,
    recording TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    duration REAL NOT NULL,
    talk_time REAL,
    speaking_time REAL,
    target REAL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    report TEXT,
    coverage REAL NOT NULL,
    wpm REAL NOT NULL,
    syllable_rate REAL,
    pace_verdict TEXT NOT NULL,
    pauses INTEGER NOT NULL,
    longest_pause REAL,
    fillers INTEGER NOT NULL,
    fillers_per_minute REAL NOT NULL,
    restarts INTEGER NOT NULL
);
CREATE INDEX rehearsals_by_talk ON rehearsals (talk_id, speaker_key, created_ts);
CREATE TABLE rehearsal_points (
    rehearsal_id INTEGER NOT NULL REFERENCES rehearsals(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    score REAL NOT NULL,
    start REAL,
    duration REAL,
    budget REAL,
    drift REAL,
    "order" INTEGER,
    out_of_order INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    PRIMARY KEY (rehearsal_id, position)
);
"""


def _run(db: sqlite3.Connection, script: str) -> None:
    """Each statement of ``script``, inside the caller's transaction (``executescript``
    would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    """The first schema: talks, their notes files, rehearsals and their points by number."""
    _run(db, _V1)


def _v2(db: sqlite3.Connection) -> None:
    """Points matched across versions of the notes: ``talk_points`` are a talk's points and
    each rehearsal's point refers to one; rehearsals keep their talk's language (for the
    matching's lemmas). Existing rehearsals are matched in time order, as ``record`` would
    have; their language is detected from their points' text."""
    _run(
        db,
        """
        CREATE TABLE talk_points (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            talk_id INTEGER NOT NULL REFERENCES talks(id) ON DELETE CASCADE
        );
        ALTER TABLE rehearsal_points ADD COLUMN point_id INTEGER REFERENCES talk_points(id);
        ALTER TABLE rehearsals ADD COLUMN language TEXT;
        """,
    )
    rows = db.execute("SELECT id, talk_id FROM rehearsals ORDER BY created_ts, id").fetchall()
    for rehearsal_id, talk_id in rows:
        points = db.execute(
            "SELECT number, text FROM rehearsal_points WHERE rehearsal_id = ? ORDER BY position",
            (rehearsal_id,),
        ).fetchall()
        language = detect_language(" ".join(text for _, text in points))
        db.execute("UPDATE rehearsals SET language = ? WHERE id = ?", (language, rehearsal_id))
        for position, point_id in enumerate(_point_ids(db, talk_id, points, language)):
            db.execute(
                "UPDATE rehearsal_points SET point_id = ? WHERE rehearsal_id = ? AND position = ?",
                (point_id, rehearsal_id, position),
            )


def _v3(db: sqlite3.Connection) -> None:
    """The voice per rehearsal. Rehearsals recorded before stay NULL (not measured): their
    analyses had no voice; ``rebuild`` fills them in from reports that have one."""
    _run(
        db,
        """
        ALTER TABLE rehearsals ADD COLUMN pitch_variation_st REAL;
        ALTER TABLE rehearsals ADD COLUMN voice_verdict TEXT;
        ALTER TABLE rehearsals ADD COLUMN monotone_seconds REAL;
        ALTER TABLE rehearsals ADD COLUMN trailing_off_share REAL;
        ALTER TABLE rehearsals ADD COLUMN loudness_db REAL;
        """,
    )


def _v4(db: sqlite3.Connection) -> None:
    """A rehearsal is (recording, talk, speaker), no longer the recording alone: the
    ``rehearsals`` table is made again without ``UNIQUE`` on ``sha256``, with a unique index
    on the three instead. Its points are kept aside meanwhile (dropping the table would
    cascade to them); every row and column order stays as it was."""
    (old,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'rehearsals'").fetchone()
    new = old.replace("sha256 TEXT NOT NULL UNIQUE", "sha256 TEXT NOT NULL", 1)
    new = new.replace("CREATE TABLE rehearsals", "CREATE TABLE rehearsals_v4", 1)
    (points,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'rehearsal_points'"
    ).fetchone()
    db.execute(new)
    db.execute("INSERT INTO rehearsals_v4 SELECT * FROM rehearsals")
    db.execute("CREATE TEMP TABLE points_v4 AS SELECT * FROM rehearsal_points")
    db.execute("DROP TABLE rehearsal_points")
    db.execute("DROP TABLE rehearsals")
    db.execute("ALTER TABLE rehearsals_v4 RENAME TO rehearsals")
    db.execute(points)
    db.execute("INSERT INTO rehearsal_points SELECT * FROM points_v4")
    db.execute("DROP TABLE points_v4")
    _run(
        db,
        """
        CREATE INDEX rehearsals_by_talk ON rehearsals (talk_id, speaker_key, created_ts);
        CREATE UNIQUE INDEX rehearsals_one_take ON rehearsals (sha256, talk_id, speaker_key);
        """,
    )


def _v5(db: sqlite3.Connection) -> None:
    """A point corrected by hand (``rehearse mark``) keeps the status the analysis gave.
    Points recorded before stay NULL; ``rebuild`` fills them in from their reports."""
    db.execute("ALTER TABLE rehearsal_points ADD COLUMN corrected TEXT")


Migration = Callable[[sqlite3.Connection], None]
# MIGRATIONS[n] brings a database of version n to version n + 1; a new database runs them all.
MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5]
VERSION = len(MIGRATIONS)


def _known_points(db: sqlite3.Connection, talk_id: int) -> list[KnownPoint]:
    """The points of a talk's rehearsals so far: latest number, every text they have had."""
    known: dict[int, tuple[int, list[str]]] = {}
    for point_id, number, text in db.execute(
        "SELECT p.point_id, p.number, p.text FROM rehearsal_points p "
        "JOIN rehearsals r ON r.id = p.rehearsal_id "
        "WHERE r.talk_id = ? AND p.point_id IS NOT NULL "
        "ORDER BY r.created_ts, r.id, p.position",
        (talk_id,),
    ):
        texts = known.get(point_id, (number, []))[1]
        known[point_id] = (number, texts if text in texts else [*texts, text])
    return [KnownPoint(i, n, tuple(t)) for i, (n, t) in sorted(known.items())]


def _point_ids(
    db: sqlite3.Connection, talk_id: int, points: list[tuple[int, str]], language: str | None
) -> list[int]:
    """The talk's point each (number, text) is; a new point of the talk for the others."""
    found = match_points(_known_points(db, talk_id), points, language)
    return [
        point_id
        if point_id is not None
        else db.execute("INSERT INTO talk_points (talk_id) VALUES (?)", (talk_id,)).lastrowid
        for point_id in found
    ]


def default_db(reports: str | Path, chosen: str | Path | None = None) -> Path:
    """The history database: ``chosen`` (``--db``) when given, else the reports folder's."""
    return Path(chosen) if chosen is not None else Path(reports) / DB_NAME


def check_db(path: str | Path) -> None:
    """Before any long work: HistoryError if ``path`` is a database this rehearse cannot use
    (newer, or not a history), OutputError if it cannot be written. Reads it without
    changing a byte."""
    path = Path(path)
    if path.exists():
        _refuse_newer(path, _stored_version(path))
    try:
        probe_folder(path.parent)  # the database, its -wal and -shm files live there
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise OutputError(f"cannot write the history {path}: {exc.strerror}") from None


def _stored_version(path: Path) -> int:
    """The version of the database at ``path`` (0 for an empty file), opened read-only."""
    if path.is_dir():
        raise HistoryError(f"{path} is a folder, not a history database")
    if path.stat().st_size == 0:
        return 0
    # No process has it open (no -wal file): read it as immutable, which makes no -wal or
    # -shm file beside it; else read-only beside the one using it.
    in_use = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?{'mode=ro' if in_use else 'immutable=1'}"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "schema_version" not in tables:
                if tables:
                    raise HistoryError(f"{path} is an SQLite database but not a rehearse history")
                return 0
            row = db.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BrokenHistory(
            f"{path} is not a rehearse history database ({exc}); `rehearse history "
            "--rebuild` makes a new one from the reports and keeps this file aside"
        ) from None
    if row is None or type(row[0]) is not int:
        raise HistoryError(f"{path} has no valid schema_version")
    return row[0]


def _refuse_newer(path: Path, version: int) -> None:
    if version > VERSION:
        raise HistoryError(
            f"{path} is a history database of version {version}, newer than this rehearse "
            f"uses ({VERSION}); it was left as it is: upgrade rehearse, or give another "
            "file with --db"
        )


def _version(db: sqlite3.Connection, path: Path) -> int:
    """The database's version; 0 for an empty one."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    if "schema_version" in tables:
        return db.execute("SELECT version FROM schema_version").fetchone()[0]
    if tables:
        raise HistoryError(f"{path} is an SQLite database but not a rehearse history")
    return 0


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the database up to ``VERSION`` in one transaction (another process doing the
    same waits, then finds nothing to do). An up-to-date database is only read: readers take
    no lock, so they never wait for a writer."""
    version = _version(db, path)
    _refuse_newer(path, version)
    if version == VERSION:
        return
    with _transaction(db):
        version = _version(db, path)
        _refuse_newer(path, version)
        if version == 0:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version VALUES (0)")
        for step in range(version, VERSION):
            MIGRATIONS[step](db)
            log.info("history %s: migrated to version %d", path, step + 1)
        db.execute("UPDATE schema_version SET version = ?", (VERSION,))


def _write_ahead(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode (once, when it is made). The switch needs the database
    to itself and SQLite does not wait for it as it waits for a lock, so two processes
    making the history at the same moment retry here until one has done it."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: all of it lands or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


# --- opening ----------------------------------------------------------------------------


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
            _refuse_newer(path, _stored_version(path))
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
            _write_ahead(db)
            _migrate(db, path)
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
        with _transaction(self.db):
            return self._record(analysis, rehearsal)

    def correct(self, analysis: Analysis, report: str | Path) -> int | None:
        """Put an analysis corrected by hand (``rehearse mark``) in place of the one the
        history holds with the same analysis time; None when it holds no such analysis (a
        later one of the recording, or none)."""
        rehearsal = rehearsal_of(analysis, report)
        with _transaction(self.db):
            talk = self._talk_for_reading(analysis)
            held = talk is not None and self._one(
                "SELECT id FROM rehearsals WHERE sha256 = ? AND talk_id = ? AND speaker_key = ? "
                "AND analysed = ?",
                rehearsal.sha256, talk.id, speaker_key(rehearsal.speaker), rehearsal.analysed,
            )  # fmt: skip
            return self._record(analysis, rehearsal, again=True).id if held else None

    def _record(self, analysis: Analysis, rehearsal: Rehearsal, again: bool = False) -> Recorded:
        talk_id = self._talk_for(analysis)
        old = self.db.execute(
            "SELECT id, created, created_ts, analysed FROM rehearsals "
            "WHERE sha256 = ? AND talk_id = ? AND speaker_key = ?",
            (rehearsal.sha256, talk_id, speaker_key(rehearsal.speaker)),
        ).fetchone()
        if old is not None and old[3] == rehearsal.analysed and not again:
            return Recorded(old[0], replaced=False, unchanged=True)
        numbered = [(p.number, p.text) for p in rehearsal.points]
        point_ids = _point_ids(self.db, talk_id, numbered, rehearsal.language)
        created, created_ts = (
            (old[1], old[2]) if old else (rehearsal.created, timestamp(rehearsal.created))
        )
        values = _rehearsal_values(rehearsal) | {
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
        points = [replace(p, point_id=i) for p, i in zip(rehearsal.points, point_ids, strict=True)]
        self._insert_points(rehearsal_id, points)
        self._prune(talk_id)
        return Recorded(rehearsal_id, replaced=old is not None)

    def _insert_points(self, rehearsal_id: int, points) -> None:
        columns = ", ".join(f'"{k}"' for k in _POINT_FIELDS)
        marks = ", ".join("?" for _ in _POINT_FIELDS)
        self.db.executemany(
            f"INSERT INTO rehearsal_points (rehearsal_id, position, {columns}) "
            f"VALUES (?, ?, {marks})",
            [
                (rehearsal_id, i, *(getattr(p, k) for k in _POINT_FIELDS))
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

    def _talk_for_reading(self, analysis: Analysis) -> Talk | None:
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
        theirs = _known_points(self.db, source)
        latest = [(k.number, k.texts[-1]) for k in theirs]
        matched = match_points(_known_points(self.db, target), latest, language)
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

    def forget(self, rehearsal_id: int) -> Rehearsal:
        """Remove a rehearsal from the history (its report folder is not touched here)."""
        with _transaction(self.db):
            found = self.rehearsal(rehearsal_id)
            talk = self._one("SELECT talk_id FROM rehearsals WHERE id = ?", rehearsal_id)
            self.db.execute("DELETE FROM rehearsals WHERE id = ?", (rehearsal_id,))
            self._prune(talk)
        return found

    def _forget_analysis(self, analysis: Analysis) -> None:
        """Take out the rehearsal ``analysis`` is of (``rebuild`` replaying a forget)."""
        talk = self._talk_for_reading(analysis)
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
        columns = ", ".join(f'"{k}"' for k in _POINT_FIELDS)
        points = self.db.execute(
            f"SELECT {columns} FROM rehearsal_points WHERE rehearsal_id = ? ORDER BY position",
            (rehearsal_id,),
        )
        return Rehearsal(
            **{k: values[k] for k in _REHEARSAL_FIELDS},
            points=tuple(_point(dict(zip(_POINT_FIELDS, p, strict=True))) for p in points),
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

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, in a stable order (to compare two databases)."""
        tables = [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            t: sorted(self.db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


@dataclass(frozen=True)
class Recorded:
    """What ``record`` did: the rehearsal's id, whether it replaced an earlier analysis of
    the same recording, or found this very analysis there already."""

    id: int
    replaced: bool = False
    unchanged: bool = False


# --- rehearsals from analyses ----------------------------------------------------------------

# The columns of ``rehearsals`` that are ``Rehearsal`` fields (its points are rows of their own).
_REHEARSAL_FIELDS = [f.name for f in fields(Rehearsal) if f.name != "points"]
_POINT_FIELDS = [f.name for f in fields(RehearsalPoint)]


def _point(values: dict) -> RehearsalPoint:
    return RehearsalPoint(**values | {"out_of_order": bool(values["out_of_order"])})


def rehearsal_of(analysis: Analysis, report: str | Path | None = None) -> Rehearsal:
    """The history's view of an analysis (``report``: its report folder)."""
    pacing = analysis.pacing
    longest = max((p.duration for p in pacing.pauses), default=None)
    voice = analysis.voice if analysis.voice is not None and analysis.voice.measured else None
    return Rehearsal(
        id=None,
        created=analysis.created,
        analysed=analysis.created,
        speaker=normal_speaker(analysis.speaker),
        title=analysis.talk.title,
        notes=analysis.talk.notes,
        recording=analysis.recording.path,
        sha256=analysis.recording.sha256,
        duration=analysis.summary.duration,
        talk_time=pacing.talk_time,
        speaking_time=pacing.speaking_time,
        target=analysis.summary.target,
        engine=analysis.transcript.engine,
        model=analysis.transcript.model,
        report=str(Path(report).resolve()) if report is not None else None,
        coverage=analysis.summary.coverage,
        wpm=pacing.wpm,
        syllable_rate=pacing.syllable_rate,
        pace_verdict=pacing.pace_verdict,
        pauses=len(pacing.pauses),
        longest_pause=longest,
        fillers=len(pacing.fillers),
        fillers_per_minute=pacing.fillers_per_minute,
        restarts=len(analysis.restarts),
        language=analysis.talk.language,
        pitch_variation_st=voice.pitch_variation_st if voice else None,
        voice_verdict=voice.verdict if voice else None,
        monotone_seconds=sum(s.end - s.start for s in voice.monotone) if voice else None,
        trailing_off_share=voice.trailing_off_share if voice else None,
        loudness_db=voice.loudness_db if voice else None,
        points=tuple(
            RehearsalPoint(
                number=p.number,
                text=p.text,
                status=p.status,
                score=p.score,
                start=p.start,
                duration=p.duration,
                budget=p.budget,
                drift=p.drift,
                order=p.order,
                out_of_order=p.out_of_order,
                repeats=len(p.repeats),
                corrected=p.corrected,
            )
            for p in analysis.points
        ),
    )


def _rehearsal_values(rehearsal: Rehearsal) -> dict:
    values = {k: getattr(rehearsal, k) for k in _REHEARSAL_FIELDS if k != "id"}
    return values | {"speaker_key": speaker_key(rehearsal.speaker)}


def timestamp(iso: str) -> float:
    """Seconds since the epoch of an ISO 8601 time (local time when it has no offset), so
    times written at different UTC offsets sort right."""
    return datetime.fromisoformat(iso).timestamp()


# --- forgetting and rebuilding -------------------------------------------------------------


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
        analysis = _resolved(analysis)
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
    with HistoryDB.open(path, create=True) as history, _transaction(history.db):
        for table in ("rehearsal_points", "rehearsals", "talk_points", "talk_notes", "talks"):
            history.db.execute(f"DELETE FROM {table}")
        history.db.execute("DELETE FROM sqlite_sequence")
        for _, kind, _, what in events:
            if kind == 0:
                analysis, folder = what
                history._record(analysis, rehearsal_of(analysis, folder))
            else:
                history._forget_analysis(what)
        count = history._one("SELECT count(*) FROM rehearsals")
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
        _stored_version(path)
        return None
    except BrokenHistory:
        pass
    aside = path.with_name(f"{path.name}.broken-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("-wal", "-shm", ""):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(f"{aside}{suffix}")
    return aside


def _resolved(analysis: Analysis) -> Analysis:
    """A schema 1 analysis names its notes as given; resolve them from here."""
    notes = analysis.talk.notes
    if notes and not Path(notes).is_absolute():
        return replace(analysis, talk=replace(analysis.talk, notes=str(Path(notes).resolve())))
    return analysis


# --- picking rehearsals to compare ----------------------------------------------------------


def pick_pair(
    path: str | Path,
    first: str | None = None,
    second: str | None = None,
    *,
    speaker: str | None = None,
    talk: str | None = None,
) -> tuple[Rehearsal, Rehearsal]:
    """The two rehearsals ``compare`` compares, older first. Each of ``first`` and
    ``second`` is a history id, an analysis.json or a report folder. One of them: it and
    the rehearsal before it in its history. A notes file alone, ``talk`` or nothing: the
    last two rehearsals of that talk (of the talk rehearsed last) by ``speaker``."""
    path = Path(path)
    given = [x for x in (first, second) if x is not None]
    notes = None
    if len(given) == 1 and _is_notes(given[0]):
        notes, given = given[0], []
    if len(given) == 2:
        return _resolve(path, given[0]), _resolve(path, given[1])
    with HistoryDB.open(path) as history:
        if given:
            later = _resolve(path, given[0], history)
            if later.id is not None:
                found = history.talk_of(later.id)
            else:
                found = history.find_talk(notes=later.notes)
            if found is None:
                raise HistoryError(f"{given[0]} is not in the history {path}: give two rehearsals")
            past = history.history(found, later.speaker).rehearsals
            earlier = [r for r in past if timestamp(r.created) < timestamp(later.created)]
            if not earlier:
                raise HistoryError(f"no rehearsal before {given[0]} in the history {path}")
            return earlier[-1], later
        if notes is not None or talk is not None:
            found = history.find_talk(notes=notes, name=talk)
            if found is None:
                what = f"talk {talk!r}" if talk else str(notes)
                raise HistoryError(f"no rehearsals of {what} in the history {path}")
        else:
            found = history.latest_talk(speaker)
            if found is None:
                raise HistoryError(f"no rehearsals in the history {path} yet")
        past = history.history(found, speaker).rehearsals
    if len(past) < 2:
        who = f" by {normal_speaker(speaker)}" if normal_speaker(speaker) else ""
        count = f"{len(past)} rehearsal{'s' if len(past) != 1 else ''}"
        raise HistoryError(f"{found.title!r} has {count}{who} in the history; compare needs two")
    return past[-2], past[-1]


def _is_notes(ref: str) -> bool:
    path = Path(ref)
    return path.is_file() and path.name != "analysis.json" and path.suffix != ".json"


def _resolve(path: Path, ref: str, history: HistoryDB | None = None) -> Rehearsal:
    """A rehearsal by history id, analysis.json or report folder. An analysis the history
    holds comes from it (with its id and point ids)."""
    if ref.isdigit():
        if history is not None:
            return history.rehearsal(int(ref))
        with HistoryDB.open(path) as opened:
            return opened.rehearsal(int(ref))
    target = Path(ref)
    if not target.exists():
        raise HistoryError(f"{ref} is neither a history id nor an analysis.json or report folder")
    analysis = _resolved(load_analysis(target))
    own = rehearsal_of(analysis, analysis_folder(target))
    if not path.exists():
        return own
    if history is None:
        with HistoryDB.open(path) as opened:
            return _from_history(opened, own)
    return _from_history(history, own)


def _from_history(history: HistoryDB, own: Rehearsal) -> Rehearsal:
    rehearsal_id = history._one(
        "SELECT id FROM rehearsals WHERE sha256 = ? AND analysed = ?", own.sha256, own.analysed
    )
    return history.rehearsal(rehearsal_id) if rehearsal_id is not None else own


# --- an analysis in its history ------------------------------------------------------------------


def past_of(path: str | Path, analysis: Analysis, report: str | Path | None = None) -> Past:
    """The analysis in its talk's history by its speaker, without changing the history: the
    rehearsals before it, then it. A recording of the talk by the speaker that the history
    holds keeps its place in time; its points get the ids ``record`` would give them (a new
    point a negative one)."""
    current = rehearsal_of(analysis, report)
    path = Path(path)
    if not path.exists():
        return Past(History(Talk(0, current.title), current.speaker, (current,)), current)
    with HistoryDB.open(path) as history:
        talk = history._talk_for_reading(analysis)
        if talk is None:
            history_ = History(Talk(0, current.title), current.speaker, (current,))
            return Past(history_, current)
        old = history.db.execute(
            "SELECT id, created, analysed FROM rehearsals "
            "WHERE sha256 = ? AND talk_id = ? AND speaker_key = ?",
            (current.sha256, talk.id, speaker_key(current.speaker)),
        ).fetchone()
        if old is not None:
            current = replace(current, id=old[0], created=old[1])
        again = old is not None and old[2] != current.analysed
        known = _known_points(history.db, talk.id)
        found = match_points(known, [(p.number, p.text) for p in current.points], current.language)
        new = iter(range(-1, -len(found) - 1, -1))
        ids = [i if i is not None else next(new) for i in found]
        points = tuple(replace(p, point_id=i) for p, i in zip(current.points, ids, strict=True))
        current = replace(current, points=points)
        time = timestamp(current.created)
        earlier = tuple(
            r
            for r in history.history(talk, current.speaker).rehearsals
            if r.id != current.id and timestamp(r.created) < time
        )
    return Past(History(talk, current.speaker, (*earlier, current)), current, again=again)
