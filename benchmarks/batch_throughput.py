"""Throughput of `rehearse batch` on this machine: --jobs N x --threads T.

Each setting runs `rehearse batch` on the same class of recordings in a child process, with
no transcript cache and no history (every recording transcribed for real), under a fresh
measuring process, so its peak RSS is that setting's own: the largest process is one job
(for --jobs 1 the batch process itself, which also holds the driver). Prints recordings per
hour and audio hours per hour for each setting and its ratio to --jobs 1 --threads <cores>
(one transcription using every core, what `rehearse analyze` does) measured in the same run.

    .venv/bin/python benchmarks/batch_throughput.py                  # 4 short tune recordings
    .venv/bin/python benchmarks/batch_throughput.py --settings 1x2 2x1 --repeat 2

Target (issue 13): peak memory per job under 700 MB with base.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # for clips: short recordings decoded whole
TUNE = HERE / "cases" / "tune"
# Short recordings of three talks in both languages: about 5 minutes of audio in all.
DEFAULT_CLASS = (
    ("babylon-cut.wav", "babylon.md"),
    ("babylon-full.mp3", "babylon.md"),
    ("pl2-skips.webm", "testowanie-potokow-danych.md"),
    ("t-museum-reorder.m4a", "museum-digitisation.md"),
)
DEFAULT_SETTINGS = ("1x2", "2x1", "1x1", "2x2")
TARGET_RSS_MB = 700


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", nargs="+", default=list(DEFAULT_SETTINGS),
                        help="JOBSxTHREADS settings to run, e.g. 1x2 2x1")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setting (best kept)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1])))
        return
    with tempfile.TemporaryDirectory(prefix="batch-throughput-") as tmp:
        manifest = write_manifest(Path(tmp))
        audio = audio_seconds()
        print(
            f"{len(DEFAULT_CLASS)} recordings, {audio / 60:.1f} min of audio | "
            f"{os.cpu_count()} CPUs | load average {os.getloadavg()[0]:.2f}"
        )
        results = {}
        for _ in range(args.repeat):
            for setting in args.settings:
                result = run_child(manifest, setting)
                best = results.get(setting)
                if best is None or result["seconds"] < best["seconds"]:
                    results[setting] = result
        report(results, audio)


def write_manifest(folder: Path) -> Path:
    manifest = folder / "class.csv"
    with manifest.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["recording", "notes"])
        for recording, notes in DEFAULT_CLASS:
            writer.writerow([TUNE / recording, TUNE / notes])
    return manifest


def audio_seconds() -> float:
    from clips import load_audio

    return sum(load_audio(TUNE / recording).duration for recording, _ in DEFAULT_CLASS)


def run_child(manifest: Path, setting: str) -> dict:
    """The setting measured in a fresh process, so the peak RSS is its own."""
    command = [sys.executable, __file__, "--child", str(manifest), setting]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"setting {setting} failed (its error is above)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(manifest: Path, setting: str) -> dict:
    """One `rehearse batch` run of the manifest: wall time, peak RSS of its largest process."""
    jobs, threads = setting.split("x")
    with tempfile.TemporaryDirectory(prefix="batch-out-") as out:
        command = [
            sys.executable, "-m", "rehearse", "batch", str(manifest), "--out", out,
            "--jobs", jobs, "--threads", threads, "--no-cache", "--no-history",
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{setting}: rehearse batch failed:\n{done.stdout}{done.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": peak_kb / 1024}


def report(results: dict[str, dict], audio: float) -> None:
    count = len(DEFAULT_CLASS)
    baseline = results.get(f"1x{os.cpu_count()}") or next(iter(results.values()))
    print()
    print("| --jobs | --threads | wall (s) | recordings/hour | audio hours/hour | vs 1 job of all "
          "cores | peak RSS per job (MB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for setting, result in results.items():
        jobs, threads = setting.split("x")
        seconds = result["seconds"]
        ok = "" if result["peak_mb"] < TARGET_RSS_MB else f" (over {TARGET_RSS_MB})"
        print(
            f"| {jobs} | {threads} | {seconds:.0f} | {count * 3600 / seconds:.0f} | "
            f"{audio / seconds:.1f} | {baseline['seconds'] / seconds:.2f}x | "
            f"{result['peak_mb']:.0f}{ok} |"
        )


if __name__ == "__main__":
    main()
