"""Which of the notes' points were said, where, how often and in what order.

``align`` runs these steps, one function each:

1. ``_speech``: the transcript as tokens, cut into units at sentence ends and pauses; each unit
   start gets a break strength judged against this speaker's own pauses (a 0.6 s pause is a
   strong break for a fast speaker, a weak one for a slow reader). A sentence starts after
   Whisper's full stop, or after a pause longer than nine in ten of the speaker's unless
   Whisper put a comma there (the speaker took a breath mid-sentence).
2. ``evidence.gather``: how well every point word is heard in every token (fuzzy, IDF-weighted).
3. ``_emissions``: per point and unit, its evidence minus what it finds in ordinary speech.
4. ``_meaning``: the sentences the words leave unplaced (no point heard, or two about equally)
   are embedded (``meaning.py``) and add to the point they are clearly most about (paraphrase).
   Notes in another language than the speech (English notes, a talk given in Polish) leave
   every unit to meaning, which then weighs as heard words do (``_foreign_meaning``); a run
   is then said when meaning over it is most about its point, and fully said when found.
5. ``_assign``: a Viterbi pass (``sequence.best_path``) gives each unit to a point or to "off
   script"; ``_reject`` then checks every run (real evidence of its point, a repeat that is a
   real delivery, not just the rest of a neighbour's passage); failing runs are forbidden and
   the pass runs again.
6. ``_reclaim``: a point still missed may take the edge of another run that does not need it.
7. ``_rescue_keywords``: a short point whose words are heard in order in its place between
   its neighbours (one of them garbled) is found there.
8. ``_place_boundaries``: between two adjacent points, the sentences in between go to the side
   whose words (each counted once per side) and meaning they hold, and the cut lands on the
   strongest break for this speaker at a sentence start; on a tie the later cut wins.
9. ``_trim_adlibs``: a run keeps its clusters of evidence that hold the point on their own and
   what lies between them; a stray stretch ``adlib`` seconds or more away is cut, unless
   meaning says it is still most about the point (the speaker elaborating).
10. ``_mentions``: a point every run of which is short, out of notes order, hears little of
    it and is by meaning no more about it than about the passage it sits in was only
    mentioned: its runs go back to that passage; so do echoes of points said elsewhere.
11. ``_fill_gaps``: a point still missed is looked for by meaning where notes order puts it,
    between the runs said before and after it; speech no run holds there goes to it when
    meaning, over the whole stretch, says it is most about that point (an ad-lib is speech
    about none of the points, not speech without the note's words); ``_misplaced``: a
    second delivery of a point said elsewhere that sits where a missed point belongs and is
    by meaning clearly about that one is that one; ``_split_repeats``: of such a second
    delivery in notes order, a missed point takes the sentences meaning finds clearly about it.
12. ``_restore``: a stretch cut in step 9 that no missed point took goes back to its run when
    it is about the talk (``_Topic``); only asides stay off script.
13. ``_echoes``: words said twice, word for word (a restart re-delivers what was said the
    first time), in runs of two points go to the one that fits the notes order at more of the
    two places (else the one their words hold more), and steps 5-12 run again with that
    (``_echo_bonus``), kept unless it costs a point found without it.
14. ``_reopened``: the opening of a point's earlier delivery, said again word for word just
    before a later run of that point, opens that run (a restart starts with the passage's
    first sentences, not with the first word the notes share); ``_started_again``: a run
    whose opening is said again word for word after a break is an
    attempt and a re-delivery; ``_deliveries``: a point said more than once keeps its last
    complete delivery as its time and its other deliveries as ``repeats``;
    ``_named_in_passing``: a skipped point named inside another passage (one of its rare,
    own words heard there) gets that place as a mention.
15. ``_restarts``: going back to a point already said and carrying on through points said
    before, or starting again the point just begun, is a restart.
16. ``_out_of_order``: points none of whose deliveries lie on the longest in-order chain;
    ``_adlibs``: speech outside every run, ``adlib`` seconds or more.

One module, over 500 lines, because the steps share private state (the units, their
evidence, the runs) and read as one algorithm, in the order above.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from rehearse.align import evidence as ev
from rehearse.align import meaning
from rehearse.align.sequence import Costs, best_path
from rehearse.models import (
    Adlib,
    Coverage,
    Mention,
    Notes,
    PointCoverage,
    Restart,
    Span,
    Transcript,
    Word,
)
from rehearse.textnorm import SENTENCE_END, acronym_forms, is_stopword, split_words, word_forms
from rehearse.timing import PAUSE, spoken_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignOptions:
    """``covered``: share of a point's weighted words heard for "covered" (less is
    "partial"); ``verbatim``: the same share for a word-for-word delivery; ``adlib``:
    shortest off-script stretch reported (s); ``quote_words``: longest quote;
    ``missing_words``: most unheard key words listed for a partly said point; ``meaning``:
    use sentence meaning where the words cannot place a sentence (paraphrase)."""

    covered: float = 0.4
    verbatim: float = 0.75
    adlib: float = 10.0
    quote_words: int = 24
    missing_words: int = 5
    meaning: bool = True


_SENTENCE_END = re.compile(rf"[{re.escape(SENTENCE_END)}]['\"”»)]*$")  # closing quotes may follow
_LIST_NUMBER = re.compile(r"\d+[.)]$")  # "2." opening a sentence numbers what follows

# Units and breaks.
_UNIT_MAX = 30  # tokens; longer units are split at their largest gap (finer: slower, noisier)
# A gap of timing.PAUSE or more is a pause of the speaker (the breaks are ranked among them).
_FEW_PAUSES = 8  # with fewer pauses than this, the speaker's typical pause is not measured...
_TYPICAL_PAUSE = 0.5  # s; ... but taken as this
_SENTENCES_PER_WORD = 1 / 40  # fewer sentence ends than this: the transcript has no punctuation
_LONG_PAUSE = 0.9  # a pause longer than nine in ten of the speaker's ends a sentence, punctuated
# or not

# Emissions.
_OFF_RATE = 0.06  # what off-script speech costs per content word (higher: fewer ad-libs)
_COSTS = Costs()
_PASSES = 12  # assignment passes (each forbids what failed its checks)

# Meaning (sentence embeddings), only where the words place nothing.
_WEAK = 0.5  # a sentence no point is heard in above this emission is left to meaning...
_AMBIGUOUS = 0.7  # ... and so is one whose two best points are heard this close
_MEANING_Z = 1.5  # a sentence counts for a point this many spreads above the points' mean
_MEANING_WEIGHT = 1.0  # heard words a sentence is worth per spread above that
_MEANT_SAID = 2.0  # a run with no word evidence is said if a sentence of it is this far above
_ON_TOPIC_Z = 1.5  # a stretch most about its run's point, this far above the mean: no ad-lib
_COHESIVE = 0.25  # share of a stretch's content words the rest of the talk also uses, from
# which it is about the talk, not an aside (lower: fewer false ad-libs, asides missed)
_TOPIC_QUANTILE = 0.1  # a stretch as close in meaning to the points as this share of the
# sentences that clearly hold their point is about the talk (higher: more ad-libs)
_TOPIC_SAMPLE = 40  # of those sentences, at most about this many are embedded (more: slower)
_FOREIGN_Z = 0.5  # notes in another language: a stretch counts for a point above this z...
_FOREIGN_WEIGHT = 0.1  # ... this much per content word and spread (more: meaning over order,
# so swaps are found, but a passage about two points splits into both)
_FOREIGN_SAID = 1.0  # ... and a run is said when its speech is this far above the mean
_FOREIGN_MIX = 0.5  # each unit's own meaning against its sentence's (more: the sentence's;
# Whisper's sentences in unpunctuated speech run over two points, a unit alone is noisy)
_FILL_SECONDS = 3.0  # speech no point holds that is worth asking meaning about
_FILL_Z = 1.0  # a sentence goes to a missed point when this many spreads above the mean
_FILL_SAID = 1.4  # ... and the point is found when one is its best point, this far above
_SLOT_Z = 0.3  # in speech no run holds, a sentence leans to a missed point this far above the
#   mean (lower: more of a paraphrased passage joins its point; higher: only clear sentences)
_SLOT_SECONDS = 5.0  # ... and the point is found when meaning, over all its sentences together,
#   ranks it first and they last this long: a delivery, not a passing sentence
_MISPLACED_Z = 0.6  # spreads by which meaning must prefer a missed point over the point said
#   elsewhere that a second delivery in the missed point's place was given to (lower: more
#   moved, and a recap of a point taken for a point skipped there)
_SLOT_POINTS = 3  # ... when at most this many points are missed there (more: the stretch could
#   be any of them, and a lean of the whole is no evidence for one; fewer: fewer found)
_FORCE = 100.0  # added to every label's score where each sentence must have one

# Evidence checks.
_MIN_RECALL = 0.12  # a run must hear at least this share of its point's weighted words
_MARGIN = 0.08  # ... and this much more than the point's background (90th percentile)
_ALONE = 0.25  # lift over the background at which one heard word is enough
_WINDOW_BASE, _WINDOW_PER_WORD = 8, 3  # tokens of speech a point's words usually take
_SPREAD = 2  # ... or this many times more: a summary of one long sentence (wider: chance hits)
_NEEDED = 0.12  # a neighbour's recall gain that makes a stretch its own
_SPECIFIC = 0.15  # recall a point must have over its neighbour's stretch to keep its own
_REPEAT_SHARE = 0.5  # a second delivery must hear this share of the best delivery's recall
_CARRY = 2  # points apart that still carry a sequence on (one skipped point)
_CHAIN = 3  # runs in such a sequence that make it the speaker going through the talk
_COMPLETE_SHARE = 0.5  # a delivery with this share of the best recall is complete
_MENTION_SHARE = 0.5  # a run out of notes order shorter than this share of the speaker's
# median passage (scaled down for a note shorter than the median note) only mentions its
# point (higher: more short moved points called skipped)
_MENTION_RECALL = 0.4  # ... if it hears less than this share of the point's weighted words
_NAMED_WORDS = 3  # distinct words of a skipped point a sentence must hear to name it
_NAMED_SENTENCES = 2  # ... one of them said in at most this many sentences of the talk: a name
# of the point, not a topic word (more: topic words name points never spoken of)
_MENTIONS_SHOWN = 3  # most mentions listed for a skipped point
_MENTION_Z = 0.0  # ... and meaning does not say it is more about its point than about its
# host's by this many spreads (higher: more moved passages called mentions)

# Reclaim and keyword rescue.
_ECHO_GRAM = 3  # content words in a row that, said again elsewhere, make an echo
_ECHO_LEN = 4  # content words an echo must last (shorter: stock phrases count)
_ECHO_OCCURRENCES = 6  # a phrase said more often than this is a refrain, not an echo
_ECHO_MARGIN = 0.5  # heard words an echoing unit gets beyond the point it is in now
_OPENING = 2  # units that open a delivery: said again word for word, they open the re-delivery
_RESTART_BREAK = 0.9  # a pause this high among the speaker's before a re-said opening breaks off
# the attempt even without a full stop (lower: a repeated phrase mid-passage starts a point again)
_EDGE_UNITS = 8  # longest edge a missed point may take from another run, in units
_SPARE, _SPARE_GAIN = 0.05, 0.5  # recall a run may lose to a missed point taking its edge
_KEYWORD_WORDS = 6  # points this short may be found by their letters in order
_KEYWORD_MATCH = 75  # rapidfuzz partial_ratio of the point's letters to the stretch's

# Boundaries and ad-libs.
_BREAK_WEIGHT = 1.0  # a full-strength break is worth this many heard words when cutting
_SENTENCE_BONUS = 0.5  # a sentence end adds this to a break's strength
_TIE = 0.25  # cuts this close in fit are a tie, won by the later one (a speaker elaborates)
_ANCHOR = 0.2  # emission from which a unit clearly holds its point


@dataclass(frozen=True)
class _Speech:
    """The transcript as tokens (forms, owner word, content flag) and units."""

    words: list[Word]
    forms: list[tuple[str, ...]]
    owner: np.ndarray  # token -> word index
    content: np.ndarray  # token is not a function word
    units: np.ndarray  # unit start token indexes (plus the end)
    cue: np.ndarray  # per unit: how natural a switch is just before it (0-1)
    strength: np.ndarray  # per unit: the pause before it, ranked among the speaker's (0-1)
    sentence: np.ndarray  # per unit: it opens a sentence

    def tokens(self, first: int, last: int) -> tuple[int, int]:
        """Token span of units ``first..last`` (inclusive)."""
        return int(self.units[first]), int(self.units[last + 1])

    @functools.cached_property
    def unit_content(self) -> np.ndarray:
        """Per unit: how many content words it holds."""
        return np.add.reduceat(self.content.astype(np.float32), self.units[:-1])

    def seconds(self, first: int, last: int) -> float:
        a, b = self.tokens(first, last)
        return self.words[self.owner[b - 1]].end - self.words[self.owner[a]].start


@dataclass
class _Run:
    point: int
    first: int  # unit indexes, inclusive
    last: int
    gain: float = 0.0
    again: bool = False  # opens the point again right after an attempt at it (a restart)


def align(notes: Notes, transcript: Transcript, options: AlignOptions | None = None) -> Coverage:
    """Coverage of every point of ``notes`` in ``transcript``, in notes order."""
    options = options or AlignOptions()
    language = notes.language or transcript.language  # the notes' words
    spoken = transcript.language or language  # the speech's words
    foreign = bool(language and spoken and language != spoken)  # notes in another language
    speech = _speech(transcript, spoken)
    if not notes.points or not speech.forms:
        return _empty(notes, speech, options.adlib)
    evidence = ev.gather(notes, speech.forms, speech.content, language)
    emit = _emissions(speech, evidence)
    meant = _meaning(notes, speech, emit, foreign) if options.meaning else None
    if meant is not None:
        emit = emit + meant.bonus
    checked = np.ones_like(emit, dtype=bool)  # what the first pass's checks leave allowed
    runs, mentions = _explain(notes, speech, evidence, emit, meant, options, language, checked)
    echo = _echoes(runs, speech, emit)
    extra = _echo_bonus(echo, emit, runs, speech) if echo.any() else None
    if extra is not None:
        if meant is not None:
            meant = dataclasses.replace(meant, bonus=meant.bonus + extra)
        allowed = checked | (extra > 0)
        again = emit + extra
        found = _explain(notes, speech, evidence, again, meant, options, language, allowed)
        if not {r.point for r in runs} - {r.point for r in found[0]}:
            runs, mentions = found  # unless the echoes cost a point found without them
    runs = _reopened(runs, speech)
    runs = _started_again(runs, speech)
    deliveries = _deliveries(runs, speech, evidence)
    mentions = {k: v for k, v in mentions.items() if k not in deliveries}
    mentions = _named_in_passing(runs, speech, evidence, deliveries, mentions)
    restarts = _restarts(runs)
    late = _out_of_order(runs)
    adlibs = _adlibs(speech, runs, options.adlib)
    found = _Found(deliveries, late, restarts, adlibs, mentions, foreign)
    return _coverage(notes, speech, evidence, found, options)


def _explain(notes, speech, evidence, emit, meant, options, language, allowed=None):
    """Steps 5-12: the runs of units per point, and the points only mentioned."""
    runs = _assign(speech, evidence, emit, meant, allowed)
    runs = _reclaim(runs, speech, evidence, emit)
    runs = _rescue_keywords(runs, notes, speech, emit, language)
    _place_boundaries(runs, speech, evidence, emit, meant)
    trimmed = _trim_adlibs(runs, speech, evidence, emit, options.adlib, meant)
    runs, mentions = _mentions(runs, speech, evidence, meant)
    runs = _fill_gaps(runs, speech, emit, meant)
    runs = _misplaced(runs, meant)
    runs = _split_repeats(runs, meant)
    _restore(runs, trimmed, speech, evidence, emit, meant)
    return runs, mentions


# --- 1. tokens, units and breaks -------------------------------------------------------------


def _speech(transcript: Transcript, language: str | None) -> _Speech:
    words = spoken_words(transcript)
    forms, owner, content, word_first = [], [], [], []
    for i, word in enumerate(words):
        word_first.append(len(forms))
        for part in split_words(word.text):
            for token in word_forms(part, language):
                forms.append(token)
                owner.append(i)
                content.append(not any(is_stopword(f, language) for f in token))
    word_first.append(len(forms))
    rank = _pause_rank([max(0.0, b.start - a.end) for a, b in itertools.pairwise(words)])
    texts = [w.text.strip() for w in words]
    ends = [bool(_SENTENCE_END.search(t)) for t in texts]
    marks = [bool(_LIST_NUMBER.match(t)) and (i == 0 or ends[i - 1]) for i, t in enumerate(texts)]
    ends = [end and not mark for end, mark in zip(ends, marks, strict=True)]
    punctuated = sum(ends) >= _SENTENCES_PER_WORD * len(words)
    leads_on = [t.endswith((",", ";")) or mark for t, mark in zip(texts, marks, strict=True)]
    starts, cues, strengths, sentences = [0], [1.0], [1.0], [True]
    for i in range(1, len(words)):
        gap = max(0.0, words[i].start - words[i - 1].end)
        strength = rank(gap)
        sentence = ends[i - 1] if punctuated else strength >= 0.5
        sentence = sentence or (strength >= _LONG_PAUSE and not (punctuated and leads_on[i - 1]))
        cue = 0.0 if marks[i - 1] else _cue(strength, sentence)
        if cue > 0 and word_first[i] > starts[-1] and word_first[i] < len(forms):
            starts.append(word_first[i])
            cues.append(cue)
            strengths.append(strength)
            sentences.append(sentence)
    units, cues, strengths, sentences = _split_long(
        starts, cues, strengths, sentences, len(forms), owner, words
    )
    return _Speech(
        words,
        forms,
        np.array(owner, dtype=np.int32),
        np.array(content, dtype=bool),
        np.array(units, dtype=np.int32),
        np.array(cues, dtype=np.float32),
        np.array(strengths, dtype=np.float32),
        np.array(sentences, dtype=bool),
    )


def _pause_rank(gaps: list[float]):
    """A function giving a gap's strength as a break for this speaker, 0-1: the share of the
    speaker's pauses that are shorter (against a fixed ``_TYPICAL_PAUSE`` scale when there
    are too few pauses to rank against)."""
    pauses = np.sort(np.array([g for g in gaps if g >= PAUSE]))

    def strength(gap: float) -> float:
        if gap < PAUSE:
            return 0.0
        if len(pauses) < _FEW_PAUSES:
            return float(1.0 - np.exp(-gap / (2 * _TYPICAL_PAUSE)))
        return float(np.searchsorted(pauses, gap, side="right")) / len(pauses)

    return strength


def _cue(strength: float, sentence: bool) -> float:
    """How much cheaper a point boundary is before a word: 0 (mid-phrase) to 1. Grows with
    the pause, raised at a sentence end. (Whisper's segment edges are not used: the two
    engines cut segments at different places.)"""
    return max(strength, 0.4 + 0.6 * strength) if sentence else strength


def _split_long(starts, cues, strengths, sentences, end, owner, words):
    """Unit starts (plus ``end``) with their cues, strengths and sentence flags, long units
    split at their widest word gap."""
    out: list[tuple[int, float, float, bool]] = []
    for k, first in enumerate(starts):
        last = starts[k + 1] if k + 1 < len(starts) else end
        pieces = [(first, last, cues[k], strengths[k], sentences[k])]
        while pieces:
            a, b, cue, strength, sentence = pieces.pop(0)
            if b - a <= _UNIT_MAX:
                out.append((a, cue, strength, sentence))
                continue
            cut = max(
                range(a + 4, b - 3),
                key=lambda t: (
                    (owner[t] != owner[t - 1])
                    * (words[owner[t]].start - words[owner[t - 1]].end + 1e-3)
                ),
            )
            pieces[:0] = [(a, cut, cue, strength, sentence), (cut, b, 0.1, 0.0, False)]
    columns = list(zip(*out, strict=True))
    return [*columns[0], end], list(columns[1]), list(columns[2]), list(columns[3])


# --- 3. emissions ----------------------------------------------------------------------------


def _emissions(speech: _Speech, evidence: ev.Evidence) -> np.ndarray:
    """Point x unit: evidence in the unit minus what the point finds in ordinary speech."""
    sums = np.add.reduceat(evidence.hit, speech.units[:-1], axis=1)
    return sums - (evidence.rate + ev.BASE_RATE)[:, None] * speech.unit_content[None, :]


# --- 4. meaning -------------------------------------------------------------------------------


class _Meaning:
    """Sentence meaning, asked lazily: each sentence and each point embedded at most once;
    per sentence, how much more it is about each point than about the average point (a
    z-score across the points: the model's cosines are compressed, only their spread
    counts)."""

    def __init__(
        self, notes: Notes, speech: _Speech, by_unit: bool = False, points: np.ndarray | None = None
    ) -> None:
        """``by_unit``: each unit is asked alone, not its whole sentence; ``points``: the
        points' vectors when already embedded."""
        self.notes, self.speech = notes, speech
        opens = np.ones_like(speech.sentence) if by_unit else speech.sentence
        self.sentence = np.cumsum(opens) - 1  # unit -> sentence index
        self._points = points
        self._z: dict[int, np.ndarray] = {}
        self._top: dict[int, float] = {}

    def z(self, sentences) -> np.ndarray:
        """Sentence x point z-scores for ``sentences`` (indexes)."""
        wanted = self._embed(sentences)
        return np.array([self._z[s] for s in wanted]).reshape(len(wanted), len(self.notes.points))

    def top(self, sentences) -> np.ndarray:
        """Per sentence, its cosine to the point it is most about: how much it is about the
        talk at all (compared only with other sentences of the same talk)."""
        return np.array([self._top[s] for s in self._embed(sentences)], dtype=np.float32)

    def _embed(self, sentences) -> list[int]:
        wanted = [int(s) for s in sentences]
        new = sorted({s for s in wanted if s not in self._z})
        if new:
            if self._points is None:
                self._points = meaning.embed_points([p.text for p in self.notes.points])
            sims = meaning.embed_sentences([self._text(s) for s in new]) @ self._points.T
            spread = sims.std(axis=1, keepdims=True) + 1e-6
            for s, row in zip(new, (sims - sims.mean(axis=1, keepdims=True)) / spread, strict=True):
                self._z[s] = row
            self._top.update(zip(new, sims.max(axis=1).tolist(), strict=True))
        return wanted

    def _text(self, sentence: int) -> str:
        units = np.flatnonzero(self.sentence == sentence)
        a, b = self.speech.tokens(int(units[0]), int(units[-1]))
        first, last = int(self.speech.owner[a]), int(self.speech.owner[b - 1])
        return " ".join(w.text.strip() for w in self.speech.words[first : last + 1])


