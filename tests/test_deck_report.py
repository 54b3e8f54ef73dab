"""A deck's rehearsal in every report: points labelled by slide, time per slide, the slide in
the JSON, grouped charts. Real decks, the shared pl-skips transcript, real align and pacing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from decks import S, make_deck
from model_json import from_json
from test_report import PNG, make_analysis, png_size
from typer.testing import CliRunner

from rehearse.cli import app
from rehearse.models import Analysis, to_json
from rehearse.notes import load_notes, parse_notes
from rehearse.report import render, write_report
from rehearse.report.charts import charts
from rehearse.report.view import slide_times

ROOT = Path(__file__).parent.parent
SEED = ROOT / "notes" / "kilka-zdan-o-sobie.md"
SKIPPED = (3, 9, 13)  # pl-skips: points 3, 9 and 13 were never said


def seed_deck(path: Path, second_title: str = "Dlaczego MLOps? (1:30)") -> Path:
    """The seed talk's 14 points in two slides' notes, numbers typed as in the Markdown."""
    points = load_notes(SEED).points
    return make_deck(
        path,
        [
            S(
                "Kilka zdań o sobie (1:30)",
                notes=tuple(f"{p.number}. {p.text}" for p in points[:7]),
            ),
            S(second_title, notes=tuple(f"{p.number}. {p.text}" for p in points[7:])),
        ],
    )


@pytest.fixture(scope="module")
def deck_analysis(tmp_path_factory) -> Analysis:
    return make_analysis(load_notes(seed_deck(tmp_path_factory.mktemp("deck") / "talk.pptx")))


@pytest.fixture(scope="module")
def folder(deck_analysis, tmp_path_factory) -> Path:
    return write_report(deck_analysis, tmp_path_factory.mktemp("reports"))


def summary(folder: Path) -> str:
    result = CliRunner().invoke(app, ["report", str(folder)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_seed_talk_in_two_slides_reports_its_skips_by_slide(deck_analysis, folder):
    assert deck_analysis.summary.skipped == SKIPPED
    skipped = [(p.slide, p.number) for p in deck_analysis.points if p.status == "missed"]
    assert skipped == [(1, 3), (2, 9), (2, 13)]
    terminal = summary(folder)
    for shown in ("slide 1 · 3. To co tutaj widzicie", "slide 2 · 9. Żeby się nie rozgadać",
                  "slide 2 · 13. czym sie interesuje poza MLem"):  # fmt: skip
        assert shown in terminal
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<li><b>slide 2 · 13.</b> czym sie interesuje poza MLem</li>" in html
    assert '<span class="section">Slide 2 · Dlaczego MLOps?</span>' in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "- **slide 1 · 3.** To co tutaj widzicie" in markdown
    srt = (folder / "transcript.srt").read_text(encoding="utf-8")
    assert "[slide 2 · 14]" in srt and "[slide 1 · 1]" in srt


def test_the_json_has_the_slide_of_deck_points_only(deck_analysis, folder, tmp_path):
    data = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    assert [p["slide"] for p in data["points"]] == [1] * 7 + [2] * 7
    assert [p["number"] for p in data["points"]] == list(range(1, 15))
    assert from_json(Analysis, json.dumps(data)) == deck_analysis
    markdown = json.loads(to_json(make_analysis(load_notes(SEED))))
    assert all("slide" not in p for p in markdown["points"])


def test_time_per_slide_in_the_terminal_and_both_reports(deck_analysis, folder):
    slides = slide_times(deck_analysis)
    assert [(s.slide, s.title, len(s.points), s.said) for s in slides] == [
        (1, "Kilka zdań o sobie", 7, 6),
        (2, "Dlaczego MLOps?", 7, 5),
    ]
    assert slides[0].took == pytest.approx(sum(p.duration or 0 for p in deck_analysis.points[:7]))
    assert [s.budget for s in slides] == pytest.approx([90.0, 90.0], abs=0.1)
    first, second = (s.text for s in slides)
    assert re.fullmatch(r"Slide 1 · Kilka zdań o sobie: 1:\d\d of 1:30", first)
    assert re.fullmatch(r"Slide 2 · Dlaczego MLOps\?: 1:\d\d of 1:30", second)
    terminal = summary(folder)
    assert "Time per slide" in terminal and first in terminal and second in terminal
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Time per slide</h2>" in html and '<td class="text">Slide 1 · Kilka' in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    row = f"| Slide 2 · Dlaczego MLOps? | {second.split(': ')[1].split(' of ')[0]} | 1:30 |"
    assert row in markdown


def test_a_slide_over_its_budget_is_flagged(tmp_path):
    deck = seed_deck(tmp_path / "talk.pptx", second_title="Dlaczego MLOps? (0:30)")
    analysis = make_analysis(load_notes(deck))
    over = [s for s in slide_times(analysis) if s.over]
    assert [s.slide for s in over] == [2] and over[0].took > 30 * 1.15 + 5
    folder = write_report(analysis, tmp_path / "reports")
    assert f"Slide 2 · Dlaczego MLOps?: {over[0].text.split(': ')[1]} ({over[0].delta} over)" in (
        summary(folder)
    )
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f'<td data-label="Over" class="t over">{over[0].delta}</td>' in html


def test_slide_titles_are_escaped(tmp_path):
    hostile = "<script>alert(1)</script> | _x_"
    deck = make_deck(tmp_path / "talk.pptx", [S(hostile, notes=("Ask not what", "Ask what"))])
    analysis = make_analysis(load_notes(deck), name="pauses-en")
    render(analysis, tmp_path / "r", formats=["charts", "html", "markdown"])
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "Slide 1 · &lt;script&gt;alert(1)" in html
    markdown = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert r"Slide 1 · \<script\>alert(1)\</script\> \| \_x\_" in markdown


def test_charts_put_a_heading_row_above_each_slide(deck_analysis):
    markdown = make_analysis(load_notes(SEED))
    grouped, flat = charts(deck_analysis), charts(markdown)
    for name in ("coverage.png", "pacing.png"):
        assert grouped[name].startswith(PNG)
        (width, tall), (same, short) = png_size(grouped[name]), png_size(flat[name])
        assert width == same and tall > short  # two heading rows more


def test_markdown_sections_get_time_per_section_without_slide_numbers():
    text = SEED.read_text(encoding="utf-8").replace("8. Także", "# Dlaczego MLOps\n\n8. Także")
    analysis = make_analysis(parse_notes(text, "talk.md"))
    assert [(s.name, len(s.points)) for s in slide_times(analysis)] == [
        ("Kilka zdań o sobie", 7),
        ("Dlaczego MLOps", 7),
    ]
    assert slide_times(make_analysis(load_notes(SEED))) == []  # one section: the talk time


def test_a_long_deck_summary_names_the_slides_over_budget(tmp_path):
    points = load_notes(SEED).points
    slides = [S(f"Temat {p.number} (0:02)", notes=(p.text,)) for p in points]
    analysis = make_analysis(load_notes(make_deck(tmp_path / "long.pptx", slides)))
    over = [s for s in slide_times(analysis) if s.over]
    assert len(over) > 8
    terminal = summary(write_report(analysis, tmp_path / "reports"))
    assert f"{len(over)} of 14 slides over budget (all in the report):" in terminal
    assert f"… and {len(over) - 8} more over budget" in terminal


def test_since_last_time_names_a_decks_points_by_slide(tmp_path):
    """Points newly skipped in a deck's rehearsal are named as the report names them
    elsewhere: with their slide."""
    from dataclasses import replace

    from rehearse.history import HistoryDB, past_of

    notes = load_notes(seed_deck(tmp_path / "talk.pptx"))
    full = make_analysis(notes, "pl-full")
    full = replace(
        full,
        created="2026-01-01T10:00:00+00:00",
        recording=replace(full.recording, sha256="a" * 64),
    )
    database, out = tmp_path / "history.sqlite", tmp_path / "reports"
    with HistoryDB.open(database, create=True) as history:
        history.record(full, write_report(full, out))
    skips = make_analysis(notes)
    folder = write_report(skips, out, past=past_of(database, skips))
    since = (folder / "report.md").read_text(encoding="utf-8").split("## Since last time")[1]
    since = since.split("## Coverage")[0]
    assert "**Newly skipped:**\n\n- **slide 1 · 3.** To co tutaj widzicie" in since
    assert "- **slide 2 · 9.**" in since and "- **slide 2 · 13.** czym sie" in since
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<li><b>slide 2 · 13.</b> czym sie interesuje poza MLem</li>" in html
