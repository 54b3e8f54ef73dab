"""recording.m4a in the report folder: a real encode of the bundled rehearsal, the page's
player and its CSP, --no-audio, and a recording that is gone by `rehearse report`."""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import replace
from pathlib import Path

import av
import pytest
from clips import decode
from test_report import make_analysis as make_report_analysis
from typer.testing import CliRunner

from rehearse.analysis import demo_files
from rehearse.audio import SAMPLE_RATE
from rehearse.cli import app
from rehearse.clock import clock
from rehearse.models import Analysis, RecordingInfo
from rehearse.notes import load_notes
from rehearse.report import render, write_report
from rehearse.report.audio import AUDIO_FILE, BITRATE, encode
from rehearse.report.html import script, script_hash

DATA = Path(__file__).parent / "data"
RECORDING, NOTES = demo_files()
STRICT = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def make_analysis(recording: Path) -> Analysis:
    """The bundled rehearsal's fixture transcript through real align and pacing, its
    recording at ``recording``."""
    return make_report_analysis(load_notes(NOTES), target=180.0, recording=recording)


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audio") / AUDIO_FILE
    encode(RECORDING, path)
    return path


def test_the_copy_is_mono_aac_in_m4a_as_long_as_the_recording(copy):
    with av.open(str(copy)) as container:
        assert "mp4" in container.format.name and "m4a" in container.format.name
        [stream] = container.streams
        assert stream.type == "audio" and stream.codec_context.name == "aac"
        assert stream.layout.nb_channels == 1
        samples = sum(frame.samples for frame in container.decode(stream))
        rate = stream.rate
    duration = len(decode(RECORDING)) / SAMPLE_RATE
    assert samples / rate == pytest.approx(duration, abs=0.1)
    size_per_hour = copy.stat().st_size / duration * 3600
    assert size_per_hour < 1.2 * BITRATE / 8 * 3600  # speech quality: about 15 MB an hour
    assert [p.name for p in copy.parent.iterdir()] == [AUDIO_FILE]  # no temporary file left


def test_the_report_plays_the_copy_under_a_csp_that_allows_only_it(tmp_path):
    analysis = make_analysis(RECORDING)
    folder = write_report(analysis, tmp_path)
    assert (folder / AUDIO_FILE).stat().st_size > 100_000
    html = (folder / "report.html").read_text(encoding="utf-8")
    player = '<audio id="player-audio" data-player controls preload="metadata"'
    assert f'{player} src="{AUDIO_FILE}">' in html
    [csp] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    [code] = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert code == script()
    assert csp == f"{STRICT}; media-src 'self'; script-src '{script_hash(code)}'"
    assert "'unsafe-inline'" not in csp.split("script-src")[1]
    times = re.findall(r'data-t="([\d.]+)"', html)
    assert len(times) > 50 and all(0 <= float(t) <= 158 for t in times)
    start = f"{analysis.points[1].start:.2f}"  # point 2's start is a link that plays it
    assert f'<a class="at" href="{AUDIO_FILE}#t={start}" data-t="{start}">' in html


def test_no_audio_leaves_out_the_copy_the_player_and_the_script(tmp_path):
    folder = write_report(make_analysis(RECORDING), tmp_path, audio=False)
    assert not (folder / AUDIO_FILE).exists()
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<audio" not in html and "<script" not in html and 'href="recording' not in html
    assert f'content="{STRICT}"' in html
    assert "no player" in html  # and says how to get one
    assert "<h3>" in html  # the transcript map is there, as plain text


def test_report_after_the_recording_is_gone_says_so_once(tmp_path):
    """`rehearse report` re-renders in place: the copy made at analyze time stays and plays;
    with no copy and no recording, one warning line and a report without a player."""
    recording = tmp_path / "take.mp3"
    shutil.copy(RECORDING, recording)
    folder = write_report(make_analysis(recording), tmp_path / "reports")
    recording.unlink()
    kept = (folder / AUDIO_FILE).read_bytes()
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    assert "gone" not in result.stderr and (folder / AUDIO_FILE).read_bytes() == kept
    assert "<audio" in (folder / "report.html").read_text(encoding="utf-8")

    result = CliRunner().invoke(app, ["report", str(folder), "--no-audio"])
    assert result.exit_code == 0, result.output
    assert not (folder / AUDIO_FILE).exists()
    assert "<audio" not in (folder / "report.html").read_text(encoding="utf-8")

    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.stderr.splitlines() if x.strip()]
    assert line == f"warning: the recording {recording} is gone: the report has no player"
    assert not (folder / AUDIO_FILE).exists()
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<audio" not in html and "Kilka zdań o sobie" in html


def test_report_out_takes_the_copy_along(tmp_path, caplog):
    analysis = make_analysis(tmp_path / "gone.mp3")
    first = tmp_path / "first"
    render(analysis, first, formats=["html"], audio=False)
    shutil.copy(RECORDING, first / "source.mp3")
    encode(first / "source.mp3", first / AUDIO_FILE)
    caplog.set_level(logging.WARNING)
    second = write_report(analysis, tmp_path / "out", kept=first / AUDIO_FILE)
    assert (second / AUDIO_FILE).read_bytes() == (first / AUDIO_FILE).read_bytes()
    assert not caplog.records


def test_a_recording_that_cannot_be_decoded_is_a_report_without_a_player(tmp_path, caplog):
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all" * 64)
    caplog.set_level(logging.WARNING)
    analysis = replace(make_analysis(RECORDING), recording=RecordingInfo(str(broken), "0" * 64))
    folder = write_report(analysis, tmp_path / "out")
    assert not (folder / AUDIO_FILE).exists()
    [said] = [r.getMessage() for r in caplog.records]
    assert said.startswith(f"{broken}: no audio copy")
    assert not list(folder.glob(".*"))


def test_compare_html_without_a_copy_shows_plain_times(tmp_path):
    analysis = make_analysis(tmp_path / "gone.mp3")
    a = write_report(analysis, tmp_path / "a")  # the recording is gone: no copy
    b = write_report(analysis, tmp_path / "b")
    page = tmp_path / "then-now.html"
    args = ["compare", str(a), str(b), "--html", str(page), "--out", str(tmp_path / "a")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<audio" not in html and "<script" not in html and "data-t=" not in html
    assert "Then has no recording.m4a" in html and "Now has no recording.m4a" in html
    assert f'<span class="time">{clock(analysis.points[1].start)}</span>' in html  # as text
