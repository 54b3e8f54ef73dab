"""Transcription variants side by side: time, coverage accuracy and pauses, in one run.

Usage: python -m benchmarks.transcription_variants [DIR ...] [--variant NAME ...]
                                                    [--all-heldout] [--out DIR] [--only-prefix P]

Every recording is transcribed afresh (its own empty transcript cache) through the real
``rehearse.transcribe`` path (windows, repairs, word edges snapped to silences) by each
variant of the faster engine with base:

- ``plain``: beam 5, chunk after chunk (the default before issue 14);
- ``vad``: faster-whisper's Silero VAD drops the silences first (``--vad``);
- ``batched``: faster-whisper's BatchedInferencePipeline on our own chunks (cut in silences,
  at most 28 s), 4 per batch, word timestamps on (issue 25; before it: Whisper's VAD chunks);
- ``greedy``: beam 1;
- ``vad+greedy``: both.

The variants take turns on each recording (so the load of a shared machine falls on all of
them alike). Per variant: transcription time and its ratio to ``plain``, and the coverage
benchmark's figures (``benchmarks.coverage_accuracy``: its cases and scoring) on all cases
and on real speech alone; and the pauses: the long pauses the truth files name found (start
and length within 0.8 s, as tests/test_pacing.py), the pauses of 0.5 s or more reported, and
the share of them that are really quiet (80 % of their 10 ms frames below the recording's
quiet level).

``--window`` sets the transcription window of every variant (to see what cutting the
recordings into more windows costs). ``--only-prefix P`` (repeatable) keeps the cases whose
name starts with P (``--only-prefix ho16 --only-prefix ho17``: two held-out batches). DIR
defaults to benchmarks/cases/tune, the real-speech cases of benchmarks/cases/heldout
(``--all-heldout``: all of them) and the two pause rehearsals of tests/data. ``--out`` keeps
each variant's transcripts as ``OUT/<variant>/<set>/transcripts/faster/NAME.json`` beside
links to the truth and notes files, so ``python -m benchmarks.coverage_accuracy
--engine faster OUT/<variant>/<set>`` scores them again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.coverage_accuracy import CASES, Case, Tally, cases, score_case
from rehearse.align import AlignOptions, align
from rehearse.audio import QUIET_FRAME, scan
from rehearse.measure.pacing import PacingOptions, measure_pacing
from rehearse.models import Transcript, to_json
from rehearse.transcribe import TranscribeOptions, transcribe

ROOT = Path(__file__).resolve().parent.parent
PLAIN = TranscribeOptions(cache=True)
VARIANTS = {
    "plain": PLAIN,
    "vad": replace(PLAIN, vad=True),
    "batched": replace(PLAIN, batch_size=4),
    "greedy": replace(PLAIN, beam_size=1),
    "vad+greedy": replace(PLAIN, vad=True, beam_size=1),
}
PAUSE = 0.5  # s; the shortest pause counted: the pauses between sentences (the report: 2 s)
NEAR = 0.8  # s; a truth pause is found when a pause starts and lasts within this of it
QUIET_SHARE = 0.8  # of a pause's frames quiet: a real silence, not a gap Whisper made


@dataclass
class Figures:
    """One variant's totals."""

    seconds: float = 0.0
    audio: float = 0.0
    tally: Tally = field(default_factory=Tally)
    human: Tally = field(default_factory=Tally)
    truth_pauses: int = 0
    truth_found: int = 0
    pauses: int = 0
    quiet_pauses: int = 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    parser.add_argument("--all-heldout", action="store_true", help="not only real speech")
    parser.add_argument("--out", type=Path, help="keep the transcripts here")
    parser.add_argument("--limit", type=int, help="the first N recordings only (a quick look)")
    parser.add_argument("--window", type=float, help="transcription window in s (default 180)")
    parser.add_argument("--only-prefix", action="append", help="cases whose name starts so")
    args = parser.parse_args(argv)
    chosen = args.variant or list(VARIANTS)
    variants = {
        name: replace(VARIANTS[name], window=args.window) if args.window else VARIANTS[name]
        for name in chosen
    }
    recordings = _recordings(args.dirs, args.all_heldout)
    if args.only_prefix:
        recordings = [r for r in recordings if r[1].name.startswith(tuple(args.only_prefix))]
    recordings = recordings[: args.limit]
    minutes = sum(_length(c) for _, c in recordings) / 60
    print(
        f"{len(recordings)} recordings, {minutes:.0f} min of audio; variants {', '.join(chosen)}; "
        f"{os.cpu_count()} cores; load average {_load()}",
        flush=True,
    )
    figures = {name: Figures() for name in chosen}
    with tempfile.TemporaryDirectory(prefix="rehearse-variants-") as tmp:
        for n, (folder, case) in enumerate(recordings, start=1):
            line = []
            for name in chosen:
                transcript, seconds = _transcribe(case, variants[name], Path(tmp) / name)
                _score(case, transcript, seconds, figures[name])
                if args.out:
                    _keep(args.out / name / folder.name, case, transcript)
                line.append(f"{name} {seconds:.1f}s")
            print(f"[{n}/{len(recordings)}] {case.name}: {', '.join(line)}  (load {_load()})")
    _print(figures)
    return 0


