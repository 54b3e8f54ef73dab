"""The charts' shared style: colours, the two layouts, the rc style, figure, title,
legend and PNG; the time axis of the charts over the recording; the legend handles of the
statuses."""

from __future__ import annotations

import functools
import io
import logging
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from rehearse.models import Analysis, PointReport
from rehearse.report.view import (
    STATUS_LABELS,
    clock,
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


OUT_OF_ORDER_MARK = "⇅"
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


def rc(layout: Layout) -> dict:
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


def styled(fn: Callable[..., bytes]) -> Callable[..., bytes]:
    """Draw under the house rc style (fonts are resolved when artists are made)."""

    @functools.wraps(fn)
    def wrapper(what, layout: Layout = WIDE, **kwargs) -> bytes:
        with matplotlib.rc_context(rc(layout)):
            return fn(what, layout, **kwargs)

    return wrapper


def chart_end(analysis: Analysis) -> float:
    """Seconds the time axis runs to: the recording or the plan, whichever is longer."""
    return max(analysis.summary.duration, sum(p.budget or 0 for p in analysis.points), 30.0)


def time_axis(ax: Axes, end: float, layout: Layout) -> None:
    """x in minutes, ticked as m:ss at a step that suits the length."""
    minutes = end / 60
    steps = (0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240)
    step = next((s for s in steps if minutes / s <= layout.ticks), 480)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: clock(x * 60)))
    ax.set_xlim(0, minutes * 1.02)


# --- the figure, its title, legend and PNG ------------------------------------


def set_title(fig: Figure, ax: Axes, text: str, layout: Layout) -> None:
    """Above the plot on wide charts; from the figure's left edge on narrow ones, where the
    point labels leave the plot too little room."""
    if layout is WIDE:
        ax.set_title(text, loc="left")
    else:
        fig.suptitle(text, x=0.02, ha="left", fontsize=layout.font + 1.5, fontweight="bold")


def new_figure(layout: Layout, height: float) -> Figure:
    fig = Figure(figsize=(layout.width, height), dpi=layout.dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def status_handles(uncertain: bool = False) -> list[Patch]:
    """The legend of the statuses (uncertain only when some point is)."""
    return [
        Patch(facecolor=COLORS[s], label=text)
        for s, text in STATUS_LABELS.items()
        if uncertain or s != "uncertain"
    ]


def any_uncertain(points) -> bool:
    return any(p.uncertain for p in points)


def unsaid(point: PointReport) -> str:
    """What a chart writes where a point has no passage: 'skipped' or 'uncertain'."""
    return "uncertain" if point.uncertain else "skipped"


def status_legend(points, *between) -> list:
    """The legend of the statuses (uncertain only when some point is), then ``between``, then
    the out-of-order mark: how every per-point chart's legend begins."""
    return [*status_handles(any_uncertain(points)), *between, mark_handle()]


def mark_handle() -> Line2D:
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
        logging.getLogger(__package__).warning(  # "rehearse.report.charts", as before
            "the charts' font has no glyph for %s (from the notes): drawn as empty boxes",
            " ".join(missing),
        )


def add_legend(fig: Figure, handles: list, layout: Layout) -> None:
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


def to_png(fig: Figure, layout: Layout, areas: Callable[[], list[Area]] | None = None) -> Png:
    """The figure as PNG; ``areas`` is asked once the layout is final (savefig lays the
    figure out the same way again: constrained layout is deterministic)."""
    found = []
    if areas is not None:
        fig.canvas.draw()
        found = areas()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white", dpi=layout.dpi)
    return Png.of(buf.getvalue(), found)