@dataclass(frozen=True)
class _Meant:
    """Meaning where the words leave units unplaced: per point and unit, the z-score of the
    unit's sentence (0 where not asked), and the emission bonus it gives; ``foreign`` when
    the notes are in another language than the speech (meaning stands in for the words)."""

    meaning: _Meaning
    z: np.ndarray
    bonus: np.ndarray
    foreign: bool = False


def _meaning(
    notes: Notes, speech: _Speech, emit: np.ndarray, foreign: bool = False
) -> _Meant | None:
    """Sentence meaning for the sentences the words leave unplaced: no point is heard in
    them above its background, or two points about equally. A sentence clearly more about
    one point than the others adds to that point's emission in its units, in proportion to
    their words. Notes in another language than the speech: ``_foreign_meaning``."""
    if len(notes.points) < 3 or not meaning.available():
        return None
    if foreign:
        return _foreign_meaning(notes, speech)
    found = _Meaning(notes, speech)
    content = speech.unit_content
    sentences = found.sentence
    per_sentence = np.zeros((len(emit), sentences[-1] + 1), dtype=np.float32)
    np.add.at(per_sentence.T, sentences, np.maximum(emit, 0.0).T)
    top2 = -np.sort(-per_sentence, axis=0)[:2]
    unclear = (top2[0] < _WEAK) | (top2[0] - top2[1] < _AMBIGUOUS)
    weak = unclear[sentences] & (content >= 1)
    z = np.zeros_like(emit)
    if weak.any():
        z[:, weak] = found.z(sentences[weak]).T
    words = np.bincount(sentences, weights=content)[sentences]
    share = np.where(weak, content / np.maximum(words, 1.0), 0.0)
    bonus = _MEANING_WEIGHT * np.clip(z - _MEANING_Z, 0.0, None) * share[None, :]
    log.debug("meaning: %d of %d units weak", weak.sum(), len(weak))
    return _Meant(found, z, bonus)


