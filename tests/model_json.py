"""Model objects read back from JSON text, as the tests and their data keep them (transcripts,
analyses, coverage): the inverse of ``rehearse.models.to_json``, which the library writes with
and never reads back this way (it reads an analysis with ``load_analysis``)."""

from __future__ import annotations

import json
from typing import TypeVar

from rehearse.models import from_dict

T = TypeVar("T")


def from_json(cls: type[T], text: str) -> T:
    return from_dict(cls, json.loads(text))
