"""What the history says: the points a speaker keeps skipping, what changed since last time,
how two rehearsals compare, the speaker's usual pace. Pure functions of ``History`` and
``Rehearsal`` values (``history.py`` reads and writes them)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz, process

from rehearse import textnorm
from rehearse.clock import clock
from rehearse.models import History, Rehearsal, RehearsalPoint, Talk

# How alike two versions of a point must be (0-100, ``similarity``) to be the same point:
# under the same number, reworded; under another number, moved or renumbered as well. On the
# seed talk, different points are at most 64 alike (two near-duplicates, 11 and 12) and the
# rest at most 56; rewordings of its points score 60-96 ("ML moją pasją" -> "Machine
# learning jest moją pasją" 60, "ML to moja pasja" 96).
REWORDED = 60.0
MOVED = 80.0
SAME_NUMBER_BONUS = 15.0  # a tie between two candidates goes to the one under the same number


@dataclass(frozen=True)
class KnownPoint:
    """A point the history knows for a talk: its id, its latest number and every text it
    has had."""

    point_id: int
    number: int
    texts: tuple[str, ...]


def similarity(a: str, b: str, language: str | None) -> float:
    """How alike two point texts are, 0-100: casefolded lemmas without diacritics, compared
    as sorted words and as word sets (so a point with words added or dropped stays close)."""
    return _alike(textnorm.normalize(a, language), textnorm.normalize(b, language))


def _alike(x: str, y: str) -> float:
    """``similarity`` of two normalised texts."""
    if x == y:
        return 100.0
    return (fuzz.token_sort_ratio(x, y) + fuzz.token_set_ratio(x, y)) / 2


def match_points(
    known: Sequence[KnownPoint], points: Sequence[tuple[int, str]], language: str | None
) -> list[int | None]:
    """The known point each of ``points`` (number, text) is, or None for a new point.

    One known point per point. First the points whose text a known point has had (under
    the same number first); then, among the rest, the most alike pairs: rewordings under
    the same number (``REWORDED``) and moved points (``MOVED``), a tie going to the same
    number.
    """
    found: list[int | None] = [None] * len(points)
    taken: set[int] = set()

    def assign(pairs: list[tuple[float, int, int]]) -> None:
        for _, i, point_id in sorted(pairs):
            if found[i] is None and point_id not in taken:
                found[i] = point_id
                taken.add(point_id)

    news = [textnorm.normalize(text, language) for _, text in points]
    olds = [(k, textnorm.normalize(t, language)) for k in known for t in k.texts]
    had = {}
    for k, old in olds:
        had.setdefault(old, []).append(k)
    assign(
        [
            (-SAME_NUMBER_BONUS * (k.number == number), i, k.point_id)
            for i, ((number, _), new) in enumerate(zip(points, news, strict=True))
            for k in had.get(new, ())
        ]
    )
    rest = [i for i in range(len(points)) if found[i] is None]
    left = [(k, old) for k, old in olds if k.point_id not in taken]
    if not rest or not left:
        return found
    texts = [news[i] for i in rest], [old for _, old in left]
    alike = (
        process.cdist(*texts, scorer=fuzz.token_sort_ratio)
        + process.cdist(*texts, scorer=fuzz.token_set_ratio)
    ) / 2
    best: dict[tuple[int, int], float] = {}
    for row, i in enumerate(rest):
        for column, (k, _) in enumerate(left):
            key = (i, k.point_id)
            best[key] = max(best.get(key, 0.0), float(alike[row, column]))
    numbers = {k.point_id: k.number for k in known}
    pairs = []
    for (i, point_id), score in best.items():
        same = numbers[point_id] == points[i][0]
        if score >= (REWORDED if same else MOVED):
            pairs.append((-(score + SAME_NUMBER_BONUS * same), i, point_id))
    assign(pairs)
    return found


# A talk time within this share of the target either way counts as on target: the band drawn
# on the progress chart. A 10-minute slot is met from 9:00 to 11:00.
TARGET_BAND = 0.10


def target_band(target: float) -> tuple[float, float]:
    """The talk times counted as on target, in seconds."""
    return target * (1 - TARGET_BAND), target * (1 + TARGET_BAND)


def talk_time(rehearsal: Rehearsal) -> float:
    """The time compared with the target: first to last word (the recording's length for a
    schema 1 analysis that did not measure it)."""
    return rehearsal.talk_time if rehearsal.talk_time is not None else rehearsal.duration


def against_target(rehearsal: Rehearsal) -> Literal["over", "under", "on"] | None:
    """Whether the talk time was over, under or within the target's band (``target_band``);
    None for a rehearsal without a target."""
    if not rehearsal.target:
        return None
    low, high = target_band(rehearsal.target)
    time = talk_time(rehearsal)
    return "over" if time > high else "under" if time < low else "on"


@dataclass(frozen=True)
class Habit:
    """A point and how often it was skipped (or said out of order) in the rehearsals whose
    notes had it."""

    number: int
    text: str
    count: int
    of: int
    removed: bool = False


def habits(history: History, what: str, limit: int = 5) -> list[Habit]:
    """The points most often ``skipped`` or ``out_of_order``, most often first (ties in notes
    order); only points that were, at least once."""
    counts: dict[object, list[int]] = {}
    for rehearsal in history.rehearsals:
        for point in rehearsal.points:
            hit = point.skipped if what == "skipped" else point.out_of_order
            count = counts.setdefault(_identity(point), [0, 0])
            count[0] += hit
            count[1] += 1
    found = []
    for row in point_rows(history):
        hits, of = counts[row.identity]
        if hits:
            found.append(Habit(row.number, row.text, hits, of, row.removed))
    return sorted(found, key=lambda h: -h.count)[:limit]


@dataclass(frozen=True)
class PointRow:
    """A point of a talk's history: the number and text it had when last in the notes, and
    whether the latest notes still have it."""

    identity: object
    number: int
    text: str
    removed: bool = False


def _identity(point) -> object:
    return point.point_id if point.point_id is not None else (point.number, point.text)


def point_rows(history: History) -> list[PointRow]:
    """Every point of the history in the latest notes' order; a point the latest notes no
    longer have stays after the point it followed when it was last there."""
    latest: dict[object, PointRow] = {}
    order: list[object] = []
    for rehearsal in history.rehearsals:
        current = [_identity(p) for p in rehearsal.points]
        for point in rehearsal.points:
            latest[_identity(point)] = PointRow(_identity(point), point.number, point.text)
        merged = list(current)
        present = set(current)
        for i, identity in enumerate(order):
            if identity in present:
                continue
            before = next((x for x in reversed(order[:i]) if x in present), None)
            merged.insert(merged.index(before) + 1 if before is not None else 0, identity)
            present.add(identity)
        order = merged
    last = {_identity(p) for p in history.rehearsals[-1].points} if history.rehearsals else set()
    return [PointRow(i, latest[i].number, latest[i].text, removed=i not in last) for i in order]


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def numbers(values: Sequence[int]) -> str:
    """'3, 9, 13' or '–'."""
    return ", ".join(map(str, values)) or "–"


# --- comparing two rehearsals -------------------------------------------------------------------


@dataclass(frozen=True)
class PointChange:
    """One point in two rehearsals (None where that rehearsal's notes did not have it)."""

    a: RehearsalPoint | None
    b: RehearsalPoint | None

    @property
    def latest(self) -> RehearsalPoint:
        return self.b if self.b is not None else self.a

    @property
    def status_changed(self) -> bool:
        """Said, partly said, skipped or out of order differently (or added or removed)."""
        a, b = self.a, self.b
        if a is None or b is None:
            return True
        return a.status != b.status or a.out_of_order != b.out_of_order

    @property
    def difference(self) -> float | None:
        """B's time on the point minus A's, in seconds (None unless both said it)."""
        if self.a is None or self.b is None or self.a.duration is None:
            return None
        return None if self.b.duration is None else round(self.b.duration - self.a.duration, 2)


@dataclass(frozen=True)
class Comparison:
    """Rehearsal ``b`` against rehearsal ``a``, point by point in ``b``'s notes order (points
    only ``a`` had stay where they were)."""

    a: Rehearsal
    b: Rehearsal
    points: tuple[PointChange, ...]

    @property
    def changed(self) -> list[PointChange]:
        """What changed since A: every point whose status or order changed, or that came or
        went (the one definition ``compare`` and the report's "Since last time" use)."""
        return [p for p in self.points if p.status_changed]

    @property
    def newly_said(self) -> list[PointChange]:
        return [p for p in self.points if p.a and p.b and p.a.skipped and p.b.said]

    @property
    def newly_skipped(self) -> list[PointChange]:
        return [p for p in self.points if p.a and p.b and p.a.said and p.b.skipped]

    @property
    def added(self) -> list[PointChange]:
        return [p for p in self.points if p.a is None]

    @property
    def removed(self) -> list[PointChange]:
        return [p for p in self.points if p.b is None]


def compare(a: Rehearsal, b: Rehearsal) -> Comparison:
    """Pair the points of two rehearsals: by the history's point ids when both come from
    one talk's history, else by number and text as the history matches versions of notes."""
    ids_a, ids_b = ({p.point_id for p in r.points} for r in (a, b))
    if None in ids_a | ids_b or not ids_a & ids_b:
        known = [KnownPoint(i, p.number, (p.text,)) for i, p in enumerate(a.points)]
        found = match_points(known, [(p.number, p.text) for p in b.points], b.language)
        new = iter(range(len(a.points), len(a.points) + len(b.points)))
        ids = [i if i is not None else next(new) for i in found]
        a = replace(a, points=tuple(replace(p, point_id=i) for i, p in enumerate(a.points)))
        b = replace(
            b, points=tuple(replace(p, point_id=i) for p, i in zip(b.points, ids, strict=True))
        )
    theirs = {p.point_id: p for p in a.points}
    ours = {p.point_id: p for p in b.points}
    rows = point_rows(History(Talk(0, b.title), b.speaker, (a, b)))
    changes = (PointChange(theirs.get(r.identity), ours.get(r.identity)) for r in rows)
    return Comparison(a, b, tuple(changes))


# --- this rehearsal against the earlier ones ------------------------------------------------------

# The pace against the speaker's own: the median of their earlier rehearsals of the talk,
# once there are at least two of them (three rehearsals in all); within 5 % is "usual".
BASELINE_MIN = 2
USUAL_PACE = 0.05


@dataclass(frozen=True)
class PaceBaseline:
    """This rehearsal's speech rate against the median of the speaker's earlier ones."""

    rate: float
    median: float
    rehearsals: int

    @property
    def share(self) -> float:
        """How much faster (+) or slower (-) than the median, as a share of it."""
        return self.rate / self.median - 1

    @property
    def verdict(self) -> str:
        """'usual', 'faster' or 'slower'."""
        return (
            "usual" if abs(self.share) <= USUAL_PACE else "faster" if self.share > 0 else "slower"
        )

    def text(self) -> str:
        """'8% faster than your median 4.1 syllables/s (3 rehearsals)'."""
        median = f"your median {self.median:.1f} syllables/s ({self.rehearsals} rehearsals)"
        if self.verdict == "usual":
            return f"about {median}"
        return f"{abs(self.share):.0%} {self.verdict} than {median}"


def pace_baseline(earlier: Sequence[Rehearsal], current: Rehearsal) -> PaceBaseline | None:
    rates = [r.syllable_rate for r in earlier if r.syllable_rate]
    if current.syllable_rate is None or len(rates) < BASELINE_MIN:
        return None
    return PaceBaseline(current.syllable_rate, round(statistics.median(rates), 2), len(rates))


@dataclass(frozen=True)
class Past:
    """A rehearsal in its history: ``history`` holds the rehearsals up to it (it last),
    ``again`` says the recording was analysed before, ``since`` compares it with the one
    before and ``baseline`` its pace with the speaker's usual."""

    history: History
    current: Rehearsal
    again: bool = False

    @property
    def earlier(self) -> tuple[Rehearsal, ...]:
        return self.history.rehearsals[:-1]

    @property
    def ordinal(self) -> int:
        return len(self.history.rehearsals)

    @property
    def previous(self) -> Rehearsal | None:
        return self.earlier[-1] if self.earlier else None

    @property
    def since(self) -> Comparison | None:
        return compare(self.previous, self.current) if self.previous else None

    @property
    def baseline(self) -> PaceBaseline | None:
        return pace_baseline(self.earlier, self.current)

    def line(self) -> str:
        """'3rd rehearsal: 13/14 points, +2 since last; 0:26 shorter'."""
        who = f" by {self.history.speaker}" if self.history.speaker else ""
        current, previous = self.current, self.previous
        text = f"{ordinal(self.ordinal)} rehearsal{who}"
        text += " in the history" if previous is None else ""
        text += " (analysed again)" if self.again else ""
        text += f": {current.said}/{len(current.points)} points"
        if previous is None:
            return text
        text += f", {current.said - previous.said:+d} since last"
        return f"{text}; {length_change(talk_time(previous), talk_time(current))}"


def length_change(before: float, after: float) -> str:
    """'0:26 shorter', '0:05 longer' or 'as long' (by the times as shown, to the second)."""
    delta = round(after) - round(before)
    if delta == 0:
        return "as long"
    return f"{clock(abs(delta))} {'longer' if delta > 0 else 'shorter'}"
