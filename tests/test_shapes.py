"""The `--json` shapes: docs/json.md shows each with real output, and its keys are the keys the
library gives; the commands print exactly what the library gives."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from test_deck_report import seed_deck
from test_report import NOTES, make_analysis
from typer.testing import CliRunner

from rehearse.analysis import mark
from rehearse.cli import app
from rehearse.history import HistoryDB
from rehearse.history.trends import compare
from rehearse.notes import load_notes
from rehearse.report import shapes

DOC = (Path(__file__).parent.parent / "docs" / "json.md").read_text(encoding="utf-8")
EXAMPLES = dict(re.findall(r"<!-- json: (\w+) -->\n```json\n(.*?)```", DOC, re.S))
# objects whose keys are data (a filler, a speaker), not names of fields
OPEN = frozenset({".filler_counts", ".talks[].rehearsals"})
# keys the library leaves out when they are null, named in the docs' tables instead
OPTIONAL = {"coverage": {".points[].hearing"}}


def keys(data: object, path: str = "", empty: set[str] | None = None) -> set[str]:
    """``data``'s keys as paths ('.points[].number'), the items of a list merged; the paths
    of empty lists go into ``empty``."""
    found: set[str] = set()
    if isinstance(data, dict):
        for name, value in data.items():
            key = f"{path}.*" if path in OPEN else f"{path}.{name}"
            found |= {key} | keys(value, key, empty)
    elif isinstance(data, list):
        if not data and empty is not None:
            empty.add(path)
        for value in data:
            found |= keys(value, f"{path}[]", empty)
    return found


def same_keys(
    documented: object, real: object, optional: set[str] = frozenset(), absent: tuple = ()
) -> None:
    """The documented example has the keys the real output has, but for ``optional`` keys
    (the library may leave out) and ``absent`` ones (documented, not given for this talk); a
    list empty in either says nothing about its items' keys."""
    empty: set[str] = set()
    doc, got = keys(documented, empty=empty), keys(real, empty=empty) - optional
    doc = {p for p in doc if not p.startswith(absent)} if absent else doc

    def known(path: str) -> bool:
        return not any(path.startswith(f"{e}[]") for e in empty)

    assert {p for p in doc if known(p)} == {p for p in got if known(p)}


@pytest.fixture(scope="module")
def analyses(tmp_path_factory):
    """The seed talk rehearsed in full and with skips (a point marked said by hand), and the
    skips rehearsal against the seed deck."""
    notes = load_notes(NOTES)
    full = make_analysis(notes, "pl-full")
    skips = mark(make_analysis(notes, "pl-skips"), 3, "said")
    full = replace(
        full,
        created="2025-03-10T18:00:00+01:00",
        recording=replace(full.recording, path="rehearsals/pl-full.ogg", sha256="f" * 64),
    )
    deck = seed_deck(tmp_path_factory.mktemp("deck") / "talk.pptx")
    return full, skips, make_analysis(load_notes(deck))


@pytest.fixture(scope="module")
def history(analyses, tmp_path_factory) -> Path:
    """A history of the full rehearsal, then the one with skips."""
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.sqlite"
    full, skips, _ = analyses
    with HistoryDB.open(path, create=True) as db:
        db.record(full, folder / "full")
        db.record(skips, folder / "skips")
    return path


def test_every_shape_is_documented():
    functions = {"pacing": "pacing_json", "coverage": "coverage_json", "history": "history_json",
                 "talks": "talks_json", "compare": "comparison_json"}  # fmt: skip
    assert set(EXAMPLES) == set(functions)
    for function in functions.values():
        assert f"`{function}`" in DOC and callable(getattr(shapes, function))


def test_the_analysis_shapes_have_the_documented_keys(analyses):
    _, skips, deck = analyses
    for analysis, absent in ((skips, (".slides", ".points[].slide")), (deck, ())):
        same_keys(json.loads(EXAMPLES["pacing"]), shapes.pacing_json(analysis), absent=absent)
        documented, real = json.loads(EXAMPLES["coverage"]), shapes.coverage_json(analysis)
        same_keys(documented, real, OPTIONAL["coverage"], absent)
    assert "`hearing` only for an uncertain point" in DOC


def test_the_history_shapes_have_the_documented_keys(history):
    with HistoryDB.open(history) as db:
        [(talk, _)] = db.talks()
        past = db.history(talk, None)
        talks = db.talks()
    assert len(past.rehearsals) == 2 and past.rehearsals[1].points[2].corrected == "missed"
    same_keys(json.loads(EXAMPLES["history"]), shapes.history_json(past))
    same_keys(json.loads(EXAMPLES["talks"]), shapes.talks_json(talks))
    same_keys(json.loads(EXAMPLES["compare"]), shapes.comparison_json(compare(*past.rehearsals)))


def test_the_commands_print_the_library_shapes(history, tmp_path):
    def printed(*args: object):
        result = CliRunner().invoke(app, [str(a) for a in (*args, "--db", history, "--json")])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    with HistoryDB.open(history) as db:
        [(talk, _)] = talks = db.talks()
        past = db.history(talk, None)
    out = tmp_path / "reports"
    assert printed("history", "--out", out) == shapes.talks_json(talks)
    assert printed("history", NOTES, "--out", out) == shapes.history_json(past)
    assert printed("compare", "1", "2") == shapes.comparison_json(compare(*past.rehearsals))
