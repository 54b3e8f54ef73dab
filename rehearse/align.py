"""Which points were said, where, and in what order: one global alignment of notes to speech.

1. Both sides are normalised (textnorm); every point token is compared with every transcript
   token once (rapidfuzz ``cdist`` over the two vocabularies), giving a token-similarity matrix.
2. For each point, a window of about 1.5x its length slides over the transcript; the window
   score is the IDF-weighted share of the point's tokens found in it (soft matches count).
   A point's *strength* is its peak score measured against its own background (the median
   window score), so short points that match anything a little do not look said.
3. The best few peaks of each point are candidates. A weighted longest-increasing-subsequence
   (notes order vs time, spans may not overlap) picks the in-order chain; points left out are
   then placed in the remaining free speech if their evidence is strong, and flagged out of order.
4. Boundaries come from the sequence: the speech between two assigned points is split where
   the words stop resembling the earlier point and start resembling the later one (preferring
   pauses); long unmatched stretches are ad-libs.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from rehearse.models import Adlib, Coverage, Notes, PointCoverage, Transcript, Word
from rehearse.textnorm import is_stopword, split_words, word_forms

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignOptions:
    """Thresholds on a point's strength (0-1, peak over its own background)."""

    covered: float = 0.45
    partial: float = 0.2
    reordered: float = 0.28
    adlib: float = 10.0
    verbatim: float = 0.75
    quote_words: int = 18


_FLOOR = 55.0  # token ratio below this is no match at all
_CANDIDATES = 4
_SLACK = 0.15
_SCALE = 250
_HIT = 0.6 * _SCALE  # a token this similar counts as found


@dataclass
class _Tokens:
    """Normalised tokens of one side: forms per token, canonical form, owner word index."""

    forms: list[tuple[str, ...]]
    owner: list[int]

    @classmethod
    def of_words(cls, words: list[str], language: str | None) -> _Tokens:
        forms, owner = [], []
        for i, text in enumerate(words):
            for word in split_words(text):
                for token in word_forms(word, language):
                    forms.append(token)
                    owner.append(i)
        return cls(forms, owner)


@dataclass
class _Candidate:
    point: int
    strength: float
    recall: float
    first: int  # token positions of the matched span (inclusive)
    last: int
    hits: int = 1  # point tokens found in the span
    needed: int = 1  # hits that make the evidence more than one lucky word

    @property
    def core(self) -> tuple[float, float]:
        """The span without its outer 15 % on each side: what may not overlap another point."""
        slack = _SLACK * (self.last - self.first)
        return self.first + slack, self.last - slack


@dataclass
class _Placed:
    point: int
    cand: _Candidate
    in_order: bool
    start_word: int = 0
    end_word: int = 0


def _similarity(points: list[_Tokens], speech: _Tokens) -> tuple[np.ndarray, list[list[int]]]:
    """(U, ids): U[u, k] = similarity of unique point token u to transcript token k, as
    0-250 (uint8, to keep a 200-point x 9,000-word matrix small); ids[p] = point p's token ids."""
    unique: dict[tuple[str, ...], int] = {}
    ids = [[unique.setdefault(f, len(unique)) for f in pt.forms] for pt in points]
    p_forms = sorted({f for forms in unique for f in forms})
    t_forms = sorted({f for forms in speech.forms for f in forms})
    if not unique or not speech.forms:
        return np.zeros((len(unique), len(speech.forms)), np.uint8), ids
    matrix = process.cdist(
        p_forms, t_forms, scorer=fuzz.ratio, dtype=np.uint8, workers=-1, score_cutoff=_FLOOR
    )
    short_p = np.array([len(f) <= 3 for f in p_forms])
    short_t = np.array([len(f) <= 3 for f in t_forms])
    matrix[np.logical_or.outer(short_p, short_t) & (matrix < 100)] = 0
    p_index = {f: i for i, f in enumerate(p_forms)}
    t_index = {f: i for i, f in enumerate(t_forms)}
    rows = np.zeros((len(unique), len(t_forms)), np.uint8)
    for forms, u in unique.items():
        rows[u] = matrix[[p_index[f] for f in forms]].max(axis=0)
    width = max(len(f) for f in speech.forms)
    cols = np.array([[t_index[f[min(i, len(f) - 1)]] for i in range(width)] for f in speech.forms])
    rows = np.clip((rows.astype(np.float32) - _FLOOR) / (100.0 - _FLOOR) * _SCALE, 0, _SCALE)
    rows = rows.astype(np.uint8)
    return rows[:, cols].max(axis=2), ids