def _foreign_meaning(notes: Notes, speech: _Speech) -> _Meant:
    """Notes in another language than the speech: the words tell little (names, numbers), so
    every unit is asked, by its own words and its sentence's (``_FOREIGN_MIX``), and meaning
    weighs per content word as heard words do: a unit more about a point than ``_FOREIGN_Z``
    spreads above the points' mean counts for it, one less counts against it."""
    points = meaning.embed_points([p.text for p in notes.points])
    found = _Meaning(notes, speech, by_unit=True, points=points)
    whole = _Meaning(notes, speech, points=points)
    content = speech.unit_content
    asked = content >= 1
    z = np.zeros((len(notes.points), len(content)), dtype=np.float32)
    if asked.any():
        alone = found.z(found.sentence[asked]).T
        z[:, asked] = (1 - _FOREIGN_MIX) * alone + _FOREIGN_MIX * whole.z(whole.sentence[asked]).T
    bonus = np.where(asked, _FOREIGN_WEIGHT * (z - _FOREIGN_Z) * content, 0.0)
    return _Meant(found, z, bonus, foreign=True)


# --- 5. assignment and checks ----------------------------------------------------------------


def _assign(
    speech: _Speech,
    evidence: ev.Evidence,
    emit: np.ndarray,
    meant: _Meant | None = None,
    allowed: np.ndarray | None = None,
) -> list[_Run]:
    """Runs of units per point after the Viterbi pass and the evidence checks; ``allowed``
    (point x unit, updated in place) starts from what an earlier assignment forbade."""
    content = speech.unit_content
    off_emit = -_OFF_RATE * content
    allowed = np.ones_like(emit, dtype=bool) if allowed is None else allowed
    runs: list[_Run] = []
    for _ in range(_PASSES):
        path = best_path(np.where(allowed, emit, -np.inf), speech.cue, off_emit, _COSTS)
        runs = _runs(path, emit)
        _place_boundaries(runs, speech, evidence, emit, meant)
        rejected = _reject(runs, speech, evidence, emit, meant)
        log.debug("pass: %d runs, %d rejected", len(runs), len(rejected))
        if not rejected:
            break
        for run, everywhere in rejected:
            if everywhere:
                allowed[run.point] = False
            else:
                allowed[run.point, run.first : run.last + 1] = False
    return runs


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


def _reject(
    runs: list[_Run], speech: _Speech, evidence: ev.Evidence, emit, meant: _Meant | None = None
) -> list[tuple[_Run, bool]]:
    """Runs to forbid, each with whether its point is to be forbidden everywhere. Cheap
    checks first: a second run that is no real delivery (``_repeat``); of two neighbours
    where one is just the rest of the other's passage, the one with less evidence of its
    own (near-duplicate points); a point's best run that is no real evidence (the
    weakest of them)."""
    total = len(speech.forms)
    best: dict[int, _Run] = {}
    for run in runs:
        if run.point not in best or run.gain > best[run.point].gain:
            best[run.point] = run
    weak = [
        (run, False)
        for i, run in enumerate(runs)
        if best[run.point] is not run
        and not _repeat(runs, i, best[run.point], speech, evidence, emit, meant)
    ]
    if weak:
        return weak
    for left, right in itertools.pairwise(runs):
        if right.first != left.last + 1:
            continue
        if _absorbed(right, left, speech, evidence) or _absorbed(left, right, speech, evidence):
            both = speech.tokens(left.first, right.last)
            pair = (left.point, right.point)
            drop = min(
                (left, right),
                key=lambda r: (
                    ev.specific(evidence, r.point, sum(pair) - r.point, *both),
                    ev.recall(evidence, r.point, *both),
                ),
            )
            return [(drop, best[drop.point] is drop)]
    failing = [
        run
        for i, run in enumerate(runs)
        if best[run.point] is run
        and not _said(
            evidence,
            run.point,
            *speech.tokens(run.first, run.last),
            total,
            _in_sequence(runs, i),
            _others(runs, run, speech),
        )
        and not _meant(meant, run, _in_sequence(runs, i) or _carried_on(runs, i))
    ]
    if failing:
        worst = min(failing, key=lambda r: r.gain)
        alone = sum(r.point == worst.point for r in runs) == 1
        return [(worst, alone)]
    return []


def _meant(meant: _Meant | None, run: _Run, in_sequence: bool) -> bool:
    """Whether a run with too little word evidence is said by meaning: in notes order
    between its neighbours (or opening the speaker's way through the talk again, a restart
    from a point whose note is a summary), with a sentence clearly more about its point than
    any other."""
    if meant is not None and meant.foreign:
        return _foreign_said(meant, run)
    if meant is None or not in_sequence:
        return False
    z = meant.z[:, run.first : run.last + 1]
    top = z.argmax(axis=0) == run.point
    return bool((top & (z[run.point] >= _MEANT_SAID)).any())


def _foreign_said(meant: _Meant, run: _Run) -> bool:
    """With notes in another language, a run is said when its speech, over all its units
    (each by its words), is most about its point, ``_FOREIGN_SAID`` spreads above the mean."""
    z = meant.z[:, run.first : run.last + 1]
    weight = meant.meaning.speech.unit_content[run.first : run.last + 1]
    mean = (z * weight).sum(axis=1) / max(float(weight.sum()), 1.0)
    return int(mean.argmax()) == run.point and mean[run.point] >= _FOREIGN_SAID


