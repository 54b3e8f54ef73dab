"""Speed and memory of the two engines on the same recording and the same model.

Each engine runs in its own child process (so its peak RSS is its own): one warm-up on the
first seconds of the recording (model load, JIT), then one timed, uncached transcription of
the whole recording. Prints the real-time factor (wall time / audio time) and peak RSS of
each, and the openai/faster ratios.

    .venv/bin/python benchmarks/transcribe_speed.py                     # pl-full.ogg, base
    .venv/bin/python benchmarks/transcribe_speed.py talk.m4a --language en --engine faster

Targets (issue 2): faster engine RTF <= 0.25 and peak RSS < 600 MB with base.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # for clips: short recordings decoded whole
DEFAULT_RECORDING = HERE / "cases" / "pl-full.ogg"
TARGET_RTF = 0.25
TARGET_RSS_MB = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", nargs="?", type=Path, default=DEFAULT_RECORDING)
    parser.add_argument("--engine", action="append", choices=["faster", "openai"])
    parser.add_argument("--model", default="base")
    parser.add_argument("--language", default=None, help="force a language (default: detect)")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds of audio to warm up on")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    engines = args.engine or ["faster", "openai"]
    print(f"{args.recording} | model {args.model} | load average {os.getloadavg()[0]:.2f}")
    results = {engine: run_child(engine, args) for engine in engines}
    report(results)


def run_child(engine: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), str(args.recording), "--child"]
    command += ["--engine", engine, "--model", args.model, "--warmup", str(args.warmup)]
    if args.language:
        command += ["--language", args.language]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{engine} failed:\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  {engine}: done (children's peak RSS so far {children_peak:.0f} MB)")
    return result


def measure(args: argparse.Namespace) -> dict:
    """In the child: warm up, then time one uncached transcription of the whole recording."""
    from clips import load_audio

    from rehearse.audio import SAMPLE_RATE
    from rehearse.transcribe import TranscribeOptions, transcribe

    (engine,) = args.engine
    options = TranscribeOptions(
        engine=engine, model=args.model, language=args.language, cache=False
    )
    audio = load_audio(args.recording)
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warmup.wav"
        write_wav(warm, audio.samples[: int(args.warmup * SAMPLE_RATE)], SAMPLE_RATE)
        transcribe(warm, options)
    started = time.perf_counter()
    result = transcribe(args.recording, options)
    seconds = time.perf_counter() - started
    return {
        "engine": engine,
        "audio": audio.duration,
        "seconds": seconds,
        "rtf": seconds / audio.duration,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "words": len(result.transcript.words),
        "language": result.transcript.language,
        "language_probability": result.transcript.language_probability,
    }


def write_wav(path: Path, samples, rate: int) -> None:
    import numpy as np

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def report(results: dict[str, dict]) -> None:
    print(f"\n{'engine':<8} {'audio s':>8} {'wall s':>8} {'RTF':>6} {'peak RSS':>10} {'words':>6}")
    for r in results.values():
        print(
            f"{r['engine']:<8} {r['audio']:>8.1f} {r['seconds']:>8.1f} {r['rtf']:>6.3f} "
            f"{r['peak_rss_mb']:>7.0f} MB {r['words']:>6}  "
            f"({r['language']}, p={r['language_probability']:.2f})"
        )
    if {"faster", "openai"} <= results.keys():
        fast, ref = results["faster"], results["openai"]
        print(
            f"\nopenai / faster: {ref['rtf'] / fast['rtf']:.1f}x the time, "
            f"{ref['peak_rss_mb'] / fast['peak_rss_mb']:.1f}x the memory"
        )
    if "faster" in results:
        fast = results["faster"]
        ok_rtf = "ok" if fast["rtf"] <= TARGET_RTF else "MISSED"
        ok_rss = "ok" if fast["peak_rss_mb"] < TARGET_RSS_MB else "MISSED"
        print(
            f"targets (faster): RTF <= {TARGET_RTF}: {ok_rtf}; "
            f"peak RSS < {TARGET_RSS_MB} MB: {ok_rss}"
        )


if __name__ == "__main__":
    main()
