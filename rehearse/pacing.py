"""Pacing: time per point against its budget, drift, speech rate, pauses, fillers, repetitions.

Definitions (the report states them too):

- *Speaking time* runs from the first word to the last, minus pauses of ``pause`` seconds or
  more; *wpm* is words over speaking time, so a deliberate silence does not lower it.
- *Articulation rate* is syllables per second with every gap of 0.25 s or more left out.
- A point's *budget* is its own ``~2m`` budget, else its share of its section's budget, else
  its share of the whole-talk target (``--target`` or front matter), split by word count.
- *Drift* at a point is how far behind (+) or ahead (-) of the plan the speaker is when the
  point ends: elapsed time since the first word minus the budgets of every point passed so far.
  A skipped point counts as passed once a later point is said: its budget is time saved.
- Whisper word times swallow silence: a word longer than its letters allow is cut to a
  plausible length (at its start if it opens a segment, else at its end) before gaps are
  measured, and the excess becomes pause.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rehearse import fillers as fillerlib
from rehearse import textnorm
from rehearse.models import (
    Coverage,
    Filler,
    Notes,
    Pacing,
    Pause,
    PointCoverage,
    PointPacing,
    RatePoint,
    Repetition,
    Transcript,
    Word,
)
from rehearse.timing import spoken_words

log = logging.getLogger(__name__)

# Words per minute judged comfortable for a talk, per language (see README, "Pace").
PACE_BANDS: dict[str, tuple[float, float]] = {"en": (120.0, 160.0), "pl": (85.0, 115.0)}
ARTICULATION_GAP = 0.25  # s; gaps this long are pauses for the articulation rate
FILLER_GAP = 0.4  # s; a gap this long sets a word off like a comma does
SERIES_STEP = 5.0  # s between points of the rolling wpm series

_VOWELS = {"pl": "aeiouyąęó", "en": "aeiouy"}


@dataclass(frozen=True)
class PacingOptions:
    """``pause``: shortest silence reported (s); ``target``: whole-talk length (s), overriding
    the notes' own; ``fillers``: extra filler words; ``window``: rolling wpm window (s)."""

    pause: float = 2.0
    target: float | None = None
    fillers: tuple[str, ...] = ()
    window: float = 30.0


def measure_pacing(
    notes: Notes,
    transcript: Transcript,
    coverage: Coverage,
    options: PacingOptions = PacingOptions(),
) -> Pacing:
    """Pacing of one rehearsal from its transcript and the points' coverage."""
    language = notes.language or transcript.language
    words = spoken_words(transcript)
    spans = _point_spans(coverage)
    owner = [_owner(w, spans) for w in words]
    pauses = find_pauses(words, owner, minimum=options.pause)
    speaking = _speaking_time(words, pauses)
    matches = _filler_matches(words, language, notes.fillers + options.fillers)
    found = [Filler(m.label, round(words[m.first].start, 2), owner[m.first]) for m in matches]
    counts = Counter(f.text for f in found)
    per_point = Counter(f.point for f in found)
    filler_time = sum(words[m.last].end - words[m.first].start for m in matches)
    target = options.target if options.target is not None else notes.target
    budgets = point_budgets(notes, target)
    points = _point_pacing(coverage, words, owner, budgets, per_point)
    wpm = _per_minute(len(words), speaking)
    band = pace_band(language)
    return Pacing(
        duration=transcript.duration,
        speaking_time=round(speaking, 2),
        words=len(words),
        wpm=round(wpm, 1),
        articulation_rate=round(articulation_rate(words, language), 2),
        pace_band=band,
        pace_verdict=pace_verdict(wpm, band) if words else "unknown",
        points=points,
        pauses=tuple(pauses),
        fillers=tuple(found),
        filler_counts=dict(counts.most_common()),
        fillers_per_minute=round(_per_minute(len(found), speaking), 2),
        filler_share=round(filler_time / speaking, 4) if speaking > 0 else 0.0,
        fillers_undercounted=not _prompted_for_fillers(transcript),
        repetitions=tuple(find_repetitions(words, owner, notes, language)),
        wpm_series=tuple(wpm_series(words, options.window, transcript.duration)),
        target=target,
    )


# --- words -------------------------------------------------------------------


