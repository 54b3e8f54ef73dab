"""PNG charts of an Analysis: coverage per point, the pacing timeline, time per point, voice.

Drawn with matplotlib's object API on the Agg canvas (no pyplot state, no display).
DejaVu Sans, bundled with matplotlib, carries the Polish glyphs. Every chart comes in two
layouts: ``WIDE`` for the report files and wide screens, ``NARROW`` for phones (fewer,
larger labels, so text stays about 11 px high on a 390 px screen). The per-point charts
come back as ``Png``: the image's bytes, and the ``Area`` each point's row covers in it,
read from the chart's own transforms once it is laid out, for the report's play links.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MultipleLocator

from rehearse.align import AlignOptions
from rehearse.history.trends import TARGET_BAND, point_rows, talk_time, target_band
from rehearse.measure.pacing import OVER_SECONDS, OVER_SHARE, planned
from rehearse.measure.voice import MONOTONE_ST, WINDOW
from rehearse.models import Analysis, History, PointReport, Rehearsal
from rehearse.report.view import (
    STATUS_LABELS,
    SlideTime,
    clock,
    label,
    rows,
    shorten,
    slide_times,
)


@dataclass(frozen=True)
class Area:
    """Where one point's row is drawn, as shares of the image (from its top left), and the
    second of the recording it plays from."""

    left: float
    top: float
    width: float
    height: float
    t: float
    number: int
    text: str


class Png(bytes):
    """A chart's PNG bytes; ``areas``: the rows a click on the chart plays (none for charts
    without points)."""

    areas: tuple[Area, ...] = ()

    @classmethod
    def of(cls, data: bytes, areas: Sequence[Area] = ()) -> Png:
        png = cls(data)
        png.areas = tuple(areas)
        return png


# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLORS = {
    "covered": "#009E73",
    "partial": "#E69F00",
    "missed": "#D55E00",
    "uncertain": "#56B4E9",
    "planned": "#D9D9D9",
    "planned_edge": "#8C8C8C",
    "actual": "#0072B2",
    "over": "#D55E00",
    "pause": "#CC79A7",
    "band": "#009E73",
    "behind": "#D55E00",
    "ahead": "#009E73",
    "ink": "#222222",
    "muted": "#6B6B6B",
    "grid": "#E6E6E6",
    "slide_band": "#ECECEC",
    "monotone": "#E69F00",
    "trailing": "#CC79A7",
}
OUT_OF_ORDER_MARK = "⇅"
# A slide's time label goes left of its bracket when the bracket ends past this share of the
# time axis: right of it, "1:01 of 1:30" would run off a narrow chart.
LABEL_ROOM = 0.7


@dataclass(frozen=True)
class Layout:
    """Figure width (in), resolution, row height (in), point-label length, most time ticks,
    legend columns and base font size (pt). Width x dpi is the PNG's pixel width."""

    width: float
    dpi: int
    row: float
    label: int
    ticks: int
    legend_cols: int
    font: float


# 1170 px; shown at up to 1000 px, so 9 pt text is about 11 px.
WIDE = Layout(width=9.0, dpi=130, row=0.32, label=38, ticks=10, legend_cols=6, font=9)
# Drawn for a ~340 px wide phone column: 4 in at 9 pt is about 10.6 px text when shown at
# 340 px; 250 dpi keeps it sharp on 3x screens. Labels cut to 18 characters, 5 time ticks.
NARROW = Layout(width=4.0, dpi=250, row=0.3, label=18, ticks=5, legend_cols=3, font=9)


def _rc(layout: Layout) -> dict:
    return {
        # every text is drawn as typed: "$5 to $10" from the notes is no mathtext formula
        "text.parse_math": False,
        "font.family": "DejaVu Sans",
        "font.size": layout.font,
        "axes.titlesize": layout.font + 2,
        "axes.titleweight": "bold",
        "axes.edgecolor": "#BBBBBB",
        "axes.labelcolor": COLORS["ink"],
        "xtick.color": COLORS["muted"],
        "ytick.color": COLORS["ink"],
    }


