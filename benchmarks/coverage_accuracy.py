"""Coverage accuracy against ground truth, per case set and per transcription engine.

Usage: python -m benchmarks.coverage_accuracy [DIR ...] [--engine faster|openai]
                                              [--verbose] [--timing] [--only-prefix P | --only GLOB]

DIR defaults to benchmarks/cases/tune and benchmarks/cases/heldout (tune: the cases constants
may be chosen on; heldout: cases nobody tunes on, the figures to quote). Every NAME.truth.json
in a folder is a case (format: benchmarks/specs/README.md); its notes file lies beside it, its
transcripts in DIR/transcripts/<engine>/NAME.json (made by ``benchmarks.make_cases
--transcribe``). Each set is scored with each engine's transcripts, over all cases and over the
real-speech cases alone.

Scored: points called right (said vs skipped); reordered pairs flagged (for every pair said in
swapped order, at least one of the two is out_of_order) and false flags (points flagged that
are in no swapped pair, restarts and repeats included); starts of the points found against the
truth (the point's last complete delivery); restarts reported at the right point within 2 s;
repeats found; ad-libs found and false ad-libs (reported over a point's delivery).

By kind (a second line per set and engine, ``BY KIND``), from the truth's ``cut``, ``never``,
``reorders`` and ``mentions`` (benchmarks/specs/README.md): real skips caught (a cut point, whose
passage exists, reported missed), invented skips caught (a point with no passage at all reported
missed), swaps flagged (both of the pair out_of_order; at least one), moves flagged (the moved
point out_of_order), false flags (points out_of_order that are in no swap and are no moved
point: a point a move jumped over counts), restarts found within 2 s at the right point and
false restarts, mentions reported (a cut point's truth mention counts when the point is missed
and one of its ``mentions`` overlaps the truth span), and the starts (mean error, within 2 s).
Truths without these keys count only in the restarts and starts.

``--only-prefix P`` or ``--only GLOB`` scores only the cases whose name starts with P or matches
GLOB (e.g. ``--only-prefix ho5`` for one held-out batch).

``--timing`` transcribes each recording afresh (no cache) and prints, per case, the
transcription time beside the alignment time, and their ratio.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from rehearse.align import AlignOptions, align
from rehearse.models import Coverage, Notes, Transcript, from_dict, overlap
from rehearse.notes import load_notes

CASES = Path(__file__).resolve().parent / "cases"
ENGINES = ("faster", "openai")
NEAR = 2.0  # s: a start or a restart this close to the truth is right


class _Sums:
    """Counts that add up field by field over cases."""

    def add(self, other: _Sums) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Tally(_Sums):
    said: int = 0
    found: int = 0
    skipped: int = 0
    skipped_missed: int = 0
    inversions: int = 0
    inversions_flagged: int = 0
    false_flags: int = 0
    restarts: int = 0
    restarts_found: int = 0
    false_restarts: int = 0
    repeats: int = 0
    repeats_found: int = 0
    adlibs: int = 0
    adlibs_found: int = 0
    false_adlibs: int = 0
    start_errors: list[float] = field(default_factory=list)
    align_seconds: float = 0.0

    @property
    def right(self) -> int:
        return self.found + self.skipped_missed

    @property
    def calls(self) -> int:
        return self.said + self.skipped

    @property
    def near_starts(self) -> int:
        return sum(e <= NEAR for e in self.start_errors)

    @property
    def mean_start_error(self) -> float:
        errors = self.start_errors
        return sum(errors) / len(errors) if errors else float("nan")

    def line(self) -> str:
        errors = self.start_errors
        return (
            f"calls {self.right}/{self.calls} ({100 * self.right / max(self.calls, 1):.1f}%)  "
            f"said {self.found}/{self.said}  skips {self.skipped_missed}/{self.skipped}  "
            f"reorders {self.inversions_flagged}/{self.inversions} "
            f"(false flags {self.false_flags})  "
            f"restarts {self.restarts_found}/{self.restarts} (false {self.false_restarts})  "
            f"repeats {self.repeats_found}/{self.repeats}  "
            f"ad-libs {self.adlibs_found}/{self.adlibs} (false {self.false_adlibs})  "
            f"start err mean {self.mean_start_error:.2f}s "
            f"max {max(errors, default=float('nan')):.2f}s "
            f"within {NEAR:.0f}s {self.near_starts}/{len(errors)}"
        )


@dataclass
class KindTally(_Sums):
    """The same comparison by the kind of thing that happens in a rehearsal."""

    cut: int = 0
    cut_caught: int = 0
    never: int = 0
    never_caught: int = 0
    swaps: int = 0
    swaps_both: int = 0
    swaps_one: int = 0
    moves: int = 0
    moves_flagged: int = 0
    false_flags: int = 0
    restarts: int = 0
    restarts_found: int = 0
    false_restarts: int = 0
    mentions: int = 0
    mentions_found: int = 0
    false_mentions: int = 0
    start_errors: list[float] = field(default_factory=list)

    def line(self) -> str:
        errors = self.start_errors
        mean = sum(errors) / len(errors) if errors else float("nan")
        return (
            f"real skips {self.cut_caught}/{self.cut}  invented skips "
            f"{self.never_caught}/{self.never}  swaps {self.swaps_one}/{self.swaps} "
            f"(both {self.swaps_both})  moves {self.moves_flagged}/{self.moves}  "
            f"false flags {self.false_flags}  restarts {self.restarts_found}/{self.restarts} "
            f"(false {self.false_restarts})  mentions {self.mentions_found}/{self.mentions} "
            f"(of never-said points {self.false_mentions})  "
            f"starts mean {mean:.2f}s within {NEAR:.0f}s "
            f"{sum(e <= NEAR for e in errors)}/{len(errors)}"
        )


def score_kinds(truth: dict, notes: Notes, coverage: Coverage) -> KindTally:
    """How ``coverage`` compares with one case's truth by kind."""
    by_number = {notes.points[c.index].number: c for c in coverage.points}
    tally = KindTally()
    for key, caught in (("cut", "cut_caught"), ("never", "never_caught")):
        points = truth.get(key, [])
        setattr(tally, key, len(points))
        setattr(tally, caught, sum(by_number[n].status == "missed" for n in points))
    involved = set()
    for step in truth.get("reorders", []):
        flagged = [by_number[n].out_of_order for n in step["points"]]
        involved |= set(step["points"])
        if step["kind"] == "swap":
            tally.swaps += 1
            tally.swaps_both += all(flagged)
            tally.swaps_one += any(flagged)
        else:
            tally.moves += 1
            tally.moves_flagged += all(flagged)
    tally.false_flags = sum(c.out_of_order and n not in involved for n, c in by_number.items())
    restarts = Tally()
    _score_restarts(truth, coverage, restarts)
    tally.restarts, tally.restarts_found = restarts.restarts, restarts.restarts_found
    tally.false_restarts = restarts.false_restarts
    for m in truth.get("mentions", []):
        tally.mentions += 1
        c = by_number[m["point"]]
        reported = [(x.start, x.end) for x in getattr(c, "mentions", ())]
        tally.mentions_found += c.status == "missed" and any(
            overlap(*r, m["start"], m["end"]) > 0 for r in reported
        )
    tally.false_mentions = sum(
        len(getattr(by_number[n], "mentions", ())) > 0 for n in truth.get("never", [])
    )
    for p in truth["points"]:
        c = by_number[p["point"]]
        if c.status != "missed" and c.start is not None:
            tally.start_errors.append(abs(c.start - p["start"]))
    return tally


