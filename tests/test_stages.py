"""Progress through the stages of an analysis: one share of the whole that never goes back and
ends at 100 %; the real pipeline names its stages in order; Ctrl-C (a real SIGINT to a real
`rehearse analyze`) at any stage leaves no partial report or cache file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rehearse.stages import ANALYSIS, ANALYSIS_AND_REPORT, TRANSCRIPTION, Step, Tracker

DATA = Path(__file__).parent / "data"
RECORDING, NOTES = DATA / "pauses-en.ogg", DATA / "pauses-en.md"  # 40 s, English


def run_stages(tracker: Tracker, work: dict[str, float]) -> None:
    """Each stage of ``work`` in order, its total done in ten steps."""
    for stage, total in work.items():
        update = tracker.start(stage, total)
        for i in range(1, 11):
            update(total * i / 10)
    tracker.finish()


def test_the_share_grows_through_every_stage_to_100_percent():
    steps: list[Step] = []
    tracker = Tracker(steps.append, ANALYSIS_AND_REPORT)
    tracker.audio_length(3600.0)
    run_stages(tracker, {"decoding": 3600, "language": 1, "transcribing": 3600, "aligning": 1,
                         "voice": 3600, "report": 5})  # fmt: skip
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and steps[-1].label == "Done"
    assert [s.stage for s in steps[:-1]] == [s for s in ANALYSIS_AND_REPORT for _ in range(11)]
    transcribing = [s.fraction for s in steps if s.stage == "transcribing"]
    assert transcribing[-1] - transcribing[0] > 0.8  # the bulk of an hour's analysis


def test_a_cached_transcript_drops_its_stages_from_the_whole():
    steps: list[Step] = []
    tracker = Tracker(steps.append, ANALYSIS)
    tracker.skip(*TRANSCRIPTION)
    tracker.audio_length(600.0)
    run_stages(tracker, {"aligning": 1, "voice": 600})
    assert next(s.fraction for s in steps if s.stage == "aligning") == 0.0
    assert [s.fraction for s in steps if s.stage == "voice"][-1] == pytest.approx(1.0)


def test_a_stage_run_again_or_out_of_order_never_moves_the_bar_back():
    steps: list[Step] = []
    tracker = Tracker(steps.append, TRANSCRIPTION)
    tracker.start("transcribing", 10)(5)
    tracker.start("decoding", 10)(1)
    assert steps[-1].fraction == steps[-2].fraction > 0


def test_unknown_stages_are_refused():
    with pytest.raises(ValueError, match="unknown stage"):
        Tracker(None, ("decoding", "dancing"))
    with pytest.raises(ValueError, match="not one of"):
        Tracker(None, TRANSCRIPTION).start("report")


def test_labels_say_the_audio_done_and_the_time_left():
    step = Step("transcribing", 0.5, done=750.0, total=3600.0, audio=True, left=250.0)
    assert step.label == "Transcribing 12.5 of 60.0 min of audio, about 4:10 left"
    assert Step("aligning", 0.9).label == "Aligning to the notes"


@pytest.mark.slow
def test_analyze_reports_its_stages_in_order(tmp_path):
    from dataclasses import replace

    from rehearse.analysis import AnalyzeOptions, analyze
    from rehearse.transcribe import TranscribeOptions

    options = AnalyzeOptions(transcribe=TranscribeOptions(cache_dir=tmp_path))
    for cached, expected in ((False, ANALYSIS), (True, ("aligning", "voice"))):
        steps: list[Step] = []
        tracker = Tracker(steps.append, ANALYSIS)
        analysis = analyze(RECORDING, NOTES, options, progress=tracker)
        tracker.finish()
        assert analysis.transcription.cached == cached
        assert tuple(dict.fromkeys(s.stage for s in steps[:-1])) == expected
        fractions = [s.fraction for s in steps]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
        heard = [s for s in steps if s.stage == "transcribing"]
        assert not heard or heard[-1].done == pytest.approx(analysis.transcript.duration)
    steps = []
    tracker = Tracker(steps.append, ANALYSIS)
    analyze(RECORDING, NOTES, replace(options, voice=False), progress=tracker)
    assert "voice" not in {s.stage for s in steps}
    assert steps[-1].fraction == pytest.approx(1.0)


# --- Ctrl-C -----------------------------------------------------------------------------------


def interrupt_at(stage: str, home: Path, out: Path) -> subprocess.CompletedProcess:
    """`rehearse -v analyze` of the 40 s rehearsal, sent SIGINT as soon as it says that it
    has entered ``stage``."""
    from rehearse.transcribe import weights

    env = {**os.environ, "REHEARSE_HOME": str(home), "REHEARSE_MODELS": str(weights.models_dir())}
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "rehearse", "-v", "analyze", str(RECORDING)]
    command += ["--notes", str(NOTES), "--out", str(out)]
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    seen = []
    for line in child.stderr:
        seen.append(line)
        if f"stage: {stage}" in line:
            child.send_signal(signal.SIGINT)
            break
    _, rest = child.communicate(timeout=120)
    return subprocess.CompletedProcess(command, child.returncode, "", "".join(seen) + rest)


def leftovers(*folders: Path) -> list[Path]:
    """Temporary or partial files under ``folders``."""
    return [
        p
        for folder in folders
        for p in folder.rglob("*")
        if p.name.endswith(".tmp") or p.name.startswith(".partial-")
    ]


def check_nothing_partial(home: Path, out: Path) -> None:
    assert not leftovers(home, out)
    for entry in (home / "transcripts").glob("*.json"):
        assert "transcript" in json.loads(entry.read_text(encoding="utf-8"))
    for folder in (p for p in out.glob("*/*") if p.is_dir()):
        names = {p.name for p in folder.iterdir()}
        assert {"analysis.json", "report.html", "report.md", "transcript.srt"} <= names, names


@pytest.fixture(scope="module")
def cached_home(tmp_path_factory) -> Path:
    """A REHEARSE_HOME whose cache has the rehearsal's transcript (one full run)."""
    home = tmp_path_factory.mktemp("home")
    out = tmp_path_factory.mktemp("out")
    done = interrupt_at("no such stage", home, out)
    assert done.returncode == 0, done.stderr
    return home


@pytest.mark.slow
@pytest.mark.parametrize("stage", [*TRANSCRIPTION, "aligning", "voice", "report"])
def test_ctrl_c_at_any_stage_leaves_nothing_partial(stage, cached_home, tmp_path):
    if stage in TRANSCRIPTION:
        home = tmp_path / "home"  # an empty cache: the transcription stages run
        home.mkdir()
    else:
        home = cached_home
    out = tmp_path / "reports"
    started = time.monotonic()
    done = interrupt_at(stage, home, out)
    assert f"stage: {stage}" in done.stderr
    if done.returncode == 0:  # it finished before the signal landed: all of it is there
        assert stage == "report", done.stderr
        assert list(out.glob("*/*/report.html"))
    else:
        assert done.returncode == 130, done.stderr
        assert "interrupted" in done.stderr and "Traceback" not in done.stderr
    check_nothing_partial(home, out)
    if stage in TRANSCRIPTION and done.returncode == 130:
        assert not list((home / "transcripts").glob("*.json"))
        assert not list(out.glob("*/*/"))
    assert time.monotonic() - started < 90
