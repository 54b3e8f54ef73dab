"""What the history says, as pure functions: points matched across versions of the notes,
the points' order, habits."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rehearse.models import History, Rehearsal, RehearsalPoint, Talk
from rehearse.notes import load_notes
from rehearse.progress import (
    MOVED,
    REWORDED,
    KnownPoint,
    habits,
    match_points,
    ordinal,
    point_rows,
    similarity,
)

NOTES = load_notes(Path(__file__).parent.parent / "notes" / "kilka-zdan-o-sobie.md")
TEXTS = [p.text for p in NOTES.points]
KNOWN = [KnownPoint(i + 1, i + 1, (t,)) for i, t in enumerate(TEXTS)]


def test_distinct_points_of_the_seed_talk_are_never_one_point():
    """The most alike two different points (11 and 12, near-duplicates: 64) stay far below
    the bar for a moved point; every other pair is below the bar for a reworded one."""
    scores = {
        (i + 1, j + 1): similarity(a, b, "pl")
        for (i, a), (j, b) in itertools.combinations(enumerate(TEXTS), 2)
    }
    assert max(scores.values()) < MOVED - 15
    assert max(v for k, v in scores.items() if k != (11, 12)) < REWORDED - 3
    assert match_points(KNOWN, [(n, TEXTS[n - 1]) for n in range(1, 15)], "pl") == list(
        range(1, 15)
    )


@pytest.mark.parametrize(
    ("number", "text", "expected"),
    [
        (12, "ML to moja pasja", 12),  # reworded in place
        (12, "Machine learning jest moją pasją", 12),
        (3, "Tu widzicie moje doświadczenie zawodowe; nie omawiam go, przeczytacie sami.", 3),
        (13, "Czym się interesuję poza ML: góry i rower", 13),
        (2, "ML to moja pasja", 12),  # moved and reworded
        (12, "Moje psy i koty", None),  # a new point under an old number
    ],
)
def test_rewordings_keep_their_point(number, text, expected):
    assert match_points(KNOWN, [(number, text)], "pl") == [expected]


def test_a_point_inserted_in_the_middle_renumbers_the_rest_and_keeps_them():
    new = [(n, t) for n, t in enumerate(TEXTS[:4], start=1)]
    new.append((5, "Krótko o firmie, w której pracuję"))
    new += [(n, t) for n, t in enumerate(TEXTS[4:], start=6)]
    assert match_points(KNOWN, new, "pl") == [1, 2, 3, 4, None, *range(5, 15)]


def test_one_known_point_per_point():
    """Point 12 said twice in new notes: only one of them is the old 12."""
    found = match_points(KNOWN, [(12, TEXTS[11]), (15, TEXTS[11])], "pl")
    assert found == [12, None]
    assert MOVED > REWORDED


def rehearsal(points: list[tuple[int, int, str, str]], **kw) -> Rehearsal:
    """A history rehearsal from (point id, number, text, status) tuples."""
    values = dict(
        id=1, created="2025-01-01T10:00:00+01:00", analysed="2025-01-01T10:00:00+01:00",
        speaker=None, title="T", notes="/n.md", recording="r.m4a", sha256="0", duration=60.0,
        talk_time=55.0, speaking_time=50.0, target=None, engine="faster", model="base",
        report=None, coverage=1.0, wpm=120.0, syllable_rate=4.0, pace_verdict="good",
        pauses=0, longest_pause=None, fillers=0, fillers_per_minute=0.0, restarts=0,
    )  # fmt: skip
    values |= kw
    return Rehearsal(
        **values,
        points=tuple(
            RehearsalPoint(number=n, text=t, status=s, score=50.0, point_id=i)
            for i, n, t, s in points
        ),
    )


def test_point_rows_follow_the_latest_notes_and_keep_removed_points_in_place():
    first = rehearsal(
        [(1, 1, "a", "covered"), (2, 2, "b", "missed"), (3, 3, "c", "covered"),
         (4, 4, "d", "covered"), (5, 5, "e", "covered")]
    )  # fmt: skip
    # b and c removed, e moved to the front, f added, d renumbered
    second = rehearsal(
        [(5, 1, "e", "covered"), (1, 2, "a", "covered"), (4, 3, "d", "missed"),
         (6, 4, "f", "covered")]
    )  # fmt: skip
    rows = point_rows(History(Talk(1, "T"), None, (first, second)))
    assert [(r.identity, r.number, r.text, r.removed) for r in rows] == [
        (5, 1, "e", False),
        (1, 2, "a", False),
        (2, 2, "b", True),
        (3, 3, "c", True),
        (4, 3, "d", False),
        (6, 4, "f", False),
    ]
    skipped = habits(History(Talk(1, "T"), None, (first, second)), "skipped")
    assert [(h.number, h.text, h.count, h.of) for h in skipped] == [(2, "b", 1, 1), (3, "d", 1, 2)]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                    (13, "13th"), (21, "21st"), (102, "102nd"), (111, "111th")]
)  # fmt: skip
def test_ordinal(n, text):
    assert ordinal(n) == text
