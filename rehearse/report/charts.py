"""PNG charts of an Analysis: coverage per point, the pacing timeline, time per point.

Drawn with matplotlib's object API on the Agg canvas (no pyplot state, no display).
DejaVu Sans, bundled with matplotlib, carries the Polish glyphs.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from rehearse.models import Analysis, PointReport
from rehearse.report.view import STATUS_LABELS, clock, is_over, label

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLORS = {
    "covered": "#009E73",
    "partial": "#E69F00",
    "missed": "#D55E00",
    "planned": "#D9D9D9",
    "planned_edge": "#8C8C8C",
    "actual": "#0072B2",
    "over": "#D55E00",
    "pause": "#CC79A7",
    "band": "#009E73",
    "ink": "#222222",
    "muted": "#6B6B6B",
    "grid": "#E6E6E6",
}
OUT_OF_ORDER_MARK = "⇅"
ROW = 0.32
WIDTH = 9.0
DPI = 130

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.edgecolor": "#BBBBBB",
    "axes.labelcolor": COLORS["ink"],
    "xtick.color": COLORS["muted"],
    "ytick.color": COLORS["ink"],
}


def _styled(fn: Callable[[Analysis], bytes]) -> Callable[[Analysis], bytes]:
    """Draw under the house rc style (fonts are resolved when artists are made)."""

    @functools.wraps(fn)
    def wrapper(analysis: Analysis) -> bytes:
        with matplotlib.rc_context(_RC):
            return fn(analysis)

    return wrapper


def charts(analysis: Analysis) -> dict[str, bytes]:
    """Every chart the analysis supports, as {file name: PNG bytes}."""
    out = {
        "coverage.png": coverage_chart(analysis),
        "pacing.png": pacing_chart(analysis),
    }
    if has_budget(analysis):
        out["budget.png"] = budget_chart(analysis)
    return out


def has_budget(analysis: Analysis) -> bool:
    return any(p.budget for p in analysis.points)


def score_unit(points: Sequence[PointReport]) -> float:
    """Divisor that maps scores to 0-1 (scores may come as 0-1 or 0-100)."""
    return 100.0 if any(p.score > 1.0 for p in points) else 1.0


# --- coverage -----------------------------------------------------------------


@_styled
def coverage_chart(analysis: Analysis) -> bytes:
    points = analysis.points
    n = max(len(points), 1)
    fig = _figure(height=1.6 + ROW * n)
    ax = fig.add_subplot()
    unit = score_unit(points)
    ys = range(len(points))
    scores = [p.score / unit for p in points]
    ax.barh(ys, scores, height=0.66, color=[COLORS[p.status] for p in points], zorder=2)
    for y, p, s in zip(ys, points, scores, strict=True):
        _coverage_note(ax, y, p, s)
    _point_axis(ax, points)
    ax.set_xlim(0, 1.32)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25", "50", "75", "100"])
    ax.set_xlabel("match score (%)")
    ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    summary = analysis.summary
    said = sum(p.status != "missed" for p in points)
    ax.set_title(
        f"Coverage: {said} of {len(points)} points said ({summary.coverage:.0%})", loc="left"
    )
    _legend(fig, [*_status_handles(), _mark_handle()])
    return _png(fig)


def _coverage_note(ax: Axes, y: int, point: PointReport, score: float) -> None:
    parts = ["skipped"] if point.status == "missed" else [f"{score:.0%}"]
    if point.out_of_order:
        parts.append(f"{OUT_OF_ORDER_MARK} out of order")
    color = COLORS["missed"] if point.status == "missed" else COLORS["ink"]
    ax.text(score + 0.015, y, "  ".join(parts), va="center", fontsize=8, color=color, zorder=3)


# --- pacing -------------------------------------------------------------------


@_styled
def pacing_chart(analysis: Analysis) -> bytes:
    points = analysis.points
    n = max(len(points), 1)
    timeline_h = 0.9 + ROW * n
    fig = _figure(height=timeline_h + 3.0)
    fig.get_layout_engine().set(hspace=0.0, h_pad=0.02)
    grid = fig.add_gridspec(2, 1, height_ratios=[timeline_h, 2.2])
    top = fig.add_subplot(grid[0])
    bottom = fig.add_subplot(grid[1], sharex=top)
    end = max(analysis.summary.duration, sum(p.budget or 0 for p in points), 30.0)
    _timeline(top, analysis)
    _rate(bottom, analysis)
    for ax in (top, bottom):
        _pauses(ax, analysis)
        ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    _time_axis(bottom, end)
    top.tick_params(labelbottom=False)
    target = analysis.summary.target
    title = f"Pacing: {clock(analysis.summary.duration)} spoken"
    if target:
        title += f" against a {clock(target)} target"
    top.set_title(title, loc="left")
    handles = []
    if has_budget(analysis):
        handles.append(
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="planned")
        )
    handles += [*_status_handles(), _mark_handle()]
    if analysis.pacing.pauses:
        handles.append(Patch(facecolor=COLORS["pause"], alpha=0.3, label="pause"))
    _legend(fig, handles)
    return _png(fig)


def _time_axis(ax: Axes, end: float) -> None:
    """x in minutes, ticked as m:ss at a step that suits the length."""
    minutes = end / 60
    step = next((s for s in (0.25, 0.5, 1, 2, 5, 10, 15, 30) if minutes / s <= 10), 60)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: clock(x * 60)))
    ax.set_xlim(0, minutes * 1.02)
    ax.set_xlabel("time into the recording (m:ss)")


def _timeline(ax: Axes, analysis: Analysis) -> None:
    points = analysis.points
    planned = 0.0
    for y, p in enumerate(points):
        if p.budget:
            ax.barh(
                y,
                p.budget / 60,
                left=planned / 60,
                height=0.8,
                zorder=1,
                color=COLORS["planned"],
                edgecolor=COLORS["planned_edge"],
                linewidth=0.6,
            )
            planned += p.budget
        if p.start is None or p.end is None:
            ax.text(
                planned / 60 if p.budget else 0.02,
                y,
                " skipped",
                va="center",
                fontsize=8,
                color=COLORS["missed"],
                style="italic",
                zorder=3,
            )
            continue
        width = max(p.end - p.start, 1.0) / 60
        ax.barh(y, width, left=p.start / 60, height=0.46, color=COLORS[p.status], zorder=2)
        if p.out_of_order:
            ax.text(
                p.end / 60,
                y,
                f" {OUT_OF_ORDER_MARK}",
                va="center",
                fontsize=9,
                color=COLORS["ink"],
                zorder=3,
            )
    _point_axis(ax, points, width=30)


def _rate(ax: Axes, analysis: Analysis) -> None:
    pacing = analysis.pacing
    low, high = pacing.pace_band
    ax.axhspan(
        low,
        high,
        color=COLORS["band"],
        alpha=0.12,
        zorder=0,
        label=f"target pace {low:.0f}–{high:.0f} wpm",
    )
    series = pacing.wpm_series
    if series:
        ax.plot(
            [r.time / 60 for r in series],
            [r.wpm for r in series],
            color=COLORS["actual"],
            linewidth=1.8,
            marker="o",
            markersize=2.5,
            zorder=3,
            label="words per minute",
        )
    if pacing.wpm:
        ax.axhline(
            pacing.wpm,
            color=COLORS["actual"],
            linestyle="--",
            linewidth=1,
            zorder=2,
            label=f"average {pacing.wpm:.0f} wpm",
        )
    top = max([high, pacing.wpm, *(r.wpm for r in series)]) * 1.15
    ax.set_ylim(0, top)
    ax.set_ylabel("words / min")
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        fontsize=8,
        frameon=False,
        ncols=3,
        borderaxespad=0.2,
    )


def _pauses(ax: Axes, analysis: Analysis) -> None:
    for pause in analysis.pacing.pauses:
        start = pause.start / 60
        ax.axvspan(
            start,
            start + pause.duration / 60,
            color=COLORS["pause"],
            alpha=0.3,
            linewidth=0,
            zorder=0.5,
        )


# --- budget -------------------------------------------------------------------


@_styled
def budget_chart(analysis: Analysis) -> bytes:
    points = analysis.points
    n = max(len(points), 1)
    fig = _figure(height=1.6 + 0.36 * n)
    ax = fig.add_subplot()
    longest = 1.0
    for y, p in enumerate(points):
        actual = p.duration or 0.0
        longest = max(longest, actual, p.budget or 0)
        if p.budget:
            ax.barh(
                y - 0.19,
                p.budget,
                height=0.36,
                color=COLORS["planned"],
                edgecolor=COLORS["planned_edge"],
                linewidth=0.6,
                zorder=2,
            )
        over = is_over(p)
        ax.barh(
            y + 0.19,
            actual,
            height=0.36,
            zorder=2,
            color=COLORS["over"] if over else COLORS["actual"],
        )
        ax.text(
            max(actual, p.budget or 0) + longest * 0.01,
            y,
            _budget_note(p, over),
            va="center",
            fontsize=8,
            zorder=3,
            color=COLORS["over"] if over or p.status == "missed" else COLORS["ink"],
        )
    _point_axis(ax, points)
    ax.set_xlim(0, longest * 1.22)
    ax.set_xlabel("seconds")
    ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    planned = sum(p.budget or 0 for p in points)
    spoken = sum(p.duration or 0 for p in points)
    ax.set_title(f"Time per point: planned {clock(planned)}, spoken {clock(spoken)}", loc="left")
    _legend(
        fig,
        [
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="planned"),
            Patch(facecolor=COLORS["actual"], label="spoken"),
            Patch(facecolor=COLORS["over"], label="over budget (> 10%)"),
        ],
    )
    return _png(fig)


def _budget_note(point: PointReport, over: bool) -> str:
    if point.status == "missed":
        return "skipped"
    if point.budget is None or point.duration is None:
        return ""
    delta = round(point.duration - point.budget)
    text = f"{delta:+d} s" if delta else "±0 s"
    return f"{text} over" if over else text


# --- shared -------------------------------------------------------------------


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _point_axis(ax: Axes, points: Sequence[PointReport], width: int = 38) -> None:
    ax.set_yticks(range(len(points)), [label(p, width) for p in points])
    ax.set_ylim(len(points) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _status_handles() -> list[Patch]:
    return [Patch(facecolor=COLORS[s], label=text) for s, text in STATUS_LABELS.items()]


def _mark_handle() -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=f"${OUT_OF_ORDER_MARK}$",
        markersize=9,
        color=COLORS["ink"],
        label="out of order",
    )


def _legend(fig: Figure, handles: list) -> None:
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        fontsize=8.5,
        handlelength=1.4,
        columnspacing=1.6,
    )


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    return buf.getvalue()
