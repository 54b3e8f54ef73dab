"""report.html: one self-contained page (inline CSS, charts as data: URIs, no requests but the
recording's copy beside it, which its player plays)."""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files

from markupsafe import Markup

from rehearse.report.talkmap import talk_map
from rehearse.report.view import PROGRESS_CHART, Report, context, environment

SCRIPT = "report.js"  # the player's script, inline; the page's CSP allows it by its hash


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def script() -> str:
    """The player's script, as the page carries it."""
    return files("rehearse.report").joinpath("templates", SCRIPT).read_text(encoding="utf-8")


def script_hash(text: str) -> str:
    """'sha256-…': the CSP source that lets exactly this inline script run."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(report: Report) -> str:
    """The page; every piece of user text is escaped by jinja2's autoescape. Phones get the
    narrow layout of each chart (a <picture> source), wider screens the report's PNGs. With
    the recording's copy (``report.audio``), a player, every time a link that plays it, and
    the charts' rows clickable."""
    # The charts bring matplotlib (1 s to import): only when a page is drawn, not for --help.
    from rehearse.report.charts import NARROW, progress_chart
    from rehearse.report.charts import charts as draw

    analysis, past = report.analysis, report.past
    template = environment(autoescape=True).get_template("report.html.j2")
    images = {name: data_uri(png) for name, png in report.charts.items()}
    drawn = draw(analysis, NARROW)
    narrow = {name: data_uri(png) for name, png in drawn.items()}
    if PROGRESS_CHART in images and past is not None:
        chart = progress_chart(past.history, NARROW, current=past.current.sha256)
        narrow[PROGRESS_CHART] = data_uri(chart)
    code = script() if report.audio else ""
    return template.render(
        **context(analysis, past),
        images=images,
        narrow=narrow,
        areas={name: getattr(png, "areas", ()) for name, png in report.charts.items()},
        narrow_areas={name: png.areas for name, png in drawn.items()},
        audio=report.audio,
        passages=talk_map(analysis),
        script=Markup(code),
        script_hash=script_hash(code),
    )
