"""report.html: one self-contained page (inline CSS, charts as data: URIs, no requests)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from rehearse.models import Analysis
from rehearse.report.view import context, environment


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(analysis: Analysis, charts: Mapping[str, bytes]) -> str:
    """The page; every piece of user text is escaped by jinja2's autoescape."""
    template = environment(autoescape=True).get_template("report.html.j2")
    images = {name: data_uri(png) for name, png in charts.items()}
    return template.render(**context(analysis), images=images)
