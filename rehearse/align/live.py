"""Live following: which point the speaker is on, from the words committed so far.

Only a tail of the talk is looked at (``TAIL_WORDS``): each update costs the same at minute 1
and minute 60. The tail's tokens get the aligner's word evidence (``evidence.gather``: fuzzy,
IDF-weighted hits of every point's words, minus what each point finds in ordinary speech).
The view moves to another point when its evidence over the current point's, summed over the
latest stretch of the tail that favours it (a CUSUM change test), beats ``MARGIN`` plus the
cost of the jump (the next point, or the one after the furthest reached, is free; going back
or far ahead is dearer), so it follows skips, late points and restarts, but not a stray
keyword. Points left behind without being said are
"not said yet" until they come; a stretch where no point is heard shows as unclear ("…").
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from rehearse.align import evidence as ev
from rehearse.measure.pacing import point_budgets
from rehearse.models import Notes, Word
from rehearse.textnorm import is_stopword, split_words, word_forms

# Words of the talk re-examined at each update (more: steadier, slower; cost grows with it).
TAIL_WORDS = 60
# What a point's evidence, summed over the tail, must reach to be shown at all (in heard
# point words weighted by rarity, minus the point's background).
ENTER = 0.8
# Distinct words of a point that must be heard in that stretch (fewer if the point has fewer):
# one word ("Babylon", said all through the talk) never moves the view.
DISTINCT = 2
# How much more evidence than the current point another one needs to take over ...
MARGIN = 0.6
# ... plus this per point skipped over on the way (from the current point or the furthest
# reached; a point passed by and not said yet costs one), at most JUMP_MAX, which going back
# to a point said before costs.
JUMP = 0.4
JUMP_MAX = 1.2
# Below this evidence over the recent words for every point, the view is unclear ("…").
CLEAR = 0.3
CLEAR_SECONDS = 8.0  # s of the latest speech judged for that


@dataclass(frozen=True)
class LiveView:
    """What the live panel shows after the words heard up to ``at`` (s). Points are notes
    indexes (0-based); ``current`` None before the first point is heard."""

    at: float
    current: int | None
    clear: bool  # False: no point clearly heard in the latest speech ("…")
    since: float | None  # when the current point started (s)
    budget: float | None  # its budget (s)
    drift: float | None  # s behind the plan (negative: ahead), None without a plan
    not_said: tuple[int, ...]  # points passed without being said, in notes order
    next: int | None  # the next point not said yet after the current one

    @property
    def on_point(self) -> float:
        """Seconds on the current point so far."""
        return 0.0 if self.since is None else max(0.0, self.at - self.since)


@dataclass
class _Token:
    forms: tuple[str, ...]
    content: bool
    end: float
    start: float


@dataclass
class Follower:
    """Committed words in (``update``), the live view out."""

    notes: Notes
    language: str | None
    target: float | None = None
    _words: deque = field(default_factory=lambda: deque(maxlen=TAIL_WORDS))
    _current: int | None = None
    _since: float | None = None
    _furthest: int = -1
    _said: set = field(default_factory=set)
    _t0: float | None = None
    _budgets: dict = field(default_factory=dict)
    _heard: bool = False  # a point clearly heard in the latest speech

    def __post_init__(self) -> None:
        self._budgets = point_budgets(self.notes, self.target or self.notes.target)

    def update(self, words: Sequence[Word], at: float, tentative: Sequence[Word] = ()) -> LiveView:
        """Take the newly committed ``words``; the view at ``at`` s of audio heard.
        ``tentative``: the words heard after them that are not committed yet (the last
        pass's), looked at this once: following them saves a pass of delay."""
        for word in words:
            self._tokens(word, self._words)
        if words or tentative:
            extra: list = []
            for word in tentative:
                self._tokens(word, extra)
            self._decide(extra)
        return self.view(at)

    def view(self, at: float) -> LiveView:
        """The view now, without new words."""
        current = self._current
        return LiveView(
            at=at,
            current=current,
            clear=current is not None and self._heard,
            since=self._since,
            budget=None if current is None else self._budgets.get(current),
            drift=self._drift(at),
            not_said=tuple(i for i in range(self._furthest) if i not in self._said),
            next=self._next(),
        )

    # --- the tail --------------------------------------------------------------------

    def _tokens(self, word: Word, into) -> None:
        """Append ``word``'s tokens (as one entry) to ``into``."""
        if not any(c.isalnum() for c in word.text):
            return
        if self._t0 is None and into is self._words:
            self._t0 = word.start
        tokens = [
            _Token(t, not any(is_stopword(f, self.language) for f in t), word.end, word.start)
            for part in split_words(word.text)
            for t in word_forms(part, self.language)
        ]
        into.append(tokens)

    def _decide(self, tentative: list) -> None:
        """Look at the tail again: stay, or move to the point whose evidence over the
        current point's, summed over the latest stretch that favours it most (a CUSUM
        change test), beats ``MARGIN`` and the jump's cost."""
        tokens = list(itertools.chain(*self._words, *tentative))
        if not tokens:
            return
        content = np.array([t.content for t in tokens], dtype=bool)
        found = ev.gather(self.notes, [t.forms for t in tokens], content, self.language)
        ends = np.array([t.end for t in tokens], dtype=np.float32)
        gain = found.hit - (found.rate + ev.BASE_RATE)[:, None] * content[None, :]
        recent = ends >= ends[-1] - CLEAR_SECONDS
        self._heard = bool(gain[:, recent].sum(axis=1).max() >= CLEAR)
        own = gain if self._current is None else gain - gain[self._current]
        if self._since is not None:  # what came before the current point was judged already
            own[:, ends < self._since] = 0.0
        suffix = np.cumsum(own[:, ::-1], axis=1)[:, ::-1]  # point x suffix start
        first = suffix.argmax(axis=1)
        lead = suffix[np.arange(len(first)), first]
        held = np.array([gain[k, f:].sum() for k, f in enumerate(first)])
        distinct = np.array(
            [ev.heard(found, k, f, len(tokens)) for k, f in enumerate(first)]
        ) >= np.minimum(DISTINCT, [len(i) for i in found.ids])
        score = np.where((held >= ENTER) & distinct, lead - self._costs(), -np.inf)
        if self._current is not None:
            score[self._current] = -np.inf
        best = int(np.argmax(score))
        if score[best] >= MARGIN:
            self._switch(best, tokens[first[best]].start)

    def _costs(self) -> np.ndarray:
        """Per point: the extra evidence needed to jump there from the current point."""
        n = len(self.notes.points)
        if self._current is None:
            ahead = np.arange(n)  # the talk starts at the first point
            return np.minimum(JUMP * np.maximum(ahead, 0), JUMP_MAX)
        costs = np.full(n, JUMP_MAX, dtype=np.float32)  # back, or far ahead
        for start in {self._current, self._furthest}:
            skipped = np.arange(n) - start - 1
            forward = np.where(skipped >= 0, np.minimum(JUMP * skipped, JUMP_MAX), JUMP_MAX)
            costs = np.minimum(costs, forward)
        for i in range(n):
            if i < self._furthest and i not in self._said:
                costs[i] = min(costs[i], JUMP)  # a point left out, said late
        return costs

    def _switch(self, point: int, start: float) -> None:
        """Move to ``point``, which started at ``start`` s (where the stretch favouring it
        begins; never before the point it follows)."""
        if self._since is not None:
            start = max(start, self._since)
        self._current, self._since = point, start
        self._said.add(point)
        self._furthest = max(self._furthest, point)

    # --- what the panel shows -----------------------------------------------------------

    def _next(self) -> int | None:
        start = -1 if self._current is None else self._current
        for i in range(start + 1, len(self.notes.points)):
            if i not in self._said:
                return i
        return None

    def _drift(self, at: float) -> float | None:
        """Seconds behind the plan: when the current point started against when the plan
        starts it (all points before it budgeted, said or not), plus any overrun of its
        budget so far (as ``measure.pacing``'s drift, which counts at each point's end)."""
        current = self._current
        if current is None or self._t0 is None or self._since is None:
            return None
        budgets = [self._budgets.get(i) for i in range(current + 1)]
        if None in budgets:
            return None
        planned = sum(budgets[:-1])
        overrun = max(0.0, at - self._since - budgets[-1])
        return round(self._since - self._t0 - planned + overrun, 1)
