"""report.md: the same report in Markdown, with the chart PNGs beside it."""

from __future__ import annotations

import re

from markupsafe import Markup

from rehearse.report.talkmap import talk_map
from rehearse.report.view import Report, context, environment

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^(\d+)([.)])|^([#+\-=>])")


def escape_md(value: object) -> object:
    """Backslash-escape Markdown syntax in text, on one line; other values pass through."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    text = _SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def render_markdown(report: Report) -> str:
    """Every ``{{ value }}`` in the template goes through ``escape_md``."""
    template = environment(autoescape=False, finalize=escape_md).get_template("report.md.j2")
    context_ = context(report.analysis, report.past)
    passages = talk_map(report.analysis)
    return template.render(**context_, images=dict.fromkeys(report.charts), passages=passages)
