"""The pacing timeline: each point's planned and actual time, drift, pace, pauses."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from rehearse.measure.pacing import planned
from rehearse.models import Analysis
from rehearse.report.charts import style
from rehearse.report.charts.budget import has_budget
from rehearse.report.charts.rows import point_axis, row_areas, row_grid
from rehearse.report.charts.style import COLORS, NARROW, OUT_OF_ORDER_MARK, WIDE, Layout
from rehearse.report.view import (
    SlideTime,
    clock,
)

# A slide's time label goes left of its bracket when the bracket ends past this share of the
# time axis: right of it, "1:01 of 1:30" would run off a narrow chart.
LABEL_ROOM = 0.7


@style.styled
def pacing_chart(analysis: Analysis, layout: Layout) -> bytes:
    timeline_h = 1.0 + layout.row * row_grid(analysis).count
    drift = _drift_points(analysis)
    heights = [timeline_h, 1.6] if drift else [timeline_h]
    heights.append(2.0)
    fig = style.new_figure(layout, height=sum(heights) + 2.4)  # titles, tick labels, legends
    fig.get_layout_engine().set(hspace=0.02, h_pad=0.06)
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    top = fig.add_subplot(grid[0])
    axes = [top]
    if drift:
        axes.append(fig.add_subplot(grid[1], sharex=top))
    bottom = fig.add_subplot(grid[-1], sharex=top)
    axes.append(bottom)
    end = style.chart_end(analysis)
    _timeline(top, analysis, layout)
    if drift:
        _drift(axes[1], drift, layout)
    _rate(bottom, analysis, layout)
    for ax in axes:
        _pauses(ax, analysis)
        ax.grid(axis="x", color=COLORS["grid"], zorder=0)
        style.time_axis(ax, end, layout)
        ax.tick_params(labelbottom=True)
    bottom.set_xlabel("time into the recording (m:ss)")
    style.set_title(fig, top, _pacing_title(analysis, layout), layout)
    handles = []
    if has_budget(analysis):
        handles.append(
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="planned")
        )
    handles += style.status_legend(analysis.points)
    if analysis.pacing.pauses:
        handles.append(Patch(facecolor=COLORS["pause"], alpha=0.3, label="pause"))
    style.add_legend(fig, handles, layout)
    return style.to_png(
        fig, layout, lambda: row_areas(fig, top, analysis.points, row_grid(analysis))
    )


def _pacing_title(analysis: Analysis, layout: Layout) -> str:
    talk, plan = analysis.pacing.talk_time, planned(analysis)
    title = f"Talk time {clock(talk)}"
    if plan:
        title += f" of {clock(plan)} {'target' if analysis.summary.target else 'planned'}"
    return title if layout is NARROW else f"Pacing: {title[0].lower()}{title[1:]}"


def _timeline(ax: Axes, analysis: Analysis, layout: Layout) -> None:
    points = analysis.points
    grid = row_grid(analysis)
    planned_end = 0.0
    for y, p in zip(grid.ys, points, strict=True):
        if p.budget:
            ax.barh(
                y,
                p.budget / 60,
                left=planned_end / 60,
                height=0.8,
                zorder=1,
                color=COLORS["planned"],
                edgecolor=COLORS["planned_edge"],
                linewidth=0.6,
            )
            planned_end += p.budget
        if p.start is None or p.end is None:
            ax.text(
                planned_end / 60 if p.budget else 0.02,
                y,
                f" {style.unsaid(p)}",
                va="center",
                fontsize=layout.font - 1,
                color=COLORS["missed"] if p.skipped else COLORS["muted"],
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
                fontsize=layout.font,
                color=COLORS["ink"],
                zorder=3,
            )
    for y, slide in grid.headings:
        _slide_span(ax, y, slide, analysis, layout)
    point_axis(ax, points, min(layout.label, 30), grid)


def _slide_span(ax: Axes, y: float, slide: SlideTime, analysis: Analysis, layout: Layout) -> None:
    """On a slide's heading row: a bracket from its first point's start to its last point's
    end, and the time spent on it against its budget."""
    said = [p for p in slide.points if p.start is not None and p.end is not None]
    if not said:
        ax.text(0.02, y, " skipped", va="center", fontsize=layout.font - 1,
                color=COLORS["missed"], style="italic", zorder=3)  # fmt: skip
        return
    start, end = min(p.start for p in said) / 60, max(p.end for p in said) / 60
    color = COLORS["over"] if slide.over else COLORS["ink"]
    ax.plot([start, start, end, end], [y + 0.3, y, y, y + 0.3], color=color, linewidth=1.2,
            zorder=3, solid_joinstyle="miter")  # fmt: skip
    plan = f" of {clock(slide.budget)}" if slide.budget is not None else ""
    # Right of the bracket, or left of it when the bracket ends near the axis's end.
    near_end = end > LABEL_ROOM * style.chart_end(analysis) / 60
    ax.text(start if near_end else end, y, f" {clock(slide.took)}{plan} ",
            ha="right" if near_end else "left", va="center", fontsize=layout.font - 1,
            color=color, fontweight="bold", zorder=3)  # fmt: skip


def _drift_points(analysis: Analysis) -> list[tuple[float, float]]:
    """(minutes into the recording, drift in s) at the end of each point said, in time order."""
    found = [
        (p.end / 60, p.drift) for p in analysis.points if p.drift is not None and p.end is not None
    ]
    return sorted(found)


def _drift(ax: Axes, drift: list[tuple[float, float]], layout: Layout) -> None:
    """The running drift: behind (+, above the line) or ahead (-) of the plan."""
    xs = [0.0, *(x for x, _ in drift)]
    ys = [0.0, *(y for _, y in drift)]
    ax.plot(xs, ys, color=COLORS["ink"], linewidth=1.6, marker="o", markersize=2.5, zorder=3)
    ax.fill_between(
        xs,
        ys,
        0,
        where=[y >= 0 for y in ys],
        color=COLORS["behind"],
        alpha=0.18,
        interpolate=True,
        linewidth=0,
    )
    ax.fill_between(
        xs,
        ys,
        0,
        where=[y < 0 for y in ys],
        color=COLORS["ahead"],
        alpha=0.18,
        interpolate=True,
        linewidth=0,
    )
    ax.axhline(0, color=COLORS["muted"], linewidth=0.8, zorder=2)
    span = max(10.0, *(abs(y) for y in ys)) * 1.3
    ax.set_ylim(-span, span)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _signed_clock(y)))
    ax.yaxis.set_major_locator(MultipleLocator(_nice_step(span)))
    x, y = drift[-1]
    where = "behind" if y > 0 else "ahead" if y < 0 else "on plan"
    text = f"{_signed_clock(y)} {where}" if where != "on plan" else where
    ax.annotate(
        text,
        (x, y),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=layout.font - 1,
        color=COLORS["behind" if y > 0 else "ink"],
    )
    ax.set_ylabel("behind (+)\nahead (−)" if layout is WIDE else "drift")


def _signed_clock(seconds: float) -> str:
    if round(seconds) == 0:
        return "0"
    return ("+" if seconds > 0 else "−") + clock(abs(seconds))


def _nice_step(span: float) -> float:
    return next((s for s in (5, 10, 15, 30, 60, 120, 300, 600) if span / s <= 3), 1200)


def _rate(ax: Axes, analysis: Analysis, layout: Layout) -> None:
    pacing = analysis.pacing
    low, high = pacing.pace_band
    band = f"usual pace {low:.0f}–{high:.0f} wpm"
    if pacing.syllable_band and layout is WIDE:
        band += f" ({pacing.syllable_band[0]:g}–{pacing.syllable_band[1]:g} syllables/s)"
    ax.axhspan(low, high, color=COLORS["band"], alpha=0.12, zorder=0, label=band)
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
            label=f"average {pacing.wpm:.0f}",
        )
    top = max([high, pacing.wpm, *(r.wpm for r in series)]) * 1.15
    ax.set_ylim(0, top)
    ax.set_ylabel("words / min")
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        fontsize=layout.font - 1,
        frameon=False,
        ncols=3 if layout is WIDE else 1,
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
