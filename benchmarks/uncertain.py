"""How often points go "uncertain": on clean held-out rehearsals against degraded copies.

A point the aligner would call skipped (or partly said) becomes uncertain when the stretch of
the recording where it should be was heard badly (``rehearse/transcribe/hearing.py``). That
must almost never happen on clean speech, and should on speech Whisper cannot hear.

- **clean**: every held-out case (``benchmarks/cases/heldout``), transcribed with
  faster-whisper base as ``rehearse analyze`` does (cached in ``$REHEARSE_HOME``; the stored
  transcripts in ``heldout/transcripts`` predate the per-segment confidence).
- **degraded**: a few real readings of the held-out set made hard to hear with ffmpeg and
  sox (``DEGRADATIONS``: heavy noise, a low-pass, a loud music-like chord, heavy reverb, a
  far microphone), written to ``--work`` and transcribed the same way.

Per set, real readings and espeak-ng voices apart: points, points uncertain (%), and against
the truth what the uncertain points really were: points said (which would otherwise have been
reported skipped or partly said) or points really skipped (a real skip hidden); and the said
points still reported skipped. A recording the analysis refuses (no speech found, another
language heard) counts as refused.

    .venv/bin/python -m benchmarks.uncertain              # both sets
    .venv/bin/python -m benchmarks.uncertain --only clean -v
    .venv/bin/python -m benchmarks.uncertain --cached-only  # clean: only what is transcribed
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from rehearse.align import align
from rehearse.files import sha256_file
from rehearse.models import Coverage, Notes, Transcript
from rehearse.notes import load_notes
from rehearse.transcribe import (
    TranscribeOptions,
    _cache_dir,
    _digest,
    cache_key,
    transcribe,
    weights,
)
from rehearse.transcribe.hearing import judge

HELDOUT = Path(__file__).resolve().parent / "cases" / "heldout"
# Real readings (human voices) of the held-out set, English and Polish.
CLIPS = ("ho-ivory-full", "ho5-babylon-full", "ho5-gornictwo-full", "ho6-sonnets-full")
# name -> (ffmpeg -filter_complex on [0:a] giving [out], or None, sox effects or None):
# applied to the clip as 16 kHz mono; the noise sources are seeded, so the audio and its cached
# transcript are the same run after run.
DEGRADATIONS = {
    # white noise louder than the speech (SNR about -6 dB)
    "noise": (
        "anoisesrc=color=white:amplitude=0.12:sample_rate=16000:seed=1[n];"
        "[0:a][n]amix=inputs=2:duration=first:normalize=0[out]",
        None,
    ),
    # everything above 250 Hz gone: speech through a wall
    "lowpass": ("[0:a]lowpass=f=250,lowpass=f=250,lowpass=f=250,volume=4[out]", None),
    # a loud, wavering chord over the speech (a music-like tone)
    "music": (
        "sine=f=220:sample_rate=16000[a];sine=f=277:sample_rate=16000[b];"
        "sine=f=330:sample_rate=16000[c];sine=f=660:sample_rate=16000[d];"
        "[a][b][c][d]amix=inputs=4:normalize=0,volume=7,tremolo=f=3:d=0.9,vibrato=f=5:d=0.5[m];"
        "[0:a][m]amix=inputs=2:duration=first:normalize=0[out]",
        None,
    ),
    # a big hall, only the reverberation (no direct sound), muffled
    "reverb": (None, "reverb -w 100 50 100 100 200 10 lowpass 1500 gain -n -3"),
    # the same far away: 20 dB quieter, more muffled, over a pink-noise room
    "far": (
        "anoisesrc=color=pink:amplitude=0.03:sample_rate=16000:seed=2[n];"
        "[0:a][n]amix=inputs=2:duration=first:normalize=0[out]",
        "reverb -w 100 50 100 100 200 10 lowpass 1200 gain -n -20",
    ),
}


@dataclass(frozen=True)
class Case:
    name: str
    recording: Path
    notes: Notes
    truth: dict


@dataclass
class Tally:
    points: int = 0
    uncertain: int = 0
    caught: int = 0  # uncertain points the truth says were said: false skips avoided
    hidden: int = 0  # uncertain points the truth says were skipped: real skips hidden
    false_skips: int = 0  # said points still reported skipped
    recordings: int = 0
    refused: int = 0

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def line(self) -> str:
        share = self.uncertain / self.points if self.points else 0.0
        return (
            f"{self.recordings} recordings ({self.refused} refused), {self.points} points: "
            f"uncertain {self.uncertain} ({share:.1%}); of them said {self.caught}, really "
            f"skipped {self.hidden}; said but reported skipped {self.false_skips}"
        )


def heldout_cases() -> list[Case]:
    out = []
    for path in sorted(HELDOUT.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        notes = load_notes(HELDOUT / truth["notes"])
        name = path.name.removesuffix(".truth.json")
        out.append(Case(name, HELDOUT / truth["recording"], notes, truth))
    return out


def degraded_cases(work: Path) -> list[Case]:
    """Every clip of ``CLIPS`` under every degradation, built into ``work`` once."""
    work.mkdir(parents=True, exist_ok=True)
    cases = {c.name: c for c in heldout_cases()}
    out = []
    for clip in CLIPS:
        case = cases[clip]
        clean = work / f"{clip}-clean.wav"
        if not clean.exists():
            _run([*FFMPEG, "-i", str(case.recording), *MONO, str(clean)])
        for kind, (graph, effects) in DEGRADATIONS.items():
            target = work / f"{clip}-{kind}.wav"
            if not target.exists():
                degrade(clean, target, graph, effects)
            out.append(replace(case, name=f"{clip}-{kind}", recording=target))
    return out


def degrade(clean: Path, target: Path, graph: str | None, effects: str | None) -> None:
    """``clean`` through sox ``effects`` and then the ffmpeg filter ``graph``, to ``target``."""
    source = clean
    if effects:
        source = target.with_suffix(".sox.wav")
        _run(["sox", str(clean), str(source), *effects.split()])
    if graph:
        mapped = ("-filter_complex", graph, "-map", "[out]")
        _run([*FFMPEG, "-i", str(source), *mapped, *MONO, str(target)])
        if effects:
            source.unlink()
    else:
        source.replace(target)


FFMPEG = ("ffmpeg", "-loglevel", "error", "-y")
MONO = ("-ac", "1", "-ar", "16000")


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


def options_of(case: Case) -> TranscribeOptions:
    return TranscribeOptions(language=case.notes.language or case.truth["language"])


def cached(case: Case) -> bool:
    """Whether the case's transcript is in the transcript cache already."""
    options = options_of(case)
    source = weights.resolve(options.engine, options.model)
    key = cache_key(sha256_file(case.recording), source, options)
    return (_cache_dir(options) / f"{_digest(key)[:32]}.json").is_file()


