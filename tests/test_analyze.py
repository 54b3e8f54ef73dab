"""End to end through the CLI: the bundled rehearsal, real Whisper, a real report folder.

One transcription is shared by the whole session (a private transcript cache); every later
run of the same recording must come from that cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rehearse import weights
from rehearse.analysis import demo_files
from rehearse.cli import app
from rehearse.report import load_analysis

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
    assert analysis.transcription.language == "pl"
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
    assert "of 3:00" in result.stdout


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
