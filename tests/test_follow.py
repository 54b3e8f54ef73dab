"""Live following (align/live.py) on real Whisper transcripts of real rehearsals, fed word by
word as streaming commits them: it names the points in the order said, keeps "not said yet"
for a skipped point until it comes, shows "…" where no point is heard, and costs the same
per update however long the talk has run."""

from __future__ import annotations

import time
from pathlib import Path

from model_json import from_json

from rehearse.align.live import Follower
from rehearse.models import Transcript
from rehearse.notes import load_notes

CASES = Path(__file__).parent.parent / "benchmarks" / "cases" / "tune"
DATA = Path(__file__).parent / "data"
LAG = 2.0  # s between a word's end and its commit, as streaming has it


def words_of(path: Path) -> list:
    transcript = from_json(Transcript, path.read_text())
    return [w for s in transcript.segments for w in s.words]


def follow(notes, language: str, words: list, shift: float = 0.0) -> list:
    """Feed ``words`` a second at a time; the views after each second."""
    follower = Follower(notes, language)
    views, i, clock = [], 0, 0.0
    while i < len(words):
        clock += 1.0
        new = []
        while i < len(words) and words[i].end + shift + LAG <= clock:
            new.append(words[i])
            i += 1
        views.append(follower.update(new, clock))
    return views


def changes(views) -> list[int]:
    out = []
    for v in views:
        if v.current is not None and (not out or out[-1] != v.current):
            out.append(v.current)
    return out


def test_points_are_followed_in_the_order_said_and_a_skipped_one_is_named() -> None:
    notes = load_notes(CASES / "babylon.md")
    views = follow(notes, "en", words_of(CASES / "transcripts/faster/babylon-cut.json"))
    shown = [notes.points[i].number for i in changes(views)]
    said = [1, 2, 4, 3, 6, 7]  # 5 left out
    rest = iter(shown)
    assert all(n in rest for n in said), shown  # every point, in the order said
    assert len(shown) <= len(said) + 1, shown  # one flicker (3 for a moment, before 4)
    assert views[-1].not_said == (4,)  # point 5
    assert views[-1].next is None or notes.points[views[-1].next].number == 5
    assert views[-1].drift is None  # no target, no budgets: no plan to drift from


def test_a_point_passed_by_is_not_said_yet_until_it_comes() -> None:
    notes = load_notes(CASES / "babylon.md")
    views = follow(notes, "en", words_of(CASES / "transcripts/faster/babylon-cut.json"))
    ever = [v.not_said for v in views if v.not_said]
    assert ever and set(ever) == {(4,)}  # 5, from when 6 is reached
    tram = load_notes(CASES / "tram.md")  # 1, 2, 4, 3, 6, 5, 7, 8: 5 comes after 6
    views = follow(tram, "en", words_of(CASES / "transcripts/faster/t-tram-swap.json"))
    assert any(v.not_said == (4,) and v.current == 5 for v in views)  # on 6, 5 not said yet
    assert views[-1].not_said == ()  # said late: no longer named


def test_speech_about_no_point_is_unclear() -> None:
    notes = load_notes(CASES / "babylon.md")
    aside = words_of(DATA / "transcripts" / "pauses-en.json")  # another talk entirely
    start = aside[0].start
    views = follow(notes, "en", words_of(CASES / "transcripts/faster/babylon-cut.json"))
    follower = Follower(notes, "en")
    for view in views:
        follower.update([], view.at)
    talk = words_of(CASES / "transcripts/faster/babylon-cut.json")[:40]
    end = talk[-1].end
    follower.update(talk, end)
    assert follower.view(end).clear
    shifted = [w.__class__(w.text, w.start - start + end + 1, w.end - start + end + 1,
                           w.probability) for w in aside[:60]]  # fmt: skip
    view = follower.update(shifted, shifted[-1].end)
    assert not view.clear


def test_an_update_costs_the_same_an_hour_in() -> None:
    notes = load_notes(CASES / "babylon.md")
    once = words_of(CASES / "transcripts/faster/babylon-cut.json")
    length = once[-1].end + 1.0
    talk = [
        w.__class__(w.text, w.start + k * length, w.end + k * length, w.probability)
        for k in range(50)  # 56 minutes
        for w in once
    ]
    follower = Follower(notes, "en")
    cost = []
    for i in range(0, len(talk), 5):
        started = time.perf_counter()
        follower.update(talk[i : i + 5], talk[min(i + 4, len(talk) - 1)].end)
        cost.append(time.perf_counter() - started)
    early, late = sorted(cost[40:140])[50], sorted(cost[-100:])[50]
    assert late < 2 * early + 0.005, (early, late)