def syllables(word: str, language: str | None) -> int:
    """Syllables in one word: vowel groups (y, ą, ę, ó are vowels in Polish).

    Polish syllables follow vowels closely ("ie" in "nie" is one group, one syllable);
    for English a silent final "e" is dropped ("make" 1, "little" 2). Numbers are spelled out.
    """
    lang = (language or "en")[:2]
    if word[:1].isdigit():
        return sum(syllables(w, lang) for w in textnorm.spell_number(word, lang))
    vowels = _VOWELS.get(lang, _VOWELS["en"])
    w = word.casefold()
    groups = len(re.findall(f"[{vowels}]+", w))
    if lang == "en" and groups > 1 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        groups -= 1
    return max(groups, 1) if any(c.isalpha() for c in w) else 0


def articulation_rate(words: Sequence[Word], language: str | None) -> float:
    """Syllables per second of phonation (gaps of 0.25 s or more left out)."""
    if not words:
        return 0.0
    count = sum(syllables(t, language) for w in words for t in textnorm.split_words(w.text))
    phonation = (words[-1].end - words[0].start) - sum(
        g for g in _gaps(words) if g >= ARTICULATION_GAP
    )
    return count / phonation if phonation > 0 else 0.0


# --- pauses ------------------------------------------------------------------


def find_pauses(
    words: Sequence[Word], owner: Sequence[int | None], *, minimum: float
) -> list[Pause]:
    """Gaps of ``minimum`` seconds or more between consecutive words, placed in the talk:
    inside a point when the words on both sides belong to it, else between two points."""
    pauses = []
    for i in range(1, len(words)):
        start, end = words[i - 1].end, words[i].start
        if end - start < minimum:
            continue
        before, after = owner[i - 1], owner[i]
        if before == after or before is None or after is None:
            where = {"point": before if before is not None else after}
        else:
            where = {"between": (before, after)}
        pauses.append(Pause(start=round(start, 2), duration=round(end - start, 2), **where))
    return pauses


def _gaps(words: Sequence[Word]) -> list[float]:
    return [max(0.0, b.start - a.end) for a, b in itertools.pairwise(words)]


def _speaking_time(words: Sequence[Word], pauses: Sequence[Pause]) -> float:
    if not words:
        return 0.0
    return max(0.0, words[-1].end - words[0].start - sum(p.duration for p in pauses))


# --- points, budgets, drift ---------------------------------------------------


def point_budgets(notes: Notes, target: float | None) -> dict[int, float | None]:
    """Seconds planned per point index: own budget, else section share, else target share."""
    budgets: dict[int, float | None] = {p.index: p.budget for p in notes.points}
    for section in notes.sections:
        if section.budget is not None:
            members = [p for p in notes.points if p.section == section.title]
            _share(budgets, members, section.budget)
    if target is not None:
        _share(budgets, notes.points, target)
    return budgets


def _share(budgets: dict[int, float | None], points, total: float) -> None:
    """Split what ``total`` leaves after the already budgeted ``points`` by word count."""
    open_points = [p for p in points if budgets[p.index] is None]
    left = max(0.0, total - sum(budgets[p.index] or 0.0 for p in points))
    weights = {p.index: max(1, len(textnorm.split_words(p.text))) for p in open_points}
    for index, weight in weights.items():
        budgets[index] = round(left * weight / sum(weights.values()), 2)


def _point_spans(coverage: Coverage) -> list[PointCoverage]:
    said = [p for p in coverage.points if _said(p)]
    return sorted(said, key=lambda p: (p.start, p.end))


def _said(p: PointCoverage) -> bool:
    return p.status != "missed" and p.start is not None and p.end is not None


def _owner(word: Word, spans: Sequence[PointCoverage]) -> int | None:
    """Index of the point whose span holds the word's middle, if any."""
    middle = (word.start + word.end) / 2
    i = bisect.bisect_right([p.start for p in spans], middle) - 1
    if i >= 0 and middle <= spans[i].end:
        return spans[i].index
    return None


def _point_pacing(coverage, words, owner, budgets, fillers_per_point) -> tuple[PointPacing, ...]:
    # Drift runs from the attempt that reached the end: the last restart, if any.
    origin = max((r.at for r in coverage.restarts), default=words[0].start if words else 0.0)
    drift = _drift(coverage, budgets, origin)
    count = Counter(owner)
    out = []
    for p in coverage.points:
        budget = budgets.get(p.index)
        duration = max(0.0, p.end - p.start) if _said(p) else 0.0
        out.append(
            PointPacing(
                index=p.index,
                number=p.number,
                start=p.start if _said(p) else None,
                end=p.end if _said(p) else None,
                duration=round(duration, 2),
                words=count[p.index] if _said(p) else 0,
                wpm=round(_per_minute(count[p.index], duration), 1) if duration > 0 else None,
                budget=budget,
                over=round(duration - budget, 2) if budget is not None else None,
                drift=drift.get(p.index),
                fillers=fillers_per_point[p.index],
            )
        )
    return tuple(out)


