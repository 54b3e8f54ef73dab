"""Progress across rehearsals: coverage, talk time and pitch spread per rehearsal, and
what happened to each point in each."""

from __future__ import annotations

from datetime import datetime

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MultipleLocator

from rehearse.history.trends import (
    TARGET_BAND,
    against_target,
    point_rows,
    talk_time,
    target_band,
)
from rehearse.measure.voice import MONOTONE_ST
from rehearse.models import History, Rehearsal
from rehearse.report.charts import style
from rehearse.report.charts.style import COLORS, NARROW, OUT_OF_ORDER_MARK, WIDE, Layout
from rehearse.report.view import (
    clock,
    shorten,
)

ABSENT = "#EFEFEF"  # a point that was not in that rehearsal's notes
NARROW_REHEARSALS = 8  # the phone layout shows the latest rehearsals only
# Room for at least this many columns, so two rehearsals are not two half-page slabs.
MIN_COLUMNS = {"wide": 6, "narrow": 4}


@style.styled
def progress_chart(history: History, layout: Layout, *, current: str | None = None) -> bytes:
    """The rehearsals of one talk by one speaker, one column each, oldest first: coverage
    and talk time (against the target band) on top; below, one row per point (in the latest
    notes' order) coloured by what happened to it, out-of-order points marked. ``current``
    (a recording's sha256) marks that rehearsal's column."""
    rehearsals = history.rehearsals
    shown = rehearsals[-NARROW_REHEARSALS:] if layout is NARROW else rehearsals
    points = point_rows(History(history.talk, history.speaker, shown))
    voiced = any(r.pitch_variation_st is not None for r in shown)
    fig, cover, timing, voice, cells = _panels(layout, max(len(points), 1), voiced)
    xs = list(range(len(shown)))
    marked = [x for x, r in zip(xs, shown, strict=True) if r.sha256 == current]
    _coverage_line(cover, shown, xs, layout, marked)
    _talk_times(timing, shown, xs, layout)
    if voice is not None:
        _pitch_spreads(voice, shown, xs)
    _heatmap(cells, shown, points, layout)
    for x in marked:
        cells.add_patch(Rectangle((x - 0.5, -0.5), 1, len(points), fill=False, zorder=4,
                                  edgecolor=COLORS["ink"], linewidth=1.6))  # fmt: skip
    lines = [ax for ax in (cover, timing, voice) if ax is not None]
    _columns(lines, cells, shown, layout, marked, current)
    style.set_title(fig, cover, _title(history, len(shown), layout), layout)
    style.add_legend(fig, _handles(shown, voiced, marked), layout)
    return style.to_png(fig, layout)


def _panels(layout: Layout, rows: int, voiced: bool):
    """The figure and its panels, sharing the rehearsal axis: coverage, talk time, pitch
    spread (None unless ``voiced``) and the points' cells (``rows`` of them)."""
    heights = [1.3, 1.5, *([1.3] if voiced else []), layout.row * rows]
    fig = style.new_figure(layout, height=sum(heights) + 2.6)
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    cover = fig.add_subplot(grid[0])
    timing = fig.add_subplot(grid[1], sharex=cover)
    voice = fig.add_subplot(grid[2], sharex=cover) if voiced else None
    cells = fig.add_subplot(grid[-1], sharex=cover)
    return fig, cover, timing, voice, cells


