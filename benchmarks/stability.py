"""How much the coverage moves when the transcript changes the way the two engines differ.

Usage: python -m benchmarks.stability [DIR] [--runs 20] [--respell 0.02] [--jitter 0.1]

Every case of DIR (default: benchmarks/cases/tune) is aligned on its faster-engine transcript,
then on ``--runs`` perturbed copies (a share of the words respelled, word times moved by up to
``--jitter`` s, segments cut again; tests/test_stability.py's ``perturb``), and the changes are
counted: points flipping between said and missed, out-of-order flags appearing or disappearing,
starts moving by 2 s or more. The same figures for the openai engine's transcript against the
faster one's (the real difference between the engines) close the table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.coverage_accuracy import CASES, cases
from rehearse.align import align
from rehearse.models import Coverage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_stability import MOVE, perturb


def changes(before: Coverage, after: Coverage) -> tuple[int, int, int, int]:
    """(points, status flips, flag changes, starts moved)."""
    flips = flags = moved = 0
    for a, b in zip(before.points, after.points, strict=True):
        flips += (a.status == "missed") != (b.status == "missed")
        flags += a.out_of_order != b.out_of_order
        moved += a.start is not None and b.start is not None and abs(a.start - b.start) >= MOVE
    return len(before.points), flips, flags, moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, default=CASES / "tune")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--respell", type=float, default=0.02)
    parser.add_argument("--jitter", type=float, default=0.1)
    args = parser.parse_args(argv)
    totals = [0, 0, 0, 0]
    engines = [0, 0, 0, 0]
    for case in cases(args.dir):
        transcript = case.transcript("faster")
        if transcript is None:
            continue
        before = align(case.notes, transcript)
        found = [0, 0, 0, 0]
        for seed in range(args.runs):
            after = align(case.notes, perturb(transcript, seed, args.respell, args.jitter))
            found = [x + y for x, y in zip(found, changes(before, after), strict=True)]
        totals = [x + y for x, y in zip(totals, found, strict=True)]
        other = case.transcript("openai")
        if other is not None:
            engines = [
                x + y
                for x, y in zip(engines, changes(before, align(case.notes, other)), strict=True)
            ]
        print(f"{case.name:24s} over {args.runs} runs: flips {found[1]}  flags {found[2]}  "
              f"starts moved {found[3]} of {found[0]} points")  # fmt: skip
    points = max(totals[0], 1)
    print(
        f"{'PERTURBED':24s} flips {totals[1]} ({100 * totals[1] / points:.1f}%)  "
        f"flag changes {totals[2]} ({100 * totals[2] / points:.1f}%)  "
        f"starts moved {totals[3]} ({100 * totals[3] / points:.1f}%) of {totals[0]} point-runs"
    )
    if engines[0]:
        print(
            f"{'OPENAI vs FASTER':24s} flips {engines[1]}  flag changes {engines[2]}  "
            f"starts moved {engines[3]} of {engines[0]} points"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
