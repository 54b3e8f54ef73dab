"""report.html: one self-contained page (inline CSS, charts as data: URIs, no requests)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from rehearse.models import Analysis
from rehearse.report.view import context, environment


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(analysis: Analysis, charts: Mapping[str, bytes]) -> str:
    """The page; every piece of user text is escaped by jinja2's autoescape. Phones get the
    narrow layout of each chart (a <picture> source), wider screens the report's PNGs."""
    from rehearse.report.charts import NARROW
    from rehearse.report.charts import charts as draw

    template = environment(autoescape=True).get_template("report.html.j2")
    images = {name: data_uri(png) for name, png in charts.items()}
    narrow = {name: data_uri(png) for name, png in draw(analysis, NARROW).items()}
    return template.render(**context(analysis), images=images, narrow=narrow)
