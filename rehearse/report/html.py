"""report.html: one self-contained page (inline CSS, charts as data: URIs, no requests)."""

from __future__ import annotations

import base64

from rehearse.report.view import PROGRESS_CHART, Report, context, environment


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(report: Report) -> str:
    """The page; every piece of user text is escaped by jinja2's autoescape. Phones get the
    narrow layout of each chart (a <picture> source), wider screens the report's PNGs."""
    from rehearse.report.charts import NARROW, progress_chart
    from rehearse.report.charts import charts as draw

    analysis, past = report.analysis, report.past
    template = environment(autoescape=True).get_template("report.html.j2")
    images = {name: data_uri(png) for name, png in report.charts.items()}
    narrow = {name: data_uri(png) for name, png in draw(analysis, NARROW).items()}
    if PROGRESS_CHART in images and past is not None:
        chart = progress_chart(past.history, NARROW, current=past.current.sha256)
        narrow[PROGRESS_CHART] = data_uri(chart)
    return template.render(**context(analysis, past), images=images, narrow=narrow)
