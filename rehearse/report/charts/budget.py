"""Time per point against its budget."""

from __future__ import annotations

from matplotlib.patches import Patch

from rehearse.measure.pacing import OVER_SECONDS, OVER_SHARE
from rehearse.models import Analysis, PointReport
from rehearse.report.charts import style
from rehearse.report.charts.rows import point_axis, row_areas, row_grid
from rehearse.report.charts.style import COLORS, WIDE, Layout
from rehearse.report.view import rows


@style.styled
def budget_chart(analysis: Analysis, layout: Layout) -> bytes:
    table = rows(analysis)
    points = analysis.points
    grid = row_grid(analysis)
    fig = style.new_figure(layout, height=1.8 + (layout.row + 0.04) * grid.count)
    ax = fig.add_subplot()
    longest = 1.0
    for y, row in zip(grid.ys, table, strict=True):
        p = row.point
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
        ax.barh(
            y + 0.19,
            actual,
            height=0.36,
            zorder=2,
            color=COLORS["over"] if row.over else COLORS["actual"],
        )
        ax.text(
            max(actual, p.budget or 0) + longest * 0.01,
            y,
            _budget_note(p, row.over),
            va="center",
            fontsize=layout.font - 1,
            zorder=3,
            color=COLORS["over"] if row.over or p.skipped else COLORS["ink"],
        )
    point_axis(ax, points, layout.label, grid)
    ax.set_xlim(0, longest * (1.22 if layout is WIDE else 1.35))
    ax.set_xlabel("seconds")
    ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    title = "Time per point" + (" against its budget" if layout is WIDE else "")
    style.set_title(fig, ax, title, layout)
    over = f"over (> {OVER_SHARE:.0%} and ≥ {OVER_SECONDS:g} s)"
    style.add_legend(
        fig,
        [
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="budget"),
            Patch(facecolor=COLORS["actual"], label="took"),
            Patch(facecolor=COLORS["over"], label=over),
        ],
        layout,
    )
    return style.to_png(fig, layout, lambda: row_areas(fig, ax, points, grid))


def _budget_note(point: PointReport, over: bool) -> str:
    if point.duration is None and not point.said:
        return style.unsaid(point)
    if point.budget is None or point.duration is None:
        return ""
    delta = round(point.duration - point.budget)
    text = f"{delta:+d} s" if delta else "±0 s"
    return f"{text} over" if over else text


def has_budget(analysis: Analysis) -> bool:
    return any(p.budget for p in analysis.points)
