"""End to end through the CLI: the bundled rehearsal, real Whisper, a real report folder.

One transcription is shared by the whole session (a private transcript cache); every later
run of the same recording must come from that cache.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from clips import load_audio
from typer.testing import CliRunner

from rehearse.analysis import demo_files
from rehearse.audio import SAMPLE_RATE
from rehearse.cli import app
from rehearse.clock import clock
from rehearse.models import load_analysis
from rehearse.transcribe import weights

RECORDING, NOTES = demo_files()
PNG = b"\x89PNG\r\n\x1a\n"
SKIPPED = (3, 9, 13)  # pl-skips.mp3: points 3, 9 and 13 were never said


@pytest.fixture(scope="session")
def env(tmp_path_factory) -> dict[str, str]:
    """A fresh cache home, with the models where they already are."""
    home = tmp_path_factory.mktemp("rehearse-home")
    return {"REHEARSE_HOME": str(home), "REHEARSE_MODELS": str(weights.models_dir())}


def run(env: dict[str, str], *args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def reports(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*") if p.is_dir())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture(scope="session")
def first(env, tmp_path_factory):
    """The one real transcription: analyze the bundled rehearsal into a fresh reports folder."""
    out = tmp_path_factory.mktemp("reports")
    result = run(env, "analyze", RECORDING, "--notes", NOTES, "--out", out)
    assert result.exit_code == 0, result.output
    [folder] = reports(out)
    return out, folder, result


@pytest.mark.slow
def test_analyze_reports_the_skipped_points(first):
    _, folder, result = first
    assert folder.parent.name == "kilka-zdan-o-sobie"
    analysis = load_analysis(folder / "analysis.json")
    assert analysis.summary.skipped == SKIPPED
    for point in analysis.points:
        assert (point.status == "missed") == (point.number in SKIPPED), point.number
    assert analysis.summary.coverage == pytest.approx(11 / 14)
    assert not analysis.transcription.cached
    assert analysis.transcript.language == "pl"
    assert analysis.summary.duration == pytest.approx(157.8, abs=0.5)
    assert len(analysis.recording.sha256) == 64
    for name in ("coverage.png", "pacing.png"):
        assert (folder / name).read_bytes().startswith(PNG), name
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (folder / "report.md").stat().st_size > 1000
    said = [p for p in analysis.points if p.start is not None]
    assert all(p.quote and p.end > p.start for p in said)
    # the terminal summary
    assert "11 of 14 points said" in result.stdout
    assert "3. To co tutaj widzicie" in result.stdout and "13. czym sie interesuje" in result.stdout
    assert str(folder / "report.html") in result.stdout


@pytest.mark.slow
def test_analyze_puts_the_recording_beside_the_report_and_no_audio_leaves_it_out(
    env, first, tmp_path
):
    import av

    _, folder, _ = first
    with av.open(str(folder / "recording.m4a")) as container:
        [stream] = container.streams
        assert stream.codec_context.name == "aac" and stream.layout.nb_channels == 1
        assert container.duration / av.time_base == pytest.approx(157.8, abs=0.5)
    assert 'src="recording.m4a"' in (folder / "report.html").read_text(encoding="utf-8")
    args = ("--out", tmp_path, "--no-audio", "--no-history")
    result = run(env, "analyze", RECORDING, "--notes", NOTES, *args)
    assert result.exit_code == 0, result.output
    [quiet] = reports(tmp_path)
    assert not (quiet / "recording.m4a").exists()
    html = (quiet / "report.html").read_text(encoding="utf-8")
    assert "<audio" not in html and "no player" in html


@pytest.mark.slow
def test_analyze_measures_the_voice(first):
    """The bundled rehearsal is espeak-ng Polish: a flat synthetic voice."""
    _, folder, result = first
    voice = load_analysis(folder / "analysis.json").voice
    assert voice.measured and voice.verdict == "monotone"
    assert voice.pitch_variation_st < 2.0 and len(voice.windows) == 16
    assert voice.sentences > 5 and voice.trailing_off_share is not None
    assert {p.number for p in voice.points} <= {p.number for p in first_points(folder)}
    assert (folder / "voice.png").read_bytes().startswith(PNG)
    assert "## Voice" in (folder / "report.md").read_text(encoding="utf-8")
    assert "Voice" in result.stdout and "monotone (pitch spread" in result.stdout


def first_points(folder: Path):
    return [p for p in load_analysis(folder / "analysis.json").points if p.said]


@pytest.mark.slow
def test_second_analyze_is_a_new_folder_from_the_cache(env, first):
    out, folder, _ = first
    before = snapshot(folder)
    result = run(env, "analyze", RECORDING, "--notes", NOTES, "--out", out, "--target", "3m")
    assert result.exit_code == 0, result.output
    [second] = [p for p in reports(out) if p != folder]
    assert second.name.startswith(folder.name[:8])
    assert snapshot(folder) == before
    analysis = load_analysis(second)
    assert analysis.transcription.cached
    assert analysis.summary.skipped == SKIPPED
    assert analysis.summary.target == 180.0
    assert (second / "budget.png").read_bytes().startswith(PNG)
    assert "of a 3:00 target" in result.stdout


@pytest.mark.slow
def test_unwritable_out_is_one_line_and_touches_nothing(env, first, tmp_path):
    out, _, _ = first
    before = {p: snapshot(p) for p in reports(out)}
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    result = run(env, "analyze", RECORDING, "--notes", NOTES, "--out", blocker / "reports")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: cannot write the report")
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.output
    assert {p: snapshot(p) for p in reports(out)} == before


@pytest.mark.slow
def test_demo_uses_the_bundled_rehearsal(env, first, tmp_path):
    result = run(env, "demo", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    [folder] = reports(tmp_path)
    assert load_analysis(folder).summary.skipped == SKIPPED
    assert str(folder / "report.html") in result.stdout


def test_missing_audio_is_one_line(tmp_path):
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "nope.m4a"), "--notes", str(NOTES), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and result.stderr.strip().count("\n") == 0
    assert "nope.m4a" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_notes_without_points_is_one_line(tmp_path):
    notes = tmp_path / "talk.md"
    notes.write_text("# My talk\n\nJust some prose, no numbered points.\n- a bullet\n")
    result = CliRunner().invoke(
        app, ["analyze", str(RECORDING), "--notes", str(notes), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "no numbered talking points" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert not (tmp_path / "r").exists()


def test_bad_target_is_one_line(tmp_path):
    result = CliRunner().invoke(
        app, ["analyze", str(RECORDING), "--notes", str(NOTES), "--target", "soon"]
    )
    assert result.exit_code == 2
    assert "bad duration" in result.stderr and result.stderr.strip().count("\n") == 0


@pytest.mark.slow
def test_durations_agree_between_terminal_json_html_and_markdown(first):
    """Recording, talk time and speaking time: one value each, named the same everywhere."""
    _, folder, result = first
    analysis = load_analysis(folder)
    pacing, duration = analysis.pacing, analysis.summary.duration
    data = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    assert (
        data["summary"]["duration"],
        data["pacing"]["talk_time"],
        data["pacing"]["speaking_time"],
    ) == (duration, pacing.talk_time, pacing.speaking_time)
    assert pacing.speaking_time <= pacing.talk_time <= duration
    talk, recording, speaking = (
        clock(x) for x in (pacing.talk_time, duration, pacing.speaking_time)
    )
    durations = f"recording {recording} · speaking time {speaking}"
    html = (folder / "report.html").read_text(encoding="utf-8")
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    terminal = " ".join(result.stdout.split())
    assert f"Talk time {talk}" in terminal and durations in terminal
    assert f'<span class="k">Talk time</span><span class="v">{talk}</span>' in html
    assert durations in html
    assert f"| Talk time | {talk} (first to last word; {durations}) |" in markdown
    for text in (terminal, html, markdown):  # no other total under another name
        assert "spoken " not in text.replace("spoken order", "")


@pytest.mark.slow
def test_language_given_in_capitals_uses_the_same_transcript(env, first, tmp_path):
    result = run(env, "analyze", RECORDING, "--notes", NOTES, "--language", "PL", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    [folder] = reports(tmp_path)
    analysis = load_analysis(folder)
    assert analysis.transcription.cached and analysis.transcript.language == "pl"


@pytest.mark.slow
def test_pacing_command(env, first):
    result = run(env, "pacing", RECORDING, "--notes", NOTES, "--target", "3m")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Time per point" in out and "Talk time" in out and "of a 3:00 target" in out
    assert "syllables/s" in out and "Drift" in out and "after point 14" in out
    assert "Over budget means more than 15% and at least 5 s over its budget." in out
    as_json = run(env, "pacing", RECORDING, "--notes", NOTES, "--target", "3m", "--json")
    data = json.loads(as_json.stdout)
    assert data["target"] == 180.0 and data["syllable_band"] == [3.3, 5.9]
    assert [p["number"] for p in data["points"] if p["start"] is None] == list(SKIPPED)
    assert sum(p["budget"] for p in data["points"]) == pytest.approx(180, abs=0.1)


@pytest.mark.slow
def test_coverage_command(env, first):
    result = run(env, "coverage", RECORDING, "--notes", NOTES)
    assert result.exit_code == 0, result.output
    assert "Key words heard" in result.stdout and "skipped" in result.stdout
    as_json = run(env, "coverage", RECORDING, "--notes", NOTES, "--json")
    data = json.loads(as_json.stdout)
    missed = [p["number"] for p in data["points"] if p["status"] == "missed"]
    assert missed == list(SKIPPED)
    assert all(p["quote"] for p in data["points"] if p["status"] != "missed")


@pytest.mark.slow
def test_a_recording_cut_short_is_a_warning(env, tmp_path):
    """The first 5 s of the 2:38 rehearsal: the analysis completes and says it looks cut."""
    samples = load_audio(RECORDING).samples[: 5 * SAMPLE_RATE]
    clip = tmp_path / "cut.wav"
    with wave.open(str(clip), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    result = run(env, "analyze", clip, "--notes", NOTES, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "was the recording cut short?" in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("warning: ")
    [folder] = reports(tmp_path / "r")
    analysis = load_analysis(folder)
    assert analysis.warnings and "cut short" in analysis.warnings[0]
    assert "cut short" in (folder / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_take_too_short_to_judge_is_kept_out_of_the_history(env, tmp_path, data_dir):
    """An 11 s take of a 3-minute talk: analysed and reported, but not recorded (nor counted
    by a rebuild) unless --keep; the summary says why."""
    out, env = tmp_path / "r", {**env, "COLUMNS": "200"}
    result = run(env, "analyze", data_dir / "pl-point2.ogg", "--notes", NOTES, "--out", out)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "History not recorded: a talk of 0:1" in said
    assert "is too short to judge (under 0:30); --keep records it" in said
    [folder] = reports(out)
    assert (folder / "report.html").is_file() and (folder / "forgotten.json").is_file()
    assert not (out / "history.sqlite").exists()
    rebuilt = run(env, "history", "--rebuild", out)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert ": 0 rehearsals, 1 forgotten left out" in " ".join(rebuilt.stdout.split())
    kept = run(env, "analyze", data_dir / "pl-point2.ogg", "--notes", NOTES, "--out", out,
               "--keep")  # fmt: skip
    assert kept.exit_code == 0, kept.output
    assert "1st rehearsal in the history" in " ".join(kept.stdout.split())
    listed = run(env, "history", NOTES, "--out", out, "--json")
    assert len(json.loads(listed.stdout)["rehearsals"]) == 1


@pytest.mark.slow
def test_polish_recording_against_english_notes(tmp_path, data_dir):
    """The bundled Polish rehearsal against the English notes of another talk. With
    --language en it is refused in one line naming both languages and --language (Whisper
    is sure of Polish only in the first window, but the recording as a whole is Polish): no
    report, no history, no transcript. Without it, the notes' language is what is expected,
    not forced: a bilingual speaker may talk in Polish from English notes, so it is
    transcribed in Polish and the report says that points are followed by meaning; none of
    this other talk's points is found in it."""
    home = tmp_path / "home"
    env = {"REHEARSE_HOME": str(home), "REHEARSE_MODELS": str(weights.models_dir())}
    out = tmp_path / "r"
    notes = data_dir / "pauses-en.md"
    result = run(env, "analyze", RECORDING, "--notes", notes, "--language", "en", "--out", out)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message and "Traceback" not in message
    assert "sounds like Polish" in message and "set to English" in message
    assert "--language pl" in message
    assert not out.exists() and not (home / "transcripts").exists()

    result = run(env, "analyze", RECORDING, "--notes", notes, "--out", out)
    assert result.exit_code == 0, result.output
    [folder] = reports(out)
    analysis = load_analysis(folder)
    assert analysis.transcript.language == "pl"
    assert any("notes are in English and the talk in Polish" in w for w in analysis.warnings)
    assert "notes are in English and the talk in Polish" in " ".join(result.output.split())
    assert not any(p.said for p in analysis.points)
    assert "points were found by what you meant" in (folder / "report.html").read_text()