def _columns(lines: list[Axes], cells: Axes, shown, layout: Layout, marked, current) -> None:
    """Room for ``MIN_COLUMNS`` rehearsals, the marked one shaded in every panel; the
    rehearsals named below the cells (turned when many)."""
    slots = max(len(shown), 1, MIN_COLUMNS["narrow" if layout is NARROW else "wide"])
    for ax in (*lines, cells):
        ax.set_xlim(-0.5, slots - 0.5)
        if ax is not cells:
            ax.grid(axis="y", color=COLORS["grid"], zorder=0)
        for x in marked:
            ax.axvspan(x - 0.5, x + 0.5, color=COLORS["actual"], alpha=0.08, zorder=0)
    for ax in lines:
        ax.tick_params(axis="x", labelbottom=False, length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    xs = list(range(len(shown)))
    cells.set_xticks(xs, [_column_label(r, len(shown), r.sha256 == current) for r in shown])
    cells.tick_params(axis="x", length=0, labelsize=layout.font - 1)
    if len(shown) > (4 if layout is NARROW else 10):
        for tick in cells.get_xticklabels():
            tick.set_rotation(90)


def _title(history: History, shown: int, layout: Layout) -> str:
    """'Progress: <talk> by <speaker>, last 8 of 12 rehearsals' (on two lines when narrow)."""
    rehearsals = len(history.rehearsals)
    who = f" by {history.speaker}" if history.speaker else ""
    count = f"{rehearsals} rehearsals" if rehearsals != 1 else "1 rehearsal"
    if shown < rehearsals:
        count = f"last {shown} of {count}"
    if layout is WIDE:
        return shorten(f"Progress: {history.talk.title}{who}, {count}", 80)
    by = shorten(f"by {history.speaker}, ", 20) + " " if history.speaker else ""
    return f"{shorten(history.talk.title, 36)}\n{by}{count}"


def _handles(shown, voiced: bool, marked) -> list:
    """The legend: statuses, absent points, the out-of-order mark, then the target band,
    the monotone band and this rehearsal when the chart shows them."""
    absent = Patch(facecolor=ABSENT, label="not in the notes then")
    handles = style.status_legend([p for r in shown for p in r.points], absent)
    if any(r.target for r in shown):
        band = f"target ±{TARGET_BAND:.0%}"
        handles.append(Patch(facecolor=COLORS["band"], alpha=0.3, label=band))
        for name, color in (("over", "over"), ("under", "actual")):
            handles.append(Line2D([], [], linestyle="none", marker="o", color=COLORS[color],
                                  label=f"talk time {name} it"))  # fmt: skip
    if voiced:
        monotone = f"pitch spread < {MONOTONE_ST:g} st"
        handles.append(Patch(facecolor=COLORS["monotone"], alpha=0.25, label=monotone))
    if marked:
        handles.append(Patch(facecolor=COLORS["actual"], alpha=0.15, label="this rehearsal"))
    return handles


def _column_label(rehearsal: Rehearsal, count: int, this: bool) -> str:
    """'11 Mar 18:02' (one line when the columns are turned) and the history id, or 'this'
    for the report's own rehearsal (which has no id until it is recorded)."""
    when = datetime.fromisoformat(rehearsal.created)
    ident = "this" if this or rehearsal.id is None else f"#{rehearsal.id}"
    return f"{when:%d %b %H:%M} {ident}" if count > 4 else f"{when:%d %b}\n{when:%H:%M}\n{ident}"


def _coverage_line(ax: Axes, rehearsals, xs: list[int], layout: Layout, marked) -> None:
    """Share of points said per rehearsal; 'said/points' above each when there is room,
    else above the first, the last and the marked one."""
    shares = [r.coverage * 100 for r in rehearsals]
    ax.plot(xs, shares, color=COLORS["covered"], marker="o", markersize=4, linewidth=1.6, zorder=3)
    room = len(xs) <= (5 if layout is NARROW else 12)
    for x, r, y in zip(xs, rehearsals, shares, strict=True):
        if not (room or x in (0, len(xs) - 1, *marked)):
            continue
        ax.annotate(
            f"{r.said}/{len(r.points)}",
            (x, y),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
            fontsize=layout.font - 1.5,
            color=COLORS["ink"],
        )
    low = min([*shares, 50.0])
    ax.set_ylim(max(0.0, low - 15), 112)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0f}%" if y <= 100 else ""))
    ax.set_ylabel("points said")


