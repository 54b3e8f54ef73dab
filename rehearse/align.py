"""Which of the notes' points were said, where, and in what order.

1. Words: both sides are normalised (textnorm: folded lemmas, numbers spelled out) and
   every point word is compared with every transcript word once (rapidfuzz ``cdist`` over
   the two vocabularies). Point words weigh by how rare they are across the points;
   function words do not count.
2. Units: the transcript is cut at sentence ends, pauses and Whisper segment edges. A
   point starts and ends on unit edges.
3. Assignment: a Viterbi pass gives every unit to one point or to "off script". A unit's
   emission for a point is the point's word evidence in it minus what the point finds in
   ordinary speech, so short points made of common words do not win everywhere. Moving
   on to the next point is cheap, skipping points costs more, going back in the notes
   more still; any switch is cheaper at a pause or sentence end.
4. Checks, then again: a point keeps one contiguous run, and a run must be real evidence
   (in its densest stretch about the point's own length, the point's words heard clearly
   more than in other stretches that long; not just the rest of a near-duplicate's
   delivery). Failing runs are forbidden and the pass runs again.
5. Reclaim: a point still missed may take the edge of another point's run when that
   point does not need it and the missed one explains it much better (near-duplicates,
   short points said out of place).
6. Boundaries: between adjacent runs, the cut moves to the strongest break between the
   first run's last matching word and the second run's first. Each run is shrunk to its
   main cluster of evidence; what is cut (``adlib`` seconds or more) is an ad-lib.
7. Order: points outside the longest in-order chain are out of order.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from rehearse.models import Adlib, Coverage, Notes, PointCoverage, Transcript, Word
from rehearse.textnorm import is_stopword, split_words, word_forms
from rehearse.timing import spoken_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignOptions:
    """``covered``: share of a point's weighted words heard for "covered" (less is
    "partial"); ``verbatim``: the same share for a word-for-word delivery; ``adlib``:
    shortest off-script stretch reported (s); ``quote_words``: longest quote."""

    covered: float = 0.4
    verbatim: float = 0.75
    adlib: float = 10.0
    quote_words: int = 24


_FLOOR = 62  # rapidfuzz ratio below which two words are unrelated
_SCALE = 200  # similarities are stored as 0.._SCALE in uint8
_HIT = 0.5  # similarity (0-1) from which a point word counts as heard
_SENTENCE_END = re.compile(r"[.!?…]['\"”»)]*$")

# Viterbi costs, in units of one clearly heard average point word.
_SWITCH = 0.6  # any change of point or to/from off script
_SKIP = 0.35  # jumping forward over one or more points
_SKIP_EACH = 0.05  # ... and per point jumped over
_BACK = 1.0  # going back in the notes
_ADLIB = 0.8  # going off script
_BASE_RATE = 0.03  # evidence per content word a point must beat to hold a unit
_OFF_RATE = 0.06  # what off-script speech costs per content word
_UNIT_MAX = 30  # tokens; longer units are split at their largest gap
_PASSES = 12
_TIE = 0.5  # s; breaks this close count as equally strong

# Evidence checks.
_MIN_RECALL = 0.12
_MARGIN = 0.08  # recall over the point's background (90th percentile elsewhere)
_EDGE_UNITS = 8  # longest edge a near-duplicate may take, in units
_ANCHOR = 0.2  # emission from which a unit clearly holds its point
_SPARE, _SPARE_GAIN = 0.05, 0.5  # recall a run may lose to a near-duplicate taking its edge
_WINDOW_BASE, _WINDOW_PER_WORD = 8, 3  # tokens of speech a point's words usually take
_ALONE = 0.25  # lift over the background at which one heard word is enough
_NEEDED = 0.12  # a neighbour's recall gain that makes a stretch its own
_SPECIFIC = 0.15  # recall a point must have over its neighbour's stretch to keep its own


@dataclass(frozen=True)
class _Speech:
    """The transcript as tokens: forms, owner word, content flag; and its units."""

    words: list[Word]
    forms: list[tuple[str, ...]]
    owner: np.ndarray  # token -> word index
    content: np.ndarray  # token is not a function word
    units: np.ndarray  # unit start token indexes (plus the end)
    cue: np.ndarray  # how natural a switch is at each unit start (0-1)


@dataclass(frozen=True)
class _Evidence:
    """Per point: its content token ids, their weights; per point and token: the hit."""

    ids: list[np.ndarray]
    weights: list[np.ndarray]
    sim: np.ndarray  # unique point token x transcript token, 0.._SCALE
    hit: np.ndarray  # point x transcript token: weighted best similarity
    rate: np.ndarray  # per point: its evidence per word of ordinary speech


@dataclass
class _Run:
    point: int
    first: int  # unit indexes, inclusive
    last: int
    gain: float = 0.0


def align(notes: Notes, transcript: Transcript, options: AlignOptions | None = None) -> Coverage:
    """Coverage of every point of ``notes`` in ``transcript``, in notes order."""
    options = options or AlignOptions()
    language = notes.language or transcript.language
    speech = _speech(transcript, language)
    if not notes.points or not speech.forms:
        return _empty(notes, speech, options.adlib)
    evidence = _evidence(notes, speech, language)
    emit = _emissions(speech, evidence)
    runs = _assign(speech, evidence, emit)
    silent = _cut_adlibs(runs, speech, emit, options.adlib)
    return _coverage(notes, speech, evidence, runs, silent, options)


# --- tokens and units ----------------------------------------------------------------


def _speech(transcript: Transcript, language: str | None) -> _Speech:
    words = spoken_words(transcript)
    opens = {(w.start, w.text) for s in transcript.segments for w in s.words[:1]}
    forms, owner, content, word_first = [], [], [], []
    for i, word in enumerate(words):
        word_first.append(len(forms))
        for part in split_words(word.text):
            for token in word_forms(part, language):
                forms.append(token)
                owner.append(i)
                content.append(not any(is_stopword(f, language) for f in token))
    word_first.append(len(forms))
    starts, cues = [0], [1.0]
    for i in range(1, len(words)):
        cue = _cue(words[i - 1], words[i], (words[i].start, words[i].text) in opens)
        if cue > 0 and word_first[i] > starts[-1] and word_first[i] < len(forms):
            starts.append(word_first[i])
            cues.append(cue)
    units, cue_list = _split_long(starts, cues, len(forms), owner, words)
    return _Speech(
        words,
        forms,
        np.array(owner, dtype=np.int32),
        np.array(content, dtype=bool),
        np.array(units, dtype=np.int32),
        np.array(cue_list, dtype=np.float32),
    )


def _cue(before: Word, after: Word, segment_start: bool) -> float:
    """How much cheaper a point boundary is between two words: 0 (mid-phrase) to 1.

    Grows with the pause (a listener hears a new thought after a long one), and is
    raised at sentence ends and Whisper segment edges.
    """
    gap = max(0.0, after.start - before.end)
    cue = 1.0 - math.exp(-gap / 0.8) if gap >= 0.2 else 0.0
    if _SENTENCE_END.search(before.text.strip()):
        cue = max(cue, 0.4 + 0.6 * cue)
    elif segment_start:
        cue = max(cue, 0.2 + 0.8 * cue)
    return cue


def _split_long(starts, cues, end, owner, words) -> tuple[list[int], list[float]]:
    """Unit starts (plus ``end``) and cues, long units split at their widest word gap."""
    out, out_cues = [], []
    for k, first in enumerate(starts):
        last = starts[k + 1] if k + 1 < len(starts) else end
        pieces = [(first, last, cues[k])]
        while pieces:
            a, b, cue = pieces.pop(0)
            if b - a <= _UNIT_MAX:
                out.append(a)
                out_cues.append(cue)
                continue
            cut = max(
                range(a + 4, b - 3),
                key=lambda t: (
                    (owner[t] != owner[t - 1])
                    * (words[owner[t]].start - words[owner[t - 1]].end + 1e-3)
                ),
            )
            pieces[:0] = [(a, cut, cue), (cut, b, 0.1)]
    return [*out, end], out_cues


# --- evidence --------------------------------------------------------------------------


def _point_tokens(notes: Notes, language: str | None) -> list[list[tuple[str, ...]]]:
    """Each point's distinct content tokens; all its tokens when it has no content word, or
    when function words are all that tell it from another point ("ask not what your
    country can do for you" / "ask what you can do for your country")."""
    every = [
        [t for w in split_words(p.text) for t in word_forms(w, language)] for p in notes.points
    ]
    content = [[t for t in ts if not any(is_stopword(f, language) for f in t)] for ts in every]
    seen = Counter(frozenset(c) for c in content)
    return [
        list(dict.fromkeys(c if c and seen[frozenset(c)] == 1 else ts))
        for c, ts in zip(content, every, strict=True)
    ]


def _evidence(notes: Notes, speech: _Speech, language: str | None) -> _Evidence:
    per_point = _point_tokens(notes, language)
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
    sim = _similarity(list(unique), speech.forms)
    hit = np.zeros((n, len(speech.forms)), dtype=np.float32)
    for k in range(n):
        if len(ids[k]):
            scaled = sim[ids[k]].astype(np.float32) * (weights[k][:, None] / _SCALE)
            hit[k] = scaled.max(axis=0)
    hit[:, ~speech.content] *= 0.0
    rate = _notes_rate(list(unique), ids, weights)
    if rate is None:
        rate = hit.sum(axis=1) / max(1.0, float(speech.content.sum()))
    return _Evidence(ids, weights, sim, hit, rate)


def _notes_rate(tokens: list[tuple[str, ...]], ids, weights) -> np.ndarray | None:
    """Per point: the evidence it finds per word of the other points' text (median over
    them), a background that does not depend on how long the recording is. None with
    fewer than three points."""
    n = len(ids)
    if n < 3 or not tokens:
        return None
    sim = _similarity(tokens, tokens).astype(np.float32) / _SCALE
    rate = np.zeros(n, dtype=np.float32)
    for k in range(n):
        if not len(ids[k]):
            continue
        hit = (sim[ids[k]] * weights[k][:, None]).max(axis=0)
        rate[k] = np.median([hit[ids[j]].mean() for j in range(n) if j != k and len(ids[j])])
    return rate


def _similarity(point_tokens: list[tuple[str, ...]], speech: list[tuple[str, ...]]) -> np.ndarray:
    """Unique point token x transcript token similarity, 0.._SCALE (best pair of forms)."""
    p_forms = sorted({f for t in point_tokens for f in t})
    t_forms = sorted({f for t in speech for f in t})
    ratio = process.cdist(p_forms, t_forms, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    short = np.logical_or.outer(
        np.array([len(f) <= 3 for f in p_forms]), np.array([len(f) <= 3 for f in t_forms])
    )
    ratio[short & (ratio < 100)] = 0
    scaled = np.clip((ratio.astype(np.float32) - _FLOOR) / (100 - _FLOOR), 0, 1) * _SCALE
    scaled = scaled.astype(np.uint8)
    p_index = {f: i for i, f in enumerate(p_forms)}
    t_index = {f: i for i, f in enumerate(t_forms)}
    rows = np.stack([scaled[[p_index[f] for f in t]].max(axis=0) for t in point_tokens])
    width = max(len(t) for t in speech)
    cols = np.array([[t_index[t[min(i, len(t) - 1)]] for i in range(width)] for t in speech])
    return rows[:, cols].max(axis=2)


def _recall(evidence: _Evidence, point: int, first: int, last: int) -> float:
    """Weighted share of ``point``'s words heard in tokens ``first..last-1``."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    if last <= first or not len(ids):
        return 0.0
    best = evidence.sim[ids, first:last].max(axis=1).astype(np.float32) / _SCALE
    return float((weights * best).sum() / weights.sum())


def _heard(evidence: _Evidence, point: int, first: int, last: int) -> int:
    """How many distinct words of ``point`` are clearly heard in tokens ``first..last-1``."""
    ids = evidence.ids[point]
    if last <= first or not len(ids):
        return 0
    return int((evidence.sim[ids, first:last].max(axis=1) >= _HIT * _SCALE).sum())


def _background(
    evidence: _Evidence, point: int, first: int, last: int, total: int, length: int | None = None
) -> float:
    """The point's recall in stretches of ``length`` tokens (default: as long as
    ``first..last-1``) outside that span: their 90th percentile."""
    length = max(1, length or last - first)
    starts = np.arange(0, max(1, total - length + 1), max(1, length // 2))
    starts = starts[(starts + length <= first) | (starts >= last)]
    if len(starts) < 3:
        return 0.0
    ids, weights = evidence.ids[point], evidence.weights[point]
    if not len(ids):
        return 0.0
    rows = np.pad(evidence.sim[ids], ((0, 0), (0, 1)))
    edges = np.stack([starts, np.minimum(starts + length, total)], axis=1).ravel()
    best = np.maximum.reduceat(rows, edges, axis=1)[:, ::2].astype(np.float32) / _SCALE
    recalls = (weights[:, None] * best).sum(axis=0) / weights.sum()
    return float(np.percentile(recalls, 90))


# --- assignment ------------------------------------------------------------------------


def _emissions(speech: _Speech, evidence: _Evidence) -> np.ndarray:
    """Point x unit: evidence in the unit minus what the point finds in ordinary speech."""
    starts = speech.units[:-1]
    sums = np.add.reduceat(evidence.hit, starts, axis=1)
    content = np.add.reduceat(speech.content.astype(np.float32), starts)
    return sums - (evidence.rate + _BASE_RATE)[:, None] * content[None, :]


def _assign(speech: _Speech, evidence: _Evidence, emit: np.ndarray) -> list[_Run]:
    """Runs of units per point after the Viterbi pass and the evidence checks."""
    n = len(emit)
    content = np.add.reduceat(speech.content.astype(np.float32), speech.units[:-1])
    off_emit = -_OFF_RATE * content
    allowed = np.ones_like(emit, dtype=bool)
    runs: list[_Run] = []
    for _ in range(_PASSES):
        path = _viterbi(np.where(allowed, emit, -np.inf), speech.cue, off_emit)
        runs = _runs(path, emit)
        rejected = _reject(runs, speech, evidence)
        log.debug("pass: %d runs, %d rejected", len(runs), len(rejected))
        if not rejected:
            break
        for run, everywhere in rejected:
            if everywhere:
                allowed[run.point] = False
            else:
                allowed[run.point, run.first : run.last + 1] = False
    runs = _reclaim(runs, speech, evidence, emit, n)
    _refine(runs, speech, evidence)
    return runs


def _reclaim(runs: list[_Run], speech: _Speech, evidence: _Evidence, emit, n: int) -> list[_Run]:
    """Give a missed point the edge of another point's run when that point does not need
    it and the missed one explains it much better: a short point said out of place, or one
    of two similar points said separately, which the assignment folded into a neighbour."""
    tokens, total = speech.units, len(speech.forms)
    for point in sorted(set(range(n)) - {r.point for r in runs}):
        options = [
            (gain, run, edge, rest)
            for run in runs
            if run.last > run.first
            for edge, rest in _edges(run, emit[point])
            if (gain := _spare(evidence, run, point, edge, rest, tokens, total)) is not None
        ]
        if options:
            _, run, edge, rest = max(options, key=lambda o: o[0])
            run.first, run.last = rest
            new = _Run(point, *edge, float(emit[point, edge[0] : edge[1] + 1].sum()))
            runs = sorted([*runs, new], key=lambda r: r.first)
    return runs


def _spare(evidence: _Evidence, run: _Run, point: int, edge, rest, tokens, total) -> float | None:
    """How much better ``point`` explains ``edge`` than ``run``'s own point does, net of
    what that point loses without it; None unless ``edge`` is real evidence of ``point``,
    ``run``'s point is still said in ``rest`` and its loss is small next to the gain."""
    a, b = int(tokens[edge[0]]), int(tokens[edge[1] + 1])
    c, d = int(tokens[rest[0]]), int(tokens[rest[1] + 1])
    e, f = int(tokens[run.first]), int(tokens[run.last + 1])
    loss = _recall(evidence, run.point, e, f) - _recall(evidence, run.point, c, d)
    better = _recall(evidence, point, a, b) - _recall(evidence, run.point, a, b)
    if better <= 0 or loss > _SPARE + _SPARE_GAIN * better:
        return None
    if not (_said(evidence, point, a, b, total) and _said(evidence, run.point, c, d, total)):
        return None
    return better - loss


def _edges(run: _Run, emit: np.ndarray):
    """Leading and trailing stretches of ``run`` with positive emission, shortest first,
    each with the rest of the run."""
    for size in range(1, min(run.last - run.first + 1, _EDGE_UNITS + 1)):
        head = (run.first, run.first + size - 1)
        tail = (run.last - size + 1, run.last)
        if emit[head[0] : head[1] + 1].sum() > 0:
            yield head, (head[1] + 1, run.last)
        if emit[tail[0] : tail[1] + 1].sum() > 0:
            yield tail, (run.first, tail[0] - 1)


def _refine(runs: list[_Run], speech: _Speech, evidence: _Evidence) -> None:
    """Move each boundary between two adjacent runs to the strongest break (longest pause,
    sentence end) between the first run's last heard word and the second's first; on a
    near-tie (within _TIE), the later one: a speaker elaborates after a point's own words."""
    for left, right in itertools.pairwise(runs):
        if right.first != left.last + 1:
            continue
        last = max(
            (
                u
                for u in range(left.first, left.last + 1)
                if _unit_hears(speech, evidence, left.point, u)
            ),
            default=left.first,
        )
        first = min(
            (
                u
                for u in range(right.first, right.last + 1)
                if _unit_hears(speech, evidence, right.point, u)
            ),
            default=right.last,
        )
        if first <= last + 1:
            continue
        breaks = {u: _break(speech, u) for u in range(last + 1, first + 1)}
        strongest = max(breaks.values())
        cut = max(u for u, b in breaks.items() if b >= strongest - _TIE)
        left.last, right.first = cut - 1, cut


def _unit_hears(speech: _Speech, evidence: _Evidence, point: int, unit: int) -> bool:
    a, b = int(speech.units[unit]), int(speech.units[unit + 1])
    return _heard(evidence, point, a, b) > 0


def _break(speech: _Speech, unit: int) -> float:
    """How strong a break precedes ``unit``: the pause in seconds, plus for a sentence end."""
    first = int(speech.owner[speech.units[unit]])
    if first == 0:
        return 0.0
    before, after = speech.words[first - 1], speech.words[first]
    sentence = 0.5 if _SENTENCE_END.search(before.text.strip()) else 0.0
    return after.start - before.end + sentence


def _viterbi(emit: np.ndarray, cue: np.ndarray, off_emit: np.ndarray) -> np.ndarray:
    """Best state per unit: point index k, or ``-1 - j`` for off script after point j - 1.

    States: on point k (k = 0..n-1) and off script after point j - 1 (j = 0..n; j = 0 is
    before any point). "Last point" l of a state: k when on k, j - 1 when off after j - 1.
    """
    n, units = emit.shape
    on = np.full(n, -np.inf)
    off = np.full(n + 1, -np.inf)
    off[0] = 0.0
    steps = np.arange(n + 1) * _SKIP_EACH
    back_on = np.empty((units, n), dtype=np.int32)  # -1: stayed; else source slot i
    slot_on = np.empty((units, n + 1), dtype=bool)  # slot i (last point i - 1) was "on"
    back_off = np.empty((units, n + 1), dtype=bool)  # True: came from on point j - 1
    for u in range(units):
        switch = _SWITCH * (1.0 - 0.9 * float(cue[u]))
        on_slot = np.concatenate(([-np.inf], on))
        slot = np.maximum(on_slot, off)  # slot i: best state whose last point is i - 1
        slot_on[u] = on_slot >= off
        entry, source = _entries(slot, steps)
        entry -= switch if u else 0.0
        stay = on >= entry
        back_on[u] = np.where(stay, -1, source)
        new_on = np.where(stay, on, entry) + emit[:, u]
        leave = np.concatenate(([-np.inf], on - switch - _ADLIB))
        back_off[u] = leave > off
        off = np.maximum(off, leave) + off_emit[u]
        on = new_on
    return _trace(on, off, back_on, slot_on, back_off)


def _entries(slot: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each point m, the best score of starting it from slot i (last point i - 1) and
    that slot: the next point is free, a forward skip costs _SKIP (+ _SKIP_EACH per point
    skipped), going back costs _BACK."""
    n = len(slot) - 1
    nxt = slot[:n]
    ahead, ahead_at = _running_max(slot + steps)
    skip = np.full(n, -np.inf)
    skip_at = np.zeros(n, dtype=np.int64)
    skip[1:] = ahead[: n - 1] - _SKIP - steps[1:n]
    skip_at[1:] = ahead_at[: n - 1]
    behind, behind_at = _running_max(slot[::-1])
    behind, behind_at = behind[::-1], n - behind_at[::-1]
    back = np.full(n, -np.inf)
    back_at = np.zeros(n, dtype=np.int64)
    back[: n - 1] = behind[2 : n + 1] - _BACK
    back_at[: n - 1] = behind_at[2 : n + 1]
    options = np.stack([nxt, skip, back])
    best = options.argmax(axis=0)
    cols = np.arange(n)
    source = np.stack([cols, skip_at, back_at])[best, cols]
    return options[best, cols], source


def _running_max(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running maximum of ``values`` and where it was reached."""
    best = np.maximum.accumulate(values)
    marks = np.where(values >= best, np.arange(len(values)), 0)
    return best, np.maximum.accumulate(marks)


def _trace(on, off, back_on, slot_on, back_off) -> np.ndarray:
    units = len(back_on)
    path = np.empty(units, dtype=np.int32)
    is_on = on.max(initial=-np.inf) >= off.max()
    state = int(on.argmax()) if is_on else int(off.argmax())
    for u in range(units - 1, -1, -1):
        path[u] = state if is_on else -1 - state
        if is_on:
            source = back_on[u, state]
            if source >= 0:
                is_on = bool(slot_on[u, source])
                state = source - 1 if is_on else source
        elif back_off[u, state]:
            state, is_on = state - 1, True
    return path


def _runs(path: np.ndarray, emit: np.ndarray) -> list[_Run]:
    """Maximal stretches of units on one point, in time order, with their total emission."""
    runs: list[_Run] = []
    for u, state in enumerate(path.tolist()):
        if state < 0:
            continue
        if runs and runs[-1].point == state and runs[-1].last == u - 1:
            runs[-1].last = u
        else:
            runs.append(_Run(state, u, u))
    for run in runs:
        run.gain = float(emit[run.point, run.first : run.last + 1].sum())
    return runs


def _reject(runs: list[_Run], speech: _Speech, evidence: _Evidence) -> list[tuple[_Run, bool]]:
    """Runs to forbid, each with whether its point is to be forbidden everywhere."""
    total = len(speech.forms)
    tokens = speech.units
    out: list[tuple[_Run, bool]] = []
    best: dict[int, _Run] = {}
    for run in runs:
        if run.point not in best or run.gain > best[run.point].gain:
            best[run.point] = run
    out += [(r, False) for r in runs if best[r.point] is not r]
    if out:
        return out
    for i, run in enumerate(runs):
        a, b = int(tokens[run.first]), int(tokens[run.last + 1])
        if not _said(evidence, run.point, a, b, total, in_sequence=_in_sequence(runs, i)):
            out.append((run, True))
    if out:
        return [min(out, key=lambda item: item[0].gain)]
    for left, right in itertools.pairwise(runs):
        if right.first != left.last + 1:
            continue
        for keep, drop in ((left, right), (right, left)):
            if _absorbed(drop, keep, tokens, evidence):
                return [(drop, True)]
    return out


def _in_sequence(runs: list[_Run], i: int) -> bool:
    """Whether run ``i`` sits in notes order between the runs said before and after it."""
    before = runs[i - 1].point < runs[i].point if i > 0 else None
    after = runs[i].point < runs[i + 1].point if i + 1 < len(runs) else None
    return (before, after) != (None, None) and before is not False and after is not False


def _said(
    evidence: _Evidence, point: int, a: int, b: int, total: int, *, in_sequence: bool = False
) -> bool:
    """Whether tokens ``a..b-1`` are real evidence of ``point``: in its densest stretch about
    as long as the point itself, its words heard clearly more than in other stretches that
    long (so a long run cannot collect chance matches), and more than one of them. One word
    far above that background is enough for a point of one or two words, or for a run that
    sits in notes order between its neighbours."""
    length = min(b - a, _WINDOW_BASE + _WINDOW_PER_WORD * len(evidence.ids[point]))
    first = a + _densest(evidence, point, a, b, length)
    recall = _recall(evidence, point, first, first + length)
    lift = recall - _background(evidence, point, a, b, total, length)
    heard = _heard(evidence, point, a, b)
    short = len(evidence.ids[point]) <= 2
    enough = heard >= 2 or (heard == 1 and (short or in_sequence) and lift >= _ALONE)
    return recall >= _MIN_RECALL and lift >= _MARGIN and enough


def _densest(evidence: _Evidence, point: int, a: int, b: int, length: int) -> int:
    """Offset from ``a`` of the ``length``-token window of ``a..b-1`` where ``point``'s
    recall is highest."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    if not len(ids) or b - a <= length:
        return 0
    rows = np.lib.stride_tricks.sliding_window_view(evidence.sim[ids, a:b], length, axis=1)
    recalls = (weights[:, None] * rows.max(axis=2)).sum(axis=0)
    return int(recalls.argmax())


def _absorbed(drop: _Run, keep: _Run, tokens: np.ndarray, evidence: _Evidence) -> bool:
    """Whether ``drop``'s stretch is really the rest of ``keep``'s delivery: ``keep``'s
    point needs it, and ``drop``'s point is heard no better there than in ``keep``'s."""
    ka, kb = int(tokens[keep.first]), int(tokens[keep.last + 1])
    da, db = int(tokens[drop.first]), int(tokens[drop.last + 1])
    union = (min(ka, da), max(kb, db))
    gain = _recall(evidence, keep.point, *union) - _recall(evidence, keep.point, ka, kb)
    own = _recall(evidence, drop.point, da, db) - _recall(evidence, drop.point, ka, kb)
    return gain >= _NEEDED and own < _SPECIFIC


# --- result ----------------------------------------------------------------------------


def _coverage(notes, speech, evidence, runs, silent, options) -> Coverage:
    tokens = speech.units
    by_point = {run.point: run for run in runs}
    in_order = _longest_chain([run.point for run in runs])
    order = {run.point: i + 1 for i, run in enumerate(runs)}
    points = []
    for k, point in enumerate(notes.points):
        run = by_point.get(k)
        if run is None:
            points.append(PointCoverage(k, point.number, "missed", 0.0))
            continue
        a, b = int(tokens[run.first]), int(tokens[run.last + 1])
        recall = _recall(evidence, k, a, b)
        first, last = int(speech.owner[a]), int(speech.owner[b - 1])
        points.append(
            PointCoverage(
                index=k,
                number=point.number,
                status="covered" if recall >= options.covered else "partial",
                score=round(100 * recall, 1),
                start=round(speech.words[first].start, 2),
                end=round(speech.words[last].end, 2),
                quote=_quote(speech, evidence, k, a, b, options.quote_words),
                out_of_order=k not in in_order,
                verbatim=recall >= options.verbatim,
                order=order[k],
            )
        )
    return Coverage(tuple(points), _adlibs(speech, runs, silent, options.adlib))


def _longest_chain(points: list[int]) -> set[int]:
    """The longest subsequence of ``points`` (in time order) that is in notes order."""
    if not points:
        return set()
    length = [1] * len(points)
    prev = [-1] * len(points)
    for i, p in enumerate(points):
        for j in range(i):
            if points[j] < p and length[j] + 1 > length[i]:
                length[i], prev[i] = length[j] + 1, j
    i = max(range(len(points)), key=lambda x: (length[x], -x))
    chain = set()
    while i >= 0:
        chain.add(points[i])
        i = prev[i]
    return chain


def _quote(speech: _Speech, evidence: _Evidence, point: int, a: int, b: int, limit: int) -> str:
    """The run's words around its densest evidence, at most ``limit`` words."""
    first, last = int(speech.owner[a]), int(speech.owner[b - 1])
    if last - first + 1 > limit:
        per_word = np.zeros(last - first + 1, dtype=np.float32)
        np.add.at(per_word, speech.owner[a:b] - first, evidence.hit[point, a:b])
        window = np.convolve(per_word, np.ones(limit, dtype=np.float32), mode="valid")
        first += int(window.argmax())
        last = first + limit - 1
    text = " ".join(w.text.strip() for w in speech.words[first : last + 1])
    return re.sub(r"\s+", " ", text).strip()


def _cut_adlibs(
    runs: list[_Run], speech: _Speech, emit: np.ndarray, shortest: float
) -> list[tuple[int, int]]:
    """Shrink each run to its main cluster of evidence: units that clearly hold its point,
    none ``shortest`` seconds or more from the next. What is cut (and at least that long)
    is returned as ad-lib stretches (first, last unit): a digression, or stray mentions of
    the point's words far from its delivery."""
    cut: list[tuple[int, int]] = []
    for run in runs:
        anchors = [u for u in range(run.first, run.last + 1) if emit[run.point, u] >= _ANCHOR]
        if not anchors:
            continue
        clusters = [[anchors[0]]]
        for u in anchors[1:]:
            if (
                clusters[-1][-1] + 1 < u
                and _seconds(speech, clusters[-1][-1] + 1, u - 1) >= shortest
            ):
                clusters.append([u])
            else:
                clusters[-1].append(u)
        main = max(clusters, key=lambda c: float(emit[run.point, c[0] : c[-1] + 1].sum()))
        if main[0] > run.first and _seconds(speech, run.first, main[0] - 1) >= shortest:
            cut.append((run.first, main[0] - 1))
            run.first = main[0]
        if main[-1] < run.last and _seconds(speech, main[-1] + 1, run.last) >= shortest:
            cut.append((main[-1] + 1, run.last))
            run.last = main[-1]
    return cut


def _seconds(speech: _Speech, first: int, last: int) -> float:
    a, b = speech.owner[speech.units[first]], speech.owner[speech.units[last + 1] - 1]
    return speech.words[b].end - speech.words[a].start


def _adlibs(speech, runs, silent, shortest: float) -> tuple[Adlib, ...]:
    """Unmatched stretches, and stretches outside every run, of ``shortest`` s or more."""
    owned = np.zeros(len(speech.units) - 1, dtype=bool)
    for run in runs:
        owned[run.first : run.last + 1] = True
    spans = list(silent)
    u = 0
    while u < len(owned):
        v = u
        while not owned[u] and v + 1 < len(owned) and not owned[v + 1]:
            v += 1
        if not owned[u] and _seconds(speech, u, v) >= shortest:
            spans.append((u, v))
        u = v + 1
    out = []
    for a, b in _merge(spans):
        first = speech.owner[speech.units[a]]
        last = speech.owner[speech.units[b + 1] - 1]
        text = " ".join(w.text.strip() for w in speech.words[first : last + 1])
        words = speech.words
        out.append(Adlib(round(words[first].start, 2), round(words[last].end, 2), text))
    return tuple(out)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _empty(notes: Notes, speech: _Speech, shortest: float) -> Coverage:
    points = tuple(PointCoverage(k, p.number, "missed", 0.0) for k, p in enumerate(notes.points))
    if len(speech.units) < 2:
        return Coverage(points)
    return Coverage(points, _adlibs(speech, [], [], shortest))