def _weights(
    ids: list[list[int]], points: list[_Tokens], speech: _Tokens, language: str | None
) -> np.ndarray:
    """IDF weight per unique point token over points and transcript chunks; stopwords light."""
    n_unique = 1 + max((max(x) for x in ids if x), default=-1)
    canon = [""] * n_unique
    for pt, row in zip(points, ids, strict=True):
        for forms, u in zip(pt.forms, row, strict=True):
            canon[u] = forms[-1] if len(forms) > 1 else forms[0]
    docs = [
        set(forms[0] for forms in pt.forms) | {forms[-1] for forms in pt.forms} for pt in points
    ]
    chunk = 40
    for i in range(0, len(speech.forms), chunk):
        docs.append({f for forms in speech.forms[i : i + chunk] for f in forms})
    df = Counter(f for doc in docs for f in doc)
    weights = np.ones(n_unique, np.float32)
    for u, token in enumerate(canon):
        idf = math.log((len(docs) + 1) / (df[token] + 1)) + 1.0
        weights[u] = idf * (0.15 if is_stopword(token, language) else 1.0)
    return weights


def _sliding_max(x: np.ndarray, width: int) -> np.ndarray:
    """out[:, j] = max(x[:, j : j + width]) (zero beyond the end)."""
    n = x.shape[1]
    out = np.concatenate([x, np.zeros((x.shape[0], width), x.dtype)], axis=1)
    k = 1
    while 2 * k <= width:
        np.maximum(out[:, :-k], out[:, k:], out=out[:, :-k])
        k *= 2
    return np.maximum(out[:, :n], out[:, width - k : width - k + n])


def _window(n_tokens: int) -> int:
    return max(6, round(1.2 * n_tokens) + 4)