def score_case(truth: dict, notes: Notes, coverage: Coverage) -> Tally:
    """How ``coverage`` compares with one case's ``truth``."""
    by_number = {notes.points[c.index].number: c for c in coverage.points}
    tally = Tally()
    said = {p["point"]: p for p in truth["points"]}
    for number, p in said.items():
        c = by_number[number]
        tally.said += 1
        if c.status != "missed":
            tally.found += 1
            tally.start_errors.append(abs(c.start - p["start"]))
        for r in p.get("repeats", []):
            tally.repeats += 1
            spans = [(c.start, c.end)] + [(x.start, x.end) for x in c.repeats]
            tally.repeats_found += c.status != "missed" and any(
                s[0] is not None and overlap(*s, r["start"], r["end"]) > 0 for s in spans
            )
    for number in truth.get("missed", []):
        tally.skipped += 1
        tally.skipped_missed += by_number[number].status == "missed"
    involved = set()
    for a in said:
        for b in said:
            if a < b and said[a]["order"] > said[b]["order"]:
                tally.inversions += 1
                involved |= {a, b}
                tally.inversions_flagged += by_number[a].out_of_order or by_number[b].out_of_order
    tally.false_flags = sum(c.out_of_order and n not in involved for n, c in by_number.items())
    _score_restarts(truth, coverage, tally)
    _score_adlibs(truth, coverage, tally)
    return tally


def _score_restarts(truth: dict, coverage: Coverage, tally: Tally) -> None:
    expected = truth.get("restarts", [])
    tally.restarts = len(expected)
    matched = set()
    for r in coverage.restarts:
        hit = next(
            (
                i
                for i, e in enumerate(expected)
                if i not in matched
                and e["from_point"] == r.from_point
                and abs(e["at"] - r.at) <= NEAR
            ),
            None,
        )
        if hit is None:
            tally.false_restarts += 1
        else:
            matched.add(hit)
    tally.restarts_found = len(matched)


def _score_adlibs(truth: dict, coverage: Coverage, tally: Tally) -> None:
    spans = truth.get("adlib_spans", [])
    tally.adlibs = len(spans)
    tally.adlibs_found = sum(
        any(overlap(a.start, a.end, s["start"], s["end"]) > 0 for a in coverage.adlibs)
        for s in spans
    )
    offscript = [(s["start"], s["end"]) for s in truth.get("offscript_spans", spans)]
    for a in coverage.adlibs:
        inside = sum(overlap(a.start, a.end, *s) for s in offscript)
        tally.false_adlibs += inside < 0.5 * (a.end - a.start)


