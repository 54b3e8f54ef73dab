"""A talk's points in the database: each rehearsal's point refers to one of its talk's
points (``talk_points``), matched across versions of the notes (``trends.match_points``).
Recording a rehearsal, joining two talks, the migration that brought points in and an
analysis's past all number points this way."""

from __future__ import annotations

import sqlite3

from rehearse.history.trends import KnownPoint, match_points


def known_points(db: sqlite3.Connection, talk_id: int) -> list[KnownPoint]:
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


def point_ids(
    db: sqlite3.Connection, talk_id: int, points: list[tuple[int, str]], language: str | None
) -> list[int]:
    """The talk's point each (number, text) is; a new point of the talk for the others."""
    found = match_points(known_points(db, talk_id), points, language)
    return [
        point_id
        if point_id is not None
        else db.execute("INSERT INTO talk_points (talk_id) VALUES (?)", (talk_id,)).lastrowid
        for point_id in found
    ]