def _styled(fn: Callable[..., bytes]) -> Callable[..., bytes]:
    """Draw under the house rc style (fonts are resolved when artists are made)."""

    @functools.wraps(fn)
    def wrapper(what, layout: Layout = WIDE, **kwargs) -> bytes:
        with matplotlib.rc_context(_rc(layout)):
            return fn(what, layout, **kwargs)

    return wrapper


def charts(analysis: Analysis, layout: Layout = WIDE) -> dict[str, bytes]:
    """Every chart the analysis supports, as {file name: PNG bytes}."""
    out = {
        "coverage.png": coverage_chart(analysis, layout),
        "pacing.png": pacing_chart(analysis, layout),
    }
    if has_budget(analysis):
        out["budget.png"] = budget_chart(analysis, layout)
    if has_voice(analysis):
        out[VOICE_CHART] = voice_chart(analysis, layout)
    return out


def has_voice(analysis: Analysis) -> bool:
    voice = analysis.voice
    return voice is not None and voice.measured and bool(voice.windows)


def has_budget(analysis: Analysis) -> bool:
    return any(p.budget for p in analysis.points)


# --- coverage -----------------------------------------------------------------


@_styled
def coverage_chart(analysis: Analysis, layout: Layout) -> bytes:
    points = analysis.points
    grid = _rows(analysis)
    fig = _figure(layout, height=1.8 + layout.row * grid.count)
    ax = fig.add_subplot()
    ys = grid.ys
    scores = [p.score / 100 for p in points]
    ax.barh(ys, scores, height=0.66, color=[COLORS[p.status] for p in points], zorder=2)
    for y, p, s in zip(ys, points, scores, strict=True):
        _coverage_note(ax, y, p, s, layout)
    _point_axis(ax, points, layout.label, grid)
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
    _title(fig, ax, title if wide else f"{said} of {len(points)} points said", layout)
    _legend(fig, [*_status_handles(_any_uncertain(points)), _mark_handle()], layout)
    return _png(fig, layout, lambda: _row_areas(fig, ax, points, grid))


def _coverage_note(ax: Axes, y: int, point: PointReport, score: float, layout: Layout) -> None:
    parts = [_unsaid(point)] if point.start is None else [f"{score:.0%}"]
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


# --- pacing -------------------------------------------------------------------


@_styled
def pacing_chart(analysis: Analysis, layout: Layout) -> bytes:
    timeline_h = 1.0 + layout.row * _rows(analysis).count
    drift = _drift_points(analysis)
    heights = [timeline_h, 1.6] if drift else [timeline_h]
    heights.append(2.0)
    fig = _figure(layout, height=sum(heights) + 2.4)  # titles, tick labels, legends
    fig.get_layout_engine().set(hspace=0.02, h_pad=0.06)
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    top = fig.add_subplot(grid[0])
    axes = [top]
    if drift:
        axes.append(fig.add_subplot(grid[1], sharex=top))
    bottom = fig.add_subplot(grid[-1], sharex=top)
    axes.append(bottom)
    end = _chart_end(analysis)
    _timeline(top, analysis, layout)
    if drift:
        _drift(axes[1], drift, layout)
    _rate(bottom, analysis, layout)
    for ax in axes:
        _pauses(ax, analysis)
        ax.grid(axis="x", color=COLORS["grid"], zorder=0)
        _time_axis(ax, end, layout)
        ax.tick_params(labelbottom=True)
    bottom.set_xlabel("time into the recording (m:ss)")
    _title(fig, top, _pacing_title(analysis, layout), layout)
    handles = []
    if has_budget(analysis):
        handles.append(
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="planned")
        )
    handles += [*_status_handles(_any_uncertain(analysis.points)), _mark_handle()]
    if analysis.pacing.pauses:
        handles.append(Patch(facecolor=COLORS["pause"], alpha=0.3, label="pause"))
    _legend(fig, handles, layout)
    return _png(fig, layout, lambda: _row_areas(fig, top, analysis.points, _rows(analysis)))


def _chart_end(analysis: Analysis) -> float:
    """Seconds the time axis runs to: the recording or the plan, whichever is longer."""
    return max(analysis.summary.duration, sum(p.budget or 0 for p in analysis.points), 30.0)