def _repeat(
    runs: list[_Run],
    i: int,
    best: _Run,
    speech: _Speech,
    evidence: ev.Evidence,
    emit,
    meant: _Meant | None = None,
) -> bool:
    """Whether run ``i``, not its point's best, is a real second delivery. It must open a
    sentence (not be the rest of another passage's sentence echoing the point's words).
    Inside a sequence of runs going through the talk in notes order (a restart, or the
    delivery broken off before one) clear evidence above the point's background, or
    meaning (``_meant``), is enough; elsewhere it must be real evidence of the point on its
    own and hold a good share of what the best delivery holds."""
    run = runs[i]
    if not _opens_sentence(runs, i, speech, emit):
        return False
    a, b = speech.tokens(run.first, run.last)
    if _carried_on(runs, i):
        heard = float(emit[run.point, run.first : run.last + 1].sum()) >= _ANCHOR
        return heard or _meant(meant, run, True)
    others = _others(runs, run, speech)
    if not _said(evidence, run.point, a, b, len(speech.forms), _in_sequence(runs, i), others):
        return False
    own = ev.recall(evidence, run.point, a, b)
    return own >= _REPEAT_SHARE * ev.recall(
        evidence, run.point, *speech.tokens(best.first, best.last)
    )


def _opens_sentence(runs: list[_Run], i: int, speech: _Speech, emit: np.ndarray) -> bool:
    """Whether run ``i`` can open its sentence: it starts one, or the sentence's words before
    it hold nothing of the run before (its cut is still to be placed at the sentence start)."""
    run = runs[i]
    start = run.first
    while start > 0 and not speech.sentence[start]:
        start -= 1
    if start == run.first or i == 0 or runs[i - 1].last < start:
        return True
    return bool((emit[runs[i - 1].point, start : run.first] < _ANCHOR).all())


def _others(runs: list[_Run], run: _Run, speech: _Speech) -> tuple[tuple[int, int], ...]:
    """Token spans of the other runs of ``run``'s point."""
    return tuple(
        speech.tokens(r.first, r.last) for r in runs if r.point == run.point and r is not run
    )


def _carried_on(runs: list[_Run], i: int) -> bool:
    """Whether run ``i`` is part of a sequence of at least ``_CHAIN`` runs, one after the
    other, each going on in notes order by at most ``_CARRY`` points: the speaker is going
    through the talk (again), not echoing one point's words."""
    steps = [0 < b.point - a.point <= _CARRY for a, b in itertools.pairwise(runs)]
    first = last = i
    while first > 0 and steps[first - 1]:
        first -= 1
    while last < len(steps) and steps[last]:
        last += 1
    return last - first + 1 >= _CHAIN


def _in_sequence(runs: list[_Run], i: int) -> bool:
    """Whether run ``i`` sits in notes order between the runs said before and after it."""
    before = runs[i - 1].point < runs[i].point if i > 0 else None
    after = runs[i].point < runs[i + 1].point if i + 1 < len(runs) else None
    return (before, after) != (None, None) and before is not False and after is not False


def _said(
    evidence: ev.Evidence,
    point: int,
    a: int,
    b: int,
    total: int,
    in_sequence: bool = False,
    elsewhere: tuple[tuple[int, int], ...] = (),
) -> bool:
    """Whether tokens ``a..b-1`` are real evidence of ``point``: in its densest stretch about
    as long as the point itself (or ``_SPREAD`` times that, a long sentence it summarises),
    its words heard clearly more than in other stretches that long (so a long run cannot
    collect chance matches), and more than one of them. One word
    far above that background is enough for a keyword point (a short note of one or two
    content words; not a sentence of function words around two, such as a question), or for
    a run that sits in notes order between its neighbours. The point's other deliveries (token spans
    ``elsewhere``) are not its background."""
    heard = ev.heard(evidence, point, a, b)
    short = len(evidence.ids[point]) <= 2 and evidence.length[point] <= _KEYWORD_WORDS
    base = _WINDOW_BASE + _WINDOW_PER_WORD * len(evidence.ids[point])
    for length in sorted({min(b - a, base), min(b - a, _SPREAD * base)}):
        first = a + ev.densest(evidence, point, a, b, length)
        recall = ev.recall(evidence, point, first, first + length)
        lift = recall - ev.background(evidence, point, a, b, total, length, elsewhere)
        enough = heard >= 2 or (heard == 1 and (short or in_sequence) and lift >= _ALONE)
        if recall >= _MIN_RECALL and lift >= _MARGIN and enough:
            return True
    return False


def _absorbed(drop: _Run, keep: _Run, speech: _Speech, evidence: ev.Evidence) -> bool:
    """Whether ``drop``'s stretch could be the rest of ``keep``'s delivery: ``keep``'s point
    needs it, and ``drop``'s point is heard no better there than in ``keep``'s. (Of two
    such neighbours, the one with less of its own words, those the other point does not
    have, heard over both stretches is dropped.)"""
    ka, kb = speech.tokens(keep.first, keep.last)
    da, db = speech.tokens(drop.first, drop.last)
    union = (min(ka, da), max(kb, db))
    gain = ev.recall(evidence, keep.point, *union) - ev.recall(evidence, keep.point, ka, kb)
    own = ev.recall(evidence, drop.point, da, db) - ev.recall(evidence, drop.point, ka, kb)
    return gain >= _NEEDED and own < _SPECIFIC


# --- 6. reclaim ------------------------------------------------------------------------------


def _reclaim(
    runs: list[_Run], speech: _Speech, evidence: ev.Evidence, emit: np.ndarray
) -> list[_Run]:
    """Give a missed point the edge of another point's run when that point does not need
    it and the missed one explains it much better: a short point said out of place, or one
    of two similar points said separately, which the assignment folded into a neighbour."""
    for point in sorted(set(range(len(emit))) - {r.point for r in runs}):
        options = [
            (gain, run, edge, rest)
            for run in runs
            if run.last > run.first
            for edge, rest in _edges(run, emit[point])
            if (gain := _spare(speech, evidence, run, point, edge, rest)) is not None
        ]
        if options:
            _, run, edge, rest = max(options, key=lambda o: o[0])
            run.first, run.last = rest
            new = _Run(point, *edge, float(emit[point, edge[0] : edge[1] + 1].sum()))
            runs = sorted([*runs, new], key=lambda r: r.first)
    return runs


def _spare(speech: _Speech, evidence: ev.Evidence, run: _Run, point: int, edge, rest):
    """How much better ``point`` explains ``edge`` than ``run``'s own point does, net of
    what that point loses without it; None unless ``edge`` is real evidence of ``point``,
    ``run``'s point is still said in ``rest`` and its loss is small next to the gain."""
    total = len(speech.forms)
    a, b = speech.tokens(*edge)
    c, d = speech.tokens(*rest)
    e, f = speech.tokens(run.first, run.last)
    loss = ev.recall(evidence, run.point, e, f) - ev.recall(evidence, run.point, c, d)
    better = ev.recall(evidence, point, a, b) - ev.recall(evidence, run.point, a, b)
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


# --- 7. keyword points -----------------------------------------------------------------------


def _rescue_keywords(runs, notes, speech, emit, language) -> list[_Run]:
    """A short point still missed, in its place in notes order (between the runs said just
    before and after it, or after the last or before the first): found at the edge between
    them when its words, letter by letter and in order, are heard there ("czym się
    interesuje poza MLem" heard as "A czym się interesuje po nrm?")."""
    said = {r.point for r in runs}
    for k, point in enumerate(notes.points):
        words = split_words(point.text)
        if k in said or not words or len(words) > _KEYWORD_WORDS:
            continue
        edges = [None, *runs, None]
        pair = next(
            ((left, right) for left, right in itertools.pairwise(edges)
             if (left is None or left.point < k) and (right is None or k < right.point)),
            None,
        )  # fmt: skip
        if pair is None or pair == (None, None):
            continue
        left, right = pair
        found = _letters_in_order(speech, words, language, left, right)
        if found is None:
            continue
        first, last = found
        left_last = min(left.last, first - 1) if left else -1
        right_first = max(right.first, last + 1) if right else len(speech.units)
        if (left and left_last < left.first) or (right and right_first > right.last):
            continue  # it would swallow a neighbour
        if left:
            left.last = left_last
        if right:
            right.first = right_first
        new = _Run(k, first, last, float(emit[k, first : last + 1].sum()))
        runs = sorted([*runs, new], key=lambda r: r.first)
    return runs


def _letters_in_order(speech: _Speech, words, language, left, right):
    """Units (first, last) at the edge between runs ``left`` and ``right`` (None: the start
    or the end of the talk) where ``words`` are heard letter by letter in order, or None."""
    end = len(speech.units) - 2
    zone = (
        max(left.first, left.last - _EDGE_UNITS + 1) if left else max(0, right.first - _EDGE_UNITS),
        min(right.last, right.first + _EDGE_UNITS - 1)
        if right
        else min(end, left.last + _EDGE_UNITS),
    )
    a, b = speech.tokens(*zone)
    texts = [t[0] for t in speech.forms[a:b]]
    haystack = " ".join(texts)
    needle = " ".join(_sounds(w, language) for w in words)
    match = fuzz.partial_ratio_alignment(needle, haystack)
    if match is None or match.score < _KEYWORD_MATCH:
        return None
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    lengths = np.array([len(t) for t in texts])
    inside = np.minimum(starts + lengths, match.dest_end) - np.maximum(starts, match.dest_start)
    tokens = a + np.flatnonzero(inside >= lengths / 2)  # tokens at least half in the match
    if not len(tokens):
        return None
    first, last = np.searchsorted(speech.units, [tokens[0], tokens[-1]], side="right")
    return int(first) - 1, int(last) - 1


def _sounds(word: str, language: str | None) -> str:
    """A written word as it sounds: an acronym's letters spelled ("MLem" -> "emelem"),
    numbers as words, anything else folded."""
    spelled = acronym_forms(word, language)
    return spelled[0] if spelled else " ".join(t[0] for t in word_forms(word, language))