def _candidates(p: int, sim: np.ndarray, weights: np.ndarray, n_tokens: int) -> list[_Candidate]:
    """The best few window peaks of one point whose matched spans do not overlap."""
    width = _window(n_tokens)
    score = weights @ _sliding_max(sim, width) / (_SCALE * (float(weights.sum()) or 1.0))
    if score.size == 0:
        return []
    background = float(np.median(score))
    spread = max(1.0 - background, 1e-6)
    content = weights >= 0.5 * weights.max()
    found: list[_Candidate] = []
    seen = np.zeros(score.size, bool)
    for j in np.argsort(-score, kind="stable")[: 40 * _CANDIDATES]:
        if seen[j]:
            continue
        seen[max(0, j - width // 4) : j + width // 4 + 1] = True
        span = _span(sim[:, j : j + width], weights, content)
        if span is None:
            continue
        first, last, hits = j + span[0], j + span[1], span[2]
        if any(min(last, c.last) - max(first, c.first) >= (last - first) / 2 for c in found):
            continue
        strength = (float(score[j]) - background) / spread
        needed = min(2, int(content.sum()))
        found.append(_Candidate(p, strength, float(score[j]), first, last, hits, needed))
        if len(found) == _CANDIDATES:
            break
    return found


def _span(
    block: np.ndarray, weights: np.ndarray, content: np.ndarray
) -> tuple[int, int, int] | None:
    """The shortest stretch of a window holding most of the point's matched weight."""
    hit = block.max(axis=1) >= _HIT
    use = hit & content if (hit & content).any() else hit
    n_content = int(content.sum())
    if use.sum() < (1 if n_content < 4 else 2 if n_content < 10 else 3):
        return None
    pos = block.argmax(axis=1)[use]
    w = weights[use]
    order = np.argsort(pos, kind="stable")
    pos, w = pos[order], w[order]
    cum = np.concatenate([[0.0], np.cumsum(w)])
    inside = cum[None, 1:] - cum[:-1, None]
    length = pos[None, :] - pos[:, None]
    ok = (inside >= 0.7 * cum[-1]) & (length >= 0)
    length = np.where(ok, length, np.iinfo(np.int64).max)
    i, k = np.unravel_index(int(np.argmin(length)), length.shape)
    return int(pos[i]), int(pos[k]), int(k - i + 1)


class _MaxTree:
    """Fenwick tree of prefix maxima over point indexes."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.tree: list[tuple[float, int]] = [(-math.inf, -1)] * (n + 1)

    def update(self, i: int, value: tuple[float, int]) -> None:
        i += 1
        while i <= self.n:
            if value > self.tree[i]:
                self.tree[i] = value
            i += i & -i

    def query(self, i: int) -> tuple[float, int]:
        """Max over indexes < i."""
        best = (-math.inf, -1)
        while i > 0:
            best = max(best, self.tree[i])
            i -= i & -i
        return best


def _chain(cands: list[_Candidate], n_points: int, threshold: float) -> list[_Candidate]:
    """Heaviest chain increasing in both notes order and time, spans not overlapping."""
    nodes = sorted((c for c in cands if c.strength > threshold), key=lambda c: c.core[0])
    tree, pending = _MaxTree(n_points), []
    best: list[float] = []
    back: list[int] = []
    for i, node in enumerate(nodes):
        while pending and pending[0][0] < node.core[0]:
            _, j = heapq.heappop(pending)
            tree.update(nodes[j].point, (best[j], j))
        prev_score, prev = tree.query(node.point)
        gain = node.strength - threshold
        best.append(gain + max(prev_score, 0.0))
        back.append(prev if prev_score > 0 else -1)
        heapq.heappush(pending, (node.core[1], i))
    if not nodes:
        return []
    i = int(np.argmax(best))
    chain = []
    while i >= 0:
        chain.append(nodes[i])
        i = back[i]
    return chain[::-1]


def _overlaps(c: _Candidate, placed: list[_Placed]) -> bool:
    lo, hi = c.core
    return any(lo <= q.cand.core[1] and q.cand.core[0] <= hi for q in placed)


def _assign(cands: list[list[_Candidate]], options: AlignOptions) -> list[_Placed]:
    chain = _chain([c for cs in cands for c in cs], len(cands), options.partial)
    placed = [_Placed(c.point, c, True) for c in chain]
    in_chain = {c.point for c in chain}
    rest = sorted(
        (c for cs in cands for c in cs if c.point not in in_chain),
        key=lambda c: -c.strength,
    )
    for c in rest:
        if c.strength < options.reordered or c.hits < c.needed:
            continue
        if any(q.point == c.point for q in placed):
            continue
        if not _overlaps(c, placed):
            placed.append(_Placed(c.point, c, _consistent(c, placed)))
    return sorted(placed, key=lambda q: q.cand.first)


def _consistent(c: _Candidate, placed: list[_Placed]) -> bool:
    """Whether a candidate sits between its notes-order neighbours in the chain."""
    before = [q.cand.last for q in placed if q.in_order and q.point < c.point]
    after = [q.cand.first for q in placed if q.in_order and q.point > c.point]
    return (not before or max(before) < c.first) and (not after or min(after) > c.last)


def _affinity(sim: np.ndarray, ids: list[int], weights: np.ndarray, gap: range) -> np.ndarray:
    """Per transcript token of ``gap``: how strongly it belongs to a point (0-1)."""
    w = weights[ids] / max(float(weights[ids].max()), 1e-6) / _SCALE
    return (sim[ids, gap.start : gap.stop] * w[:, None]).max(axis=0, initial=0.0)


def _split(gap: range, left: np.ndarray, right: np.ndarray, pause: np.ndarray) -> int:
    """Where in ``gap`` (token positions) the later point starts."""
    if not len(gap):
        return gap.start
    diff = left - right
    to_left = np.concatenate([[0.0], np.cumsum(diff)])
    to_right = np.concatenate([np.cumsum(-diff[::-1])[::-1], [0.0]])
    score = to_left + to_right + pause[gap.start : gap.stop + 1]
    return gap.stop - int(np.argmax(score[::-1]))


def align(notes: Notes, transcript: Transcript, options: AlignOptions = AlignOptions()) -> Coverage:
    """Align the notes' points to the transcript; Coverage.points is in notes order."""
    language = notes.language or transcript.language
    words = list(transcript.words)
    speech = _Tokens.of_words([w.text for w in words], language)
    points = [_Tokens.of_words([p.text], language) for p in notes.points]
    if not speech.forms or not notes.points:
        return _result(notes, words, speech, [], [], options)
    sim, ids = _similarity(points, speech)
    weights = _weights(ids, points, speech, language)
    cands = [
        _candidates(p, sim[ids[p]], weights[ids[p]], len(ids[p])) if ids[p] else []
        for p in range(len(points))
    ]
    placed = _assign(cands, options)
    runs = _bound(placed, words, speech, sim, ids, weights, options.adlib)
    return _result(notes, words, speech, placed, runs, options)


def _pauses(words: list[Word], speech: _Tokens) -> np.ndarray:
    """How good a boundary lies before token k: silence (s, capped) plus a bonus after a
    sentence end; never inside a word. The last entry is after the last token."""
    owner = speech.owner
    starts = np.array([words[o].start for o in owner] + [math.inf])
    ends = np.array([-math.inf] + [words[o].end for o in owner])
    gap = np.clip(starts - ends, 0.0, 2.0)
    gap[~np.isfinite(gap)] = 2.0
    for k in range(1, len(owner)):
        if owner[k] == owner[k - 1]:
            gap[k] = -math.inf
        elif words[owner[k - 1]].text.rstrip().endswith((".", "?", "!")):
            gap[k] += 0.7
    return gap


def _bound(
    placed: list[_Placed],
    words: list[Word],
    speech: _Tokens,
    sim: np.ndarray,
    ids: list[list[int]],
    weights: np.ndarray,
    adlib: float,
) -> list[tuple[int, int]]:
    """Token regions of placed points (each gap split between its neighbours) and ad-lib runs."""
    pause = _pauses(words, speech)
    n = len(speech.forms)
    explained = _explained(sim, weights)
    runs: list[tuple[int, int]] = []
    bounds = [-1, *(x for q in placed for x in (q.cand.first, q.cand.last)), n]
    prev: _Placed | None = None
    for i, nxt in enumerate([*placed, None]):
        gap = range(bounds[2 * i] + 1, bounds[2 * i + 1])
        found = _adlibs(gap, explained, words, speech, adlib)
        runs += found
        left = _affinity(sim, ids[prev.point], weights, gap) if prev else np.zeros(len(gap))
        right = _affinity(sim, ids[nxt.point], weights, gap) if nxt else np.zeros(len(gap))
        k = _split(gap, left, right if nxt else -left, pause)
        if found:
            k = max(k, found[-1][1] + 1) if nxt else min(k, found[0][0])
            if prev:
                prev.end_word = min(k, found[0][0]) - 1
        elif prev:
            prev.end_word = k - 1
        if nxt:
            nxt.start_word = k
        prev = nxt
    return runs


def _explained(sim: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per transcript token: 1 if it resembles a content word of some point."""
    content = weights >= np.median(weights) if weights.size else weights.astype(bool)
    if not content.any():
        return np.zeros(sim.shape[1])
    return (sim[content] >= 0.7 * _SCALE).any(axis=0).astype(np.float32)


def _adlibs(
    gap: range, explained: np.ndarray, words: list[Word], speech: _Tokens, minimum: float
) -> list[tuple[int, int]]:
    """Runs of tokens in ``gap`` that resemble no point, lasting at least ``minimum`` seconds."""
    if len(gap) < 8:
        return []
    part = explained[gap.start : gap.stop]
    kernel = np.ones(9) / 9
    density = np.convolve(part, kernel, mode="same")
    quiet = density < 0.12
    runs, start = [], None
    for i, q in enumerate([*quiet, False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            a, b = gap.start + start, gap.start + i - 1
            if words[speech.owner[b]].end - words[speech.owner[a]].start >= minimum:
                runs.append((a, b))
            start = None
    return runs


def _result(
    notes: Notes,
    words: list[Word],
    speech: _Tokens,
    placed: list[_Placed],
    runs: list[tuple[int, int]],
    options: AlignOptions,
) -> Coverage:
    by_point = {q.point: q for q in placed}
    order = {q.point: i + 1 for i, q in enumerate(placed)}
    out = []
    for p, point in enumerate(notes.points):
        q = by_point.get(p)
        if q is None:
            out.append(
                PointCoverage(index=point.index, number=point.number, status="missed", score=0.0)
            )
            continue
        s = q.cand.strength
        status = "covered" if s >= options.covered else "partial"
        first_word = speech.owner[q.start_word]
        last_word = speech.owner[max(q.end_word, q.start_word)]
        quote = _quote(words, speech, q, options.quote_words)
        out.append(
            PointCoverage(
                index=point.index,
                number=point.number,
                status=status,
                score=round(100 * min(1.0, max(0.0, s)), 1),
                start=round(words[first_word].start, 2),
                end=round(words[last_word].end, 2),
                quote=quote,
                out_of_order=not q.in_order,
                verbatim=q.cand.recall >= options.verbatim,
                order=order[p],
            )
        )
    if not placed and words:
        runs = (
            [(0, len(speech.forms) - 1)] if words[-1].end - words[0].start >= options.adlib else []
        )
    adlibs = tuple(
        Adlib(
            start=round(words[speech.owner[a]].start, 2),
            end=round(words[speech.owner[b]].end, 2),
            text=" ".join(w.text.strip() for w in words[speech.owner[a] : speech.owner[b] + 1]),
        )
        for a, b in runs
    )
    return Coverage(points=tuple(out), adlibs=adlibs)


def _quote(words: list[Word], speech: _Tokens, q: _Placed, limit: int) -> str:
    """The matched words, continued into the point's region up to ``limit`` words."""
    first = speech.owner[q.cand.first]
    last = speech.owner[max(q.cand.last, q.end_word)]
    chosen = [w.text.strip() for w in words[first : last + 1]]
    text = " ".join(chosen[:limit])
    return text + (" …" if len(chosen) > limit else "")