def _drift(coverage: Coverage, budgets, t0: float) -> dict[int, float]:
    """Drift per point index, walking the points in spoken order (see module docstring)."""
    if not coverage.points or any(budgets.get(p.index) is None for p in coverage.points):
        return {}
    skipped = sorted(p.index for p in coverage.points if not _said(p))
    drift: dict[int, float] = {}
    planned, clock, furthest = 0.0, t0, -1
    for p in _point_spans(coverage):
        furthest = max(furthest, p.index)
        while skipped and skipped[0] < furthest:
            planned += budgets[skipped[0]]
            drift[skipped.pop(0)] = round(clock - t0 - planned, 2)
        planned += budgets[p.index]
        clock = p.end
        drift[p.index] = round(clock - t0 - planned, 2)
    for index in skipped:
        planned += budgets[index]
        drift[index] = round(clock - t0 - planned, 2)
    return drift


# --- fillers and repetitions --------------------------------------------------


def _filler_matches(words, language, extra) -> list[fillerlib.FillerMatch]:
    gaps = [True, *(g >= FILLER_GAP for g in _gaps(words))]
    texts = [w.text for w in words]
    return fillerlib.find_fillers(texts, language, pauses_before=gaps, extra=extra)


def _prompted_for_fillers(transcript: Transcript) -> bool:
    prompt = transcript.initial_prompt or ""
    language = transcript.language
    return any(fillerlib.is_hesitation(w, language) for w in prompt.split())


def find_repetitions(
    words: Sequence[Word], owner: Sequence[int | None], notes: Notes, language: str | None
) -> list[Repetition]:
    """Immediately repeated words or phrases (up to three words): "the the", "że że".

    Hesitations ("yyy yyy") and repeats the notes themselves make ("znacznie, znacznie")
    are not reported.
    """
    tokens = [textnorm.fold(fillerlib.fold_word(w.text)) for w in words]
    in_notes = _repeats_in_notes(notes)
    out: list[Repetition] = []
    i = 0
    while i < len(tokens):
        n = _repeat_length(tokens, i)
        phrase = " ".join(tokens[i : i + n])
        if n and phrase not in in_notes and not fillerlib.is_hesitation(tokens[i], language):
            out.append(Repetition(phrase, round(words[i].start, 2), owner[i]))
        i += 2 * n if n else 1
    return out


def _repeat_length(tokens: Sequence[str], i: int) -> int:
    for n in (3, 2, 1):
        first, second = tokens[i : i + n], tokens[i + n : i + 2 * n]
        if len(second) == n and first == second and all(first):
            return n
    return 0


def _repeats_in_notes(notes: Notes) -> set[str]:
    out = set()
    for point in notes.points:
        tokens = [textnorm.fold(t) for t in textnorm.split_words(point.text)]
        for i in range(len(tokens)):
            n = _repeat_length(tokens, i)
            if n:
                out.add(" ".join(tokens[i : i + n]))
    return out


# --- rates --------------------------------------------------------------------


def wpm_series(words: Sequence[Word], window: float, duration: float) -> list[RatePoint]:
    """Words per minute in a window centred every 5 s (clipped at the recording's ends)."""
    if not words or window <= 0:
        return []
    end = max(duration, words[-1].end)
    middles = sorted((w.start + w.end) / 2 for w in words)
    out = []
    t = min(window / 2, end / 2)
    while t <= end - min(window / 2, end / 2) + 1e-9:
        lo, hi = max(0.0, t - window / 2), min(end, t + window / 2)
        n = bisect.bisect_left(middles, hi) - bisect.bisect_left(middles, lo)
        out.append(RatePoint(round(t, 2), round(_per_minute(n, hi - lo), 1)))
        t += SERIES_STEP
    return out


def pace_band(language: str | None) -> tuple[float, float]:
    return PACE_BANDS.get((language or "en")[:2], PACE_BANDS["en"])


def pace_verdict(wpm: float, band: tuple[float, float]) -> str:
    """ "slow", "good" or "fast" against the language's band."""
    low, high = band
    return "slow" if wpm < low else "fast" if wpm > high else "good"


def _per_minute(count: int, seconds: float) -> float:
    return count * 60.0 / seconds if seconds > 0 else 0.0
