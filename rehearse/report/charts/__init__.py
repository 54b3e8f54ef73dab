"""PNG charts of an Analysis: coverage per point, the pacing timeline, time per point, voice.

Drawn with matplotlib's object API on the Agg canvas (no pyplot state, no display).
DejaVu Sans, bundled with matplotlib, carries the Polish glyphs. Every chart comes in two
layouts: ``WIDE`` for the report files and wide screens, ``NARROW`` for phones (fewer,
larger labels, so text stays about 11 px high on a 390 px screen). The per-point charts
come back as ``Png``: the image's bytes, and the ``Area`` each point's row covers in it,
read from the chart's own transforms once it is laid out, for the report's play links.

One module a chart (``coverage``, ``pacing``, ``budget``, ``voice``, ``progress``), over
``style`` (colours, layouts, figure, title, legend, PNG) and ``rows`` (the per-point rows).
"""

from __future__ import annotations

from rehearse.models import Analysis
from rehearse.report.charts.budget import budget_chart, has_budget
from rehearse.report.charts.coverage import coverage_chart
from rehearse.report.charts.pacing import pacing_chart
from rehearse.report.charts.progress import progress_chart
from rehearse.report.charts.style import (
    COLORS,
    NARROW,
    WIDE,
    Area,
    Layout,
    Png,
    glyph_warnings,
    rc,
    to_png,
)
from rehearse.report.charts.voice import VOICE_CHART, has_voice, voice_chart

__all__ = [
    "COLORS",
    "NARROW",
    "VOICE_CHART",
    "WIDE",
    "Area",
    "Layout",
    "Png",
    "charts",
    "glyph_warnings",
    "progress_chart",
    "rc",
    "to_png",
]


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
