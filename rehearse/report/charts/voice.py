"""The voice over the recording: pitch variation and loudness per window."""

from __future__ import annotations

from dataclasses import replace

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from rehearse.measure.voice import MONOTONE_ST, WINDOW
from rehearse.models import Analysis
from rehearse.report.charts import style
from rehearse.report.charts.style import COLORS, NARROW, WIDE, Layout

VOICE_CHART = "voice.png"


def has_voice(analysis: Analysis) -> bool:
    voice = analysis.voice
    return voice is not None and voice.measured and bool(voice.windows)


@style.styled
def voice_chart(analysis: Analysis, layout: Layout) -> bytes:
    """Pitch variation and loudness per 10 s window over time, the points as bands, monotone
    spans and sentences that trail off marked."""
    voice = analysis.voice
    fig = style.new_figure(layout, height=5.2 if layout is WIDE else 5.6)
    fig.get_layout_engine().set(hspace=0.04, h_pad=0.08)
    pitch = fig.add_subplot(2, 1, 1)
    loud = fig.add_subplot(2, 1, 2, sharex=pitch)
    end = style.chart_end(analysis)
    centres = [(w.start + WINDOW / 2) / 60 for w in voice.windows]
    for ax in (pitch, loud):
        _point_bands(ax, analysis, layout)
        ax.grid(axis="y", color=COLORS["grid"], zorder=0)
        style.time_axis(ax, end, layout)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    _pitch(pitch, voice, centres, layout)
    _loudness(loud, voice, centres, layout)
    title = f"Voice: {voice.verdict}, pitch spread {voice.pitch_variation_st:.1f} semitones"
    style.set_title(fig, pitch, title if layout is WIDE else f"Voice: {voice.verdict}", layout)
    legend = layout if layout is WIDE else replace(layout, legend_cols=2)
    style.add_legend(fig, _handles(voice), legend)
    return style.to_png(fig, layout)


def _pitch(ax: Axes, voice, centres: list[float], layout: Layout) -> None:
    """Pitch variation per window, the monotone spans shaded, the monotone line and the
    speaker's median."""
    for span in voice.monotone:
        ax.axvspan(
            span.start / 60,
            span.end / 60,
            color=COLORS["monotone"],
            alpha=0.25,
            linewidth=0,
            zorder=0.6,
        )
    spreads = [w.pitch_variation_st for w in voice.windows]
    _per_window(ax, centres, spreads, COLORS["actual"])
    ax.axhline(MONOTONE_ST, color=COLORS["monotone"], linestyle="--", linewidth=1, zorder=2)
    ax.axhline(
        voice.pitch_variation_st, color=COLORS["actual"], linestyle=":", linewidth=1, zorder=2
    )
    top = max([MONOTONE_ST, *(v for v in spreads if v is not None)]) * 1.35
    ax.set_ylim(0, top)
    ax.set_ylabel("pitch spread (st)" if layout is NARROW else "pitch variation\n(semitones)")
    ax.tick_params(labelbottom=False)


def _loudness(ax: Axes, voice, centres: list[float], layout: Layout) -> None:
    """Loudness of speech per window; the sentences that trail off as bars along the
    bottom."""
    levels = [w.loudness_db for w in voice.windows]
    _per_window(ax, centres, levels, COLORS["ink"])
    known = [v for v in levels if v is not None]
    low, high = min(known) - 6, max(known) + 4
    for span in voice.trailing_off:
        ax.plot(
            [span.start / 60, span.end / 60],
            [low + 1.2, low + 1.2],
            color=COLORS["trailing"],
            linewidth=4,
            solid_capstyle="butt",
            zorder=3,
        )
    ax.set_ylim(low, high)
    ax.set_ylabel("loudness (dBFS)" if layout is NARROW else "loudness of speech\n(dBFS, RMS)")
    ax.set_xlabel("time into the recording (m:ss)")


def _per_window(ax: Axes, centres: list[float], values: list, color: str) -> None:
    """A value per window as a line of dots, broken where a window has none."""
    ax.plot(
        centres,
        [float("nan") if v is None else v for v in values],
        marker="o",
        markersize=3,
        linewidth=1.6,
        color=color,
        zorder=3,
    )


def _handles(voice) -> list:
    """The legend: the two lines and their guides, then the marks the chart shows."""
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
    return handles


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
        wide_enough = (p.end - p.start) / style.chart_end(analysis) > 0.5 / layout.width / 2
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
