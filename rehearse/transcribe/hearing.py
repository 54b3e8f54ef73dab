"""How well the recording was heard where a point should be: too badly to judge is "uncertain".

The aligner calls a point skipped when no passage of the transcript holds it, and partly said
when its passage lacks key words. Both are only as good as what Whisper heard: garbled speech,
music or a far microphone give a transcript of invented words (or none), and the points said
there come out skipped. So after alignment, each point called skipped or partly said gets the
stretch of the recording where it should be (a skipped point: from the end of the said point
before it in the notes to the start of the said point after it; a partly said point: its own
passage), widened by ``CONTEXT`` on each side, and when most of that stretch was heard badly
the point is **uncertain** instead: neither said nor skipped.

Heard badly is what Whisper itself says, per segment (``Segment.avg_logprob``,
``.no_speech_prob``, ``.compression_ratio``), plus the stretches of sound in which it
recognised no word at all (``Transcript.unheard``). A transcript made before these were kept
has none of them and no point goes uncertain. ``benchmarks/uncertain.py`` measures the rules
on clean held-out rehearsals and degraded copies of real readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rehearse.models import (
    SAID,
    Coverage,
    Hearing,
    PointCoverage,
    Segment,
    Span,
    Transcript,
    overlap,
)

# A segment whose tokens average a log-probability below this is a guess. Whisper's own
# fallback threshold is -1.0; clean readings score -0.1 to -0.4, speech through a wall or a
# big hall -0.6 to -1.0. Higher: more of what is heard right but with effort goes uncertain;
# lower: more garbled stretches are judged (and their points called skipped).
LOGPROB_FLOOR = -0.7
# A segment this likely to hold no speech, while also below ``NO_SPEECH_LOGPROB``, heard noise
# (Whisper's own pair is 0.6 and -1.0, for dropping a segment as silence). Lower: noisy but
# well-heard stretches go uncertain (at -0.5 the bundled espeak demo's real skips 3 and 9 did:
# its segments are 0.65-0.92 "no speech" at -0.52 to -0.66).
NO_SPEECH_CEILING = 0.6
NO_SPEECH_LOGPROB = -0.7
# A segment whose text compresses this well (gzip) loops ("this time, this time, ..."):
# Whisper's own threshold for a failed decoding.
COMPRESSION_CEILING = 2.4
# A point is uncertain when at least this share of its stretch was heard badly. Higher: a
# point must lie in a worse stretch to go uncertain, so fewer real skips are hidden next to a
# bad patch, and more false skips stay.
BADLY_SHARE = 0.5
# Seconds looked at on each side of a point's stretch: the stretch of a point skipped between
# two adjacent said points is the instant between them, and what the recording was like
# around it decides. Longer: a short bad patch weighs less; shorter: one segment decides.
CONTEXT = 5.0  # s

JUDGED = ("missed", "partial")


def judge(transcript: Transcript, coverage: Coverage) -> Coverage:
    """``coverage`` with every point called skipped or partly said whose stretch was heard
    badly made uncertain (it keeps its passage, if any, and gets its ``hearing``)."""
    if not _confidence_kept(transcript):
        return coverage
    points = list(coverage.points)
    by_index = sorted(points, key=lambda p: p.index)
    for i, point in enumerate(points):
        if point.status not in JUDGED:
            continue
        span = stretch(point, by_index, transcript.duration)
        heard = hearing(transcript, span)
        if heard.badly >= BADLY_SHARE:
            points[i] = replace(point, status="uncertain", hearing=heard)
    return replace(coverage, points=tuple(points))


def stretch(point: PointCoverage, points: Sequence[PointCoverage], duration: float) -> Span:
    """Where ``point`` should be in the recording: its own passage when it has one, else
    between the said points before and after it in the notes (``points`` in notes order)."""
    if point.start is not None and point.end is not None:
        return Span(point.start, point.end)
    said = [p for p in points if p.status in SAID and p.start is not None]
    before = [p.end for p in said if p.index < point.index and p.end is not None]
    after = [p.start for p in said if p.index > point.index]
    start = before[-1] if before else 0.0
    end = after[0] if after else duration
    return Span(min(start, end), max(start, end))


def hearing(transcript: Transcript, span: Span) -> Hearing:
    """How well ``span`` (widened by ``CONTEXT``) was heard: the share of its sound (its
    segments and its stretches of sound without words; silences left out) heard badly."""
    start = max(0.0, span.start - CONTEXT)
    end = min(transcript.duration, span.end + CONTEXT)
    heard = [(overlap(s.start, s.end, start, end), _badly(s)) for s in transcript.segments]
    unheard = sum(overlap(u.start, u.end, start, end) for u in transcript.unheard or ())
    sound = sum(t for t, _ in heard) + unheard
    bad = sum(t for t, badly in heard if badly) + unheard
    share = min(bad / sound, 1.0) if sound > 0 else 0.0
    return Hearing(round(start, 2), round(end, 2), round(share, 2))


def _badly(segment: Segment) -> bool:
    """Whisper's own word that it did not hear this segment well."""
    logprob, no_speech = segment.avg_logprob, segment.no_speech_prob
    if logprob is not None and logprob < LOGPROB_FLOOR:
        return True
    if segment.compression_ratio is not None and segment.compression_ratio > COMPRESSION_CEILING:
        return True
    return (
        no_speech is not None
        and no_speech > NO_SPEECH_CEILING
        and logprob is not None
        and logprob < NO_SPEECH_LOGPROB
    )


def _confidence_kept(transcript: Transcript) -> bool:
    return transcript.unheard is not None or any(
        s.avg_logprob is not None for s in transcript.segments
    )
