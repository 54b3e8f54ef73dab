"""What ``--json`` prints, one function per shape: ``pacing`` and ``coverage`` of an
analysis, ``history`` of a talk, the talks in a history, ``compare`` of two rehearsals.

Each is plain JSON-ready data built from the library's own objects; the command only prints
it. docs/json.md shows each shape with real output, and tests/test_shapes.py checks that the
documented keys are the ones these functions give.
"""

from __future__ import annotations

from rehearse.history.trends import Comparison, talk_time
from rehearse.models import Analysis, History, Rehearsal, RehearsalPoint, Talk, to_dict
from rehearse.report.view import slide_times

PACING_POINT_KEYS = ("number", "start", "end", "duration", "words", "wpm", "budget")
PACING_POINT_KEYS += ("budget_from", "drift", "fillers", "over_budget")
COVERAGE_POINT_KEYS = ("number", "slide", "status", "score", "start", "end", "quote")
COVERAGE_POINT_KEYS += ("out_of_order", "repeats", "missing", "hearing")
COMPARED_REHEARSAL_KEYS = ("id", "created", "speaker", "recording", "report", "target")
COMPARED_REHEARSAL_KEYS += ("coverage",)
COMPARED_POINT_KEYS = ("number", "status", "out_of_order", "start", "duration", "drift")
COMPARED_POINT_KEYS += ("corrected",)


def pacing_json(analysis: Analysis) -> dict:
    """`rehearse pacing --json`: the talk's pacing with the recording's length, the target
    and the time per point; for a deck, the time per slide."""
    points = [
        {k: getattr(p, k) for k in PACING_POINT_KEYS} | {"over": p.over} for p in analysis.points
    ]
    summary = analysis.summary
    data = {
        "duration": summary.duration,
        "target": summary.target,
        **to_dict(analysis.pacing),
        "points": points,
    }
    if slides := slide_times(analysis):
        data["slides"] = [
            {"slide": x.slide, "title": x.title, "took": round(x.took, 2),
             "budget": x.budget, "over_budget": x.over,
             "points": [p.number for p in x.points]}
            for x in slides
        ]  # fmt: skip
    return data


def coverage_json(analysis: Analysis) -> dict:
    """`rehearse coverage --json`: each point's status, score, times and quote; the ad-libs
    and the restarts."""
    return {
        "points": [_pick(to_dict(p), COVERAGE_POINT_KEYS) for p in analysis.points],
        "adlibs": to_dict(analysis.adlibs),
        "restarts": to_dict(analysis.restarts),
    }


def history_json(history: History) -> dict:
    """`rehearse history NOTES --json`: the talk and its rehearsals by one speaker, oldest
    first."""
    talk = history.talk
    return {
        "talk": {"title": talk.title, "name": talk.name, "notes": list(talk.notes)},
        "rehearsals": [_rehearsal_json(r) for r in history.rehearsals],
    }


def _rehearsal_json(r: Rehearsal) -> dict:
    return {
        "id": r.id,
        "created": r.created,
        "speaker": r.speaker,
        "coverage": r.coverage,
        "duration": talk_time(r),
        "skipped": list(r.skipped),
        "uncertain": list(r.uncertain),
        "out_of_order": list(r.out_of_order),
        "corrected": [
            {"number": p.number, "status": p.status, "analysis": p.corrected}
            for p in r.points
            if p.corrected
        ],
        "wpm": r.wpm,
        "fillers_per_minute": r.fillers_per_minute,
        "restarts": r.restarts,
        "voice": {
            "verdict": r.voice_verdict,
            "pitch_variation_st": r.pitch_variation_st,
            "monotone_seconds": r.monotone_seconds,
            "trailing_off_share": r.trailing_off_share,
            "loudness_db": r.loudness_db,
        },
    }


def talks_json(talks: list[tuple[Talk, dict[str | None, int]]]) -> dict:
    """`rehearse history --json` (no notes): the talks in the history, most recently
    rehearsed first, with their rehearsals per speaker ("" is the usual speaker)."""
    return {
        "talks": [
            {
                "title": t.title,
                "name": t.name,
                "notes": list(t.notes),
                "rehearsals": {s or "": n for s, n in counts.items()},
            }
            for t, counts in talks
        ]
    }


def comparison_json(c: Comparison) -> dict:
    """`rehearse compare --json`: the two rehearsals, each point in both, and the talk's
    figures side by side with their difference (B − A)."""
    a, b = c.a, c.b
    return {
        "a": _compared_rehearsal(a),
        "b": _compared_rehearsal(b),
        "points": [
            {
                "number": p.latest.number,
                "text": p.latest.text,
                "a": _compared_point(p.a),
                "b": _compared_point(p.b),
                "status_changed": p.status_changed,
                "difference": p.difference,
            }
            for p in c.points
        ],
        "talk": {
            "said": _pair(a.said, b.said),
            "coverage": _pair(a.coverage, b.coverage, 4),
            "talk_time": _pair(talk_time(a), talk_time(b)),
            "speaking_time": _pair(a.speaking_time, b.speaking_time),
            "wpm": _pair(a.wpm, b.wpm, 1),
            "syllable_rate": _pair(a.syllable_rate, b.syllable_rate),
            "pauses": _pair(a.pauses, b.pauses),
            "longest_pause": _pair(a.longest_pause, b.longest_pause),
            "fillers_per_minute": _pair(a.fillers_per_minute, b.fillers_per_minute),
            "restarts": _pair(a.restarts, b.restarts),
            "pitch_variation_st": _pair(a.pitch_variation_st, b.pitch_variation_st),
            "trailing_off_share": _pair(a.trailing_off_share, b.trailing_off_share, 4),
            "loudness_db": _pair(a.loudness_db, b.loudness_db, 1),
        },
    }


def _compared_rehearsal(r: Rehearsal) -> dict:
    return {k: getattr(r, k) for k in COMPARED_REHEARSAL_KEYS} | {
        "said": r.said,
        "points": len(r.points),
    }


def _compared_point(p: RehearsalPoint | None) -> dict | None:
    return None if p is None else {k: getattr(p, k) for k in COMPARED_POINT_KEYS}


def _pair(x: float | None, y: float | None, digits: int = 2) -> dict:
    """``{a, b, difference}``: the difference rounded to ``digits``, None without both."""
    both = x is not None and y is not None
    return {"a": x, "b": y, "difference": round(y - x, digits) if both else None}


def _pick(data: dict, keys: tuple[str, ...]) -> dict:
    """``data``'s ``keys`` that it has, in that order."""
    return {k: data[k] for k in keys if k in data}