# --- 8. boundaries ---------------------------------------------------------------------------


def _place_boundaries(
    runs: list[_Run],
    speech: _Speech,
    evidence: ev.Evidence,
    emit: np.ndarray,
    meant: _Meant | None = None,
) -> None:
    """Move each boundary between two adjacent runs to where the speaker moves on: among the
    sentence starts between them (unit starts when no sentence end lies between), the cut
    that leaves each side the most of its own point's words, each word counted once over
    the side's whole passage, plus the break's strength for this speaker. A sentence that
    only echoes words a side already holds weighs nothing; sentences placed by meaning
    count for the side they are about; on a tie the later cut wins (a speaker elaborates on
    a point after its own words)."""
    for left, right in itertools.pairwise(runs):
        if right.first != left.last + 1:
            continue
        units = range(left.first + 1, right.last + 1)
        cuts = [u for u in units if speech.sentence[u]] or list(units)
        if not cuts:
            continue
        before = _heard_before(speech, evidence, emit, left.point, left.first, right.last)
        after = _heard_before(speech, evidence, emit, right.point, left.first, right.last, True)
        if meant is not None:
            span = slice(left.first, right.last + 1)
            before += np.concatenate(([0.0], np.cumsum(meant.bonus[left.point, span])))
            after += np.concatenate((np.cumsum(meant.bonus[right.point, span][::-1])[::-1], [0]))
        at = np.array(cuts)
        breaks = speech.strength[at] + np.where(speech.sentence[at], _SENTENCE_BONUS, 0.0)
        fit = before[at - left.first] + after[at - left.first] + _BREAK_WEIGHT * breaks
        cut = int(at[np.flatnonzero(fit >= fit.max() - _TIE)[-1]])
        left.last, right.first = cut - 1, cut


def _heard_before(speech, evidence, emit, point, first, last, reverse=False) -> np.ndarray:
    """For each cut ``first..last + 1``: ``point``'s weighted words heard (each once) in the
    units before it (``reverse``: from it on), counting only units where the point is
    heard above its background."""
    ids, weights = evidence.ids[point], evidence.weights[point]
    count = last - first + 2
    if not len(ids):
        return np.zeros(count)
    a, b = speech.tokens(first, last)
    best = np.maximum.reduceat(evidence.sim[ids, a:b], speech.units[first : last + 1] - a, axis=1)
    best = np.where(emit[point, first : last + 1] > 0, best, 0).astype(np.float32) / ev.SCALE
    if reverse:
        best = best[:, ::-1]
    heard = weights @ np.maximum.accumulate(best, axis=1)
    out = np.concatenate(([0.0], heard))
    return out[::-1] if reverse else out


# --- 9. ad-libs trimmed ----------------------------------------------------------------------


def _trim_adlibs(
    runs: list[_Run],
    speech: _Speech,
    evidence: ev.Evidence,
    emit: np.ndarray,
    shortest: float,
    meant: _Meant | None = None,
) -> list[tuple[_Run, int, int]]:
    """Shrink each run to its clusters of evidence that hold the point on their own (units
    that clearly hold it, no ``shortest`` seconds apart), cutting what lasts that long (it
    becomes ad-lib, unless meaning finds a missed point there). So a stray mention of a point's
    word far from its passage is cut, but not the opening sentence of a passage that carries
    the point's rarest words ahead of a long stretch that repeats none of them, nor a long
    stretch that is, by meaning, clearly most about the point (``_on_topic``)."""
    total = len(speech.forms)
    trimmed: list[tuple[_Run, int, int]] = []
    for run in runs:
        anchors = [u for u in range(run.first, run.last + 1) if emit[run.point, u] >= _ANCHOR]
        if not anchors:
            continue
        clusters = [[anchors[0]]]
        for u in anchors[1:]:
            if speech.seconds(clusters[-1][-1] + 1, u - 1) >= shortest and u > clusters[-1][-1] + 1:
                clusters.append([u])
            else:
                clusters[-1].append(u)
        held = [
            c for c in clusters if _said(evidence, run.point, *speech.tokens(c[0], c[-1]), total)
        ] or [max(clusters, key=lambda c: float(emit[run.point, c[0] : c[-1] + 1].sum()))]
        first, last = held[0][0], held[-1][-1]
        lead = first > run.first and speech.seconds(run.first, first - 1) >= shortest
        if lead and not _on_topic(meant, run.point, run.first, first - 1):
            trimmed.append((run, run.first, first - 1))
            run.first = first
        tail = last < run.last and speech.seconds(last + 1, run.last) >= shortest
        if tail and not _on_topic(meant, run.point, last + 1, run.last):
            trimmed.append((run, last + 1, run.last))
            run.last = last
    return trimmed


def _on_topic(meant: _Meant | None, point: int, first: int, last: int) -> bool:
    """Whether units ``first..last`` are, by meaning, about ``point`` (the speaker goes on
    about it in other words) rather than off script."""
    if meant is None:
        return False
    sentences = np.unique(meant.meaning.sentence[first : last + 1])
    z = meant.meaning.z(sentences).mean(axis=0)
    return int(z.argmax()) == point and float(z[point]) >= _ON_TOPIC_Z


# --- 10. mentions ----------------------------------------------------------------------------


def _mentions(runs: list[_Run], speech: _Speech, evidence: ev.Evidence, meant: _Meant | None):
    """Points only mentioned in passing, not delivered. First, echoes: a second run of a
    point said elsewhere, out of notes order and not part of the speaker going through the
    talk again, that hears less than ``_REPEAT_SHARE`` of the point's best delivery, is part
    of the passage it interrupts. Then mentions: a point every run of which lies out of notes
    order, is much shorter than this speaker's passages (``_MENTION_SHARE`` of the median,
    less for a note shorter than most), hears little of the point (``_MENTION_RECALL``) and
    is, by meaning, no more about it than about the passage it sits in. Their runs go back
    to the passage they interrupt. Returns the remaining runs and, per point only
    mentioned, its mentions as (run, index of the point whose passage it was in)."""
    if len(runs) < 3:
        return runs, {}
    runs = _drop_echoes(runs, speech, evidence, meant)
    seconds = [speech.seconds(r.first, r.last) for r in runs]
    per_point: dict[int, float] = {}
    for run, length in zip(runs, seconds, strict=True):
        per_point[run.point] = per_point.get(run.point, 0.0) + length
    typical = float(np.median(list(per_point.values())))
    words = float(np.median(evidence.length))
    passing = {
        id(run)
        for i, (run, length) in enumerate(zip(runs, seconds, strict=True))
        if length < _MENTION_SHARE * typical * min(1.0, evidence.length[run.point] / words)
        and ev.recall(evidence, run.point, *speech.tokens(run.first, run.last)) < _MENTION_RECALL
        and not _in_sequence(runs, i)
        and not _about_itself(meant, runs, i)
    }
    only = {r.point for r in runs} - {r.point for r in runs if id(r) not in passing}
    mentions: dict[int, list[tuple[_Run, int | None]]] = {}
    kept: list[_Run] = []
    for i, run in enumerate(runs):
        if run.point not in only:
            kept.append(run)
            continue
        host = _host(runs, i)
        mentions.setdefault(run.point, []).append(
            (_Run(run.point, run.first, run.last), host.point if host else None)
        )
        if host is not None:
            host.first, host.last = min(host.first, run.first), max(host.last, run.last)
    return kept, mentions


def _about_itself(meant: _Meant | None, runs: list[_Run], i: int) -> bool:
    """Whether meaning says run ``i`` is more about its own point than about the point of
    the passage it sits in (its host): a passage said out of order, not a mention."""
    host = _host(runs, i)
    if meant is None or host is None:
        return False
    run = runs[i]
    z = meant.meaning.z(np.unique(meant.meaning.sentence[run.first : run.last + 1]))
    return float((z[:, run.point] - z[:, host.point]).mean()) > _MENTION_Z


def _drop_echoes(
    runs: list[_Run], speech: _Speech, evidence: ev.Evidence, meant: _Meant | None
) -> list[_Run]:
    """``runs`` without the echoes of points delivered elsewhere (see ``_mentions``), each
    given to the passage it sits in. A run of a point with other runs is an echo when it is
    out of notes order (or in it only by chance, ``_again_alone``), not followed by a
    re-delivery, and either hears much less of the
    point than its best run or is by meaning no more about its point than about the passage
    it sits in; of a point all of whose runs are such, the best one stays."""
    recall = [ev.recall(evidence, r.point, *speech.tokens(r.first, r.last)) for r in runs]
    best: dict[int, float] = {}
    count: dict[int, int] = {}
    for run, r in zip(runs, recall, strict=True):
        best[run.point] = max(best.get(run.point, 0.0), r)
        count[run.point] = count.get(run.point, 0) + 1
    candidates = [
        i
        for i, run in enumerate(runs)
        if count[run.point] > 1
        and (not _in_sequence(runs, i) or _again_alone(runs, i))
        and not _goes_back(runs, i)
        and (recall[i] < _REPEAT_SHARE * best[run.point] or not _about_itself(meant, runs, i))
    ]
    echoes = []
    for i in candidates:
        same = [j for j in candidates if runs[j].point == runs[i].point]
        if len(same) < count[runs[i].point] or i != max(same, key=lambda j: recall[j]):
            echoes.append(i)
    hosts = [(i, host) for i in echoes if (host := _host(runs, i)) is not None]
    for i, host in hosts:
        host.first, host.last = min(host.first, runs[i].first), max(host.last, runs[i].last)
    gone = {id(runs[i]) for i, _ in hosts}
    return [r for r in runs if id(r) not in gone]


def _again_alone(runs: list[_Run], i: int) -> bool:
    """Whether run ``i`` says again a point said before while the run before it is a first
    delivery: in notes order only by chance, not the speaker going through the talk again."""
    before = {r.point for r in runs[: max(i - 1, 0)]}
    return (
        i > 0 and runs[i].point in before | {runs[i - 1].point} and runs[i - 1].point not in before
    )