def _talk_times(ax: Axes, rehearsals, xs: list[int], layout: Layout) -> None:
    """Talk time per rehearsal; its target and the band counted as on target behind it."""
    times = [talk_time(r) / 60 for r in rehearsals]
    for x, r in zip(xs, rehearsals, strict=True):
        if r.target:
            low, high = target_band(r.target)
            ax.bar(x, (high - low) / 60, bottom=low / 60, width=0.8, color=COLORS["band"],
                   alpha=0.15, linewidth=0, zorder=1)  # fmt: skip
            ax.plot([x - 0.4, x + 0.4], [r.target / 60] * 2, color=COLORS["band"], linewidth=1.2)
    colors = [_band_color(r) for r in rehearsals]
    ax.plot(xs, times, color=COLORS["muted"], linewidth=1, zorder=2)
    ax.scatter(xs, times, c=colors, s=22, zorder=3)
    bands = [target_band(r.target) for r in rehearsals if r.target]
    low = min([*times, *(b[0] / 60 for b in bands)])
    high = max([*times, *(b[1] / 60 for b in bands)])
    pad = max((high - low) * 0.15, 0.25)
    ax.set_ylim(max(0.0, low - pad), high + pad)
    step = next(
        (s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900) if (high - low) * 60 / s <= 4), 1800
    )
    ax.yaxis.set_major_locator(MultipleLocator(step / 60))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: clock(y * 60)))
    ax.set_ylabel("talk time")


def _pitch_spreads(ax: Axes, rehearsals, xs: list[int]) -> None:
    """The voice's pitch spread per rehearsal (semitones), the band where it counts as
    monotone shaded; rehearsals whose voice was not measured are left out of the line."""
    measured = [(x, r.pitch_variation_st) for x, r in zip(xs, rehearsals, strict=True)
                if r.pitch_variation_st is not None]  # fmt: skip
    at, spreads = [x for x, _ in measured], [s for _, s in measured]
    ax.axhspan(0, MONOTONE_ST, color=COLORS["monotone"], alpha=0.25, linewidth=0, zorder=1)
    ax.plot(at, spreads, color=COLORS["ink"], marker="o", markersize=4, linewidth=1.2, zorder=3)
    ax.set_ylim(0, max([*spreads, 2 * MONOTONE_ST]) * 1.15)
    ax.yaxis.set_major_locator(MultipleLocator(1 if max(spreads) < 6 else 2))
    ax.set_ylabel("pitch spread\n(semitones)")


def _band_color(rehearsal: Rehearsal) -> str:
    side = against_target(rehearsal)
    return COLORS[{None: "ink", "over": "over", "under": "actual", "on": "band"}[side]]


def _heatmap(ax: Axes, rehearsals, points, layout: Layout) -> None:
    statuses = [{p.point_id: p for p in r.points} for r in rehearsals]
    for y, row in enumerate(points):
        for x, by_id in enumerate(statuses):
            point = by_id.get(row.identity)
            color = COLORS[point.status] if point else ABSENT
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=color,
                                   edgecolor="white", linewidth=1.2, zorder=2))  # fmt: skip
            if point is not None and point.out_of_order:
                ax.text(x, y, OUT_OF_ORDER_MARK, ha="center", va="center", zorder=3,
                        fontsize=layout.font + 2, color="white", fontweight="bold")  # fmt: skip
    width, gone = layout.label, " (removed)" if layout is WIDE else ""
    labels = [
        shorten(f"{row.number}. {row.text}", width - len(gone)) + gone
        if row.removed
        else shorten(f"{row.number}. {row.text}", width)
        for row in points
    ]
    ax.set_yticks(range(len(points)), labels)
    for tick, row in zip(ax.get_yticklabels(), points, strict=True):
        if row.removed:
            tick.set_color(COLORS["muted"])
            tick.set_style("italic")
    ax.set_ylim(len(points) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
