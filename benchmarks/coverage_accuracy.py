"""Coverage accuracy against ground truth: said points found, skips missed, reorders flagged.

Usage: python benchmarks/coverage_accuracy.py DIR... [--transcripts DIR] [--verbose]

Every NAME.truth.json in the folders is a case (format: benchmarks/cases/README.md).
Its notes file (the truth's ``notes``) is looked up beside it, then in DIR/../notes and
./notes; its transcript in --transcripts, then DIR/transcripts/NAME.json; failing both the
recording is transcribed (cached by rehearse.transcribe).

A reorder counts as flagged when, for every pair of points said in swapped order, at least
one of the two is out_of_order (in a swap either member may be the one that "moved").
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rehearse.align import AlignOptions, align
from rehearse.models import Coverage, Notes, Transcript, from_json
from rehearse.notes import load_notes


@dataclass
class Tally:
    said: int = 0
    found: int = 0
    skipped: int = 0
    skipped_missed: int = 0
    inversions: int = 0
    inversions_flagged: int = 0
    false_flags: int = 0
    adlibs: int = 0
    adlibs_found: int = 0
    start_errors: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def calls(self) -> str:
        total = self.said + self.skipped
        right = self.found + self.skipped_missed
        return f"{right}/{total} ({100 * right / max(total, 1):.1f}%)"

    def line(self) -> str:
        errors = self.start_errors
        mean = sum(errors) / len(errors) if errors else float("nan")
        worst = max(errors) if errors else float("nan")
        return (
            f"calls {self.calls}  said found {self.found}/{self.said}  "
            f"skips missed {self.skipped_missed}/{self.skipped}  "
            f"reorders flagged {self.inversions_flagged}/{self.inversions} "
            f"(false flags {self.false_flags})  ad-libs found {self.adlibs_found}/{self.adlibs}  "
            f"start err mean {mean:.2f}s max {worst:.2f}s (>2s: {sum(e > 2.0 for e in errors)})"
        )


def _find(name: str, places: list[Path]) -> Path | None:
    return next((p / name for p in places if (p / name).is_file()), None)


def _transcript(truth_path: Path, truth: dict, notes: Notes, extra: Path | None) -> Transcript:
    name = truth_path.name.removesuffix(".truth.json")
    places = [p for p in (extra, truth_path.parent / "transcripts") if p]
    found = _find(f"{name}.json", places)
    if found:
        return from_json(Transcript, found.read_text())
    from rehearse.transcribe import TranscribeOptions, transcribe

    recording = truth_path.parent / truth["recording"]
    language = notes.language or truth.get("language")
    return transcribe(recording, TranscribeOptions(language=language)).transcript


def score_case(truth: dict, notes: Notes, coverage: Coverage) -> Tally:
    by_number = {notes.points[c.index].number: c for c in coverage.points}
    tally = Tally()
    said = {p["point"]: p for p in truth["points"]}
    for number, p in said.items():
        c = by_number[number]
        tally.said += 1
        if c.status != "missed":
            tally.found += 1
            tally.start_errors.append(abs(c.start - p["start"]))
    for number in truth.get("missed", []):
        tally.skipped += 1
        tally.skipped_missed += by_number[number].status == "missed"
    involved = set()
    for a in said:
        for b in said:
            if a < b and said[a]["order"] > said[b]["order"]:
                tally.inversions += 1
                involved |= {a, b}
                flagged = by_number[a].out_of_order or by_number[b].out_of_order
                tally.inversions_flagged += flagged
    for span in truth.get("adlib_spans", []):
        tally.adlibs += 1
        tally.adlibs_found += any(
            a.start < span["end"] and span["start"] < a.end for a in coverage.adlibs
        )
    tally.false_flags = sum(c.out_of_order and n not in involved for n, c in by_number.items())
    return tally


def _details(notes: Notes, truth: dict, coverage: Coverage) -> None:
    said = {p["point"]: p for p in truth["points"]}
    for c in coverage.points:
        t = said.get(c.number)
        want = f"said @{t['start']:6.1f} order {t['order']:2d}" if t else "skipped"
        got = f"{c.status:7s} {c.score:5.1f} @{c.start or 0:6.1f} ooo={c.out_of_order!s:5}"
        bad = (c.status == "missed") != (t is None)
        print(f"    {'!!' if bad else '  '} {c.number:3d} {want:26s} | {got} {c.quote[:50]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--transcripts", type=Path, help="folder of NAME.json transcripts")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every point")
    args = parser.parse_args(argv)
    overall = Tally()
    cases = sorted(p for d in args.dirs for p in d.glob("*.truth.json"))
    if not cases:
        print("no *.truth.json found", file=sys.stderr)
        return 2
    for path in cases:
        truth = json.loads(path.read_text())
        places = [path.parent, path.parent.parent / "notes", Path("notes")]
        notes_path = _find(truth["notes"], places)
        if notes_path is None:
            print(f"{path.name}: notes {truth['notes']} not found", file=sys.stderr)
            continue
        notes = load_notes(notes_path)
        coverage = align(notes, _transcript(path, truth, notes, args.transcripts), AlignOptions())
        tally = score_case(truth, notes, coverage)
        overall.add(tally)
        print(f"{path.name.removesuffix('.truth.json'):24s} {tally.line()}")
        if args.verbose:
            _details(notes, truth, coverage)
    print(f"{'OVERALL':24s} {overall.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
