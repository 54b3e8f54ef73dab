"""Long talks: wall time, real-time factor and peak memory of ``rehearse analyze`` by length.

Builds 10-, 60- and 120-minute recordings (MP3, 16 kHz mono) from the real readings in
``benchmarks/sources`` (babylon, ivory-trade, sonnets, one after another with a pause between
them, round again until the length is reached) and notes of their points (the three talks'
notes as three sections), then runs ``rehearse analyze`` on each in its own process, uncached,
with the defaults (faster engine, base, the voice stage on), and prints per length the wall
time, the real-time factor and the child's peak RSS (from ``os.wait4``), with the load average
around each run. ``--openai`` also runs the openai engine on the shortest recording.

    .venv/bin/python -m benchmarks.long_talk                      # 10, 60, 120 min
    .venv/bin/python -m benchmarks.long_talk --minutes 10 --openai
    .venv/bin/python -m benchmarks.long_talk --keep /tmp/long     # reuse built recordings

Goal (issue 14): peak memory under 700 MB at every length (flat), RTF <= 0.12 with base.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
READINGS = (
    ("babylon", HERE / "cases" / "tune" / "babylon.md"),
    ("ivory-trade", HERE / "cases" / "heldout" / "ivory-trade.md"),
    ("sonnets", HERE / "cases" / "heldout" / "sonnets.md"),
)
GAP = 2.0  # s of silence between two readings: the pause between two parts of a talk
BITRATE = 48_000  # MP3 bit rate for 16 kHz mono speech, as a phone's voice memo
GOAL_RSS_MB = 700
GOAL_RTF = 0.12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[10, 60, 120])
    parser.add_argument("--openai", action="store_true", help="the openai engine on the shortest")
    parser.add_argument("--keep", type=Path, help="folder for the recordings (kept, reused)")
    parser.add_argument("--engine", default="faster", help="engine of the main runs")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="rehearse-long-"))
    folder.mkdir(parents=True, exist_ok=True)
    notes = write_notes(folder / "three-readings.md")
    runs = [(m, args.engine) for m in args.minutes]
    if args.openai:
        runs.append((min(args.minutes), "openai"))
    print(f"recordings in {folder}; {os.cpu_count()} cores; load average {_load()}", flush=True)
    rows = []
    try:
        for minutes, engine in runs:
            recording = build(minutes, folder)
            rows.append(run(recording, notes, engine, folder))
            print(_row(rows[-1]), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print("| length | engine | wall | real-time factor | peak memory | load average |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['minutes']:.0f} min | {r['engine']} | {_clock(r['seconds'])} | "
            f"{r['rtf']:.3f} | {r['rss']:,.0f} MB | {r['load']} |"
        )
    return 0


def write_notes(path: Path) -> Path:
    """The three readings' notes as one talk, a section each, points numbered on."""
    lines, number = ["# Three readings (long talk benchmark)", ""], 0
    for name, notes in READINGS:
        lines += [f"## {name}", ""]
        for line in notes.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"\d+\.\s+(.*)", line):
                number += 1
                lines.append(f"{number}. {m.group(1)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def build(minutes: float, folder: Path) -> Path:
    """A ``minutes``-long MP3 of the readings one after another (reused if it exists)."""
    from rehearse.audio import SAMPLE_RATE, load_audio

    path = folder / f"long-{minutes:g}min.mp3"
    if path.exists():
        return path
    readings = [load_audio(next(SOURCES.glob(f"{name}.*[!txnj]"))).samples for name, _ in READINGS]
    gap = np.zeros(int(GAP * SAMPLE_RATE), dtype=np.float32)
    tmp = path.with_suffix(".partial.mp3")
    with _Encoder(tmp) as out:
        done, i = 0.0, 0
        while done < minutes * 60:
            samples = readings[i % len(readings)]
            out.write(samples)
            out.write(gap)
            done += (len(samples) + len(gap)) / SAMPLE_RATE
            i += 1
    tmp.rename(path)
    return path


class _Encoder:
    """Writes float32 16 kHz mono samples to an MP3 file, block by block."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> _Encoder:
        import av

        from rehearse.audio import SAMPLE_RATE

        self.container = av.open(str(self.path), "w")
        self.stream = self.container.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        self.stream.bit_rate = BITRATE
        self.pts = 0
        return self

    def write(self, samples: np.ndarray) -> None:
        import av

        from rehearse.audio import SAMPLE_RATE

        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.pts
        self.pts += pcm.shape[1]
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def __exit__(self, *exc) -> None:
        for packet in self.stream.encode(None):
            self.container.mux(packet)
        self.container.close()


def run(recording: Path, notes: Path, engine: str, folder: Path) -> dict:
    """``rehearse analyze`` of ``recording`` in a child process with an empty transcript cache:
    wall time, real-time factor, the child's peak RSS."""
    import av

    from rehearse.transcribe import weights

    with av.open(str(recording)) as container:
        duration = container.duration / av.time_base
    with tempfile.TemporaryDirectory(dir=folder, prefix="run-") as tmp:
        env = {
            **os.environ,
            "REHEARSE_HOME": tmp,
            "REHEARSE_MODELS": str(weights.models_dir()),
        }
        command = [sys.executable, "-m", "rehearse", "analyze", str(recording)]
        command += ["--notes", str(notes), "--engine", engine, "--out", f"{tmp}/reports"]
        load_before = _load()
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        out, err = child.stdout.read().decode(), child.stderr.read().decode()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sys.exit(f"{recording.name} ({engine}) failed ({child.returncode}):\n{err}{out}")
    return {
        "minutes": duration / 60,
        "engine": engine,
        "seconds": seconds,
        "rtf": seconds / duration,
        "rss": usage.ru_maxrss / 1024,
        "load": f"{load_before} -> {_load()}",
    }


def _row(r: dict) -> str:
    return (
        f"  {r['minutes']:6.1f} min  {r['engine']:7s} wall {_clock(r['seconds'])}  "
        f"RTF {r['rtf']:.3f}  peak RSS {r['rss']:,.0f} MB  load {r['load']}"
    )


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def _clock(seconds: float) -> str:
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes}:{s:02d}"


if __name__ == "__main__":
    sys.exit(main())
