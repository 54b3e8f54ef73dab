"""Long talks: wall time, real-time factor and peak memory of ``rehearse analyze`` by length.

Builds 10-, 60- and 120-minute recordings (MP3, 16 kHz mono) from the real readings in
``benchmarks/sources`` (babylon, ivory-trade, sonnets, one after another with a pause between
them, round again until the length is reached) and notes of their points (the three talks'
notes as three sections), then runs ``rehearse analyze`` on each in its own process, uncached,
with the defaults (faster engine, base, the voice stage on), and prints per length the wall
time, the real-time factor and the child's peak RSS (from ``os.wait4``), with the load average
around each run. ``--openai`` also runs the openai engine on the shortest recording.

``--batch-size N`` (repeatable) runs ``analyze --batch-size N`` beside the plain path on each
length, and ``rehearse transcribe`` alone (the plain engine, no alignment, voice or report) as
the yardstick; ``--rounds R`` runs them all R times, taking turns, and prints medians, so the
load of a shared machine falls on all of them alike.

    .venv/bin/python -m benchmarks.long_talk                      # 10, 60, 120 min
    .venv/bin/python -m benchmarks.long_talk --minutes 10 --openai
    .venv/bin/python -m benchmarks.long_talk --keep /tmp/long     # reuse built recordings
    .venv/bin/python -m benchmarks.long_talk --minutes 10 --batch-size 4 --rounds 3

Goal (issue 14): peak memory under 700 MB at every length (flat), RTF <= 0.12 with base.
Goal (issue 25): ``analyze`` in at most 0.6 x the time plain ``transcribe`` takes, peak < 700 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # for clips: short recordings decoded whole
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
    parser.add_argument("--batch-size", type=int, action="append", default=[], metavar="N")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, taking turns")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="rehearse-long-"))
    folder.mkdir(parents=True, exist_ok=True)
    notes = write_notes(folder / "three-readings.md")
    kinds = [("analyze", 0), *(("analyze", n) for n in args.batch_size)]
    if args.batch_size:
        kinds.append(("transcribe", 0))
    runs = [(m, args.engine, kind) for m in args.minutes for kind in kinds]
    if args.openai:
        runs.append((min(args.minutes), "openai", ("analyze", 0)))
    print(f"recordings in {folder}; {os.cpu_count()} cores; load average {_load()}", flush=True)
    rows = []
    try:
        for minutes in args.minutes:
            build(minutes, folder)
        for _ in range(args.rounds):
            for minutes, engine, (command, batch) in runs:
                recording = build(minutes, folder)
                rows.append(run(recording, notes, engine, folder, command, batch))
                print(_row(rows[-1]), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    _table(rows)
    return 0


def _table(rows: list[dict]) -> None:
    """Medians per length and run, with the ratio of each wall time to plain ``analyze``'s
    and to plain ``transcribe``'s of the same length."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((round(r["minutes"]), r["engine"], r["command"], r["batch"]), []).append(
            r
        )
    wall = {key: statistics.median(r["seconds"] for r in rs) for key, rs in groups.items()}
    print()
    print(
        "| length | engine | run | batch | wall (median) | vs plain analyze | vs transcribe "
        "| real-time factor | peak memory (max) | runs | load average |"
    )
    print("|---" * 11 + "|")
    for key, rs in groups.items():
        minutes, engine, command, batch = key
        plain = wall.get((minutes, engine, "analyze", 0))
        alone = wall.get((minutes, engine, "transcribe", 0))
        ratio = f"{wall[key] / plain:.2f}x" if plain else "–"
        to_alone = f"{wall[key] / alone:.2f}x" if alone else "–"
        print(
            f"| {minutes} min | {engine} | {command} | {batch or 'plain'} | "
            f"{_clock(wall[key])} | {ratio} | {to_alone} | "
            f"{wall[key] / (rs[0]['minutes'] * 60):.3f} | "
            f"{max(r['rss'] for r in rs):,.0f} MB | {len(rs)} | "
            f"{', '.join(r['load'] for r in rs)} |"
        )


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
    from clips import load_audio

    from rehearse.audio import SAMPLE_RATE

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


def run(
    recording: Path,
    notes: Path,
    engine: str,
    folder: Path,
    command_name: str = "analyze",
    batch: int = 0,
) -> dict:
    """``rehearse analyze`` (or ``transcribe``, in English) of ``recording`` in a child process
    with an empty transcript cache, ``--batch-size batch``: wall time, real-time factor, the
    child's peak RSS."""
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
        command = [sys.executable, "-m", "rehearse", command_name, str(recording)]
        if command_name == "analyze":
            command += ["--notes", str(notes), "--out", f"{tmp}/reports"]
        else:
            command += ["--language", "en", "--out", f"{tmp}/transcripts"]
        command += ["--engine", engine, "--batch-size", str(batch)]
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
        "command": command_name,
        "batch": batch,
        "seconds": seconds,
        "rtf": seconds / duration,
        "rss": usage.ru_maxrss / 1024,
        "load": f"{load_before} -> {_load()}",
    }


def _row(r: dict) -> str:
    return (
        f"  {r['minutes']:6.1f} min  {r['engine']:7s} {r['command']:10s} batch {r['batch']:2d}  "
        f"wall {_clock(r['seconds'])}  "
        f"RTF {r['rtf']:.3f}  peak RSS {r['rss']:,.0f} MB  load {r['load']}"
    )


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def _clock(seconds: float) -> str:
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes}:{s:02d}"


if __name__ == "__main__":
    sys.exit(main())