def _pacing_title(analysis: Analysis, layout: Layout) -> str:
    talk, plan = analysis.pacing.talk_time, planned(analysis)
    title = f"Talk time {clock(talk)}"
    if plan:
        title += f" of {clock(plan)} {'target' if analysis.summary.target else 'planned'}"
    return title if layout is NARROW else f"Pacing: {title[0].lower()}{title[1:]}"


def _time_axis(ax: Axes, end: float, layout: Layout) -> None:
    """x in minutes, ticked as m:ss at a step that suits the length."""
    minutes = end / 60
    steps = (0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240)
    step = next((s for s in steps if minutes / s <= layout.ticks), 480)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: clock(x * 60)))
    ax.set_xlim(0, minutes * 1.02)


def _timeline(ax: Axes, analysis: Analysis, layout: Layout) -> None:
    points = analysis.points
    grid = _rows(analysis)
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
                f" {_unsaid(p)}",
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
    _point_axis(ax, points, min(layout.label, 30), grid)


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
    near_end = end > LABEL_ROOM * _chart_end(analysis) / 60
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


# --- budget -------------------------------------------------------------------


@_styled
def budget_chart(analysis: Analysis, layout: Layout) -> bytes:
    table = rows(analysis)
    points = analysis.points
    grid = _rows(analysis)
    fig = _figure(layout, height=1.8 + (layout.row + 0.04) * grid.count)
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
    _point_axis(ax, points, layout.label, grid)
    ax.set_xlim(0, longest * (1.22 if layout is WIDE else 1.35))
    ax.set_xlabel("seconds")
    ax.grid(axis="x", color=COLORS["grid"], zorder=0)
    _title(fig, ax, "Time per point" + (" against its budget" if layout is WIDE else ""), layout)
    over = f"over (> {OVER_SHARE:.0%} and ≥ {OVER_SECONDS:g} s)"
    _legend(
        fig,
        [
            Patch(facecolor=COLORS["planned"], edgecolor=COLORS["planned_edge"], label="budget"),
            Patch(facecolor=COLORS["actual"], label="took"),
            Patch(facecolor=COLORS["over"], label=over),
        ],
        layout,
    )
    return _png(fig, layout, lambda: _row_areas(fig, ax, points, grid))


def _budget_note(point: PointReport, over: bool) -> str:
    if point.duration is None and not point.said:
        return _unsaid(point)
    if point.budget is None or point.duration is None:
        return ""
    delta = round(point.duration - point.budget)
    text = f"{delta:+d} s" if delta else "±0 s"
    return f"{text} over" if over else text


# --- progress across rehearsals -------------------------------------------------------

ABSENT = "#EFEFEF"  # a point that was not in that rehearsal's notes
NARROW_REHEARSALS = 8  # the phone layout shows the latest rehearsals only
# Room for at least this many columns, so two rehearsals are not two half-page slabs.
MIN_COLUMNS = {"wide": 6, "narrow": 4}


