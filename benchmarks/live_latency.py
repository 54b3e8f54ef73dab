"""How soon live following shows the point the speaker is on, on recordings with ground truth.

Each recording of ``benchmarks/cases`` (its ``.truth.json`` gives every point's start and
end) is cut in 1 s chunks and fed through ``rehearse.live.LiveRehearsal``, the code path of
``rehearse serve``'s live panel, in **simulated real time**: a chunk arrives when the
recording reaches its end; a pass starts when its audio has arrived and the previous pass is
done, and takes as long as it really took (wall clock, measured: other load on the machine
counts). So the figures are what a speaker would see, without waiting out the recording.

Per point change of the truth: how long after its start the live view showed that point
(clearly, not "…"); points never shown count as not within any bound (delay ``inf``). Wrong:
seconds the view showed a point that is neither the truth's current one nor the one before
it (a view still on the previous point is late, not wrong). Lag: how far the view was behind
the audio (end of a pass minus the audio it had heard). CPU: process CPU seconds per second
of audio (2.0 = both cores).

    .venv/bin/python benchmarks/live_latency.py                       # a default set of cases
    .venv/bin/python benchmarks/live_latency.py babylon-cut t-tram-swap --beam 1

Goal (issue 24): median under 3 s, 90 % within 5 s, never behind by more than 5 s.
Last line (scripts read it):
``live_latency median=S p90=S within3=A/B within5=A/B wrong_s=S max_lag=S``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse import audio
from rehearse.audio import SAMPLE_RATE
from rehearse.live import LiveRehearsal
from rehearse.notes import load_notes
from rehearse.transcribe.stream import LIVE_BEAM, StreamOptions, live_model

CASES = Path(__file__).resolve().parent / "cases"
DEFAULT = ("tune/babylon-cut", "tune/t-tram-swap", "tune/en-skips", "tune/pl2-skips")
CHUNK = 1.0  # s of audio per chunk, as the record page sends it


@dataclass(frozen=True)
class Run:
    """One recording streamed: the view over time, the truth, lag and CPU."""

    name: str
    duration: float
    shown: list[tuple[float, int | None]]  # (clock s, point index shown clearly or None)
    truth: list[tuple[float, float, int]]  # (start, end, point index) in spoken order
    max_lag: float
    cpu: float  # CPU s per audio s
    words: int
    passes: list[tuple[float, float]]  # per pass: its wall seconds, the buffer it decoded (s)


def stream(case: Path, model, beam: int) -> Run:
    truth_data = json.loads(Path(f"{case}.truth.json").read_text())
    recording = case.parent / truth_data["recording"]
    notes = load_notes(case.parent / truth_data["notes"])
    number = {p.number: p.index for p in notes.points}
    truth = [(p["start"], p["end"], number[p["point"]]) for p in truth_data["points"]]
    samples = np.concatenate(list(audio.stream(recording)))  # a case: a few minutes at most
    duration = len(samples) / SAMPLE_RATE
    live = LiveRehearsal(
        notes, model, truth_data["language"], options=StreamOptions(truth_data["language"], beam)
    )
    step = int(CHUNK * SAMPLE_RATE)
    clock, max_lag, shown, passes = 0.0, 0.0, [(0.0, None)], []
    cpu = time.process_time()
    sent = 0
    while sent < len(samples):
        # every chunk that has arrived by now goes in, as the server's queue holds them
        clock = max(clock, min(len(samples), sent + step) / SAMPLE_RATE)
        while sent < len(samples) and min(len(samples), sent + step) / SAMPLE_RATE <= clock:
            live.add(samples[sent : sent + step])
            sent += step
        if not live.ready():
            continue
        done = live.step()
        passes.append((done.seconds, done.buffer))
        clock += done.seconds
        max_lag = max(max_lag, clock - done.heard)
        view = live.view
        shown.append((clock, view.current if view.clear else None))
    started = time.perf_counter()
    view = live.finish()
    clock += time.perf_counter() - started
    shown.append((clock, view.current if view.clear else None))
    cpu = (time.process_time() - cpu) / duration
    return Run(case.name, duration, shown, truth, max_lag, cpu, len(live.words), passes)


def delays(run: Run) -> list[float]:
    """Per truth point change: seconds from its start until the view showed it."""
    out = []
    for k, (start, _end, point) in enumerate(run.truth):
        until = run.truth[k + 1][0] if k + 1 < len(run.truth) else float("inf")
        seen = [t for t, p in run.shown if p == point and t >= start]
        # shown before the truth moves on again, or while the view still lags behind it
        first = seen[0] if seen and seen[0] < until + 10.0 else None
        # already on it (a point said twice in a row) counts from its start
        on = [p for t, p in run.shown if t <= start]
        if on and on[-1] == point:
            first = start
        out.append(float("inf") if first is None else first - start)
    return out


def wrong(run: Run) -> float:
    """Seconds the view showed a point neither current in the truth nor just before it."""
    total = 0.0
    ends = [*[t for t, _ in run.shown[1:]], run.shown[-1][0]]
    for (t, point), end in zip(run.shown, ends, strict=True):
        if point is None:
            continue
        for a, b in _pieces(t, end, run.truth):
            if point not in _allowed(run.truth, (a + b) / 2):
                total += b - a
    return total


def _pieces(a: float, b: float, truth) -> list[tuple[float, float]]:
    cuts = sorted({a, b, *(s for s, _, _ in truth if a < s < b)})
    return list(itertools.pairwise(cuts))


def _allowed(truth, t: float) -> set[int]:
    before = [k for k, (s, _, _) in enumerate(truth) if s <= t]
    if not before:
        return set()
    k = before[-1]
    return {truth[k][2]} | ({truth[k - 1][2]} if k else set())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=list(DEFAULT), help="under benchmarks/cases")
    parser.add_argument("--beam", type=int, default=LIVE_BEAM)
    args = parser.parse_args()
    model = live_model()
    load = os.getloadavg()[0]
    print(f"live model base, beam {args.beam}, chunks of {CHUNK:.0f} s, load average {load:.2f}")
    everything, wrong_total, lag = [], 0.0, 0.0
    for name in args.cases:
        run = stream(CASES / name, model, args.beam)
        found = delays(run)
        everything += found
        wrong_s, lag = wrong(run), max(lag, run.max_lag)
        wrong_total += wrong_s
        kept_up = "kept up" if run.max_lag <= 5.0 else "fell behind"
        took, buffer = np.mean(run.passes, axis=0)
        print(
            f"\n{name}: {run.duration:.0f} s, {run.words} words, CPU {run.cpu:.2f} cores/s, "
            f"max lag {run.max_lag:.1f} s ({kept_up}), wrong {wrong_s:.1f} s; "
            f"{len(run.passes)} passes of {took:.2f} s on {buffer:.1f} s of audio on average"
        )
        for (start, _, point), delay in zip(run.truth, found, strict=True):
            print(f"  point {point + 1:>2} at {start:6.1f} s: shown after {delay:5.1f} s")
    finite = np.array(everything)
    n = len(finite)
    median = float(np.median(finite))
    p90 = float(np.percentile(finite, 90, method="higher"))
    within3 = int((finite <= 3.0).sum())
    within5 = int((finite <= 5.0).sum())
    print(f"\nload average now {os.getloadavg()[0]:.2f} (at start {load:.2f})")
    print(
        f"live_latency median={median:.1f} p90={p90:.1f} within3={within3}/{n} "
        f"within5={within5}/{n} wrong_s={wrong_total:.1f} max_lag={lag:.1f}"
    )


if __name__ == "__main__":
    main()