def _goes_back(runs: list[_Run], i: int) -> bool:
    """Whether run ``i`` is followed by a point said before it: the speaker going through
    the talk again (a restart, or a delivery broken off before one), not echoing a point's
    words inside a passage and carrying on."""
    said = {r.point for r in runs[:i]}
    return i + 1 < len(runs) and runs[i + 1].point in said


def _host(runs: list[_Run], i: int) -> _Run | None:
    """The run whose passage run ``i`` sits in: the one just before it when adjacent (the
    speaker going on about that point), else the one just after it."""
    run = runs[i]
    before = runs[i - 1] if i > 0 and runs[i - 1].last == run.first - 1 else None
    after = runs[i + 1] if i + 1 < len(runs) and runs[i + 1].first == run.last + 1 else None
    if before is not None and before.point != run.point:
        return before
    if after is not None and after.point != run.point:
        return after
    return None


# --- 11. gaps --------------------------------------------------------------------------------


def _fill_gaps(
    runs: list[_Run], speech: _Speech, emit: np.ndarray, meant: _Meant | None
) -> list[_Run]:
    """Points still missed, found by meaning where they belong in notes order: between the
    runs said just before and after them. Two places are asked: a stretch no run holds, of
    ``_FILL_SECONDS`` or more (an ad-lib is speech about none of the
    points, not speech without the note's words), and the sentences between the last word
    evidence of one run and the first of the next. Their sentences are labelled in notes
    order with the point each is about (in a stretch no run holds, possibly none: then it
    stays an ad-lib); a missed point keeps its sentences when one of them is about it more
    than about any other point, and clearly so. Meaning only fills in around what the words
    placed: with no point heard at all, the recording is not this talk."""
    if meant is None or not runs:
        return runs
    said = {r.point for r in runs}
    n = meant.z.shape[0]
    for a, b in _unowned(speech, runs):
        if speech.seconds(a, b) < _FILL_SECONDS:
            continue
        lo = max((r.point for r in runs if r.last == a - 1), default=-1)
        hi = min((r.point for r in runs if r.first == b + 1), default=n)
        missed = [k for k in range(lo + 1, hi) if k not in said]
        units = np.arange(a, b + 1)
        found = _found_by_meaning(meant, units, missed, [], lean=_SLOT_Z, speech=speech)
        for k, first, last in found or _found_by_meaning(meant, units, missed, []):
            runs.append(_Run(k, first, last))
            said.add(k)
    runs.sort(key=lambda r: r.first)
    for left, right in itertools.pairwise(list(runs)):
        missed = [k for k in range(left.point + 1, right.point) if k not in said]
        if right.first != left.last + 1 or not missed:
            continue
        held_left = [u for u in range(left.first, left.last + 1) if emit[left.point, u] >= _ANCHOR]
        held_right = [u for u in range(right.first, right.last + 1)
                      if emit[right.point, u] >= _ANCHOR]  # fmt: skip
        last_left = max(held_left, default=left.first)
        first_right = min(held_right, default=right.last)
        units = np.arange(last_left + 1, first_right)
        if not len(units):
            continue
        found = _found_by_meaning(meant, units, missed, [left.point, right.point])
        for k, first, last in found:
            runs.append(_Run(k, first, last))
            said.add(k)
        if found:
            left.last = min(left.last, found[0][1] - 1)
            right.first = max(right.first, found[-1][2] + 1)
    return sorted(runs, key=lambda r: r.first)


def _misplaced(runs: list[_Run], meant: _Meant | None) -> list[_Run]:
    """A second delivery of a point said elsewhere, out of notes order and where missed points
    belong (between the points said just before and after it), is one of those missed points
    when meaning says its sentences are about that one, clearly more than about the point it
    was given to (``_MISPLACED_Z``): a note that shares words with a later passage took it."""
    if meant is None:
        return runs
    runs = sorted(runs, key=lambda r: r.first)
    said = {r.point for r in runs}
    times = defaultdict(int)
    for run in runs:
        times[run.point] += 1
    sentence = meant.meaning.sentence
    for i, run in enumerate(runs):
        before = runs[i - 1].point if i else -1
        after = runs[i + 1].point if i + 1 < len(runs) else meant.z.shape[0]
        missed = [k for k in range(before + 1, after) if k not in said]
        if times[run.point] < 2 or before < run.point < after or not missed:
            continue
        z = meant.meaning.z(list(dict.fromkeys(sentence[run.first : run.last + 1].tolist())))
        z = z.mean(axis=0)
        k = max(missed, key=lambda k: z[k])
        if z[k] - z[run.point] >= _MISPLACED_Z:
            times[run.point] -= 1
            run.point = k
            said.add(k)
            times[k] = 1
    return runs


def _split_repeats(runs: list[_Run], meant: _Meant | None) -> list[_Run]:
    """A second delivery of a point said elsewhere, where missed points belong (between the
    points said just before and after it), gives each of them the sentences meaning finds
    clearly about it (``_pieces``): a note sharing a word with a neighbour's passage ("the
    2017 tightening" and "this additional tightening of the rules") took the passage."""
    if meant is None:
        return runs
    runs = sorted(runs, key=lambda r: r.first)
    said = {r.point for r in runs}
    times = Counter(r.point for r in runs)
    out: list[_Run] = []
    for i, run in enumerate(runs):
        before = runs[i - 1].point if i else -1
        after = runs[i + 1].point if i + 1 < len(runs) else meant.z.shape[0]
        missed = [k for k in range(before + 1, after) if k not in said]
        pieces = _pieces(meant, run, missed) if times[run.point] > 1 and missed else [run]
        if all(p.point == run.point for p in pieces):
            pieces = [run]
        out.extend(pieces)
        said.update(p.point for p in pieces)
        times[run.point] -= all(p.point != run.point for p in pieces)
    return out


def _pieces(meant: _Meant, run: _Run, missed: list[int]) -> list[_Run]:
    """``run`` cut where its sentences, labelled in notes order with its point or one of
    ``missed``, go to a missed point with a sentence clearly about it; the rest stays its."""
    sentence = meant.meaning.sentence
    units = np.arange(run.first, run.last + 1)
    sentences = list(dict.fromkeys(sentence[units].tolist()))
    every = meant.meaning.z(sentences)
    columns = sorted([*missed, run.point])
    out: list[_Run] = []
    for c, block in sorted(_label_in_order(every[:, columns] + _FORCE).items()):
        k = columns[c]
        inside = units[np.isin(sentence[units], [sentences[j] for j in block])]
        clear = (every[block].argmax(axis=1) == k) & (every[block, k] >= _FILL_SAID)
        point = k if clear.any() else run.point
        if out and out[-1].point == point:
            out[-1].last = int(inside[-1])
        else:
            out.append(_Run(point, int(inside[0]), int(inside[-1])))
    return out


def _found_by_meaning(
    meant: _Meant,
    units: np.ndarray,
    missed: list[int],
    owners: list[int],
    *,
    lean: float = _FILL_Z,
    speech: _Speech | None = None,
):
    """(point, first unit, last unit) for each of ``missed`` that meaning finds in
    ``units``, in notes order: a sentence goes to a missed point it is ``lean`` spreads or
    more about, and a point keeps its sentences when one of them is clearly about it. With
    ``owners`` (the runs before and after), every sentence must go to one of them or to a
    missed point; else a sentence may go to none. With ``speech`` (speech no run holds), a
    point also keeps its sentences when meaning, over all of them together, ranks it first
    among all the points and they last ``_SLOT_SECONDS`` (with at most ``_SLOT_POINTS``
    missed there): a paraphrased passage whose sentences each lean only a little to it."""
    if not missed:
        return []
    sentence = meant.meaning.sentence
    sentences = list(dict.fromkeys(sentence[units].tolist()))
    every = meant.meaning.z(sentences)
    columns = [*owners[:1], *missed, *owners[1:]]
    score = every[:, columns] - np.where(np.isin(columns, missed), lean, 0.0)
    if owners:
        score = score + _FORCE  # every sentence labelled: none never wins
    out = []
    for c, block in sorted(_label_in_order(score).items()):
        k = columns[c]
        if k not in missed:
            continue
        inside = units[np.isin(sentence[units], [sentences[i] for i in block])]
        first, last = int(inside[0]), int(inside[-1])
        clear = (every[block].argmax(axis=1) == k) & (every[block, k] >= _FILL_SAID)
        whole = (
            speech is not None
            and len(missed) <= _SLOT_POINTS
            and every[block].mean(axis=0).argmax() == k
            and speech.seconds(first, last) >= _SLOT_SECONDS
        )
        if clear.any() or whole:
            out.append((k, first, last))
    return out


def _label_in_order(score: np.ndarray) -> dict[int, list[int]]:
    """Rows (sentences) labelled with columns (points) in non-decreasing order, or left
    unlabelled (0), to maximise the summed score: column -> its rows."""
    rows, cols = score.shape
    best = np.zeros((rows + 1, cols + 1))  # best[i, j]: first i rows, labels so far <= j - 1
    choice = np.zeros((rows, cols + 1), dtype=np.int64)  # 0: unlabelled; c + 1: label c
    for i in range(rows):
        for j in range(cols + 1):
            options = [best[i, j]] + [best[i, c + 1] + score[i, c] if c < j else -np.inf
                                      for c in range(cols)]  # fmt: skip
            choice[i, j] = int(np.argmax(options))
            best[i + 1, j] = options[choice[i, j]]
    out: dict[int, list[int]] = {}
    j = cols
    for i in range(rows - 1, -1, -1):
        c = choice[i, j]
        if c:
            out.setdefault(c - 1, []).insert(0, i)
            j = c
    return out


def _unowned(speech: _Speech, runs: list[_Run]) -> list[tuple[int, int]]:
    """Maximal stretches of units (first, last) that no run holds."""
    owned = np.zeros(len(speech.units) - 1, dtype=bool)
    for run in runs:
        owned[run.first : run.last + 1] = True
    edges = np.flatnonzero(np.diff(np.concatenate(([1], owned.astype(np.int8), [1]))))
    return [(int(a), int(b) - 1) for a, b in edges.reshape(-1, 2)]


