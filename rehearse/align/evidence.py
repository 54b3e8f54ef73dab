"""Word evidence: how well each point's words are heard in each stretch of the transcript.

Notes and transcript are normalised the same way (textnorm: folded lemmas, numbers spelled out,
acronyms as letters); every distinct point word is compared once with every transcript token
(rapidfuzz ``cdist`` over the two vocabularies). A point's words weigh by how rare they are
across the points (IDF); function words do not count, unless they are all that tells two points
apart.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from rehearse.models import Notes
from rehearse.textnorm import is_stopword, split_words, word_forms

FLOOR = 62  # rapidfuzz ratio below which two words are unrelated (higher: fewer misspellings)
SCALE = 200  # similarities are stored as 0..SCALE in uint8
HIT = 0.5  # similarity (0-1) from which a point word counts as heard
BASE_RATE = 0.03  # evidence per content word a point must beat to hold speech, beyond its
# background (the aligner's units and live following's tail alike)
BACKGROUND_PERCENTILE = 90  # a point's background: this percentile of its recall elsewhere


@dataclass(frozen=True)
class Evidence:
    """Per point: its token ids and weights; per point token and transcript token: the
    similarity; per point and transcript token: the weighted best hit; per point: its rate."""

    ids: list[np.ndarray]
    weights: list[np.ndarray]
    sim: np.ndarray  # unique point token x transcript token, 0..SCALE
    hit: np.ndarray  # point x transcript token: weighted best similarity
    rate: np.ndarray  # per point: its evidence per word of ordinary speech
    words: list[list[str]]  # per point and token: the word it was written as
    length: list[int]  # per point: how many words its note has, function words included
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # backgrounds asked


def _point_words(notes: Notes, language: str | None) -> list[list[tuple[tuple[str, ...], str]]]:
    """Each point's distinct content tokens, each with the word it was written as; all its
    tokens when it has no content word, or when function words are all that tell it from
    another point ("ask not what your country can do for you" / "ask what you can do for your
    country")."""
    every = [
        [(t, w) for w in split_words(p.text) for t in word_forms(w, language)] for p in notes.points
    ]
    content = [
        [(t, w) for t, w in ts if not any(is_stopword(f, language) for f in t)] for ts in every
    ]
    seen = Counter(frozenset(t for t, _ in c) for c in content)
    out = []
    for c, ts in zip(content, every, strict=True):
        chosen = c if c and seen[frozenset(t for t, _ in c)] == 1 else ts
        out.append(list({t: (t, w) for t, w in reversed(chosen)}.values())[::-1])
    return out


def gather(
    notes: Notes, forms: list[tuple[str, ...]], content: np.ndarray, language: str | None
) -> Evidence:
    """The evidence of every point of ``notes`` in the transcript tokens ``forms``."""
    written = _point_words(notes, language)
    per_point = [[t for t, _ in point] for point in written]
    unique: dict[tuple[str, ...], int] = {}
    ids = [
        np.array([unique.setdefault(t, len(unique)) for t in pt], dtype=np.int32)
        for pt in per_point
    ]
    df = Counter(t[-1] for pt in per_point for t in set(pt))
    n = len(per_point)
    idf = {t: math.log(1.0 + n / df[t[-1]]) for t in unique}
    mean_idf = sum(idf.values()) / max(1, len(idf))
    weights = [np.array([idf[t] / mean_idf for t in pt], dtype=np.float32) for pt in per_point]
    sim = similarity(list(unique), forms)
    hit = np.zeros((n, len(forms)), dtype=np.float32)
    function_words = [any(is_stopword(f, language) for t in pt for f in t) for pt in per_point]
    for k in range(n):
        if len(ids[k]):
            scaled = sim[ids[k]].astype(np.float32) * (weights[k][:, None] / SCALE)
            hit[k] = scaled.max(axis=0)
            if not function_words[k]:
                hit[k, ~content] = 0.0  # function words count only for points made of them
    rate = _notes_rate(list(unique), ids, weights)
    if rate is None:
        rate = hit.sum(axis=1) / max(1.0, float(content.sum()))
    words = [[w for _, w in point] for point in written]
    length = [len(split_words(p.text)) for p in notes.points]
    return Evidence(ids, weights, sim, hit, rate, words, length)


def _notes_rate(tokens: list[tuple[str, ...]], ids, weights) -> np.ndarray | None:
    """Per point: the evidence it finds per word of the other points' text (median over
    them), a background that does not depend on how long the recording is. None with fewer
    than three points."""
    n = len(ids)
    if n < 3 or not tokens:
        return None
    sim = similarity(tokens, tokens).astype(np.float32) / SCALE
    rate = np.zeros(n, dtype=np.float32)
    has = [j for j in range(n) if len(ids[j])]
    order = np.concatenate([ids[j] for j in has])
    starts = np.cumsum([0] + [len(ids[j]) for j in has[:-1]])
    sizes = np.array([len(ids[j]) for j in has], dtype=np.float32)
    for k in has:
        hit = (sim[ids[k]] * weights[k][:, None]).max(axis=0)
        means = np.add.reduceat(hit[order], starts) / sizes  # per other point: mean evidence
        rate[k] = np.median(means[np.array(has) != k])
    return rate


def similarity(point_tokens: list[tuple[str, ...]], speech: list[tuple[str, ...]]) -> np.ndarray:
    """Unique point token x transcript token similarity, 0..SCALE (best pair of forms)."""
    p_forms = sorted({f for t in point_tokens for f in t})
    t_forms = sorted({f for t in speech for f in t})
    ratio = process.cdist(p_forms, t_forms, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    short = np.logical_or.outer(
        np.array([len(f) <= 3 for f in p_forms]), np.array([len(f) <= 3 for f in t_forms])
    )
    ratio[short & (ratio < 100)] = 0
    scaled = np.clip((ratio.astype(np.float32) - FLOOR) / (100 - FLOOR), 0, 1) * SCALE
    scaled = scaled.astype(np.uint8)
    p_index = {f: i for i, f in enumerate(p_forms)}
    t_index = {f: i for i, f in enumerate(t_forms)}
    rows = np.stack([scaled[[p_index[f] for f in t]].max(axis=0) for t in point_tokens])
    width = max(len(t) for t in speech)
    cols = np.array([[t_index[t[min(i, len(t) - 1)]] for i in range(width)] for t in speech])
    return rows[:, cols].max(axis=2)


def recall(evidence: Evidence, point: int, first: int, last: int) -> float:
    """Weighted share of ``point``'s words heard in tokens ``first..last-1``."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    if last <= first or not len(ids):
        return 0.0
    best = evidence.sim[ids, first:last].max(axis=1).astype(np.float32) / SCALE
    return float((weights * best).sum() / weights.sum())


def specific(evidence: Evidence, point: int, other: int, first: int, last: int) -> float:
    """Weighted words of ``point`` that ``other`` does not have, heard in tokens
    ``first..last-1``: what tells two similar points apart."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    own = ~np.isin(ids, evidence.ids[other])
    if last <= first or not own.any():
        return 0.0
    best = evidence.sim[ids[own], first:last].max(axis=1).astype(np.float32) / SCALE
    return float((weights[own] * best).sum())


def unheard(evidence: Evidence, point: int, first: int, last: int, limit: int) -> tuple[str, ...]:
    """Up to ``limit`` written words of ``point`` not heard in tokens ``first..last-1``,
    rarest across the notes first: what a speaker can add next time."""
    ids = evidence.ids[point]
    if last <= first or not len(ids):
        return ()
    missed = evidence.sim[ids, first:last].max(axis=1) < HIT * SCALE
    order = np.argsort(-evidence.weights[point], kind="stable")
    words = [evidence.words[point][i] for i in order if missed[i]]
    return tuple(dict.fromkeys(words))[:limit]


def heard(evidence: Evidence, point: int, first: int, last: int) -> int:
    """How many distinct words of ``point`` are clearly heard in tokens ``first..last-1``."""
    ids = evidence.ids[point]
    if last <= first or not len(ids):
        return 0
    return int((evidence.sim[ids, first:last].max(axis=1) >= HIT * SCALE).sum())


def background(
    evidence: Evidence,
    point: int,
    first: int,
    last: int,
    total: int,
    length: int | None = None,
    elsewhere: tuple[tuple[int, int], ...] = (),
) -> float:
    """The point's recall in stretches of ``length`` tokens (default: as long as
    ``first..last-1``) outside that span and the spans ``elsewhere`` (its other
    deliveries): their 90th percentile. Remembered: the checks ask again and again."""
    length = max(1, length or last - first)
    key = (point, first, last, length, elsewhere)
    if key not in evidence.memo:
        evidence.memo[key] = _background(evidence, point, first, last, total, length, elsewhere)
    return evidence.memo[key]


def _background(evidence, point, first, last, total, length, elsewhere) -> float:
    starts = np.arange(0, max(1, total - length + 1), max(1, length // 2))
    for a, b in ((first, last), *elsewhere):
        starts = starts[(starts + length <= a) | (starts >= b)]
    if len(starts) < 3:
        return 0.0
    ids, weights = evidence.ids[point], evidence.weights[point]
    if not len(ids):
        return 0.0
    rows = np.pad(evidence.sim[ids], ((0, 0), (0, 1)))
    edges = np.stack([starts, np.minimum(starts + length, total)], axis=1).ravel()
    best = np.maximum.reduceat(rows, edges, axis=1)[:, ::2].astype(np.float32) / SCALE
    recalls = (weights[:, None] * best).sum(axis=0) / weights.sum()
    return float(np.percentile(recalls, BACKGROUND_PERCENTILE))


def densest(evidence: Evidence, point: int, a: int, b: int, length: int) -> int:
    """Offset from ``a`` of the ``length``-token window of ``a..b-1`` where ``point``'s
    recall is highest."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    if not len(ids) or b - a <= length:
        return 0
    rows = np.lib.stride_tricks.sliding_window_view(evidence.sim[ids, a:b], length, axis=1)
    recalls = (weights[:, None] * rows.max(axis=2)).sum(axis=0)
    return int(recalls.argmax())
