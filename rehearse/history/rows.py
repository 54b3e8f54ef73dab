"""An analysis as the history holds it: ``rehearsal_of`` (an ``Analysis`` -> a ``Rehearsal``),
its column values and back, and the times the rows are ordered by.

``rehearsal_of`` is the one place an analysis's headline figures are picked out: the history
stores them, a batch row (``rehearse.batch.row_of``) and `history --json`
(``rehearse.report.shapes``) read them from the ``Rehearsal``."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path

from rehearse.models import Analysis, Rehearsal, RehearsalPoint
from rehearse.textnorm import normal_speaker, speaker_key

# The columns of ``rehearsals`` that are ``Rehearsal`` fields (its points are rows of their own).
REHEARSAL_FIELDS = [f.name for f in fields(Rehearsal) if f.name != "points"]
POINT_FIELDS = [f.name for f in fields(RehearsalPoint)]


def point_of_row(values: dict) -> RehearsalPoint:
    """A ``rehearsal_points`` row (``POINT_FIELDS`` -> value) as a ``RehearsalPoint``."""
    return RehearsalPoint(**values | {"out_of_order": bool(values["out_of_order"])})


def rehearsal_of(analysis: Analysis, report: str | Path | None = None) -> Rehearsal:
    """The history's view of an analysis (``report``: its report folder)."""
    pacing = analysis.pacing
    longest = max((p.duration for p in pacing.pauses), default=None)
    voice = analysis.voice if analysis.voice is not None and analysis.voice.measured else None
    return Rehearsal(
        id=None,
        created=analysis.created,
        analysed=analysis.created,
        speaker=normal_speaker(analysis.speaker),
        title=analysis.talk.title,
        notes=analysis.talk.notes,
        recording=analysis.recording.path,
        sha256=analysis.recording.sha256,
        duration=analysis.summary.duration,
        talk_time=pacing.talk_time,
        speaking_time=pacing.speaking_time,
        target=analysis.summary.target,
        engine=analysis.transcript.engine,
        model=analysis.transcript.model,
        report=str(Path(report).resolve()) if report is not None else None,
        coverage=analysis.summary.coverage,
        wpm=pacing.wpm,
        syllable_rate=pacing.syllable_rate,
        pace_verdict=pacing.pace_verdict,
        pauses=len(pacing.pauses),
        longest_pause=longest,
        fillers=len(pacing.fillers),
        fillers_per_minute=pacing.fillers_per_minute,
        restarts=len(analysis.restarts),
        language=analysis.talk.language,
        pitch_variation_st=voice.pitch_variation_st if voice else None,
        voice_verdict=voice.verdict if voice else None,
        monotone_seconds=sum(s.end - s.start for s in voice.monotone) if voice else None,
        trailing_off_share=voice.trailing_off_share if voice else None,
        loudness_db=voice.loudness_db if voice else None,
        points=tuple(
            RehearsalPoint(
                number=p.number,
                text=p.text,
                status=p.status,
                score=p.score,
                start=p.start,
                duration=p.duration,
                budget=p.budget,
                drift=p.drift,
                order=p.order,
                out_of_order=p.out_of_order,
                repeats=len(p.repeats),
                corrected=p.corrected,
            )
            for p in analysis.points
        ),
    )


def rehearsal_values(rehearsal: Rehearsal) -> dict:
    """The ``rehearsals`` columns of a rehearsal (all but its id, talk and creation time,
    which the database decides), its speaker key included."""
    values = {k: getattr(rehearsal, k) for k in REHEARSAL_FIELDS if k != "id"}
    return values | {"speaker_key": speaker_key(rehearsal.speaker)}


def timestamp(iso: str) -> float:
    """Seconds since the epoch of an ISO 8601 time (local time when it has no offset), so
    times written at different UTC offsets sort right."""
    return datetime.fromisoformat(iso).timestamp()


def resolved(analysis: Analysis) -> Analysis:
    """A schema 1 analysis names its notes as given; resolve them from here."""
    notes = analysis.talk.notes
    if notes and not Path(notes).is_absolute():
        return replace(analysis, talk=replace(analysis.talk, notes=str(Path(notes).resolve())))
    return analysis