@_styled
def progress_chart(history: History, layout: Layout, *, current: str | None = None) -> bytes:
    """The rehearsals of one talk by one speaker, one column each, oldest first: coverage
    and talk time (against the target band) on top; below, one row per point (in the latest
    notes' order) coloured by what happened to it, out-of-order points marked. ``current``
    (a recording's sha256) marks that rehearsal's column."""
    rehearsals = history.rehearsals
    shown = rehearsals[-NARROW_REHEARSALS:] if layout is NARROW else rehearsals
    points = point_rows(History(history.talk, history.speaker, shown))
    n, rows_n = max(len(shown), 1), max(len(points), 1)
    voiced = any(r.pitch_variation_st is not None for r in shown)
    heights = [1.3, 1.5, *([1.3] if voiced else []), layout.row * rows_n]
    fig = _figure(layout, height=sum(heights) + 2.6)
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    cover = fig.add_subplot(grid[0])
    timing = fig.add_subplot(grid[1], sharex=cover)
    voice = fig.add_subplot(grid[2], sharex=cover) if voiced else None
    cells = fig.add_subplot(grid[-1], sharex=cover)
    lines = [ax for ax in (cover, timing, voice) if ax is not None]
    xs = list(range(len(shown)))
    marked = [x for x, r in zip(xs, shown, strict=True) if r.sha256 == current]
    slots = max(n, MIN_COLUMNS["narrow" if layout is NARROW else "wide"])
    _coverage_line(cover, shown, xs, layout, marked)
    _talk_times(timing, shown, xs, layout)
    if voice is not None:
        _pitch_spreads(voice, shown, xs)
    _heatmap(cells, shown, points, layout)
    for x in marked:
        cells.add_patch(Rectangle((x - 0.5, -0.5), 1, len(points), fill=False, zorder=4,
                                  edgecolor=COLORS["ink"], linewidth=1.6))  # fmt: skip
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
    cells.set_xticks(xs, [_column_label(r, len(shown), r.sha256 == current) for r in shown])
    cells.tick_params(axis="x", length=0, labelsize=layout.font - 1)
    if len(shown) > (4 if layout is NARROW else 10):
        for tick in cells.get_xticklabels():
            tick.set_rotation(90)
    who = f" by {history.speaker}" if history.speaker else ""
    count = f"{len(rehearsals)} rehearsals" if len(rehearsals) != 1 else "1 rehearsal"
    if len(shown) < len(rehearsals):
        count = f"last {len(shown)} of {count}"
    if layout is WIDE:
        title = shorten(f"Progress: {history.talk.title}{who}, {count}", 80)
    else:
        by = shorten(f"by {history.speaker}, ", 20) + " " if history.speaker else ""
        title = f"{shorten(history.talk.title, 36)}\n{by}{count}"
    _title(fig, cover, title, layout)
    unsure = any(_any_uncertain(r.points) for r in shown)
    handles = [*_status_handles(unsure), Patch(facecolor=ABSENT, label="not in the notes then")]
    handles.append(_mark_handle())
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
    _legend(fig, handles, layout)
    return _png(fig, layout)


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
    if not rehearsal.target:
        return COLORS["ink"]
    low, high = target_band(rehearsal.target)
    time = talk_time(rehearsal)
    return COLORS["over"] if time > high else COLORS["actual"] if time < low else COLORS["band"]


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


# --- voice --------------------------------------------------------------------

VOICE_CHART = "voice.png"


@_styled
def voice_chart(analysis: Analysis, layout: Layout) -> bytes:
    """Pitch variation and loudness per 10 s window over time, the points as bands, monotone
    spans and sentences that trail off marked."""
    voice = analysis.voice
    fig = _figure(layout, height=5.2 if layout is WIDE else 5.6)
    fig.get_layout_engine().set(hspace=0.04, h_pad=0.08)
    pitch = fig.add_subplot(2, 1, 1)
    loud = fig.add_subplot(2, 1, 2, sharex=pitch)
    end = _chart_end(analysis)
    centres = [(w.start + WINDOW / 2) / 60 for w in voice.windows]
    for ax in (pitch, loud):
        _point_bands(ax, analysis, layout)
        ax.grid(axis="y", color=COLORS["grid"], zorder=0)
        _time_axis(ax, end, layout)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for span in voice.monotone:
        pitch.axvspan(
            span.start / 60,
            span.end / 60,
            color=COLORS["monotone"],
            alpha=0.25,
            linewidth=0,
            zorder=0.6,
        )
    spreads = [w.pitch_variation_st for w in voice.windows]
    pitch.plot(
        centres,
        [float("nan") if v is None else v for v in spreads],
        marker="o",
        markersize=3,
        linewidth=1.6,
        color=COLORS["actual"],
        zorder=3,
    )
    pitch.axhline(MONOTONE_ST, color=COLORS["monotone"], linestyle="--", linewidth=1, zorder=2)
    pitch.axhline(
        voice.pitch_variation_st, color=COLORS["actual"], linestyle=":", linewidth=1, zorder=2
    )
    top = max([MONOTONE_ST, *(v for v in spreads if v is not None)]) * 1.35
    pitch.set_ylim(0, top)
    pitch.set_ylabel("pitch spread (st)" if layout is NARROW else "pitch variation\n(semitones)")
    pitch.tick_params(labelbottom=False)
    levels = [w.loudness_db for w in voice.windows]
    loud.plot(
        centres,
        [float("nan") if v is None else v for v in levels],
        marker="o",
        markersize=3,
        linewidth=1.6,
        color=COLORS["ink"],
        zorder=3,
    )
    known = [v for v in levels if v is not None]
    low, high = min(known) - 6, max(known) + 4
    for span in voice.trailing_off:
        loud.plot(
            [span.start / 60, span.end / 60],
            [low + 1.2, low + 1.2],
            color=COLORS["trailing"],
            linewidth=4,
            solid_capstyle="butt",
            zorder=3,
        )
    loud.set_ylim(low, high)
    loud.set_ylabel("loudness (dBFS)" if layout is NARROW else "loudness of speech\n(dBFS, RMS)")
    loud.set_xlabel("time into the recording (m:ss)")
    title = f"Voice: {voice.verdict}, pitch spread {voice.pitch_variation_st:.1f} semitones"
    _title(fig, pitch, title if layout is WIDE else f"Voice: {voice.verdict}", layout)
    handles = [
        Line2D([], [], color=COLORS["actual"], marker="o", markersize=3, label="pitch variation"),
        Line2D([], [], color=COLORS["actual"], linestyle=":", label="your median"),
        Line2D(
            [],
            [],
            color=COLORS["monotone"],
            linestyle="--",
            label=f"monotone below {MONOTONE_ST:g}",
        ),
        Line2D([], [], color=COLORS["ink"], marker="o", markersize=3, label="loudness"),
    ]
    if voice.monotone:
        handles.append(Patch(facecolor=COLORS["monotone"], alpha=0.25, label="monotone span"))
    if voice.trailing_off:
        handles.append(
            Line2D([], [], color=COLORS["trailing"], linewidth=4, label="sentence trails off")
        )
    _legend(fig, handles, layout if layout is WIDE else replace(layout, legend_cols=2))
    return _png(fig, layout)


