"""An analysis in the terminal: its warnings, the summary panel, the report's path."""

from __future__ import annotations

import webbrowser
from pathlib import Path

from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rehearse.console import console, say, warn
from rehearse.measure.voice import NO_VERDICT
from rehearse.report import view

SUMMARY_LIST = 8  # longest list of points in the terminal summary; the report has them all


def print_warnings(analysis) -> None:
    for warning in analysis.warnings:
        warn(warning)
    for warning in analysis.voice.warnings if analysis.voice else ():
        if not warning.startswith(NO_VERDICT):  # the summary's Voice line says why
            warn(f"voice: {warning}")


def print_summary(analysis, past=None, history_note: str | None = None) -> None:
    """Coverage, durations, pace, drift, overruns, fillers, skipped and out-of-order points;
    with the history, this rehearsal's place in it (or ``history_note``: why it is not in
    it)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in _summary_rows(analysis, past, history_note):
        if value:
            style = "red" if name in ("Skipped", "Longest over budget") else None
            table.add_row(name, Text(value, style=style or ""))
    console.print(Panel(table, title=Text(analysis.talk.title), title_align="left", expand=False))


def _summary_rows(analysis, past, history_note: str | None) -> list[tuple[str, str]]:
    """(name, value) of each line of the summary; '' for a line with nothing to say."""
    points = analysis.points
    skipped = [p for p in points if p.skipped]
    partly = [p for p in points if p.partly]
    uncertain = [p for p in points if p.uncertain]
    unsure = f"; {len(uncertain)} uncertain" if uncertain else ""
    corrected = [p for p in points if p.corrected]
    reordered = [p for p in points if p.out_of_order]
    coverage = analysis.summary.coverage
    pace = view.pace_text(analysis)
    if own := view.pace_against_own(past):
        pace += f"\n{own}"
    return [
        ("History", past.line() if past is not None else history_note or ""),
        ("Coverage", f"{analysis.said} of {len(points)} points said ({coverage:.0%})" + unsure),
        ("Talk time", view.duration_verdict(analysis)),
        ("", view.durations_text(analysis)),
        ("Pace", pace),
        ("Drift", view.final_drift(analysis)),
        ("Longest over budget", view.overrun_text(analysis, width=50, sep="\n")),
        ("Time per slide", _slide_lines(analysis)),
        ("Fillers", view.filler_text(analysis)),
        ("Voice", view.voice_text(analysis)),
        ("Skipped", _point_list(skipped, "see the report", view.mention_text)),
        ("Partly said", _point_list(partly, "see the report")),
        ("Uncertain", _uncertain_lines(uncertain)),
        ("Out of order", _point_list(reordered, "see the report")),
        ("Corrected by hand", _point_list(corrected, "see the report")),
        ("Ad-libs", str(len(analysis.adlibs))),
        ("Started again", view.restart_text(analysis)),
    ]


def _point_list(points, more: str, detail=None) -> str:
    """Up to ``SUMMARY_LIST`` point labels, one a line (with ``detail(point)`` when it says
    something), then how many more there are."""
    lines = [
        view.label(p, 60) + (f" ({extra})" if detail and (extra := detail(p)) else "")
        for p in points[:SUMMARY_LIST]
    ]
    if len(points) > SUMMARY_LIST:
        lines.append(f"… and {len(points) - SUMMARY_LIST} more ({more})")
    return "\n".join(lines)


def _uncertain_lines(points) -> str:
    """The points heard too badly to judge, and what that means; '' for none."""
    if not points:
        return ""
    why = "heard too badly to tell whether you said them: neither said nor skipped"
    return _point_list(points, "see the report", view.hearing_text) + f"\n({why})"


def _slide_lines(analysis) -> str:
    """Time per slide, one a line: every slide of a short talk; of a long one, the slides over
    budget, worst first (the report has them all)."""
    slides = view.slide_times(analysis)
    over = sorted((s for s in slides if s.over), key=lambda s: s.budget - s.took)
    if len(slides) <= SUMMARY_LIST:
        shown, head = slides, []
    elif over:
        shown = over[:SUMMARY_LIST]
        head = [f"{len(over)} of {len(slides)} slides over budget (all in the report):"]
    else:
        return f"none of {len(slides)} slides over budget (all in the report)"
    lines = [
        f"{view.shorten(s.text, 60)}" + (f" ({s.delta} over)" if s.over else "") for s in shown
    ]
    if len(shown) < len(over):
        lines.append(f"… and {len(over) - len(shown)} more over budget")
    return "\n".join(head + lines)


def print_report_path(folder: Path, open_: bool) -> None:
    page = folder / "report.html"
    say(f"Report: [bold]{escape(str(page))}[/bold]")
    if open_ and not webbrowser.open(page.resolve().as_uri()):
        warn("no browser found to open the report; open the path above yourself")


def print_marked(marked, point: int, status: str) -> None:
    """What ``rehearse mark`` changed: the point, what the analysis said, where."""
    [changed] = [p for p in marked.analysis.points if p.number == point]
    was = view.STATUS_LABELS[changed.corrected] if changed.corrected else "so too"
    where = f"rehearsal {marked.recorded} in the history" if marked.recorded else "no history entry"
    say(
        f"Point {point} marked {status} by hand (the analysis said {was}); analysis.json, the "
        f"report and {where} updated."
    )