@pytest.mark.slow
def test_english_name_and_capital_code_for_english_audio(env, tmp_path, data_dir):
    notes = tmp_path / "jfk.md"
    notes.write_text(
        "---\nlanguage: english\n---\n# Inaugural\n"
        "1. Ask not what your country can do for you\n"
        "2. Ask what you can do for your country\n"
    )
    result = run(env, "analyze", data_dir / "jfk.flac", "--notes", notes, "--language", "EN",
                 "--out", tmp_path / "r")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    [folder] = reports(tmp_path / "r")
    assert load_analysis(folder).transcript.language == "en"


@pytest.mark.slow
def test_the_example_deck_against_the_bundled_rehearsal(env, first, tmp_path):
    """The seed talk as two slides' notes (notes/kilka-zdan-o-sobie.pptx), real Whisper."""
    deck = Path(__file__).parent.parent / "notes" / "kilka-zdan-o-sobie.pptx"
    result = run(env, "analyze", RECORDING, "--notes", deck, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    [folder] = reports(tmp_path)
    analysis = load_analysis(folder)
    assert analysis.summary.skipped == SKIPPED
    assert [(p.slide, p.number) for p in analysis.points if p.status == "missed"] == [
        (1, 3), (2, 9), (2, 13)
    ]  # fmt: skip
    assert analysis.transcription.cached and analysis.summary.target == 180.0
    out = " ".join(result.stdout.split())
    assert "slide 1 · 3. To co tutaj widzicie" in out and "slide 2 · 13. czym sie" in out
    assert "Time per slide Slide 1 · Kilka zdań o sobie: 1:" in out
    assert "Slide 2 · Dlaczego MLOps?: 1:" in out and " of 1:30" in out
    as_json = run(env, "pacing", RECORDING, "--notes", deck, "--json")
    slides = json.loads(as_json.stdout)["slides"]
    assert [(s["slide"], s["title"], s["points"]) for s in slides] == [
        (1, "Kilka zdań o sobie", list(range(1, 8))),
        (2, "Dlaczego MLOps?", list(range(8, 15))),
    ]
    assert slides[1]["budget"] == pytest.approx(90.0, abs=0.1)
    covered = json.loads(run(env, "coverage", RECORDING, "--notes", deck, "--json").stdout)
    assert [(p["slide"], p["number"]) for p in covered["points"] if p["status"] == "missed"] == [
        (1, 3), (2, 9), (2, 13)
    ]  # fmt: skip