def _recordings(dirs: list[Path], all_heldout: bool) -> list[tuple[Path, Case]]:
    folders = dirs or [CASES / "tune", CASES / "heldout", ROOT / "tests" / "data"]
    found = []
    for folder in folders:
        for case in cases(folder):
            if dirs or all_heldout or folder.name != "heldout" or case.human:
                found.append((folder, case))
    return found


def _length(case: Case) -> float:
    return scan(case.folder / case.truth["recording"]).duration


def _transcribe(case: Case, options: TranscribeOptions, cache: Path) -> tuple[Transcript, float]:
    language = case.notes.language or case.truth["language"]
    options = replace(options, language=language, cache_dir=cache)
    result = transcribe(case.folder / case.truth["recording"], options)
    return result.transcript, result.seconds


def _score(case: Case, transcript: Transcript, seconds: float, into: Figures) -> None:
    coverage = align(case.notes, transcript, AlignOptions())
    tally = score_case(case.truth, case.notes, coverage)
    into.tally.add(tally)
    if case.human:
        into.human.add(tally)
    into.seconds += seconds
    into.audio += transcript.duration
    pacing = measure_pacing(case.notes, transcript, coverage, PacingOptions(pause=PAUSE))
    for expected in case.truth.get("long_pauses", []):
        into.truth_pauses += 1
        into.truth_found += any(
            abs(p.start - expected["start"]) <= NEAR
            and abs(p.duration - expected["duration"]) <= NEAR
            for p in pacing.pauses
        )
    quiet = scan(case.folder / case.truth["recording"]).quiet()
    for p in pacing.pauses:
        frames = quiet[int(p.start / QUIET_FRAME) : int((p.start + p.duration) / QUIET_FRAME)]
        into.pauses += 1
        into.quiet_pauses += len(frames) > 0 and frames.mean() >= QUIET_SHARE


def _keep(folder: Path, case: Case, transcript: Transcript) -> None:
    """The transcript where coverage_accuracy looks for it, beside links to the case files."""
    out = folder / "transcripts" / "faster"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{case.name}.json").write_text(to_json(transcript), encoding="utf-8")
    for name in (f"{case.name}.truth.json", case.truth["notes"]):
        link = folder / name
        if not link.exists():
            link.symlink_to((case.folder / name).resolve())


def _print(figures: dict[str, Figures]) -> None:
    plain = figures.get("plain")
    print()
    print(
        "| variant | time (s) | vs plain | real-time factor | calls right | reorders | restarts "
        "| repeats | starts within 2 s | false flags / restarts / ad-libs | real speech: calls, "
        "reorders, restarts, repeats | truth pauses found | pauses >= 0.5 s (really quiet) |"
    )
    print("|---" * 13 + "|")
    for name, f in figures.items():
        t, h = f.tally, f.human
        ratio = f"{f.seconds / plain.seconds:.2f}x" if plain and plain.seconds else "–"
        print(
            f"| {name} | {f.seconds:.0f} | {ratio} | {f.seconds / max(f.audio, 1e-9):.3f} | "
            f"{t.right}/{t.calls} | {t.inversions_flagged}/{t.inversions} | "
            f"{t.restarts_found}/{t.restarts} | {t.repeats_found}/{t.repeats} | "
            f"{t.near_starts}/{len(t.start_errors)} | "
            f"{t.false_flags} / {t.false_restarts} / {t.false_adlibs} | "
            f"{h.right}/{h.calls}, {h.inversions_flagged}/{h.inversions}, "
            f"{h.restarts_found}/{h.restarts}, {h.repeats_found}/{h.repeats} | "
            f"{f.truth_found}/{f.truth_pauses} | {f.pauses} ({f.quiet_pauses}) |"
        )


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


if __name__ == "__main__":
    sys.exit(main())
