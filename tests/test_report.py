"""The report folder, built from fixture transcripts through the real align and pacing stages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import struct
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from clips import load_audio
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from model_json import from_json
from typer.testing import CliRunner

from rehearse.align import align
from rehearse.analysis import build_analysis, demo_files
from rehearse.cli import app
from rehearse.errors import InputError, OutputError
from rehearse.measure.pacing import PacingOptions, measure_pacing
from rehearse.measure.voice import measure_voice
from rehearse.models import (
    SCHEMA_VERSION,
    Analysis,
    Transcript,
    Voice,
    VoiceSpan,
    load_analysis,
    to_dict,
    to_json,
)
from rehearse.notes import load_notes, parse_notes
from rehearse.report import WRITERS, folder_name, render, slugify, view, write_report
from rehearse.report.charts import charts
from rehearse.report.markdown import escape_md
from rehearse.report.view import segment_labels
from rehearse.transcribe import TranscribeResult

DATA = Path(__file__).parent / "data"
PNG = b"\x89PNG\r\n\x1a\n"
RECORDING, NOTES = demo_files()


def make_analysis(
    notes, name: str = "pl-skips", target: float | None = None, recording: Path | None = None
) -> Analysis:
    """A fixture transcript through real align and pacing; its recording at ``recording``
    (default: a path that does not exist, so the report has no player)."""
    transcript = from_json(Transcript, (DATA / "transcripts" / f"{name}.json").read_text())
    coverage = align(notes, transcript)
    pacing = measure_pacing(notes, transcript, coverage, PacingOptions(target=target))
    sha = hashlib.sha256(RECORDING.read_bytes()).hexdigest()
    result = TranscribeResult(transcript, cached=True, seconds=0.1, sha256=sha)
    recording = recording or Path(f"rehearsals/{name}.mp3")
    return build_analysis(notes, recording, result, coverage, pacing)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return make_analysis(load_notes(NOTES), target=180.0)


@pytest.fixture(scope="module")
def hostile() -> Analysis:
    """Notes full of markup, in a talk whose title is markup too."""
    text = NOTES.read_text(encoding="utf-8").replace(
        "# Kilka zdań o sobie", "# O mnie <script>alert('title')</script> | pipe_u_"
    )
    point = "12. ML <script>alert(1)</script> <b>a_b</b> | #"
    text = re.sub(r"^12\. .*$", point, text, flags=re.M)
    return make_analysis(parse_notes(text, "notes/hostile.md"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


# --- the folder -----------------------------------------------------------------


def test_report_folder_holds_every_file(analysis, tmp_path):
    folder = write_report(analysis, tmp_path)
    assert folder.parent == tmp_path / "kilka-zdan-o-sobie"
    assert re.fullmatch(r"\d{8}-\d{6}-pl-skips", folder.name)
    for name in ("coverage.png", "pacing.png", "budget.png"):
        assert (folder / name).read_bytes().startswith(PNG), name
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Kilka zdań o sobie" in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "![Key words heard per point](coverage.png)" in markdown
    assert [p.name for p in tmp_path.rglob(".partial-*")] == []
    srt = (folder / "transcript.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,000 --> ") and "\n[1] " in srt
    assert (folder / "transcript.vtt").read_text(encoding="utf-8").startswith("WEBVTT")


def test_dollars_and_emoji_in_the_notes_are_drawn_as_typed(tmp_path, caplog):
    """Notes text never goes through mathtext: an undefined macro between dollars crashed
    the charts, "$5 to $10" came out as "5*to*10". An emoji the font lacks is one warning
    line, not a matplotlib UserWarning per glyph and chart."""
    import matplotlib
    from matplotlib.text import Text

    from rehearse.report.charts import WIDE, rc

    text = NOTES.read_text(encoding="utf-8")
    point = "12. \U0001f3a4\U0001f984 $\\undefinedmacro{x}$ i $5 to $10"
    text = re.sub(r"^12\. .*$", lambda _: point, text, flags=re.M)
    analysis = make_analysis(parse_notes(text, "notes/dollars.md"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        folder = write_report(analysis, tmp_path, audio=False)
    assert (folder / "coverage.png").read_bytes().startswith(PNG)
    assert not [w for w in caught if "Glyph" in str(w.message)]
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert said == [
        "the charts' font has no glyph for \U0001f3a4 \U0001f984 (from the notes): drawn as "
        "empty boxes"
    ]
    with matplotlib.rc_context(rc(WIDE)):
        assert Text()._preprocess_math("$5 to $10") == ("$5 to $10", False)
    result = CliRunner().invoke(app, ["report", str(folder / "analysis.json")])
    assert result.exit_code == 0, result.output


def test_transcript_segments_are_tagged_by_point(analysis):
    labels = segment_labels(analysis)
    segments = analysis.transcript.segments
    assert labels[0] == "[1]" and "[14]" in labels.values()
    for i, tag in labels.items():
        if tag == "[ad-lib]":
            continue
        point = next(p for p in analysis.points if f"[{p.number}]" == tag)
        assert point.start - 1 <= (segments[i].start + segments[i].end) / 2 <= point.end + 1
    skipped = {f"[{n}]" for n in analysis.summary.skipped}
    assert not skipped & set(labels.values())


def test_analysis_json_is_the_lossless_contract(analysis, tmp_path):
    folder = write_report(analysis, tmp_path)
    data = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA_VERSION
    assert data == to_dict(analysis)
    assert load_analysis(folder / "analysis.json") == analysis
    assert load_analysis(folder) == analysis
    assert [p["number"] for p in data["points"]] == list(range(1, 15))
    point = data["points"][0]
    for key in (
        "number",
        "section",
        "text",
        "status",
        "out_of_order",
        "score",
        "start",
        "end",
        "duration",
        "budget",
        "quote",
    ):
        assert key in point
    assert all({"start", "duration"} <= set(p) for p in data["pacing"]["pauses"])
    assert {"wpm", "speaking_time", "pauses", "fillers"} <= set(data["pacing"])
    assert {"coverage", "duration", "skipped"} <= set(data["summary"])
    assert 0.0 <= data["summary"]["coverage"] <= 1.0
    assert data["recording"]["sha256"] == hashlib.sha256(RECORDING.read_bytes()).hexdigest()


def test_schema_2_stores_each_fact_once(analysis):
    """Per-point timing only in points[], one target, one recording length, the engine and
    model only in the transcript; the speaker and the talk's history name are there."""
    data = to_dict(analysis)
    assert data["schema"] == 2 and "speaker" in data and "name" in data["talk"]
    assert "points" not in data["pacing"] and "target" not in data["pacing"]
    assert "target" not in data["talk"] and data["summary"]["target"] == 180.0
    assert "duration" not in data["pacing"] and "duration" not in data["recording"]
    assert data["summary"]["duration"] == data["transcript"]["duration"]
    assert set(data["transcription"]) == {"cached", "seconds"}
    timing = {"words", "wpm", "drift", "fillers", "budget_from", "over_budget"}
    for point in data["points"]:
        assert timing <= set(point) and "over" not in point
    said = [p for p in analysis.points if p.said]
    assert all(p.over == round(p.duration - p.budget, 2) for p in said)
    assert analysis.said == len(said) == 11
    assert sum(p.budget for p in analysis.points) == pytest.approx(180.0, abs=0.1)