# --- 12. restore -----------------------------------------------------------------------------


def _restore(
    runs: list[_Run], trimmed: list[tuple[_Run, int, int]], speech: _Speech, evidence, emit, meant
) -> None:
    """Give each run back the stretch ``_trim_adlibs`` cut from it when no missed point took
    it meanwhile and it is about the talk (``_Topic``): the speaker elaborating in their own
    words, or opening the passage after a pause, is not off script."""
    topic = _Topic(speech, runs, emit, meant)
    owned = np.zeros(len(speech.units) - 1, dtype=bool)
    for run in runs:
        owned[run.first : run.last + 1] = True
    heirs = [(r if r in runs else _beside(runs, a, b), a, b) for r, a, b in trimmed]
    back = [
        (run, first, last)
        for run, first, last in heirs
        if run is not None and not owned[first : last + 1].any() and topic.about_talk(first, last)
    ]
    for run, first, last in back:
        run.first, run.last = min(run.first, first), max(run.last, last)
    for left, right in itertools.pairwise(runs):
        if left.last >= right.first:  # both took the stretch between them back
            left.last = right.first - 1 if left.first < right.first else left.last
            right.first = max(right.first, left.last + 1)
    if back:
        _place_boundaries([r for r in runs if r.first <= r.last], speech, evidence, emit, meant)


