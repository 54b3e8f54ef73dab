"""Coverage per point: how much of each point was heard, its status."""

from __future__ import annotations

from matplotlib.axes import Axes

from rehearse.align import AlignOptions
from rehearse.models import Analysis, PointReport
from rehearse.report.charts import style
from rehearse.report.charts.rows import point_axis, row_areas, row_grid
from rehearse.report.charts.style import COLORS, NARROW, OUT_OF_ORDER_MARK, WIDE, Layout
from rehearse.report.view import (
    shorten,
)


@style.styled
def coverage_chart(analysis: Analysis, layout: Layout) -> bytes:
    points = analysis.points
    grid = row_grid(analysis)
    fig = style.new_figure(layout, height=1.8 + layout.row * grid.count)
    ax = fig.add_subplot()
    ys = grid.ys
    scores = [p.score / 100 for p in points]
    ax.barh(ys, scores, height=0.66, color=[COLORS[p.status] for p in points], zorder=2)
    for y, p, s in zip(ys, points, scores, strict=True):
        _coverage_note(ax, y, p, s, layout)
    point_axis(ax, points, layout.label, grid)
    ax.set_xlim(0, 1.32)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "25", "50", "75", "100"])
    wide = layout is WIDE
    covered = AlignOptions().covered
    ax.axvline(covered, color=COLORS["muted"], linestyle=":", linewidth=1.2, zorder=1)
    said_from = f"said from {covered:.0%} (dotted line)"
    ax.set_xlabel(
        f"key words of the note heard (%), rare words count more; {said_from}"
        if wide
        else f"key words heard (%)\n{said_from}"
    )
    ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    said = analysis.said
    title = f"Coverage: {said} of {len(points)} points said ({analysis.summary.coverage:.0%})"
    style.set_title(fig, ax, title if wide else f"{said} of {len(points)} points said", layout)
    style.add_legend(fig, style.status_legend(points), layout)
    return style.to_png(fig, layout, lambda: row_areas(fig, ax, points, grid))


def _coverage_note(ax: Axes, y: int, point: PointReport, score: float, layout: Layout) -> None:
    parts = [style.unsaid(point)] if point.start is None else [f"{score:.0%}"]
    if point.out_of_order:
        parts.append(OUT_OF_ORDER_MARK if layout is NARROW else f"{OUT_OF_ORDER_MARK} out of order")
    if point.missing and layout is WIDE:
        parts.append(shorten("not heard: " + ", ".join(point.missing), 48))
    color = COLORS["missed"] if point.skipped else COLORS["ink"]
    if point.hearing is not None and layout is WIDE:
        parts.append("heard badly")
    ax.text(
        score + 0.015,
        y,
        "  ".join(parts),
        va="center",
        fontsize=layout.font - 1,
        color=color,
        zorder=3,
    )
