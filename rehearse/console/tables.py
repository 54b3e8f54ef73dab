"""The per-point tables: pacing (time per point and per slide), coverage, a talk's points."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from rehearse.console import console, slide_column
from rehearse.report import view

STATUS_COLOURS = {"covered": "green", "partial": "yellow", "missed": "red", "uncertain": "cyan"}
BUDGET_FROM = {"point": "own", "section": "section", "target": "target"}  # the `from` column


# --- pacing ----------------------------------------------------------------------------


def print_pacing(analysis) -> None:
    """The per-point timing table, the slides', then the headline numbers."""
    console.print(_point_times(analysis))
    print_slide_table(analysis)
    _print_pacing_numbers(analysis)


def _point_times(analysis) -> Table:
    """Time per point: when it started, how long it took against its budget, drift, pace."""
    table = Table(title="Time per point", title_justify="left")
    deck = slide_column(analysis)
    names = (*deck[:1], "#", "point", "at", "took", "budget", "over", "drift", "wpm", "fillers")
    for name in names:
        table.add_column(name, justify="left" if name == "point" else "right", no_wrap=True)
    for row in view.rows(analysis):
        p = row.point
        over = row.delta or "–"
        table.add_row(
            *([str(p.slide)] if deck else []),
            str(p.number),
            escape(view.shorten(p.text, max(12, console.width - 70 - 8 * len(deck)))),
            view.clock(p.start),
            view.clock(p.duration) if p.duration is not None else _not_said(p),
            view.clock(p.budget),
            f"[red]{over}[/red]" if row.over else over,
            view.signed(p.drift) if p.drift is not None else "–",
            f"{p.wpm:.0f}" if p.wpm is not None else "–",
            str(p.fillers or ""),
        )
    return table


def _print_pacing_numbers(analysis) -> None:
    """Talk time, pace, drift, overruns, pauses, fillers and repeats, one a line."""
    pacing = analysis.pacing
    rows = [
        ("Talk time", view.duration_verdict(analysis)),
        ("", view.durations_text(analysis)),
        ("Pace", view.pace_text(analysis)),
        ("Articulation", f"{pacing.articulation_rate:.1f} syllables/s"),
        ("Drift", view.final_drift(analysis) or "–"),
        ("Over budget", view.overrun_text(analysis, width=50, sep="\n" + " " * 13) or "none"),
        ("Pauses", view.pause_text(analysis)),
        ("Fillers", view.filler_text(analysis)),
        ("Repeats", ", ".join(r.text for r in pacing.repetitions[:6]) or "none"),
    ]
    for name, value in rows:
        console.print(f"[bold]{name:<13}[/bold]{escape(value)}", highlight=False)
    console.print(f"Over budget means {view.over_rule()}.", style="dim", highlight=False)
    if pacing.fillers_undercounted:
        console.print(
            "[yellow]Filler counts are likely low: Whisper drops um/yyy unless prompted; "
            "run with --keep-fillers.[/yellow]"
        )


def _not_said(point) -> str:
    """What the time column of a point without a passage says."""
    return "uncertain" if point.uncertain else "[red]skipped[/red]"


def print_slide_table(analysis) -> None:
    """Time per slide against its budget (nothing for a talk of one section)."""
    slides = view.slide_times(analysis)
    if not slides:
        return
    table = Table(title="Time per slide", title_justify="left")
    for name in ("slide", "took", "budget", "over", "said"):
        table.add_column(name, justify="left" if name == "slide" else "right", no_wrap=True)
    for s in slides:
        over = s.delta or "–"
        table.add_row(
            escape(view.shorten(s.name, max(20, console.width - 40))),
            view.clock(s.took),
            view.clock(s.budget),
            f"[red]{over}[/red]" if s.over else over,
            f"{s.said} of {len(s.points)}",
        )
    console.print(table)


# --- coverage --------------------------------------------------------------------------


def print_coverage(analysis) -> None:
    """Each point's status, score, start and quote; then the restarts and ad-libs."""
    table = Table(title=escape(analysis.talk.title))
    deck = slide_column(analysis)
    for name in (*deck, "#", "status", "heard", "at", "quote"):
        table.add_column(name, justify="left" if name in ("status", "quote") else "right")
    for p in analysis.points:
        status = f"[{STATUS_COLOURS[p.status]}]{view.STATUS_LABELS[p.status]}[/]"
        status += " [magenta]↕ order[/]" if p.out_of_order else ""
        status += f" [dim]×{len(p.repeats) + 1}[/]" if p.repeats else ""
        quote = escape(p.quote)
        if p.missing:
            quote += f"\n[yellow]not heard: {escape(', '.join(p.missing))}[/yellow]"
        score = f"{p.score:.0f}%" if not p.skipped else ""
        slide = [str(p.slide)] if deck else []
        table.add_row(*slide, str(p.number), status, score, view.clock(p.start), quote)
    console.print(table)
    console.print(view.score_help(), style="dim", highlight=False)
    for r in analysis.restarts:
        console.print(f"started again at {view.clock(r.at)} from point {r.from_point}")
    for a in analysis.adlibs:
        span = f"{view.clock(a.start)}-{view.clock(a.end)}"
        console.print(f"ad-lib {span}: {escape(a.text[:80])}", highlight=False)


# --- points ------------------------------------------------------------------------------


def print_points(parsed, goal: float | None, from_option: bool, budgets, sources) -> None:
    """The notes' points with their budgets (``sources``: where each budget comes from),
    the notes' remarks, what the budgets add up to against the target ``goal`` (given as
    ``--target`` when ``from_option``)."""
    console.print(_points_table(parsed, budgets, sources))
    for remark in parsed.remarks:
        console.print(escape(remark[0].upper() + remark[1:]) + ".", style="dim", highlight=False)
    planned = [b for b in budgets.values() if b is not None]
    if goal:
        where = "--target" if from_option else "front matter"
        console.print(
            f"Target {view.clock(goal)} ({where}); budgets add up to {view.clock(sum(planned))}.",
            highlight=False,
        )
    elif len(planned) == len(budgets):
        console.print(f"No target; the budgets add up to {view.clock(sum(planned))}.")
    else:
        console.print(
            "No target: give one with --target or 'target:' in the front matter to budget "
            "every point.",
            highlight=False,
        )


def _points_table(parsed, budgets, sources) -> Table:
    deck = any(p.slide is not None for p in parsed.points)
    table = Table(title=f"{escape(parsed.title)} ({parsed.language or 'language unknown'})")
    if deck:
        table.add_column("slide", justify="right", no_wrap=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("section", max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column("budget", justify="right", no_wrap=True, min_width=6)
    table.add_column("from", no_wrap=True)
    table.add_column("words", justify="right", no_wrap=True, min_width=5)
    table.add_column(
        "point",
        no_wrap=True,
        overflow="ellipsis",
        max_width=max(20, console.width - (65 if deck else 58)),
    )
    for p in parsed.points:
        budget = budgets[p.index]
        words = str(len(p.text.split()))
        table.add_row(
            *([str(p.slide)] if deck else []),
            str(p.number),
            escape(p.section),
            view.clock(budget) if budget is not None else "",
            BUDGET_FROM.get(sources[p.index] or "", "") if budget is not None else "",
            words,
            escape(p.text),
        )
    return table