def transcript_of(case: Case) -> Transcript | None:
    """The case's transcript as ``rehearse analyze`` makes it (from the cache when it is
    there); None when the recording is refused (no speech found, another language)."""
    options = options_of(case)
    try:
        return transcribe(case.recording, options).transcript
    except Exception as exc:  # a recording too degraded to find speech in is refused
        print(f"  {case.name}: refused ({exc})", file=sys.stderr)
        return None


def score(case: Case, transcript: Transcript, verbose: bool) -> Tally:
    coverage: Coverage = align(case.notes, transcript)
    judged = judge(transcript, coverage)
    missed = set(case.truth["missed"])
    tally = Tally(points=len(judged.points), recordings=1)
    for before, after in zip(coverage.points, judged.points, strict=True):
        said = before.number not in missed
        if after.status == "uncertain":
            tally.uncertain += 1
            tally.caught += said
            tally.hidden += not said
        elif after.status == "missed" and said:
            tally.false_skips += 1
    if verbose:
        marks = " ".join(f"{p.number}{p.status[0]}" for p in judged.points)
        print(f"  {case.name}: {marks} (truth skipped {sorted(missed)})")
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("clean", "degraded"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/rehearse-uncertain"))
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--cached-only", action="store_true", help="only the cases already transcribed"
    )
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f}; faster-whisper base, beam 5")
    sets = {"clean": heldout_cases, "degraded": lambda: degraded_cases(args.work)}
    for name, make in sets.items():
        if args.only and name != args.only:
            continue
        totals: dict[str, Tally] = {}
        left = 0
        for case in make():
            if name == "clean" and args.cached_only and not cached(case):
                left += 1
                continue
            voice = "real voices" if case.truth["voice"].startswith("human") else "synthetic"
            total = totals.setdefault(voice, Tally())
            transcript = transcript_of(case)
            if transcript is None:
                total.add(Tally(recordings=1, refused=1))
                continue
            total.add(score(case, transcript, args.verbose))
        for voice, total in sorted(totals.items()):
            print(f"{name}, {voice}: {total.line()}")
        if left:
            print(f"{name}: {left} recordings not transcribed yet, left out (--cached-only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