def _details(notes: Notes, truth: dict, coverage: Coverage) -> None:
    said = {p["point"]: p for p in truth["points"]}
    for c in coverage.points:
        t = said.get(c.number)
        want = f"said @{t['start']:6.1f} order {t['order']:2d}" if t else "skipped"
        if t and t.get("repeats"):
            want += f" +{len(t['repeats'])}"
        got = f"{c.status:7s} {c.score:5.1f} @{c.start or 0:6.1f} ooo={c.out_of_order!s:5}"
        got += f" +{len(c.repeats)}" if c.repeats else ""
        bad = (c.status == "missed") != (t is None)
        late = t is not None and c.start is not None and abs(c.start - t["start"]) > NEAR
        mark = "!!" if bad else ("~~" if late else "  ")
        print(f"    {mark} {c.number:3d} {want:28s} | {got} {c.quote[:50]}")
    for r in coverage.restarts:
        print(f"    restart at {r.at:.1f} from {r.from_point}  (truth {truth.get('restarts')})")
    for c in coverage.points:
        for m in getattr(c, "mentions", ()):
            print(f"    mention of {c.number} at {m.start:.1f}-{m.end:.1f} in {m.in_point}")
    for a in coverage.adlibs:
        print(f"    ad-lib {a.start:.1f}-{a.end:.1f}: {a.text[:60]}")


@dataclass(frozen=True)
class Case:
    name: str
    truth: dict
    notes: Notes
    folder: Path

    @property
    def human(self) -> bool:
        return self.truth.get("voice", "").startswith("human")

    def transcript(self, engine: str) -> Transcript | None:
        path = self.folder / "transcripts" / engine / f"{self.name}.json"
        if not path.is_file():
            return None
        return from_dict(Transcript, json.loads(path.read_text(encoding="utf-8")))


def cases(folder: Path) -> list[Case]:
    out = []
    for path in sorted(folder.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        notes = load_notes(folder / truth["notes"])
        out.append(Case(path.name.removesuffix(".truth.json"), truth, notes, folder))
    return out


def run(
    folder: Path, engine: str, options: AlignOptions, pattern: str = "*"
) -> dict[str, tuple[Tally, Coverage]]:
    """Every case of ``folder`` (named like ``pattern``) aligned on ``engine``'s transcripts:
    name -> (tally, coverage)."""
    out = {}
    for case in cases(folder):
        if not fnmatch.fnmatchcase(case.name, pattern):
            continue
        transcript = case.transcript(engine)
        if transcript is None:
            continue
        began = time.perf_counter()
        coverage = align(case.notes, transcript, options)
        tally = score_case(case.truth, case.notes, coverage)
        tally.align_seconds = time.perf_counter() - began
        out[case.name] = (tally, coverage)
    return out


def _timing(case: Case, engine: str, align_seconds: float) -> str:
    from rehearse.transcribe import TranscribeOptions, transcribe

    language = case.notes.language or case.truth["language"]
    options = TranscribeOptions(engine=engine, language=language, beam_size=5, cache=False)
    seconds = transcribe(case.folder / case.truth["recording"], options).seconds
    share = 100 * align_seconds / seconds
    return f"  transcribe {seconds:.1f}s align {align_seconds:.2f}s ({share:.1f}%)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--engine", choices=ENGINES, action="append", help="default: both")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every point")
    parser.add_argument("--timing", action="store_true", help="transcribe afresh, print times")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--only-prefix", metavar="P", help="only the cases whose name starts so")
    only.add_argument("--only", metavar="GLOB", help="only the cases whose name matches GLOB")
    args = parser.parse_args(argv)
    pattern = f"{args.only_prefix}*" if args.only_prefix else args.only or "*"
    folders = args.dirs or [p for p in (CASES / "tune", CASES / "heldout") if p.is_dir()]
    found_any = False
    for folder in folders:
        by_name = {c.name: c for c in cases(folder)}
        for engine in args.engine or ENGINES:
            results = run(folder, engine, AlignOptions(), pattern)
            if not results:
                continue
            found_any = True
            print(f"== {folder.name} / {engine} ({len(results)} cases)")
            overall, human, by_kind, human_kind = Tally(), Tally(), KindTally(), KindTally()
            for name, (tally, coverage) in results.items():
                overall.add(tally)
                case = by_name[name]
                kinds = score_kinds(case.truth, case.notes, coverage)
                by_kind.add(kinds)
                if case.human:
                    human.add(tally)
                    human_kind.add(kinds)
                extra = _timing(by_name[name], engine, tally.align_seconds) if args.timing else ""
                print(f"{name:24s} {tally.line()}{extra}")
                if args.verbose:
                    _details(by_name[name].notes, by_name[name].truth, coverage)
            print(f"{'OVERALL':24s} {overall.line()}")
            if human.calls:
                print(f"{'REAL SPEECH':24s} {human.line()}")
            print(f"{'BY KIND':24s} {by_kind.line()}")
            if human.calls:
                print(f"{'REAL SPEECH BY KIND':24s} {human_kind.line()}")
            print(f"{'align time':24s} {overall.align_seconds:.2f}s")
    if not found_any:
        print("no cases with transcripts found", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
