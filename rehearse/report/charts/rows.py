"""The rows of the per-point charts (coverage, budget): a row per point in notes order,
under a heading per slide, and the area each row covers in the image for the play links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from rehearse.models import Analysis, PointReport
from rehearse.report.charts.style import COLORS, Area
from rehearse.report.view import (
    SlideTime,
    label,
    shorten,
    slide_times,
)


@dataclass(frozen=True)
class Rows:
    """Where the rows of a per-point chart go: each point's y (in notes order) and, when the
    talk has slides, a heading row above each slide's points."""

    ys: tuple[int, ...]
    headings: tuple[tuple[int, SlideTime], ...]
    count: int


def row_grid(analysis: Analysis) -> Rows:
    slides = slide_times(analysis)
    if not slides:
        n = len(analysis.points)
        return Rows(tuple(range(n)), (), max(n, 1))
    ys, headings, y = [], [], 0
    for slide in slides:
        headings.append((y, slide))
        ys += range(y + 1, y + 1 + len(slide.points))
        y += 1 + len(slide.points)
    return Rows(tuple(ys), tuple(headings), y)


def point_axis(ax: Axes, points: Sequence[PointReport], width: int, grid: Rows) -> None:
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


def play_from(point: PointReport) -> float | None:
    """Where a click on a point's row plays from: its start, else (skipped) where it was
    mentioned in passing; None when it was never heard."""
    if point.start is not None:
        return point.start
    return point.mentions[0].start if point.mentions else None


def row_areas(fig: Figure, ax: Axes, points: Sequence[PointReport], grid: Rows) -> list[Area]:
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
