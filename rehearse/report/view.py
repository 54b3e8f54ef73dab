"""What every report format says the same way: labels, times, verdicts, transcript tags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import jinja2

from rehearse import __version__
from rehearse.models import Analysis, PointReport

STATUS_LABELS = {"covered": "said", "partial": "partly said", "missed": "skipped"}


def label(point: PointReport, width: int = 38) -> str:
    """'3. To co tutaj widzicie…': number and text cut to ``width`` characters."""
    return shorten(f"{point.number}. {point.text}", width)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (h:mm:ss past an hour); an en dash for none."""
    if seconds is None:
        return "–"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def signed(seconds: float) -> str:
    """A difference in seconds as '+0:12' / '-1:05'."""
    return ("+" if seconds >= 0 else "-") + clock(abs(seconds))


@dataclass(frozen=True)
class Line:
    """One transcript segment as the reports show it."""

    start: float
    end: float
    text: str
    tag: str | None


def segment_labels(analysis: Analysis) -> dict[int, str]:
    """Segment index -> caption tag: '[3]' for point 3, '[ad-lib]' for unplanned speech."""
    spans = [(p.start, p.end, f"[{p.number}]") for p in analysis.points if p.start is not None]
    spans += [(x.start, x.end, "[ad-lib]") for x in analysis.adlibs]
    return _owners(analysis, spans)


def _owners(analysis: Analysis, spans: list) -> dict:
    """Segment index -> the tag of the span overlapping it most (segments with none left out)."""
    found = {}
    for i, seg in enumerate(analysis.transcript.segments):
        best, overlap = None, 0.0
        for start, end, tag in spans:
            shared = min(seg.end, end if end is not None else start) - max(seg.start, start)
            if shared > overlap:
                best, overlap = tag, shared
        if best is not None:
            found[i] = best
    return found


def transcript_lines(analysis: Analysis) -> list[Line]:
    tags = segment_labels(analysis)
    return [
        Line(seg.start, seg.end, seg.text.strip(), tags.get(i))
        for i, seg in enumerate(analysis.transcript.segments)
    ]


def planned(analysis: Analysis) -> float | None:
    """The planned length: the target, else the budgets when every point has one."""
    budgets = [p.budget for p in analysis.points]
    if analysis.summary.target:
        return analysis.summary.target
    return sum(budgets) if budgets and None not in budgets else None


def duration_detail(analysis: Analysis) -> str:
    """'of 3:00 (0:22 under)', or '' with no target and no complete budgets."""
    duration, plan = analysis.summary.duration, planned(analysis)
    if not plan:
        return ""
    delta = duration - plan
    return f"of {clock(plan)} ({clock(abs(delta))} {'over' if delta > 0 else 'under'})"


def duration_verdict(analysis: Analysis) -> str:
    """'2:38 of 3:00 (0:22 under)' or just '2:38' without a target."""
    return " ".join(filter(None, [clock(analysis.summary.duration), duration_detail(analysis)]))


def pace_detail(analysis: Analysis) -> str:
    """'aim 85–115, fast'."""
    pacing = analysis.pacing
    low, high = pacing.pace_band
    verdict = f", {pacing.pace_verdict}" if pacing.pace_verdict else ""
    return f"aim {low:.0f}–{high:.0f}{verdict}"


def pace_text(analysis: Analysis) -> str:
    return f"{analysis.pacing.wpm:.0f} wpm ({pace_detail(analysis)})"


def filler_detail(analysis: Analysis) -> str:
    """'1.2/min: yyy ×3, eee ×1', noting when Whisper probably dropped most of them."""
    pacing = analysis.pacing
    text = f"{pacing.fillers_per_minute:.1f}/min"
    if pacing.filler_counts:
        top = sorted(pacing.filler_counts.items(), key=lambda kv: -kv[1])[:4]
        text += ": " + ", ".join(f"{word} ×{n}" for word, n in top)
    if pacing.fillers_undercounted:
        text += "; likely undercounted (try --keep-fillers)"
    return text


def filler_text(analysis: Analysis) -> str:
    return f"{len(analysis.pacing.fillers)}, {filler_detail(analysis)}"


def restart_text(analysis: Analysis) -> str:
    """'at 1:12 from point 1; at 3:40 from point 5': where the speaker started again."""
    return "; ".join(f"at {clock(r.at)} from point {r.from_point}" for r in analysis.restarts)


def repeat_text(point: PointReport) -> str:
    """'also at 0:12, 2:30': a point's other deliveries."""
    if not point.repeats:
        return ""
    return "also at " + ", ".join(clock(r.start) for r in point.repeats)


def time_text(point: PointReport) -> str:
    """'0:42' spoken, with the budget and overrun if there is one."""
    if point.duration is None:
        return "–"
    if not point.budget:
        return clock(point.duration)
    return f"{clock(point.duration)} / {clock(point.budget)}"


def is_over(point: PointReport, tolerance: float = 1.10) -> bool:
    return bool(point.budget and point.duration and point.duration > point.budget * tolerance)


def context(analysis: Analysis) -> dict:
    """What both page templates get."""
    points = analysis.points
    return {
        "a": analysis,
        "points": points,
        "said": sum(p.status != "missed" for p in points),
        "skipped": [p for p in points if p.status == "missed"],
        "out_of_order": [p for p in points if p.out_of_order],
        "restart_text": restart_text(analysis),
        "repeat_text": repeat_text,
        "lines": transcript_lines(analysis),
        "recording_name": PurePath(analysis.recording.path).name,
        "notes_name": PurePath(analysis.talk.notes).name,
        "created": analysis.created.replace("T", " ")[:16],
        "duration_text": duration_verdict(analysis),
        "duration_detail": duration_detail(analysis),
        "pace_text": pace_text(analysis),
        "pace_detail": pace_detail(analysis),
        "filler_text": filler_text(analysis),
        "filler_detail": filler_detail(analysis),
        "status_labels": STATUS_LABELS,
        "clock": clock,
        "signed": signed,
        "shorten": shorten,
        "time_text": time_text,
        "is_over": is_over,
        "version": __version__,
    }


def environment(*, autoescape: bool, finalize=None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("rehearse.report", "templates"),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
