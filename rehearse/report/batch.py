"""The class report of a batch in its folder: batch.json, batch.md, batch.html and batch.png.

One row per recording (its figures and a link to its report folder), the points the class
skipped most often and the spread of talk times. The HTML escapes every text (jinja2
autoescape) and holds its chart inline, like a rehearsal's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure

from rehearse import __version__
from rehearse.clock import clock
from rehearse.errors import OutputError
from rehearse.files import write_atomic
from rehearse.models import BatchReport, BatchRow, to_json
from rehearse.report.charts import COLORS, NARROW, WIDE, Layout, glyph_warnings, rc, to_png
from rehearse.report.html import data_uri
from rehearse.report.markdown import escape_md
from rehearse.report.view import environment, shorten

BATCH_FILES = {"json": "batch.json", "markdown": "batch.md", "html": "batch.html"}
CHART = "batch.png"
LABEL = 24  # characters of a recording's name on the chart's axis
DURATION_BINS = 12  # most bars in the talk-time histogram


def write_batch_report(
    report: BatchReport, out: Path, formats: Iterable[str] = ("json", "chart", "markdown", "html")
) -> None:
    """Write the chosen files of the class report into ``out`` (each atomically)."""
    chosen = set(formats)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if "json" in chosen:
            write_atomic(out / BATCH_FILES["json"], to_json(report) + "\n")
        with glyph_warnings():
            chart = batch_chart(report) if chosen - {"json"} else b""
            if "chart" in chosen:
                write_atomic(out / CHART, chart)
            for kind in ("markdown", "html"):
                if kind in chosen:
                    write_atomic(out / BATCH_FILES[kind], render_page(report, kind, chart))
    except OSError as exc:
        raise OutputError(f"cannot write the class report to {out}: {exc.strerror}") from None


def render_page(report: BatchReport, kind: str, chart: bytes) -> str:
    """batch.html (every text escaped by autoescape, the chart inline) or batch.md (every
    text escaped by ``escape_md``, the chart beside it)."""
    html = kind == "html"
    env = environment(autoescape=html, finalize=None if html else escape_md)
    images = {"chart": CHART}
    if html:
        images = {"chart": data_uri(chart), "narrow_chart": data_uri(batch_chart(report, NARROW))}
    template = env.get_template("batch.html.j2" if html else "batch.md.j2")
    return template.render(**context(report), **images).rstrip("\n") + "\n"


def name(row: BatchRow) -> str:
    """A row's label: the speaker, else the recording's file name."""
    return row.speaker or PurePath(row.recording).name


def context(report: BatchReport) -> dict:
    rows = report.rows
    ok = [r for r in rows if r.ok]
    return {
        "report": report,
        "rows": rows,
        "failed": [r for r in rows if not r.ok],
        "ok": ok,
        "analysed": sum(r.status == "analysed" for r in rows),
        "already": sum(r.status in ("already analysed", "skipped") for r in rows),
        "talks": sorted({r.title for r in ok if r.title}),
        "audio": clock(sum(r.duration or 0 for r in ok)),
        "mean_coverage": sum(r.coverage or 0 for r in ok) / len(ok) if ok else None,
        "created": report.created.replace("T", " ")[:16],
        "name": name,
        "file": lambda r: PurePath(r.recording).name,
        "link": lambda r: f"{r.report}/report.html" if r.report else None,
        "clock": clock,
        "num": lambda form, value: Markup(form % value),  # a number: nothing to escape
        "shorten": shorten,
        "against": against,
        "version": __version__,
    }


def against(row: BatchRow) -> str:
    """The talk time against the target: '9:40 of 10:00 (-0:20)', or the time alone."""
    took = row.talk_time if row.talk_time is not None else row.duration
    if took is None:
        return "–"
    if row.target is None:
        return clock(took)
    delta = took - row.target
    sign = "+" if delta >= 0 else "-"
    return f"{clock(took)} of {clock(row.target)} ({sign}{clock(abs(delta))})"


def batch_chart(report: BatchReport, layout: Layout = WIDE) -> bytes:
    """Coverage per recording and the spread of talk times against the target: side by side,
    or one above the other in the ``NARROW`` (phone) layout."""
    with matplotlib.rc_context(rc(layout)):
        ok = [r for r in report.rows if r.ok]
        bars = max(2.6, 1.2 + layout.row * len(ok))
        if layout is NARROW:
            fig = Figure(figsize=(layout.width, bars + 2.6), layout="constrained")
            coverage_ax, time_ax = fig.subplots(2, 1, height_ratios=(bars, 2.6))
        else:
            fig = Figure(figsize=(layout.width, bars), layout="constrained")
            coverage_ax, time_ax = fig.subplots(1, 2, width_ratios=(3, 2))
        _coverage(coverage_ax, ok)
        _durations(time_ax, ok)
        return to_png(fig, layout)


def _coverage(ax, rows: list[BatchRow]) -> None:
    labels = [shorten(name(r), LABEL) for r in rows]
    values = [100 * (r.coverage or 0) for r in rows]
    ys = range(len(rows))
    ax.barh(ys, values, color=COLORS["covered"], height=0.6)
    for y, value in zip(ys, values, strict=True):
        ax.text(min(value, 100) + 1, y, f"{value:.0f}%", va="center", color=COLORS["ink"])
    ax.set_yticks(list(ys), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 115)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("points said (%)")
    ax.set_title("Coverage per recording", loc="left")
    ax.grid(axis="x", color=COLORS["grid"])
    ax.set_axisbelow(True)


def _durations(ax, rows: list[BatchRow]) -> None:
    minutes = [((r.talk_time if r.talk_time is not None else r.duration) or 0) / 60 for r in rows]
    targets = sorted({r.target for r in rows if r.target})
    if minutes:
        bins = min(DURATION_BINS, max(3, len(minutes)))
        ax.hist(minutes, bins=bins, color=COLORS["actual"], edgecolor="white")
    for target in targets:
        ax.axvline(target / 60, color=COLORS["over"], linestyle="--", linewidth=1.5)
        ax.text(target / 60, 1.0, " target", transform=ax.get_xaxis_transform(),
                color=COLORS["over"], va="top")  # fmt: skip
    ax.set_xlabel("talk time (min)")
    ax.set_ylabel("recordings")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Talk times", loc="left")
    ax.grid(axis="y", color=COLORS["grid"])
    ax.set_axisbelow(True)