class _Topic:
    """Whether a stretch with none of a point's words is still the talk (the speaker
    elaborating in their own words) or an aside. It is the talk when meaning says it is most
    about a point, when it uses the talk's own vocabulary (``_COHESIVE`` of
    its content words come up elsewhere in the talk), or when it is as close in meaning to
    the points as the sentences that clearly hold theirs. Without meaning, only the first two."""

    def __init__(self, speech: _Speech, runs: list[_Run], emit: np.ndarray, meant) -> None:
        self.speech, self.meant = speech, meant
        first = [f[0] for f in speech.forms]
        self.first = first
        self.counts: dict[str, int] = {}
        for form, content in zip(first, speech.content.tolist(), strict=True):
            if content:
                self.counts[form] = self.counts.get(form, 0) + 1
        self.floor = None
        if meant is not None:
            held = [
                u for r in runs for u in range(r.first, r.last + 1) if emit[r.point, u] >= _ANCHOR
            ]
            if held:
                sentences = np.unique(meant.meaning.sentence[held])
                step = max(1, len(sentences) // _TOPIC_SAMPLE)
                sample = meant.meaning.top(sentences[::step])
                self.floor = float(np.quantile(sample, _TOPIC_QUANTILE))

    def about_talk(self, first: int, last: int) -> bool:
        a, b = self.speech.tokens(first, last)
        inside: dict[str, int] = {}
        for t in range(a, b):
            if self.speech.content[t]:
                inside[self.first[t]] = inside.get(self.first[t], 0) + 1
        words = sum(inside.values())
        if words and sum(n for f, n in inside.items() if self.counts[f] > n) >= _COHESIVE * words:
            return True
        if self.floor is None:
            return False
        sentences = np.unique(self.meant.meaning.sentence[first : last + 1])
        return float(self.meant.meaning.top(sentences).mean()) >= self.floor


def _beside(runs: list[_Run], first: int, last: int) -> _Run | None:
    """The run just before units ``first..last`` (else just after), for a stretch whose own
    run has since gone back into the passage around it."""
    before = [r for r in runs if r.last < first]
    after = [r for r in runs if r.first > last]
    return before[-1] if before else (after[0] if after else None)


# --- 13. echoes ------------------------------------------------------------------------------


def _echoes(runs: list[_Run], speech: _Speech, emit: np.ndarray) -> np.ndarray:
    """Point x unit: content words said twice, word for word (a restart's re-delivery, a
    repeat), where the two sayings lie in runs of different points; they count, on both
    sides, for the one of the two points that fits the notes order between the sayings'
    neighbours in more places, or, when both fit equally, the one their words hold more."""
    keys, unit_of = _content_keys(speech)
    label = _labels(runs, len(speech.units) - 1)
    out = np.zeros_like(emit)
    for i, j, length in _said_twice(keys):
        a, b = unit_of[i : i + length], unit_of[j : j + length]
        pairs = list(zip(label[a].tolist(), label[b].tolist(), strict=True))
        for first, stop in _constant(pairs):
            pa, pb = pairs[first]
            if pa == pb or min(pa, pb) < 0:
                continue
            sides = [(a[first], a[stop - 1]), (b[first], b[stop - 1])]
            units = np.unique(np.concatenate((a[first:stop], b[first:stop])))

            def rank(point, sides=sides, units=units):
                fits = sum(_fits(label, point, *side) for side in sides)
                return fits, float(emit[point, units].sum())

            point = max((pa, pb), key=rank)
            out[point, units] += 1
    return out


def _content_keys(speech: _Speech) -> tuple[list[str], np.ndarray]:
    """The content words as ``_said_twice`` compares them (first form each), and the unit
    each lies in."""
    at = np.flatnonzero(speech.content)
    unit_of = np.searchsorted(speech.units, at, side="right") - 1
    return [speech.forms[i][0] for i in at], unit_of


def _labels(runs: list[_Run], units: int) -> np.ndarray:
    """Per unit, the point of the run holding it (-1: none)."""
    label = np.full(units, -1)
    for run in runs:
        label[run.first : run.last + 1] = run.point
    return label


def _constant(pairs: list) -> list[tuple[int, int]]:
    """Maximal stretches ``[first, stop)`` of equal items."""
    cuts = [k for k in range(1, len(pairs)) if pairs[k] != pairs[k - 1]]
    return list(itertools.pairwise([0, *cuts, len(pairs)]))


def _fits(label: np.ndarray, point: int, first: int, last: int) -> bool:
    """Whether ``point`` said at units ``first..last`` lies in notes order between the
    points said just before and just after them."""
    before = label[:first][label[:first] >= 0]
    after = label[last + 1 :][label[last + 1 :] >= 0]
    return (not len(before) or before[-1] <= point) and (not len(after) or point <= after[0])


def _said_twice(keys: list[str]) -> list[tuple[int, int, int]]:
    """Stretches of at least ``_ECHO_LEN`` content words said twice, word for word: (first
    position, position said again, length)."""
    seen: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j in range(len(keys) - _ECHO_GRAM + 1):
        seen[tuple(keys[j : j + _ECHO_GRAM])].append(j)
    starts = {
        pair
        for at in seen.values()
        if 1 < len(at) <= _ECHO_OCCURRENCES
        for pair in itertools.combinations(at, 2)
    }
    out = []
    for i, j in sorted(starts):
        if (i - 1, j - 1) in starts:
            continue  # inside a stretch already taken
        n = 1
        while (i + n, j + n) in starts:
            n += 1
        length = n + _ECHO_GRAM - 1
        if length >= _ECHO_LEN and j >= i + length:
            out.append((i, j, length))
    return out


def _echo_bonus(echo: np.ndarray, emit: np.ndarray, runs: list[_Run], speech: _Speech):
    """Emission that makes each echoing unit at least as much its echo's point as the point
    it is in now, plus a margin, in proportion to its content words echoed; None when every
    echo already lies in its point."""
    content = speech.unit_content
    label = _labels(runs, echo.shape[1])
    echoing = np.flatnonzero(echo.max(axis=0) > 0)
    point = echo[:, echoing].argmax(axis=0)
    if (point == label[echoing]).all():
        return None
    out = np.zeros_like(echo)
    for u, p in zip(echoing.tolist(), point.tolist(), strict=True):
        share = min(1.0, float(echo[p, u]) / max(float(content[u]), 1.0))
        gap = max(0.0, float(emit[label[u], u] - emit[p, u]))
        out[p, u] = share * (gap + _ECHO_MARGIN)
    return out


# --- 14. deliveries --------------------------------------------------------------------------


def _started_again(runs: list[_Run], speech: _Speech) -> list[_Run]:
    """``runs`` with each point the speaker began and then started again split in two: the
    opening of a run said word for word (``_said_twice``) a second time after a break
    (``_RESTART_BREAK``) with no other point between, the first saying in the run itself or
    just before it off script. The attempt becomes a delivery of its own and the run from
    the second saying on is marked ``again`` (a restart, even right after point 1)."""
    keys, unit_of = _content_keys(speech)
    label = _labels(runs, len(speech.units) - 1)
    holder = np.full(len(label), -1)  # unit -> index of the run holding it
    for n, r in enumerate(runs):
        holder[r.first : r.last + 1] = n
    cuts: dict[int, tuple[int, int]] = {}  # run index -> (attempt's first unit, second saying)
    for i, j, _ in _said_twice(keys):
        first, again = int(unit_of[i]), int(unit_of[j])
        k = int(holder[again])
        if k < 0 or k in cuts or not _breaks(speech, again):
            continue
        run = runs[k]
        between = label[first:again]
        if first > run.last or not np.isin(between, (run.point, -1)).all():
            continue
        start = run.first if label[first] == run.point else _sentence_start(speech, label, first)
        if start < again and not speech.sentence[start + 1 : first + 1].any():
            cuts[k] = (start, again)
    out = []
    for k, run in enumerate(runs):
        if k not in cuts:
            out.append(run)
            continue
        start, again = cuts[k]
        end = again - 1 if run.first < again else _off_end(label, start, again)
        out.append(_Run(run.point, start, end, run.gain))
        out.append(_Run(run.point, again, run.last, run.gain, again=True))
    return out


def _reopened(runs: list[_Run], speech: _Speech) -> list[_Run]:
    """``runs`` with each re-delivery starting where the speaker said its point's opening
    again: the opening of an earlier delivery of a point (its first ``_OPENING`` units), said
    word for word (``_said_twice``) inside the run just before a later run of that point,
    belongs to the later run (a restart opens with the passage's first sentences, which need
    not share a word with the notes)."""
    keys, unit_of = _content_keys(speech)
    runs = sorted(runs, key=lambda r: r.first)
    for i, j, _ in _said_twice(keys):
        first, again = int(unit_of[i]), int(unit_of[j])
        said = next((r for r in runs if r.first <= first <= r.last), None)
        if said is None or first - said.first >= _OPENING:
            continue
        k = next((k for k, r in enumerate(runs) if r.first <= again <= r.last), None)
        if k is None or k + 1 >= len(runs):
            continue
        before, later = runs[k], runs[k + 1]
        adjacent = later.first == before.last + 1
        if later.point == said.point != before.point and adjacent and again > before.first:
            before.last, later.first = again - 1, again
    return runs


def _breaks(speech: _Speech, unit: int) -> bool:
    """Whether the speaker breaks off before ``unit``: a sentence starts there, or the pause
    before it is among this speaker's longest (``_RESTART_BREAK``)."""
    return bool(speech.sentence[unit] or speech.strength[unit] >= _RESTART_BREAK)


def _sentence_start(speech: _Speech, label: np.ndarray, unit: int) -> int:
    """The first unit of ``unit``'s sentence, off script like it."""
    while unit > 0 and not speech.sentence[unit] and label[unit - 1] < 0:
        unit -= 1
    return unit


def _off_end(label: np.ndarray, start: int, stop: int) -> int:
    """The last unit of the off-script stretch from ``start`` before ``stop``."""
    end = start
    while end + 1 < stop and label[end + 1] < 0:
        end += 1
    return end


@dataclass(frozen=True)
class _Delivery:
    """A point's deliveries: the one that counts (its last complete one), its best recall,
    and the others."""

    main: _Run
    recall: float
    others: tuple[_Run, ...]


def _deliveries(runs: list[_Run], speech: _Speech, evidence: ev.Evidence) -> dict[int, _Delivery]:
    """Per point said: its last complete delivery (recall within ``_COMPLETE_SHARE`` of its
    best), the best recall, and its other deliveries."""
    by_point: dict[int, list[tuple[_Run, float]]] = {}
    for run in runs:
        recall = ev.recall(evidence, run.point, *speech.tokens(run.first, run.last))
        by_point.setdefault(run.point, []).append((run, recall))
    out = {}
    for point, found in by_point.items():
        best = max(r for _, r in found)
        main = [run for run, r in found if r >= _COMPLETE_SHARE * best][-1]
        out[point] = _Delivery(main, best, tuple(run for run, _ in found if run is not main))
    return out


def _named_in_passing(runs, speech: _Speech, evidence: ev.Evidence, deliveries, mentions):
    """``mentions`` with, for each point neither delivered nor yet mentioned, the sentences
    that name it in passing: at least ``_NAMED_WORDS`` of its words heard in the densest
    stretch as long as the point's words usually take, one of them a name of the point
    (``_names``) that is not a word of the point whose passage holds the sentence; the
    clearest ``_MENTIONS_SHOWN``. Too little to be a delivery, but what a speaker wants to
    hear again ("you only touched on it while making point 7")."""
    starts = [*np.flatnonzero(speech.sentence).tolist(), len(speech.units) - 1]
    spans = [speech.tokens(first, end - 1) for first, end in itertools.pairwise(starts)]
    out = dict(mentions)
    for point in range(len(evidence.ids)):
        if point in deliveries or point in out or not len(evidence.ids[point]):
            continue
        size = _WINDOW_BASE + _WINDOW_PER_WORD * len(evidence.ids[point])
        names = _names(evidence, point, spans)
        found = []
        for k, (a, b) in enumerate(spans):
            length = min(b - a, size)
            at = a + ev.densest(evidence, point, a, b, length)
            host = _holder(runs, starts[k])
            own = evidence.ids[host] if host is not None else ()
            if ev.heard(evidence, point, at, at + length) < _NAMED_WORDS or not names[k] - set(own):
                continue
            recall = ev.recall(evidence, point, at, at + length)
            found.append((recall, starts[k], starts[k + 1] - 1))
        named = sorted(sorted(found, reverse=True)[:_MENTIONS_SHOWN], key=lambda f: f[1])
        if named:
            out[point] = [(_Run(point, f, last), _holder(runs, f)) for _, f, last in named]
    return out


def _names(evidence: ev.Evidence, point: int, spans) -> list[set[int]]:
    """Per sentence (token ``spans``), the names of ``point`` heard in it: words of its note
    and of no other note (not the talk's subject) heard in at most ``_NAMED_SENTENCES``
    sentences (a place, a date, a title; not a word the speaker keeps using)."""
    ids = evidence.ids[point]
    heard = np.array([evidence.sim[ids, a:b].max(axis=1) >= ev.HIT * ev.SCALE for a, b in spans])
    others = {int(i) for k, o in enumerate(evidence.ids) if k != point for i in o}
    rare = (heard.sum(axis=0) <= _NAMED_SENTENCES) & ~np.isin(ids, list(others))
    return [set(ids[row & rare].tolist()) for row in heard]


def _holder(runs: list[_Run], unit: int) -> int | None:
    """The point whose run holds ``unit``, if any."""
    return next((r.point for r in runs if r.first <= unit <= r.last), None)


# --- 15-16. restarts, order, ad-libs ---------------------------------------------------------


def _restarts(runs: list[_Run]) -> list[_Run]:
    """Runs that begin a restart: the speaker is back at a point already said and goes on to
    a later point that was also said before (a point said for the first time out of notes
    order is a reorder, not a restart), or opens again the point they had just begun
    (``_started_again``). The re-deliveries that follow belong to it."""
    out = []
    said: set[int] = set()
    replaying = False
    for i, run in enumerate(runs):
        again = run.point in said
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        goes_on = nxt is not None and nxt.point > run.point and nxt.point in said
        if again and (goes_on or run.again) and not (replaying and runs[i - 1].point < run.point):
            out.append(run)
        replaying = again
        said.add(run.point)
    return out


def _out_of_order(runs: list[_Run]) -> set[int]:
    """Points none of whose deliveries lies on the longest chain of runs in notes order."""
    chain = _longest_chain([run.point for run in runs])
    return {run.point for run in runs} - chain


def _longest_chain(points: list[int]) -> set[int]:
    """The longest subsequence of ``points`` (in time order) that is in notes order. Of
    equally long ones, the one keeping the earlier points of the notes: of two points said
    swapped, the later one is flagged, whichever small change comes to the transcript."""
    if not points:
        return set()
    length = [1] * len(points)
    prev = [-1] * len(points)
    for i, p in enumerate(points):
        for j in range(i):
            best = (length[i], -points[prev[i]] if prev[i] >= 0 else 1)
            if points[j] < p and (length[j] + 1, -points[j]) > best:
                length[i], prev[i] = length[j] + 1, j
    i = max(range(len(points)), key=lambda x: (length[x], -points[x], -x))
    chain = set()
    while i >= 0:
        chain.add(points[i])
        i = prev[i]
    return chain


def _adlibs(speech: _Speech, runs: list[_Run], shortest: float) -> tuple[Adlib, ...]:
    """Stretches outside every run of ``shortest`` s or more."""
    out = []
    for a, b in _unowned(speech, runs):
        if speech.seconds(a, b) < shortest:
            continue
        first, last = (int(speech.owner[t]) for t in (speech.units[a], speech.units[b + 1] - 1))
        text = " ".join(w.text.strip() for w in speech.words[first : last + 1])
        start, end = speech.words[first].start, speech.words[last].end
        out.append(Adlib(round(start, 2), round(end, 2), text))
    return tuple(out)


# --- result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """What the steps found: deliveries per point, points out of order, restart runs,
    ad-libs, and per point only mentioned its mentions (run, point index it was in);
    ``foreign``: the notes are in another language than the speech, so how many of a
    point's words were heard says nothing of how fully it was said."""

    deliveries: dict[int, _Delivery]
    late: set[int]
    restarts: list[_Run]
    adlibs: tuple[Adlib, ...]
    mentions: dict[int, list[tuple[_Run, int | None]]]
    foreign: bool = False


def _coverage(notes, speech, evidence, result: _Found, options) -> Coverage:
    deliveries, late = result.deliveries, result.late
    mains = sorted(deliveries.values(), key=lambda d: d.main.first)
    order = {d.main.point: i + 1 for i, d in enumerate(mains)}
    points = []
    for k, point in enumerate(notes.points):
        found = deliveries.get(k)
        if found is None:
            mentions = tuple(
                Mention(
                    *_times(speech, run), notes.points[host].number if host is not None else None
                )
                for run, host in result.mentions.get(k, [])
            )
            points.append(PointCoverage(k, point.number, "missed", 0.0, mentions=mentions))
            continue
        a, b = speech.tokens(found.main.first, found.main.last)
        start, end = _times(speech, found.main)
        full = result.foreign or found.recall >= options.covered
        points.append(
            PointCoverage(
                index=k,
                number=point.number,
                status="covered" if full else "partial",
                score=round(100 * found.recall, 1),
                start=start,
                end=end,
                quote=_quote(speech, evidence, k, a, b, options.quote_words),
                out_of_order=k in late,
                verbatim=found.recall >= options.verbatim,
                order=order[k],
                repeats=tuple(Span(*_times(speech, r)) for r in found.others),
                missing=() if full else ev.unheard(evidence, k, a, b, options.missing_words),
            )
        )
    found_restarts = tuple(
        Restart(_times(speech, run)[0], notes.points[run.point].number) for run in result.restarts
    )
    return Coverage(tuple(points), result.adlibs, found_restarts)


def _times(speech: _Speech, run: _Run) -> tuple[float, float]:
    a, b = speech.tokens(run.first, run.last)
    first, last = int(speech.owner[a]), int(speech.owner[b - 1])
    return round(speech.words[first].start, 2), round(speech.words[last].end, 2)


def _quote(speech: _Speech, evidence: ev.Evidence, point: int, a: int, b: int, limit: int) -> str:
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


def _empty(notes: Notes, speech: _Speech, shortest: float) -> Coverage:
    points = tuple(PointCoverage(k, p.number, "missed", 0.0) for k, p in enumerate(notes.points))
    if len(speech.units) < 2:
        return Coverage(points)
    return Coverage(points, _adlibs(speech, [], shortest))
