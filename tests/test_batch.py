"""`rehearse batch` end to end: a class of real recordings (two shared rehearsals, whose real
Whisper transcripts the session cache holds, and pl-point2.ogg transcribed for real in a
worker process), one corrupt file, real report folders, a real SQLite history, a real Ray."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rehearse.cli import app
from rehearse.models import BatchReport, from_dict

DATA = Path(__file__).parent / "data"
CASES = Path(__file__).parent.parent / "benchmarks" / "cases" / "tune"
NOTES = CASES / "kilka-zdan-o-sobie.md"
SKIPPED = (3, 9, 13)  # pl-skips.mp3 leaves out points 3, 9 and 13
GOOD = ("pl-point2", "pl-reorder", "pl-skips")
FIGURES = ("coverage", "skipped", "duration", "talk_time", "wpm", "fillers_per_minute", "restarts")


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def batch_of(out: Path) -> BatchReport:
    return from_dict(BatchReport, json.loads((out / "batch.json").read_text(encoding="utf-8")))


def report_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*") if p.is_dir())


def history(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "history.sqlite") as db:
        return db.execute("SELECT speaker, recording, report FROM rehearsals ORDER BY 1").fetchall()


@pytest.fixture(scope="module")
def recordings(shared_rehearsals, tmp_path_factory) -> Path:
    """A class folder: three good recordings, a corrupt one and a file that is no recording."""
    folder = tmp_path_factory.mktemp("class")
    for name in ("pl-skips", "pl-reorder"):
        shutil.copy(shared_rehearsals[name], folder)
    shutil.copy(DATA / "pl-point2.ogg", folder)
    (folder / "broken.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
    (folder / "readme.txt").write_text("not a recording\n")
    return folder


@pytest.fixture(scope="module")
def first(recordings, tmp_path_factory):
    """The first run, two jobs in parallel; it must not need Ray (the cluster extra)."""
    out = tmp_path_factory.mktemp("out")
    ray_before = "ray" in sys.modules
    result = run("batch", recordings, "--notes", NOTES, "--out", out, "--jobs", 2)
    assert ray_before or "ray" not in sys.modules
    return out, result


@pytest.mark.slow
def test_batch_reports_every_good_recording_and_the_corrupt_one_as_failed(first):
    out, result = first
    assert result.exit_code == 1, result.output
    report = batch_of(out)
    rows = {Path(r.recording).stem: r for r in report.rows}
    assert sorted(rows) == ["broken", *GOOD]
    broken = rows.pop("broken")
    assert broken.status == "failed" and broken.report is None
    assert "broken.mp3" in broken.error and "\n" not in broken.error
    assert f"failed: {broken.error}" in " ".join(result.output.split())
    for stem, row in rows.items():
        assert row.status == "analysed" and row.speaker == stem
        assert (out / row.report / "analysis.json").is_file()
        assert (out / row.report / "report.html").is_file()
        assert (out / row.report / "recording.m4a").stat().st_size > 10_000
    assert rows["pl-skips"].skipped == SKIPPED
    assert rows["pl-reorder"].coverage > rows["pl-skips"].coverage > rows["pl-point2"].coverage
    assert 150 < rows["pl-skips"].duration < 165
    assert len(report_folders(out)) == 3
    speakers = [row[0] for row in history(out)]
    assert speakers == ["pl-reorder", "pl-skips"]  # the 11 s pl-point2 is too short to judge
    assert (out / rows["pl-point2"].report / "forgotten.json").is_file()
    skipped = {p.number: p.skipped for p in report.most_skipped}
    assert all(skipped[n] >= 2 for n in SKIPPED)  # by pl-skips and the 11 s pl-point2


@pytest.mark.slow
def test_class_report_links_every_report_and_escapes_the_error(first):
    out, _ = first
    page = (out / "batch.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == 3 and all((out / link).is_file() for link in links)
    assert "cannot decode audio" in page and "broken" in page
    assert 'src="data:image/png;base64,' in page
    markdown = (out / "batch.md").read_text(encoding="utf-8")
    assert markdown.count("/report.html)") == 3 and "failed:" in markdown
    assert (out / "batch.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_a_second_run_skips_what_is_done_and_still_reports_every_recording(first, recordings):
    out, _ = first
    before = (report_folders(out), history(out))
    result = run("batch", recordings, "--notes", NOTES, "--out", out, "--jobs", 2)
    assert result.exit_code == 1, result.output
    assert "0 analysed, 3 already analysed, 1 failed" in result.output
    statuses = {Path(r.recording).stem: r.status for r in batch_of(out).rows}
    assert statuses == {"broken": "failed"} | dict.fromkeys(GOOD, "already analysed")
    assert (report_folders(out), history(out)) == before
    page = (out / "batch.html").read_text(encoding="utf-8")
    assert all(name in page for name in GOOD) and page.count("(already analysed)") == 3


def test_a_manifest_names_speakers_and_takes_paths_from_its_folder(shared_rehearsals, tmp_path):
    folder = tmp_path / "class"
    (folder / "audio").mkdir(parents=True)
    shutil.copy(shared_rehearsals["pl-skips"], folder / "audio")
    shutil.copy(NOTES, folder / "talk.md")
    manifest = folder / "class.csv"
    manifest.write_text(
        "recording,notes,speaker\naudio/pl-skips.mp3,talk.md,Zoë Nowak\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run("batch", manifest, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    [row] = batch_of(out).rows
    assert row.speaker == "Zoë Nowak" and row.skipped == SKIPPED
    [(speaker, recording, report)] = history(out)
    assert speaker == "Zoë Nowak" and Path(recording).name == "pl-skips.mp3"
    assert Path(report) == (out / row.report).resolve()
    again = run("batch", manifest, "--out", out, "--jobs", 1, "--force")
    assert again.exit_code == 0, again.output
    [redone] = batch_of(out).rows
    assert redone.status == "analysed" and redone.report != row.report
    assert len(report_folders(out)) == 2 and len(history(out)) == 1  # the same recording


@pytest.mark.slow
def test_no_audio_leaves_the_recordings_out_of_the_report_folders(shared_rehearsals, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(shared_rehearsals["pl-skips"], folder)
    out = tmp_path / "out"
    result = run("batch", folder, "--notes", NOTES, "--out", out, "--jobs", 1, "--no-audio")
    assert result.exit_code == 0, result.output
    [report] = report_folders(out)
    assert (report / "report.html").is_file() and not (report / "recording.m4a").exists()


def test_a_manifest_listing_a_recording_twice_counts_it_once(shared_rehearsals, tmp_path, caplog):
    from rehearse.batch import plan

    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(shared_rehearsals["pl-skips"], folder)
    shutil.copy(NOTES, folder / "talk.md")
    manifest = folder / "class.csv"
    manifest.write_text(
        "recording,notes,speaker\n"
        "pl-skips.mp3,talk.md,Ala\n"
        "./pl-skips.mp3,talk.md, ala \n"  # the same rehearsal, written otherwise
        "pl-skips.mp3,talk.md,Ola\n",  # another speaker's: a rehearsal of its own
        encoding="utf-8",
    )
    jobs = plan(manifest)
    assert [(j.recording.name, j.speaker) for j in jobs] == [
        ("pl-skips.mp3", "Ala"), ("pl-skips.mp3", "Ola")
    ]  # fmt: skip
    assert [r.getMessage() for r in caplog.records] == [
        f"{folder / './pl-skips.mp3'} is listed more than once (same notes, same speaker): "
        "analysed once"
    ]


@pytest.mark.slow
def test_ctrl_c_during_a_batch_is_one_line(shared_rehearsals, tmp_path):
    """Ctrl-C reaches the whole process group, workers too: they leave it to the batch, which
    says one line and stops them; no KeyboardInterrupt traceback from any process."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("pl-skips", "pl-reorder"):
        shutil.copy(shared_rehearsals[name], folder)
    command = [sys.executable, "-m", "rehearse", "batch", str(folder), "--notes", str(NOTES),
               "--out", str(tmp_path / "out"), "--jobs", "2", "--no-cache"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    time.sleep(20)  # the workers are transcribing (each recording takes a minute)
    assert process.poll() is None, process.communicate()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip() == "interrupted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("{rec}",), "--notes is needed"),
        (("{rec}", "--notes", "{notes}", "--jobs", "-1"), "positive number"),
        (("{rec}", "--notes", "{notes}", "--cluster", "dask"), "unknown cluster"),
        (("{rec}", "--notes", "{notes}", "--address", "auto"), "needs --cluster ray"),
        (("{rec}", "--notes", "{rec}/missing.md"), "missing.md"),
        (("{csv}",), "should name the columns"),
        (("{missing}",), "nothing.ogg: no such recording"),
        (("{empty}", "--notes", "{notes}"), "no recordings in it"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2_before_any_work(tmp_path, args, message):
    rec = tmp_path / "rec"
    rec.mkdir()
    shutil.copy(DATA / "pl-point2.ogg", rec)
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.csv").write_text("file,who\nrec/pl-point2.ogg,Ala\n")
    (tmp_path / "missing.csv").write_text(f"recording,notes\nrec/nothing.ogg,{NOTES}\n")
    names = {"rec": rec, "notes": NOTES, "csv": tmp_path / "bad.csv"}
    names |= {"missing": tmp_path / "missing.csv", "empty": tmp_path / "empty"}
    out = tmp_path / "out"
    result = run("batch", *(a.format(**names) for a in args), "--out", out)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.slow
def test_a_local_ray_cluster_gives_the_same_results_as_local_jobs(first, recordings, tmp_path):
    pytest.importorskip("ray", reason="Ray not installed (pip install 'rehearse[cluster]')")
    out, _ = first
    ray_out = tmp_path / "ray"
    result = run("batch", recordings, "--notes", NOTES, "--out", ray_out, "--cluster", "ray")
    assert result.exit_code == 1, result.output
    local, on_ray = batch_of(out).rows, batch_of(ray_out).rows
    assert [r.status for r in on_ray] == ["failed", "analysed", "analysed", "analysed"]
    for a, b in zip(local, on_ray, strict=True):
        assert (a.recording, a.speaker, a.key, a.error) == (b.recording, b.speaker, b.key, b.error)
        assert [getattr(a, f) for f in FIGURES] == [getattr(b, f) for f in FIGURES]
    assert [row[:2] for row in history(ray_out)] == [row[:2] for row in history(out)]