@pytest.mark.parametrize("name", ["pl-full", "pl-skips", "pl-reorder"])
def test_schema_1_files_load_as_schema_2(name):
    """analysis.json files written by schema 1 (tests/data/schema1, made by the code before
    schema 2 from the same transcripts) load with every per-point fact where schema 2 keeps
    it, and equal what this code makes of the same rehearsal."""
    old = load_analysis(DATA / "schema1" / f"{name}.json")
    new = make_analysis(load_notes(NOTES), name, target=180.0)
    assert old.schema == 2 and old.speaker is None and old.talk.name is None
    unmentioned = tuple(dataclasses.replace(p, mentions=()) for p in new.points)
    assert old.points == unmentioned  # schema 1 kept no mentions of skipped points
    assert old.pacing == new.pacing and old.summary == new.summary
    assert old.transcript == new.transcript
    assert old.talk.notes == "notes/kilka-zdan-o-sobie.md"
    raw = json.loads((DATA / "schema1" / f"{name}.json").read_text(encoding="utf-8"))
    assert raw["schema"] == 1 and "points" in raw["pacing"]
    assert old.summary.target == raw["talk"]["target"] == raw["pacing"]["target"]


def test_same_rehearsal_twice_gets_a_new_folder(analysis, tmp_path):
    first = write_report(analysis, tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    second = write_report(analysis, tmp_path)
    assert second != first and second.name.startswith(first.name)
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before


def test_failed_render_leaves_no_half_report(analysis, tmp_path, monkeypatch):
    def broken(report, folder):
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(WRITERS, "broken", broken)
    with pytest.raises(OutputError, match="No space left"):
        write_report(analysis, tmp_path)
    assert list((tmp_path / "kilka-zdan-o-sobie").iterdir()) == []


def test_unwritable_output_is_one_output_error(analysis, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write the report"):
        write_report(analysis, blocker / "reports")


def test_folder_name_and_slug(analysis):
    assert folder_name(analysis).endswith("-pl-skips")
    assert slugify("Kilka zdań o sobie") == "kilka-zdan-o-sobie"
    assert slugify("Łódź: żółć & ŻÓŁW!") == "lodz-zolc-zolw"
    assert slugify("???") == "talk"


# --- escaping -------------------------------------------------------------------


def test_html_escapes_user_text(hostile, tmp_path):
    html = render_html_file(hostile, tmp_path)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;a_b&lt;/b&gt;" in html and "<b>a_b" not in html


def test_html_is_self_contained(analysis, tmp_path):
    html = render_html_file(analysis, tmp_path)
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"<link|@import|url\(|https?://", html)
    assert 'name="viewport"' in html and "@media (max-width" in html


def test_markdown_escapes_user_text(hostile, tmp_path):
    render(hostile, tmp_path, formats=["charts", "markdown"])
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown
    assert r"ML \<script\>alert(1)\</script\> \<b\>a\_b\</b\> \| #" in markdown
    assert r"\| pipe\_u\_" in markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a *b* _c_ `d`", r"a \*b\* \_c\_ \`d\`"),
        ("1. not a list", r"1\. not a list"),
        ("# not a heading", r"\# not a heading"),
        ("- not a bullet", r"\- not a bullet"),
        ("a | b\nc", r"a \| b c"),
        ("<b>&amp;</b>", r"\<b\>\&amp;\</b\>"),
        ("plain (text), 2.5 + 1", "plain (text), 2.5 + 1"),
    ],
)
def test_escape_md(text, escaped):
    assert escape_md(text) == escaped


def render_html_file(analysis: Analysis, folder: Path) -> str:
    render(analysis, folder, formats=["charts", "html"])
    return (folder / "report.html").read_text(encoding="utf-8")


# --- charts ---------------------------------------------------------------------


def test_polish_glyphs_are_in_the_chart_font():
    font = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    for char in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ…⇅–":
        assert font.get_char_index(ord(char)), char


def test_charts_render_polish_without_missing_glyphs(analysis):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        images = charts(analysis)
    assert set(images) == {"coverage.png", "pacing.png", "budget.png"}


def test_budget_chart_only_with_a_plan():
    images = charts(make_analysis(load_notes(NOTES)))
    assert set(images) == {"coverage.png", "pacing.png"}


def test_chart_height_grows_with_the_number_of_points(analysis):
    extra = "\n".join(f"{i}. Punkt numer {i} o żółwiach i łąkach" for i in range(15, 41))
    text = NOTES.read_text(encoding="utf-8") + "\n" + extra + "\n"
    big = make_analysis(parse_notes(text, "notes/long.md"), target=600.0)
    small_images, big_images = charts(analysis), charts(big)
    for name in ("coverage.png", "pacing.png", "budget.png"):
        small_w, small_h = png_size(small_images[name])
        big_w, big_h = png_size(big_images[name])
        assert big_w == small_w
        # every extra row gets as much room as the first ones: 40 labels stay legible
        assert (big_h - small_h) / (40 - 14) >= 40, name


# --- loading and re-rendering -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "analysis not found"),
        ("{not json", "cannot read analysis"),
        ('{"hello": 1}', "is not a rehearse analysis"),
        ('{"schema": 99, "points": []}', "newer than this rehearse reads"),
    ],
)
def test_load_analysis_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "analysis.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_analysis(path)


def test_report_command_rerenders_in_place(analysis, tmp_path):
    folder = write_report(analysis, tmp_path)
    saved = (folder / "analysis.json").read_bytes()
    (folder / "report.html").unlink()
    (folder / "coverage.png").unlink()
    result = CliRunner().invoke(app, ["report", str(folder / "analysis.json")])
    assert result.exit_code == 0, result.output
    assert (folder / "report.html").stat().st_size > 0
    assert (folder / "coverage.png").read_bytes().startswith(PNG)
    assert (folder / "analysis.json").read_bytes() == saved
    assert "Report:" in result.stdout and "10 of 14" not in result.stderr


def test_report_out_makes_a_new_folder_and_never_writes_into_a_report(analysis, tmp_path):
    folder = write_report(analysis, tmp_path / "a")
    other = write_report(analysis, tmp_path / "b")  # another rehearsal's report folder
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    refused = CliRunner().invoke(app, ["report", str(folder), "--out", str(other)])
    assert refused.exit_code == 2 and "is inside the report folder" in refused.stderr
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    [new] = [p for p in (tmp_path / "c").glob("*/*") if p.is_dir()]
    assert new.parent == tmp_path / "c" / "kilka-zdan-o-sobie"
    assert load_analysis(new) == analysis
    assert (new / "report.md").stat().st_size > 0 and (new / "pacing.png").exists()
    assert str(new / "report.html") in result.stdout


def test_report_command_bad_file_is_one_line(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "analysis not found" in result.stderr


def test_terminal_summary_caps_long_lists(tmp_path):
    """120 points, none said: the summary lists a few and points to the report."""
    many = "\n".join(f"{i}. Punkt numer {i} o żółwiach i łąkach" for i in range(1, 121))
    analysis = make_analysis(parse_notes(f"# Długa lista\n\n{many}\n", "notes/long.md"))
    (tmp_path / "analysis.json").write_text(to_json(analysis), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(tmp_path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "… and 112 more (see the report)" in result.stdout
    assert result.stdout.count("\n") < 30


def test_partly_said_changed_and_drift_are_told_alike_everywhere(analysis, tmp_path):
    """Point 2 said, then partly said: the terminal summary lists it, and the report's "Since
    last time" and `compare` both call it a change (the report said "the same points said
    and skipped"). Point 14 skipped too: the headline drift says which point it is at, why."""
    from rehearse.history import rehearsal_of
    from rehearse.history.trends import Past
    from rehearse.models import History, Talk
    from rehearse.report.view import final_drift, since_last

    points = list(analysis.points)
    points[1] = dataclasses.replace(points[1], status="partial")
    points[13] = dataclasses.replace(
        points[13], status="missed", start=None, end=None, duration=None, quote=""
    )
    later = dataclasses.replace(analysis, points=tuple(points), created="2030-01-02T10:00:00")
    assert final_drift(analysis).endswith("at the end (after point 14)")
    assert final_drift(later).endswith(
        "after point 12, the last point said (2 points after it skipped)"
    )
    a, b = rehearsal_of(analysis), rehearsal_of(later)
    since = since_last(Past(History(Talk(0, b.title), None, (a, b)), b), later)
    assert [(p.ref, change) for p, change in since.changed] == [("2.", "said → partly said")]
    assert [p.ref for p in since.newly_skipped] == ["14."] and not since.same
    folder = write_report(later, tmp_path / "reports")
    first = write_report(analysis, tmp_path / "first")
    result = CliRunner().invoke(app, ["report", str(folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    summary = result.stdout
    assert "Partly said" in summary and "2. Natomiast z racji tego" in summary
    compared = CliRunner().invoke(app, ["compare", str(first), str(folder)], env={"COLUMNS": "200"})
    assert compared.exit_code == 0, compared.output
    assert "said → partly said" in compared.stdout
    past = Past(History(Talk(0, b.title), None, (a, b)), b)
    render(later, tmp_path / "html", formats=["charts", "html", "markdown"], past=past)
    html = (tmp_path / "html" / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "html" / "report.md").read_text(encoding="utf-8")
    assert "(said → partly said)" in html and "(said → partly said)" in markdown
    assert "same status" not in html and "same status" not in markdown


def test_unheard_key_words_and_the_score_are_explained(analysis, tmp_path):
    points = list(analysis.points)
    points[9] = dataclasses.replace(points[9], status="partial", missing=("Sotrenderze", "MLOps"))
    partly = dataclasses.replace(analysis, points=tuple(points))
    render(partly, tmp_path, formats=["charts", "html", "markdown"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Partly said: key words not heard" in html
    assert '<span class="unheard">not heard: Sotrenderze, MLOps</span>' in html
    assert (
        "- **10.** Sotrenderze, MLOps" in markdown and "; not heard: Sotrenderze, MLOps" in markdown
    )
    for text in (html, markdown):
        assert "Key words heard: the share of the note" in text
        assert "more than 15% and at least 5 s over its budget" in text


def test_report_command_renders_a_schema_1_file(tmp_path):
    """In place, the schema 1 file stays as it is; with --out, the new folder gets schema 2."""
    folder = tmp_path / "reports" / "kilka-zdan-o-sobie" / "20250311-074530-pl-skips"
    folder.mkdir(parents=True)
    saved = (DATA / "schema1" / "pl-skips.json").read_bytes()
    (folder / "analysis.json").write_bytes(saved)
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "analysis.json").read_bytes() == saved
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "11 of 14 points said" in html and "of a 3:00 target" in html
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    [new] = (tmp_path / "new" / "kilka-zdan-o-sobie").iterdir()
    data = json.loads((new / "analysis.json").read_text(encoding="utf-8"))
    assert data["schema"] == 2 and "points" not in data["pacing"]
    assert load_analysis(new) == load_analysis(folder)


# --- voice ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def voiced(analysis) -> Analysis:
    """The fixture analysis with the voice measured on the real demo recording."""
    samples = load_audio(RECORDING).samples
    return replace(analysis, voice=measure_voice(samples, analysis.transcript, analysis.points))


def test_voice_section_chart_and_json(voiced, analysis, tmp_path):
    folder = render(voiced, tmp_path / "with")
    assert (folder / "voice.png").read_bytes().startswith(PNG)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="voice"' in html and "automatic gain control" in html and "Hincks" in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "## Voice" in markdown and "![Pitch variation" in markdown
    data = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    assert data["voice"]["verdict"] == voiced.voice.verdict
    assert load_analysis(folder).voice == voiced.voice
    plain = render(analysis, tmp_path / "without")
    assert not (plain / "voice.png").exists()
    assert "voice" not in json.loads((plain / "analysis.json").read_text(encoding="utf-8"))
    assert 'id="voice"' not in (plain / "report.html").read_text(encoding="utf-8")


def test_voice_summary_names_spans_points_and_trailing(voiced):
    spans = (VoiceSpan(30.0, 50.0, 9), VoiceSpan(60.0, 80.0, 10), VoiceSpan(90.0, 100.0, 3))
    voice = replace(voiced.voice, verdict="varied", monotone=spans, trailing_off_share=0.3)
    text = view.voice_text(replace(voiced, voice=voice))
    assert text.startswith("varied (pitch spread")
    assert "monotone 0:50 in points 3, 9–10" in text
    assert text.endswith("trails off at 30% of sentence ends")
    rows = view.voice_rows(replace(voiced, voice=voice))
    flat = [(r.point.number, r.monotone) for r in rows if r.monotone]
    assert flat == [(3, 10), (9, 20), (10, 20)]
    unmeasured = Voice(measured=False, verdict="not measured", warnings=("no voice verdict: x",))
    assert view.voice_text(replace(voiced, voice=unmeasured)) == "not measured: no voice verdict: x"
