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

The package, one idea a module: ``schema`` (DDL, migrations, version, WAL, transactions and
the errors), ``db`` (``HistoryDB``, ``default_db``, ``check_db``), ``rows`` (an analysis as a
row), ``points`` (a talk's points across notes versions, as stored), ``rebuild`` (forget,
keep out, rebuild from the reports), ``past`` (pick the pair to compare, an analysis's past)
and ``trends`` (what the history says). Their public names are importable from here.
"""

from rehearse.history.db import DB_NAME, HistoryDB, Recorded, check_db, default_db
from rehearse.history.past import past_if_any, past_of, pick_pair
from rehearse.history.rebuild import FORGOTTEN, Rebuilt, forget, keep_out, rebuild
from rehearse.history.rows import rehearsal_of, timestamp
from rehearse.history.schema import (
    BUSY_TIMEOUT,
    MIGRATIONS,
    VERSION,
    BrokenHistory,
    HistoryError,
    Migration,
)

__all__ = [
    "BUSY_TIMEOUT",
    "DB_NAME",
    "FORGOTTEN",
    "MIGRATIONS",
    "VERSION",
    "BrokenHistory",
    "HistoryDB",
    "HistoryError",
    "Migration",
    "Rebuilt",
    "Recorded",
    "check_db",
    "default_db",
    "forget",
    "keep_out",
    "past_if_any",
    "past_of",
    "pick_pair",
    "rebuild",
    "rehearsal_of",
    "timestamp",
]
