"""Pacing: time per point against its budget, drift, speech rate, pauses, fillers, repetitions.

Definitions (the report states them too):

- Three durations, named the same everywhere: the *recording* (the file's length), the *talk
  time* (first word to last word; the one compared with the target) and the *speaking time*
  (talk time minus pauses of ``pause`` seconds or more).
- *Speech rate* is syllables per second of speaking time, judged against one band for every
  language (``SYLLABLE_BAND``); *wpm* is words over speaking time, shown beside it, and the
  wpm band is the syllable band at this talk's syllables per word. The *articulation rate*
  leaves out every gap of 0.25 s or more.
- A point's *budget* is its own ``~2m`` budget, else its share of its section's budget, else
  its share of the whole-talk target (``--target`` or front matter). Shares follow word
  counts, but a point counts at least half the median point's words: a keyword point stands
  for a spoken passage, not for its three written words.
- A point is *over budget* when it took more than its budget plus 15 % and at least 5 s more.
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
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rehearse import textnorm
from rehearse.errors import InputError
from rehearse.hesitations import fold_word, is_hesitation
from rehearse.measure import fillers as fillerlib
from rehearse.models import (
    Analysis,
    Coverage,
    Filler,
    Notes,
    PacingResult,
    Pause,
    PointCoverage,
    PointPacing,
    RatePoint,
    Repetition,
    Transcript,
    Word,
)
from rehearse.notes.text import check_target
from rehearse.timing import spoken_words

log = logging.getLogger(__name__)

# Usual speech rate in syllables per second, for every language: "a typical speaking rate for
# English is 4 syllables per second ... one study reporting a range between 3.3 and 5.9"
# (Wikipedia, "Speech tempo"; see docs/how-it-works.md, "Pacing"). Below is "slow", above is "fast".
SYLLABLE_BAND = (3.3, 5.9)
ARTICULATION_GAP = 0.25  # s; gaps this long are pauses for the articulation rate
# The shortest pause the user may ask for: shorter gaps are the breaks between words (the
# articulation rate's own threshold); longer than a minute is not a pause in a talk.
PAUSE_RANGE = (ARTICULATION_GAP, 60.0)
# Over budget: more than 15 % over and at least 5 s over. 15 % alone flags a 10 s point
# that took 12 s, which no speaker would act on; 5 s alone ignores a 5-minute point that
# ran 20 s long. Trades sensitivity for overruns worth acting on.
OVER_SHARE = 0.15
OVER_SECONDS = 5.0
# In a target or section split, a point weighs at least this share of the median point's word
# count. Trades a faithful word-count split for plausible keyword points: "ML moją pasją"
# (3 words) took 7 s to say, while a pure word-count share of a 3-minute target gave it 1 s.
MIN_SHARE_OF_MEDIAN = 0.5
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

    def __post_init__(self) -> None:
        low, high = PAUSE_RANGE
        if not low <= self.pause <= high:
            raise InputError(
                f"a shortest pause of {self.pause:g} s is out of range: use {low:g} to {high:g} s"
            )
        if self.target is not None:
            check_target(self.target)


def measure_pacing(
    notes: Notes,
    transcript: Transcript,
    coverage: Coverage,
    options: PacingOptions = PacingOptions(),
) -> PacingResult:
    """Pacing of one rehearsal from its transcript and the points' coverage."""
    language = transcript.language or notes.language  # syllables and fillers are the speech's
    words = spoken_words(transcript)
    spans = _point_spans(coverage)
    owner = [_owner(w, spans) for w in words]
    pauses = find_pauses(words, owner, minimum=options.pause)
    talk = words[-1].end - words[0].start if words else 0.0
    speaking = _speaking_time(words, pauses)
    count = _syllable_count(words, language)
    matches = _filler_matches(words, language, notes.fillers + options.fillers)
    found = [Filler(m.label, round(words[m.first].start, 2), owner[m.first]) for m in matches]
    counts = Counter(f.text for f in found)
    per_point = Counter(f.point_index for f in found)
    filler_time = sum(words[m.last].end - words[m.first].start for m in matches)
    target = options.target if options.target is not None else notes.target
    budgets = point_budgets(notes, target)
    sources = budget_sources(notes, target)
    points = _point_pacing(coverage, words, owner, budgets, sources, per_point)
    rate = count / speaking if speaking > 0 else 0.0
    return PacingResult(
        duration=transcript.duration,
        talk_time=round(talk, 2),
        speaking_time=round(speaking, 2),
        words=len(words),
        syllables=count,
        wpm=round(_per_minute(len(words), speaking), 1),
        syllable_rate=round(rate, 2),
        syllable_band=SYLLABLE_BAND,
        articulation_rate=round(articulation_rate(words, language), 2),
        pace_band=wpm_band(count / len(words) if words else 0.0),
        pace_verdict=pace_verdict(rate, SYLLABLE_BAND) if words else "unknown",
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
        pause_min=options.pause,
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


def _syllable_count(words: Sequence[Word], language: str | None) -> int:
    return sum(syllables(t, language) for w in words for t in textnorm.split_words(w.text))


def reading_time(notes: Notes) -> float:
    """Seconds the notes' text takes to say at the fast edge of the speech-rate band."""
    return reading_seconds([p.text for p in notes.points], notes.language)


def reading_seconds(texts: Sequence[str], language: str | None) -> float:
    """Seconds ``texts`` take to say at the fast edge of the speech-rate band."""
    count = sum(syllables(w, language) for t in texts for w in textnorm.split_words(t))
    return count / SYLLABLE_BAND[1]


def articulation_rate(words: Sequence[Word], language: str | None) -> float:
    """Syllables per second of phonation (gaps of 0.25 s or more left out)."""
    if not words:
        return 0.0
    count = _syllable_count(words, language)
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
            where = {"point_index": before if before is not None else after}
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
    floor = MIN_SHARE_OF_MEDIAN * statistics.median(_word_count(p) for p in notes.points)
    for section in notes.sections:
        if section.budget is not None:
            members = [p for p in notes.points if p.section_key == section.key]
            _share(budgets, members, section.budget, floor)
    if target is not None:
        _share(budgets, notes.points, target, floor)
    return budgets


def budget_sources(notes: Notes, target: float | None) -> dict[int, str | None]:
    """Where each point's budget comes from: "point", "section", "target" or None."""
    budgeted = {s.key for s in notes.sections if s.budget is not None}
    return {
        p.index: "point"
        if p.budget is not None
        else "section"
        if p.section_key in budgeted
        else "target"
        if target is not None
        else None
        for p in notes.points
    }


def _word_count(point) -> int:
    return max(1, len(textnorm.split_words(point.text)))


def _share(budgets: dict[int, float | None], points, total: float, floor: float) -> None:
    """Split what ``total`` leaves after the already budgeted ``points`` by word count, each
    point weighing at least ``floor`` words."""
    open_points = [p for p in points if budgets[p.index] is None]
    left = max(0.0, total - sum(budgets[p.index] or 0.0 for p in points))
    weights = {p.index: max(_word_count(p), floor) for p in open_points}
    for index, weight in weights.items():
        budgets[index] = round(left * weight / sum(weights.values()), 2)


def planned_length(target: float | None, budgets: Sequence[float | None]) -> float | None:
    """The talk's planned length: the target, else the budgets' sum when every point has one."""
    return target or (sum(budgets) if budgets and None not in budgets else None)


def planned(analysis: Analysis) -> float | None:
    """``planned_length`` of an analysed rehearsal."""
    return planned_length(analysis.summary.target, [p.budget for p in analysis.points])


def is_over(duration: float | None, budget: float | None) -> bool:
    """Over budget by more than 15 % and at least 5 s (see ``OVER_SHARE``)."""
    if not budget or duration is None:
        return False
    return duration > budget * (1 + OVER_SHARE) and duration - budget >= OVER_SECONDS


def _point_spans(coverage: Coverage) -> list[PointCoverage]:
    said = [p for p in coverage.points if _said(p)]
    return sorted(said, key=lambda p: (p.start, p.end))


def _said(p: PointCoverage) -> bool:
    return not p.skipped and p.start is not None and p.end is not None


def _owner(word: Word, spans: Sequence[PointCoverage]) -> int | None:
    """Index of the point whose span holds the word's middle, if any."""
    middle = (word.start + word.end) / 2
    i = bisect.bisect_right([p.start for p in spans], middle) - 1
    if i >= 0 and middle <= spans[i].end:
        return spans[i].index
    return None


def _point_pacing(
    coverage, words, owner, budgets, sources, fillers_per_point
) -> tuple[PointPacing, ...]:
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
                drift=drift.get(p.index),
                fillers=fillers_per_point[p.index],
                budget_from=sources.get(p.index) if budget is not None else None,
                over_budget=_said(p) and is_over(duration, budget),
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
    return any(is_hesitation(w, language) for w in prompt.split())


def find_repetitions(
    words: Sequence[Word], owner: Sequence[int | None], notes: Notes, language: str | None
) -> list[Repetition]:
    """Immediately repeated words or phrases (up to three words): "the the", "że że".

    Hesitations ("yyy yyy") and repeats the notes themselves make ("znacznie, znacznie")
    are not reported.
    """
    tokens = [textnorm.fold(fold_word(w.text)) for w in words]
    in_notes = _repeats_in_notes(notes)
    out: list[Repetition] = []
    i = 0
    while i < len(tokens):
        n = _repeat_length(tokens, i)
        phrase = " ".join(tokens[i : i + n])
        if n and phrase not in in_notes and not is_hesitation(tokens[i], language):
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


def wpm_band(syllables_per_word: float) -> tuple[float, float]:
    """The syllable band in words per minute, for words of this many syllables."""
    if syllables_per_word <= 0:
        return (0.0, 0.0)
    low, high = SYLLABLE_BAND
    return (round(low * 60 / syllables_per_word), round(high * 60 / syllables_per_word))


def pace_verdict(rate: float, band: tuple[float, float]) -> str:
    """ "slow", "good" or "fast": a speech rate (syllables/s) against the band."""
    low, high = band
    return "slow" if rate < low else "fast" if rate > high else "good"


def _per_minute(count: int, seconds: float) -> float:
    return count * 60.0 / seconds if seconds > 0 else 0.0