def _point_bands(ax: Axes, analysis: Analysis, layout: Layout) -> None:
    """Each said point as a band over its time, alternately shaded, numbered at the top."""
    said = sorted(
        (p for p in analysis.points if p.start is not None and p.end is not None),
        key=lambda p: p.start,
    )
    for i, p in enumerate(said):
        ax.axvspan(
            p.start / 60,
            p.end / 60,
            color=COLORS["slide_band"] if i % 2 else "#FAFAFA",
            linewidth=0,
            zorder=0.1,
        )
        wide_enough = (p.end - p.start) / _chart_end(analysis) > 0.5 / layout.width / 2
        if wide_enough:
            ax.text(
                (p.start + p.end) / 120,
                0.98,
                str(p.number),
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=layout.font - 2,
                color=COLORS["muted"],
            )


# --- shared -------------------------------------------------------------------


def _title(fig: Figure, ax: Axes, text: str, layout: Layout) -> None:
    """Above the plot on wide charts; from the figure's left edge on narrow ones, where the
    point labels leave the plot too little room."""
    if layout is WIDE:
        ax.set_title(text, loc="left")
    else:
        fig.suptitle(text, x=0.02, ha="left", fontsize=layout.font + 1.5, fontweight="bold")


def _figure(layout: Layout, height: float) -> Figure:
    fig = Figure(figsize=(layout.width, height), dpi=layout.dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


@dataclass(frozen=True)
class _Rows:
    """Where the rows of a per-point chart go: each point's y (in notes order) and, when the
    talk has slides, a heading row above each slide's points."""

    ys: tuple[int, ...]
    headings: tuple[tuple[int, SlideTime], ...]
    count: int


def _rows(analysis: Analysis) -> _Rows:
    slides = slide_times(analysis)
    if not slides:
        n = len(analysis.points)
        return _Rows(tuple(range(n)), (), max(n, 1))
    ys, headings, y = [], [], 0
    for slide in slides:
        headings.append((y, slide))
        ys += range(y + 1, y + 1 + len(slide.points))
        y += 1 + len(slide.points)
    return _Rows(tuple(ys), tuple(headings), y)


def _point_axis(ax: Axes, points: Sequence[PointReport], width: int, grid: _Rows) -> None:
    """Point labels on the y axis; under a bold heading per slide, on alternately shaded bands,
    when the talk has slides (the heading names the slide, so the labels need not)."""
    names = [
        label(p, width) if not grid.headings else shorten(f"{p.number}. {p.text}", width)
        for p in points
    ]
    headings = [shorten(slide.name, width) for _, slide in grid.headings]
    ax.set_yticks([*grid.ys, *(y for y, _ in grid.headings)], [*names, *headings])
    for tick in ax.get_yticklabels()[len(names) :]:
        tick.set_fontweight("bold")
    for i, (y, slide) in enumerate(grid.headings):
        if i % 2:
            ax.axhspan(y - 0.5, y + len(slide.points) + 0.5, color=COLORS["slide_band"], zorder=0)
    ax.set_ylim(grid.count - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _status_handles(uncertain: bool = False) -> list[Patch]:
    """The legend of the statuses (uncertain only when some point is)."""
    return [
        Patch(facecolor=COLORS[s], label=text)
        for s, text in STATUS_LABELS.items()
        if uncertain or s != "uncertain"
    ]


def _any_uncertain(points) -> bool:
    return any(p.uncertain for p in points)


def _unsaid(point: PointReport) -> str:
    """What a chart writes where a point has no passage: 'skipped' or 'uncertain'."""
    return "uncertain" if point.uncertain else "skipped"


def _mark_handle() -> Line2D:
    with matplotlib.rc_context({"text.parse_math": True}):  # a "$...$" marker is a glyph
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=f"${OUT_OF_ORDER_MARK}$",
            markersize=9,
            color=COLORS["ink"],
            label="out of order",
        )


_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")


@contextmanager
def glyph_warnings() -> Iterator[None]:
    """matplotlib's warnings of characters the font has no glyph for (an emoji in the notes)
    as one warning line naming them, instead of a UserWarning per glyph and chart; other
    warnings pass on as they were."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing: dict[str, None] = {}
    for w in caught:
        found = _MISSING_GLYPH.match(str(w.message))
        if found:
            missing[chr(int(found.group(1)))] = None
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing:
        logging.getLogger(__name__).warning(
            "the charts' font has no glyph for %s (from the notes): drawn as empty boxes",
            " ".join(missing),
        )


def _legend(fig: Figure, handles: list, layout: Layout) -> None:
    """The legend below the chart, in as many of the layout's columns as fit its width
    (long labels on a phone get fewer columns rather than run off the picture)."""
    renderer = fig.canvas.get_renderer()
    for ncols in range(min(len(handles), layout.legend_cols), 0, -1):
        legend = fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=ncols,
            frameon=False,
            fontsize=layout.font - 0.5,
            handlelength=1.4,
            columnspacing=1.6 if layout is WIDE else 1.0,
        )
        if ncols == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width:
            return
        legend.remove()


def _png(fig: Figure, layout: Layout, areas: Callable[[], list[Area]] | None = None) -> Png:
    """The figure as PNG; ``areas`` is asked once the layout is final (savefig lays the
    figure out the same way again: constrained layout is deterministic)."""
    found = []
    if areas is not None:
        fig.canvas.draw()
        found = areas()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white", dpi=layout.dpi)
    return Png.of(buf.getvalue(), found)


def play_from(point: PointReport) -> float | None:
    """Where a click on a point's row plays from: its start, else (skipped) where it was
    mentioned in passing; None when it was never heard."""
    if point.start is not None:
        return point.start
    return point.mentions[0].start if point.mentions else None


def _row_areas(fig: Figure, ax: Axes, points: Sequence[PointReport], grid: _Rows) -> list[Area]:
    """Each playable point's row band, from the figure's left edge (its label) to the right
    of the plot, in shares of the image."""
    width, height = fig.bbox.width, fig.bbox.height
    right = ax.get_window_extent().x1
    found = []
    for y, point in zip(grid.ys, points, strict=True):
        t = play_from(point)
        if t is None:
            continue
        (_, y0), (_, y1) = ax.transData.transform([(0, y - 0.5), (0, y + 0.5)])
        low, high = sorted((y0, y1))
        top, tall = 1 - high / height, (high - low) / height
        found.append(Area(0.0, top, right / width, tall, t, point.number, label(point, 60)))
    return found
