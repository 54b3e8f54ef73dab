"""The transcript as the talk's map: a fixture transcript with pauses and fillers through the
real align and pacing stages."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_json import from_json

from rehearse.align import align
from rehearse.analysis import build_analysis
from rehearse.measure.pacing import PacingOptions, measure_pacing
from rehearse.models import Analysis, Transcript
from rehearse.notes import load_notes
from rehearse.report import render
from rehearse.report.talkmap import talk_map
from rehearse.transcribe import TranscribeResult

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    notes = load_notes(DATA / "pauses-en.md")
    text = (DATA / "transcripts" / "pauses-en.fillers.json").read_text(encoding="utf-8")
    transcript = from_json(Transcript, text)
    coverage = align(notes, transcript)
    pacing = measure_pacing(notes, transcript, coverage, PacingOptions())
    result = TranscribeResult(transcript, cached=True, seconds=0.0, sha256="0" * 64)
    return build_analysis(notes, DATA / "pauses-en.ogg", result, coverage, pacing)


def test_every_word_once_in_order_under_its_point(analysis):
    passages = talk_map(analysis)
    words = [w for p in passages for s in p.sentences for w in s.words]
    heard = [w.text.strip() for seg in analysis.transcript.segments for w in seg.words]
    assert [w.text for w in words] == [w for w in heard if w]
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert [p.point.number for p in passages] == [1, 2, 3, 4]
    assert passages[0].heading == "1. Today: how to prepare a short talk."


def test_pauses_sit_where_they_fell_and_fillers_are_marked(analysis):
    words = [w for p in talk_map(analysis) for s in p.sentences for w in s.words]
    paused = [(w.pause_at, w.pause) for w in words if w.pause]
    assert paused == [(p.start, p.duration) for p in analysis.pacing.pauses]
    for w in words:
        if w.pause:
            assert w.pause_at + w.pause <= w.start + 0.3  # the word after the pause
    marked = [w.text for w in words if w.filler]
    assert marked == ["So,", "um,", "Basically,", "you", "know.", "Like,", "er,"]


def test_html_and_markdown_draw_the_map(analysis, tmp_path):
    render(analysis, tmp_path, formats=["charts", "html", "markdown"], audio=False)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('class="passage ') == 4
    assert '<mark class="filler" data-w="' in html and "2.2 s pause</span>" in html
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "### 0:00 1\\. Today: how to prepare a short talk." in markdown
    assert "[pause 2.2 s] It is, *um,* simpler" in markdown
