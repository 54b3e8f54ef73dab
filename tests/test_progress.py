"""What the history says, as pure functions: points matched across versions of the notes,
the points' order, habits."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rehearse.history.trends import (
    MOVED,
    REWORDED,
    KnownPoint,
    habits,
    match_points,
    ordinal,
    point_rows,
    similarity,
)
from rehearse.models import History, Rehearsal, RehearsalPoint, Talk
from rehearse.notes import load_notes

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
    """A history rehearsal from (point id, number, text, status) tuples; a status ending
    in '*' is said out of order."""
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
            RehearsalPoint(
                number=n,
                text=t,
                status=s.rstrip("*"),
                score=50.0,
                point_id=i,
                out_of_order=s.endswith("*"),
            )
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


# --- the progress chart --------------------------------------------------------------------


def big_history(points: int = 40, rehearsals: int = 20) -> History:
    """A speaker's 20 rehearsals of a 40-point Polish talk: a point added at the 9th, one
    removed at the 15th, a few said out of order."""
    words = ("żółw", "łąka", "źdźbło", "gęś", "ćma", "jeż", "wąż", "pszczoła", "dąb", "sosna")
    texts = {i: f"{words[i % 10].capitalize()} i {words[i * 3 % 10]}, punkt {i}" for i in
             range(1, points + 2)}  # fmt: skip
    found = []
    for k in range(rehearsals):
        ids = list(range(1, points + 1))
        if k >= 8:
            ids.insert(10, points + 1)
        if k >= 14:
            ids.remove(20)
        status = ["covered", "partial", "missed", "covered", "covered*"]
        found.append(
            rehearsal(
                [(i, n, texts[i], status[(i * 7 + k) % 11 % 5]) for n, i in enumerate(ids, 1)],
                id=k + 1,
                created=f"2025-03-{k + 1:02d}T18:{k:02d}:00+01:00",
                sha256=str(k),
                target=600.0,
                talk_time=540.0 + 7 * k,
            )
        )
    return History(Talk(1, "Długa prezentacja o żółwiach"), "Łucja", tuple(found))


def test_progress_chart_holds_40_points_by_20_rehearsals():
    """Every point gets a row as tall as in the report's other charts (about 40 px, labels
    at 9 pt); Polish letters have glyphs; the phone layout shows the last 8 rehearsals at
    the phone charts' width."""
    import struct
    import warnings

    from rehearse.report.charts import NARROW, WIDE, progress_chart

    history = big_history()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning
        wide = progress_chart(history, WIDE, current="19")
        narrow = progress_chart(history, NARROW)
    width, height = struct.unpack(">II", wide[16:24])
    assert width == WIDE.width * WIDE.dpi
    assert height >= 41 * WIDE.row * WIDE.dpi  # 41 rows: 40 points and the removed one
    assert struct.unpack(">II", narrow[16:24])[0] == NARROW.width * NARROW.dpi
    assert [r.removed for r in point_rows(history)].count(True) == 1


def test_progress_chart_shows_the_voice_and_keeps_its_legend_inside():
    """With the voice measured in some rehearsals the chart gains a pitch-spread panel
    (taller by it); on the phone the longer legend takes fewer columns instead of running
    off either edge of the picture."""
    import io
    from dataclasses import replace

    import numpy as np
    from PIL import Image

    from rehearse.report.charts import NARROW, WIDE, progress_chart

    history = big_history()
    voiced = replace(
        history,
        rehearsals=tuple(
            replace(r, pitch_variation_st=None if k < 3 else 1.2 + 0.2 * k)
            for k, r in enumerate(history.rehearsals)
        ),
    )
    for layout in (WIDE, NARROW):
        plain, with_voice = (
            np.asarray(Image.open(io.BytesIO(progress_chart(h, layout))).convert("L"))
            for h in (history, voiced)
        )
        assert with_voice.shape[0] - plain.shape[0] == pytest.approx(1.3 * layout.dpi, abs=2)
        legend = with_voice[-int(1.2 * layout.dpi) :]  # the bottom: the legend
        edges = np.concatenate([legend[:, :3], legend[:, -3:]], axis=1)
        assert (edges > 245).all(), layout  # white: nothing drawn at the edges
