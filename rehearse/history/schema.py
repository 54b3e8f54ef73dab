"""The history database as a file: its schema (``MIGRATIONS``), its version, WAL mode and
transactions, and the errors of a history that cannot be used.

A ``schema_version`` table and ``MIGRATIONS``: a new database is made by running every
migration, an older one is brought up to date; a newer one is refused and never altered.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from rehearse.errors import InputError
from rehearse.history.points import point_ids
from rehearse.textnorm import detect_language

log = logging.getLogger(__name__)

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
        for position, point_id in enumerate(point_ids(db, talk_id, points, language)):
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


# --- the version, WAL mode, transactions --------------------------------------------------


def stored_version(path: Path) -> int:
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


def refuse_newer(path: Path, version: int) -> None:
    """HistoryError if ``version`` (of the database at ``path``) is newer than this rehearse
    uses; the database is left as it is."""
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


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the database up to ``VERSION`` in one transaction (another process doing the
    same waits, then finds nothing to do). An up-to-date database is only read: readers take
    no lock, so they never wait for a writer."""
    version = _version(db, path)
    refuse_newer(path, version)
    if version == VERSION:
        return
    with transaction(db):
        version = _version(db, path)
        refuse_newer(path, version)
        if version == 0:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version VALUES (0)")
        for step in range(version, VERSION):
            MIGRATIONS[step](db)
            log.info("history %s: migrated to version %d", path, step + 1)
        db.execute("UPDATE schema_version SET version = ?", (VERSION,))


def write_ahead(db: sqlite3.Connection) -> None:
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
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: all of it lands or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()
