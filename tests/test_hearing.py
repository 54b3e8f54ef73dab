"""Points heard too badly to judge are uncertain, not skipped: the rules on made-up
transcripts, then the real model on a real clip made hard to hear (a far microphone)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rehearse.cli import app
from rehearse.models import (
    Coverage,
    PointCoverage,
    Segment,
    Span,
    Transcript,
    Word,
    load_analysis,
)
from rehearse.transcribe.hearing import BADLY_SHARE, judge

NOTES = """---
language: en
---
# A short speech

1. And so, my fellow <Americans> & friends
2. Ask not what your country can do for you
3. Ask what you can do for your country
"""


def transcript(*segments: tuple[float, float, float], unheard=()) -> Transcript:
    """Segments (start, end, avg_logprob), each with one word, over 60 s."""
    made = tuple(
        Segment(a, b, "word", (Word("word", a, b, 0.9),), logprob, 0.1, 1.5)
        for a, b, logprob in segments
    )
    return Transcript("en", 60.0, "faster", "base", made, unheard=tuple(unheard))


def coverage(*statuses: str) -> Coverage:
    """Points 1..n in notes order; said points take 10 s each, in order."""
    points = []
    for i, status in enumerate(statuses):
        said = status in ("covered", "partial")
        start = 10.0 * i if said else None
        points.append(PointCoverage(i, i + 1, status, 50.0, start, start + 10 if said else None))
    return Coverage(tuple(points))


def test_a_skip_among_well_heard_speech_stays_skipped():
    heard = transcript((0, 10, -0.2), (20, 30, -0.3))
    judged = judge(heard, coverage("covered", "missed", "covered"))
    assert [p.status for p in judged.points] == ["covered", "missed", "covered"]


def test_a_skip_where_whisper_was_guessing_is_uncertain():
    heard = transcript((0, 10, -0.2), (10, 20, -1.3), (20, 30, -1.2))
    judged = judge(heard, coverage("covered", "missed", "partial"))
    assert [p.status for p in judged.points] == ["covered", "uncertain", "uncertain"]
    point = judged.points[1]
    assert point.hearing.badly >= BADLY_SHARE and point.start is None
    assert judged.points[2].start == 20.0  # a partly said point keeps its passage


def test_sound_without_words_and_loops_count_as_heard_badly():
    looped = Segment(30, 40, "this time, " * 20, (Word("this", 30, 40, 0.5),), -0.1, 0.7, 9.0)
    heard = transcript((0, 10, -0.2), unheard=[Span(10, 30)])
    heard = Transcript(**{**heard.__dict__, "segments": (*heard.segments, looped)})
    judged = judge(heard, coverage("covered", "missed", "missed", "missed"))
    assert [p.status for p in judged.points] == ["covered", "uncertain", "uncertain", "uncertain"]


def test_silence_is_not_heard_badly_and_old_transcripts_are_left_alone():
    heard = transcript((0, 10, -0.2), (40, 50, -0.2))  # 30 s of silence between
    assert judge(heard, coverage("covered", "missed", "missed")).points[1].status == "missed"
    old = Transcript("en", 60.0, "faster", "base", (Segment(0, 10, "w", ()),))
    assert judge(old, coverage("covered", "missed")).points[1].status == "missed"


# --- the real model on a real clip ------------------------------------------------------


REVERB = [
    "reverb",
    "-w",
    "100",
    "50",
    "100",
    "100",
    "200",
    "10",
    "lowpass",
    "1200",
    "gain",
    "-n",
    "-20",
]
ROOM = "anoisesrc=color=pink:amplitude=0.03:sample_rate=16000:seed=2[n];"
MIX = "[0:a][n]amix=inputs=2:duration=first:normalize=0[out]"
TOOLS = shutil.which("sox") and shutil.which("ffmpeg")


def far_away(clean: Path, out: Path) -> Path:
    """``clean`` as a far microphone hears it: only the reverberation of a big hall,
    muffled, 20 dB quieter, over a pink-noise room (as benchmarks/uncertain.py's "far")."""
    muffled, far = out / "far.sox.wav", out / "far.wav"
    sox = ["sox", str(clean), "-r", "16000", str(muffled), "gain", "-10", *REVERB]
    subprocess.run(sox, check=True, capture_output=True)
    mixed = ["-filter_complex", ROOM + MIX, "-map", "[out]", str(far)]
    ffmpeg = ["ffmpeg", "-loglevel", "error", "-y", "-i", str(muffled), *mixed]
    subprocess.run(ffmpeg, check=True, capture_output=True)
    return far


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "100"})


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("sox") and shutil.which("ffmpeg")), reason="needs sox, ffmpeg"
)
def test_a_far_microphone_gives_uncertain_points_and_clear_speech_none(data_dir, tmp_path):
    """jfk.flac clear: every point said, none uncertain. The same made far away: Whisper
    hears (almost) nothing, and every point is uncertain, not skipped, in analysis.json, the
    summary, report.html (escaped), report.md, `history --json` and `compare`."""
    notes = tmp_path / "jfk.md"
    notes.write_text(NOTES, encoding="utf-8")
    out = tmp_path / "reports"
    clear = run("analyze", data_dir / "jfk.flac", "--notes", notes, "--out", out, "--keep")
    assert clear.exit_code == 0, clear.output
    recording = far_away(data_dir / "jfk.flac", tmp_path)
    far = run("analyze", recording, "--notes", notes, "--out", out, "--keep")
    assert far.exit_code == 0, far.output
    folders = sorted(p for p in out.glob("*/*") if p.is_dir())
    first, second = (load_analysis(f / "analysis.json") for f in folders)
    assert [p.status for p in first.points] == ["covered"] * 3
    assert first.summary.uncertain == () and "Uncertain" not in clear.stdout
    assert [p.status for p in second.points] == ["uncertain"] * 3
    assert second.summary.skipped == () and second.summary.uncertain == (1, 2, 3)
    assert all(p.hearing.badly >= BADLY_SHARE for p in second.points)
    summary = " ".join(far.stdout.split())
    assert "Uncertain 1. And so, my fellow <Americans> & friends" in summary
    assert "Skipped" not in summary and "0 of 3 points said" in summary
    html = (folders[1] / "report.html").read_text(encoding="utf-8")
    assert "Uncertain: heard too badly to judge" in html
    assert "&lt;Americans&gt; &amp; friends" in html and "<Americans>" not in html
    assert '<span class="badge uncertain">uncertain</span>' in html
    markdown = (folders[1] / "report.md").read_text(encoding="utf-8")
    assert "**Uncertain, heard too badly to judge**" in markdown
    assert "| uncertain" in markdown
    history = json.loads(run("history", notes, "--out", out, "--json").stdout)["rehearsals"]
    assert [(r["skipped"], r["uncertain"]) for r in history] == [([], []), ([], [1, 2, 3])]
    table = run("history", notes, "--out", out).stdout
    assert "?1, ?2, ?3" in table and "Most often skipped" not in table
    compared = " ".join(run("compare", "--out", out, "1", "2").stdout.split())
    assert "said → uncertain" in compared
    data = json.loads(run("compare", "--out", out, "1", "2", "--json").stdout)
    assert [p["b"]["status"] for p in data["points"]] == ["uncertain"] * 3
