"""Build the benchmark rehearsals in benchmarks/cases/<set>/ from the talks in benchmarks/specs/.

Each talk is a YAML spec (format: benchmarks/specs/README.md): its notes, what can be said for
each point, and its rehearsals as scripts. Synthetic talks are spoken piece by piece with
espeak-ng (one WAV per item; truth times add up the pieces' lengths measured with ``sox --i -D``,
with the case's gap between pieces). Human talks are cut, unit by unit, out of a real recording in
benchmarks/sources/ (unit times: benchmarks/sources.py) and re-joined.

Writes NAME.<ext>, NAME.truth.json and the notes files. ``--transcribe`` also writes
transcripts/<engine>/NAME.json for every case of the set (Transcript JSON, Whisper base, beam 5,
both engines), so the aligner can be measured without running Whisper again.

    .venv/bin/python -m benchmarks.make_cases [--set tune|heldout] [--only NAME ...]
                                              [--transcribe [--no-build]] [--engine ...]
                                              [--kinds]

``--kinds`` builds nothing: it adds the truth by kind (``cut``, ``never``, ``reorders``,
``mentions``) to the truths of cases already built.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchmarks import sources

log = logging.getLogger("benchmarks.make_cases")

ROOT = Path(__file__).resolve().parent
SPECS = ROOT / "specs"
CASES = ROOT / "cases"
SETS = ("tune", "heldout")
ENGINES = ("faster", "openai")
GAP = 0.8  # s between synthetic items, unless the case says otherwise
TAIL = 0.5
SYNTH_RATE = 22050
HUMAN_RATE = 32000
ADLIB_SECONDS = 10.0  # off-script items this long are ad-libs in the truth


# --- specs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    ext: str
    script: tuple[str, ...]
    about: str = ""
    voice: str = ""
    speed: int = 160
    gap: float = GAP
    bitrate: str = "32k"


@dataclass(frozen=True)
class Talk:
    """A spec file: notes, per-point speech (synthetic) or passages (human), cases."""

    path: Path
    notes_file: str
    language: str
    notes: str
    cases: tuple[Case, ...]
    speech: dict[int, dict[str, str]] = field(default_factory=dict)
    source: str | None = None
    passages: dict[int, tuple[int, int]] = field(default_factory=dict)
    offscript: dict = field(default_factory=dict)
    mentions: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def human(self) -> bool:
        return self.source is not None


def load_talk(path: Path) -> Talk:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = tuple(
        Case(**{**c, "script": tuple(str(i) for i in c["script"])}) for c in data["cases"]
    )
    talk = Talk(
        path=path,
        notes_file=data["notes_file"],
        language=data["language"],
        notes=data["notes"],
        cases=cases,
        speech={int(k): v for k, v in (data.get("speech") or {}).items()},
        source=data.get("source"),
        passages={int(k): tuple(v) for k, v in (data.get("passages") or {}).items()},
        offscript=data.get("offscript") or {},
        mentions={int(k): tuple(v) for k, v in (data.get("mentions") or {}).items()},
    )
    for case in cases:
        for item in case.script:
            _check_item(talk, case, item)
    return talk


def talks(which: str) -> list[Talk]:
    return [load_talk(p) for p in sorted((SPECS / which).glob("*.yaml"))]


_POINT = re.compile(r"(\d+)([a-z]?)(?:(:part)|:pause@(\d+):(\d+(?:\.\d+)?))?")


def _check_item(talk: Talk, case: Case, item: str) -> None:
    where = f"{talk.path.name}: {case.name}: {item!r}"
    if item == "restart" or item.startswith("pause:"):
        return
    if item.startswith("off:"):
        if item[4:] not in talk.offscript:
            raise SystemExit(f"{where}: no offscript {item[4:]!r}")
        return
    match = _POINT.fullmatch(item)
    if not match:
        raise SystemExit(f"{where}: not a script item")
    number, variant = int(match[1]), match[2]
    if talk.human and number not in talk.passages:
        raise SystemExit(f"{where}: no passage for point {number}")
    if match[4] and not (talk.human and 1 <= int(match[4]) < _length(talk.passages[number])):
        raise SystemExit(f"{where}: a pause inside needs a human passage longer than that")
    if not talk.human and variant not in talk.speech.get(number, {}):
        raise SystemExit(f"{where}: no speech variant {variant!r} for point {number}")


def _length(passage: tuple[int, int]) -> int:
    return passage[1] - passage[0] + 1


# --- audio -------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def _sox(*args: str) -> str:
    """sox without dither and with fixed random numbers, so that builds are byte-identical."""
    return _run("sox", "-D", "-R", *args)


def seconds(wav: Path) -> float:
    return float(_run("sox", "--i", "-D", str(wav)))


def silence(out: Path, duration: float, rate: int) -> Path:
    _sox("-n", "-r", str(rate), "-c", "1", "-b", "16", str(out), "trim", "0", f"{duration}")
    return out


def speak(text: str, out: Path, *, voice: str, speed: int) -> Path:
    """espeak-ng ``text`` into ``out``, leading and trailing silence trimmed."""
    raw = out.with_suffix(".raw.wav")
    _run("espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text)
    trim = ("silence", "1", "0.01", "0.1%")
    _sox(str(raw), str(out), *trim, "reverse", *trim, "reverse")
    return out


def cut(source: Path, out: Path, start: float, end: float) -> Path:
    _sox(str(source), str(out), "trim", f"{start}", f"={end}")
    return out


def concat(parts: list[Path], out: Path) -> Path:
    _sox(*map(str, parts), str(out))
    return out


_CODECS = {
    "ogg": ("-c:a", "libopus", "-f", "ogg"),
    "webm": ("-c:a", "libopus", "-f", "webm"),
    "mp3": ("-c:a", "libmp3lame", "-ar", "22050"),
    "m4a": ("-c:a", "aac"),
    "wav": ("-c:a", "pcm_s16le", "-ar", "16000"),
    "flac": ("-c:a", "flac", "-ar", "16000"),  # lossless like wav, at about 60 % of its size
}


def encode(wav: Path, out: Path, bitrate: str) -> Path:
    codec = _CODECS[out.suffix[1:]]
    rate = () if out.suffix in (".wav", ".flac") else ("-b:a", bitrate)
    _run(
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
        "-ac", "1", *codec, *rate, "-map_metadata", "-1", "-fflags", "+bitexact",
        "-flags:a", "+bitexact", str(out),
    )  # fmt: skip
    return out


# --- the timeline ------------------------------------------------------------------------------


@dataclass
class Delivery:
    point: int
    start: float
    end: float
    verbatim: bool
    part: bool


@dataclass
class Timeline:
    """Pieces laid end to end, with what the truth needs to know about them."""

    parts: list[Path] = field(default_factory=list)
    now: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    offscript: list[dict] = field(default_factory=list)
    pauses: list[dict] = field(default_factory=list)
    restarts: list[dict] = field(default_factory=list)
    units: list[tuple[int, float, float]] = field(default_factory=list)  # human: (unit, start, end)
    words: int = 0
    last_speech_end: float = 0.0
    pending_pause: bool = False
    pending_restart: bool = False

    def add(self, wav: Path, length: float) -> float:
        start = self.now
        self.parts.append(wav)
        self.now += length
        return start

    def speech(self, start: float, end: float, text: str) -> None:
        if self.pending_pause:
            self.pauses.append(
                {
                    "start": round(self.last_speech_end, 2),
                    "duration": round(start - self.last_speech_end, 2),
                }
            )
            self.pending_pause = False
        self.words += count_words(text)
        self.last_speech_end = end

    def deliver(self, point: int, start: float, end: float, verbatim: bool, part: bool) -> None:
        if self.pending_restart:
            self.restarts.append({"at": round(start, 2), "from_point": point})
            self.pending_restart = False
        self.deliveries.append(Delivery(point, start, end, verbatim, part))


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", text.strip()) if s]


def first_half(text: str) -> str:
    """The first half of ``text``'s sentences (at least one); of its words for one sentence."""
    parts = _sentences(text)
    if len(parts) > 1:
        return " ".join(parts[: len(parts) // 2])
    words = text.split()
    return " ".join(words[: max(1, len(words) // 2)])


def build_synthetic(talk: Talk, case: Case, tmp: Path) -> Timeline:
    line = Timeline()
    gap = silence(tmp / "gap.wav", case.gap, SYNTH_RATE)
    for i, item in enumerate(case.script):
        if item == "restart":
            line.pending_restart = True
            continue
        if item.startswith("pause:"):
            pause = float(item.split(":")[1])
            if line.parts:
                line.parts.pop()  # the pause replaces the gap before it
                line.now -= case.gap
            line.add(silence(tmp / f"pause{i}.wav", pause, SYNTH_RATE), pause)
            line.pending_pause = True
            continue
        off = item.startswith("off:")
        if off:
            text, point, variant, part = talk.offscript[item[4:]], None, "", False
        else:
            match = _POINT.fullmatch(item)
            point, variant, part = int(match[1]), match[2], bool(match[3])
            text = talk.speech[point][variant]
            text = first_half(text) if part else text
        wav = speak(text, tmp / f"{i:02d}.wav", voice=case.voice, speed=case.speed)
        length = seconds(wav)
        start = line.add(wav, length)
        line.speech(start, start + length, text)
        if off:
            line.offscript.append({"start": round(start, 2), "end": round(start + length, 2)})
        else:
            line.deliver(point, start, start + length, variant == "v", part)
        line.add(gap, case.gap)
    if line.parts and line.parts[-1] is gap:
        line.parts.pop()
        line.now -= case.gap
    line.add(silence(tmp / "tail.wav", TAIL, SYNTH_RATE), TAIL)
    return line


def build_human(talk: Talk, case: Case, tmp: Path) -> Timeline:
    wav = tmp / "source.wav"
    source = str(sources.recording(talk.source))
    _run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", source, "-ac", "1",
         "-ar", str(HUMAN_RATE), str(wav))  # fmt: skip
    table = sources.units(talk.source)
    line = Timeline()
    for i, item in enumerate(case.script):
        if item == "restart":
            line.pending_restart = True
            continue
        if item.startswith("pause:"):
            pause = float(item.split(":")[1])
            line.add(silence(tmp / f"pause{i}.wav", pause, HUMAN_RATE), pause)
            line.pending_pause = True
            continue
        off = item.startswith("off:")
        inside = None  # (units before the pause, its seconds) for a pause inside a passage
        if off:
            first, last = talk.offscript[item[4:]]
            point, part = None, False
        else:
            match = _POINT.fullmatch(item)
            point, part = int(match[1]), bool(match[3])
            first, last = talk.passages[point]
            if part:
                last = first + max(0, (last - first + 1) // 2 - 1)
            if match[4]:
                inside = (int(match[4]), float(match[5]))
        pieces = [(first, last)]
        if inside:
            pieces = [(first, first + inside[0] - 1), (first + inside[0], last)]
        start = end = None
        for k, (a, b) in enumerate(pieces):
            if k:
                pause = silence(tmp / f"{i:02d}-pause.wav", inside[1], HUMAN_RATE)
                line.add(pause, inside[1])
                line.pending_pause = True
            units = table[a : b + 1]
            piece = cut(wav, tmp / f"{i:02d}-{k}.wav", units[0]["cut_start"], units[-1]["cut_end"])
            offset = line.add(piece, seconds(piece)) - units[0]["cut_start"]
            if start is None:
                start = offset + units[0]["start"]
            end = offset + units[-1]["end"]
            line.speech(offset + units[0]["start"], end, " ".join(u["text"] for u in units))
            line.units += [
                (a + j, offset + u["start"], offset + u["end"]) for j, u in enumerate(units)
            ]
        if off:
            line.offscript.append({"start": round(start, 2), "end": round(end, 2)})
        else:
            line.deliver(point, start, end, False, part)
    return line


# --- truth -------------------------------------------------------------------------------------


def _span(start: float, end: float) -> dict:
    return {"start": round(start, 2), "end": round(end, 2)}


def first_said(case: Case) -> list[int]:
    """The points of ``case``'s script in the order of their first delivery."""
    said: list[int] = []
    for item in case.script:
        match = _POINT.fullmatch(item)
        if match and int(match[1]) not in said:
            said.append(int(match[1]))
    return said


def reorders(said: list[int]) -> list[dict]:
    """The fewest steps that put ``said`` back in the notes' order, each step one point taken
    out and put back elsewhere: ``swap`` (it changes place with its neighbour; ``points`` = the
    pair) or ``move`` (it goes past two or more; ``points`` = the one that moves)."""
    goal, frontier = tuple(sorted(said)), {tuple(said): []}
    seen = set(frontier)
    while goal not in frontier:
        following: dict[tuple[int, ...], list[dict]] = {}
        for order, steps in frontier.items():
            for a, b in itertools.permutations(range(len(order)), 2):
                rest = list(order)
                rest.insert(b, rest.pop(a))
                if tuple(rest) in seen:
                    continue
                seen.add(tuple(rest))
                if abs(a - b) == 1:
                    step = {"kind": "swap", "points": sorted((order[a], order[b]))}
                else:
                    step = {"kind": "move", "points": [order[a]]}
                following[tuple(rest)] = [*steps, step]
        frontier = following
    return frontier[goal]


def has_speech(talk: Talk, point: int) -> bool:
    return point in (talk.passages if talk.human else talk.speech)


def kinds(talk: Talk, case: Case, missed: list[int], units: list | None = None) -> dict:
    """The truth by kind: real skips (``cut``: a passage exists), invented ones (``never``),
    ``reorders`` from the script, and for cut points where the recording mentions them in
    passing (``mentions``: the spec's units, or points for a synthetic talk, placed in this
    case by ``units``: (unit or point, start, end) of everything said)."""
    cut_points = [n for n in missed if has_speech(talk, n)]
    mentions = []
    for number in cut_points:
        for unit in talk.mentions.get(number, ()):
            placed = [(s, e) for u, s, e in units or () if u == unit]
            if units is None:
                raise SystemExit(f"{case.name}: build it to place the mentions of {number}")
            mentions += [{"point": number, **_span(s, e)} for s, e in placed]
    return {
        "cut": cut_points,
        "never": [n for n in missed if not has_speech(talk, n)],
        "reorders": reorders(first_said(case)),
        "mentions": sorted(mentions, key=lambda m: m["start"]),
    }


def truth(talk: Talk, case: Case, line: Timeline) -> dict:
    """The truth of one rehearsal (format: benchmarks/specs/README.md)."""
    by_point: dict[int, list[Delivery]] = {}
    for d in line.deliveries:
        by_point.setdefault(d.point, []).append(d)
    first_said = sorted(by_point, key=lambda p: by_point[p][0].start)
    points = []
    for number, deliveries in by_point.items():
        complete = [d for d in deliveries if not d.part] or deliveries
        main = complete[-1]
        entry = {
            "point": number,
            "start": round(main.start, 2),
            "end": round(main.end, 2),
            "order": first_said.index(number) + 1,
            "verbatim": main.verbatim,
        }
        others = [d for d in deliveries if d is not main]
        if others:
            entry["repeats"] = [_span(d.start, d.end) for d in others]
        points.append(entry)
    points.sort(key=lambda p: p["order"])
    numbers = [int(m) for m in re.findall(r"^\s*(\d+)[.)]", talk.notes, re.M)]
    data = {
        "recording": f"{case.name}.{case.ext}",
        "notes": talk.notes_file,
        "language": talk.language,
        "about": case.about,
        "voice": f"human ({talk.source})"
        if talk.human
        else f"espeak-ng {case.voice} -s {case.speed}",
        "duration": round(line.now, 2),
        "words_spoken": line.words,
        "points": points,
        "missed": [n for n in numbers if n not in by_point],
        "long_pauses": line.pauses,
        "restarts": line.restarts,
        "adlibs": sum(s["end"] - s["start"] >= ADLIB_SECONDS for s in line.offscript),
        "adlib_spans": [s for s in line.offscript if s["end"] - s["start"] >= ADLIB_SECONDS],
        "offscript_spans": line.offscript,
    }
    placed = line.units if talk.human else [(d.point, d.start, d.end) for d in line.deliveries]
    data.update(kinds(talk, case, data["missed"], placed))
    return data


def add_kinds(out_dir: Path, talk: Talk, case: Case) -> None:
    """Add the truth by kind to a case already built, changing nothing else in its truth."""
    path = out_dir / f"{case.name}.truth.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(kinds(talk, case, data["missed"], None if talk.mentions else []))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("%s: %s", path.name, {k: data[k] for k in ("cut", "never", "reorders")})


def make_case(talk: Talk, case: Case, out_dir: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix=f"case-{case.name}-") as name:
        tmp = Path(name)
        build = build_human if talk.human else build_synthetic
        line = build(talk, case, tmp)
        joined = concat(line.parts, tmp / "joined.wav")
        recording = encode(joined, out_dir / f"{case.name}.{case.ext}", case.bitrate)
    data = truth(talk, case, line)
    path = out_dir / f"{case.name}.truth.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("%s: %.1f s, %d KB", recording.name, line.now, recording.stat().st_size // 1024)
    return recording


def add_kinds_without_spec(out_dir: Path, specified: set[str]) -> None:
    """The same for the shared rehearsals copied without a spec (synthetic: every point has
    speech, so a skip is a cut): the order from the truth's own ``order``."""
    for path in sorted(out_dir.glob("*.truth.json")):
        if path.name.removesuffix(".truth.json") in specified:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        said = [p["point"] for p in sorted(data["points"], key=lambda p: p["order"])]
        data.update(cut=data["missed"], never=[], reorders=reorders(said), mentions=[])
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log.info("%s: %s", path.name, {k: data[k] for k in ("cut", "never", "reorders")})


def write_readme(out_dir: Path, which: str) -> None:
    rows = []
    for path in sorted(out_dir.glob("*.truth.json")):
        t = json.loads(path.read_text(encoding="utf-8"))
        rows.append(
            f"| {t['recording']} | {t['notes']} | {t['language']} | {t.get('voice', '')} | "
            f"{t.get('about', '')} |"
        )
    shared = (
        " The shared Polish rehearsals pl-full, pl-skips and pl-reorder are copied as they are."
        if which == "tune"
        else " Nobody tunes on these: their notes and scripts were written without looking at"
        " what the aligner does with them."
    )
    batches = (
        "**Batch 5** (the ho5-* rows: single-topic real speech, the Polish interview gornictwo,"
        " babylon-2, ivory-trade-4; real and invented skips, a cut point named in passing later,"
        " swaps, moves, pauses inside a point, restarts from the top and from point 2) was"
        " written, built and transcribed without running the aligner on it at all.\n\n"
        "**Batch 6** (the ho6-* rows: gornictwo-2, babylon-3, ivory-trade-5, sonnets-4, new notes"
        " written independently: Polish cue words, terse cue cards, full sentences; a cut point"
        " named in passing by a later kept passage (mentions), swaps and moves of single-unit"
        " passages, a passage moved late, restarts from point 2 or 3 and from the top, pauses"
        " inside and between passages, one full reading per talk) was written from the source"
        " texts alone, built and transcribed without running the aligner on it at all; no case"
        " was changed after its transcripts were made.\n\n"
        "**Batch 7** (the ho7-* rows: gornictwo-3, babylon-4, ivory-trade-6, sonnets-5 and the"
        " synthetic single-topic talk water-tower; new notes written independently: Polish half"
        " sentences with and without Polish letters, a slide deck with a `## Slide` heading per"
        " point, cue words, summary lines) is about what real speakers do that earlier batches"
        " cover thinly, restarts above all (10 of its 15 cases): from the top after two or three"
        " points with only the first unit of the next one said, often after 4-5 s of silence and"
        " no apology; from point 2 or 3 after reaching 4 or 5; right after the first point;"
        " combined with a cut. Also swaps, passages moved early by three or more places in a talk"
        " on one topic, cut points named in passing by a later kept passage (mentions), and 5-7 s"
        " pauses inside and between passages. It was written from the source texts alone, built"
        " and transcribed (faster-whisper only) without running the aligner on it at all.\n\n"
        "**Batch 8** (the ho8-* rows: gornictwo-4, babylon-5, ivory-trade-7, sonnets-6 and the"
        " Polish synthetic single-topic talk olsztyn-tramwaje; new notes written independently:"
        " Polish summary lines typed without Polish letters, cue words, a slide deck with a"
        " `## Slide` heading per point, full sentences, Polish summary lines with Polish letters;"
        " planned points never said in every notes file, some between kept points) is about"
        " restarts on real speech, the aligner's weakest kind, and about false-restart traps."
        " Restarts (11 of its 16 cases): right after point 1 with and without 4-5 s of silence;"
        " from point 2, 3 or 4 after reaching 4 or 5 with only the abandoned point's first unit"
        " said; from the top after three points with half of a long fourth said; two restarts in"
        " one rehearsal; in the synthetic talk the re-delivery after a restart is said in other"
        " words. Traps with no restart at all: a point said again later as a recap, a passage"
        " moved early after which the talk carries on, a swap of two neighbours, with cut points"
        " named in passing by a later passage (mentions). It was written from the source texts"
        " alone, built and transcribed (faster-whisper only) without running the aligner on it"
        " at all.\n\n"
        "**Batch 9** (the ho9-* rows: gornictwo-5, babylon-6, ivory-trade-8, sonnets-7 and the"
        " synthetic single-topic talks hartley-lido (English) and mlyn-dabrowka (Polish); new"
        " notes written independently: a Polish first-person plan with Polish letters, English"
        " shorthand with abbreviations, summary lines mostly in words the passages do not use, a"
        " reader's plan of glosses; planned points never said in every notes file, some between"
        " kept points) is about the hardest restarts and the traps that are not restarts, 13 of"
        " its 16 cases on real voices. Restarts (7 cases, 9 restarts): right after point 1 (only"
        " its first unit said, or all of it and then 5 s of silence); an attempt cut off after one"
        " sentence, then a restart from an earlier point; from point 2 after point 4 behind 5 s of"
        " silence and no apology; two restarts in one rehearsal. Traps with no restart at all:"
        " swaps of two neighbours, passages moved early after which the talk carries on, a passage"
        " said again later without going back to the points after it. Real skips whose subject"
        " (the belts' joints, the 2017 guidance, the glass, the summer of seventy-six, the ruin"
        " bought in 2016; on the real voices and in English a word Whisper hears, in the espeak"
        " Polish only half heard) is named again in half a sentence inside a later kept passage"
        " (mentions), and 4-7 s pauses inside and between long passages. It was written from the"
        " source texts alone, built and transcribed (faster-whisper only) without running the"
        " aligner on it at all; the Polish synthetic case was rebuilt with another voice when its"
        " first transcript fell into a repetition loop.\n\n"
        "**Batch 10** (the ho10-* rows: gornictwo-6, babylon-7, ivory-trade-9, sonnets-8 and the"
        " synthetic single-topic talks fenwick-lifeboat (English) and biblioteka-ruda (Polish); new"
        " notes written independently: Polish cue lines with arrows, an English question-and-answer"
        " cue card, a guide's numbered prompts, a reader's paraphrases, mostly in words the"
        " passages do not use; planned points never said in every notes file, some between kept"
        " points) is mostly restarts, the aligner's weakest kind, 11 of its 13 cases on real"
        " voices. Restarts (8 cases, 9 restarts): from the top after two or three points, with and"
        " without 5-6 s of silence; right after point 1 (said in full, or only its first lines);"
        " an attempt at a point cut off after one sentence, then a restart from the point before"
        " it; from point 2 or 3 after reaching point 4; two restarts in one rehearsal; in the"
        " English synthetic talk the re-delivery is said in other words. Traps with no restart at"
        " all: swaps of two neighbours, a passage moved early after which the talk carries on, a"
        " point said again later without going back to the points after it, and real skips whose"
        " subject (the world in the sonnets, a word Whisper hears in the real recording; the old"
        " railway station in the espeak Polish, which Whisper does not hear there) is named again"
        " in half a sentence inside a later kept passage (mentions); 4-7 s pauses inside and"
        " between passages. It was written from the source texts alone, built and transcribed"
        " (faster-whisper only) without running the aligner on it at all.\n\n"
        "**Batch 11** (the ho11-* rows: gornictwo-7, babylon-8, ivory-trade-10, sonnets-9, all on"
        " real voices; new notes written independently as a speaker's summary notes: Polish noun"
        " phrases with Polish letters, short English statements, a teacher's lesson summary, a"
        " reader's plain-English lines, mostly in words the passages do not use; planned points"
        " never said in every notes file, one between kept points) is restarts and the traps"
        " that are not restarts, half and half. Restarts (5 cases): from the top after two points"
        " behind 5 s of silence and after three points with none; right after point 1 behind 4 s"
        " of silence; an attempt at a point cut off after one sentence, then 4 s of silence and a"
        " restart from the point before it; from point 2 after point 4 behind 5 s of silence and"
        " from point 3 after point 5 with none. Traps with no restart at all: a swap of two"
        " neighbours followed by 6 s of silence, a passage moved early after which the talk"
        " carries on, a point said again later without going back to the points after it, and a"
        " real skip from the middle whose subject (his eyes in the sonnets, a word Whisper hears"
        " there) is named again in half a sentence inside a later kept passage (mentions); 4-7 s"
        " pauses inside and between passages. It was written from the source texts alone, built"
        " and transcribed (faster-whisper only) without running the aligner on it at all.\n\n"
        "**Batch 12** (the ho12-* rows: gornictwo-8, babylon-9, ivory-trade-11, sonnets-10, all on"
        " real voices; new notes written independently as a speaker's summary notes: Polish noun"
        " phrases with Polish letters, short English statements, a guide's tour notes, a reader's"
        " plain-English lines, mostly in words the passages do not use; planned points never said"
        " in every notes file, one between kept points) is about out-of-order flags and their"
        " false alarms. Real reorders: swaps of two neighbours (3 cases: the belts' joints and the"
        " energy-saving belts, the 2017 guidance and the line after it, two passages inside"
        " sonnet 2), passages moved early after which the talk carries on (2 cases)"
        " and a passage moved late behind 6 s of silence (1 case). Traps that must not be flagged"
        " out of order: a point said again later as a recap without going back (2 cases: the"
        " opening said again at the end behind 5 s of silence, a point said again in the middle"
        " with no pause) and a restart from the point before the last one with no pause (1 case);"
        " 4-6 s pauses inside and between passages. It was written from the source texts alone,"
        " built and transcribed (faster-whisper only) without running the aligner on it at"
        " all.\n\n"
        "**Batch 13** (the ho13-* rows: gornictwo-9, babylon-10, ivory-trade-12, sonnets-11, all"
        " on real voices; new notes written independently as a speaker's own summary lines:"
        " natural Polish with Polish letters, short English statements, a guide's notes, a"
        " reader's plain-English lines, mostly in words the passages do not use, one line per"
        " 13-30 s passage, a new split of every talk; planned points never said in every notes"
        " file, one between kept points) is the hardest things a real speaker does. Real skips"
        " from the middle whose subject is named in passing by a later kept passage (mentions:"
        " the joints, 'połączenia', in the Polish interview; the glass in sonnet 3), 2 cases;"
        " restarts of the same point, only its first unit or lines said, then 3-5 s of silence"
        " and no apology, then the point again from its start, 3 cases; swaps of neighbours (the"
        " first two points of the ivory speech with a pause inside the first passage said;"
        " Sargon and Nebuchadnezzar's old city), 2 cases; a passage moved late, said after the"
        " next two points and not returned to, 2 cases; a point said again later as a recap"
        " without going back, 2 cases; 4-5 s pauses inside and between passages. It was written"
        " from the source texts alone, built and transcribed (faster-whisper only) without"
        " running the aligner on it at all.\n\n"
        "**Batch 14** (the ho14-* rows: gornictwo-10, babylon-11, ivory-trade-13, sonnets-12, all"
        " on real voices; new notes written independently in a mix of styles: a speaker's"
        " paraphrase lines for the Polish interview (natural Polish with Polish letters) and the"
        " sonnets, one line per 16-34 s passage mostly in words the passages do not use, and"
        " cue notes for the ivory speech and Babylon, 3-6 key words a point, some the passage's"
        " own and some not; a new split of every talk; a planned point never said in every notes"
        " file, between kept points) is restarts of the kinds real speakers do and other order"
        " changes. Restarts of the same point after its first sentence or lines and 3-4 s of"
        " silence, 2 cases; going back to the previous point after the next one has begun and on"
        " through it again, with and without a pause, 2 cases; a restart from the very top after"
        " two points and a pause, 1 case; real skips from the middle whose subject a later kept"
        " passage names in passing (mentions: 'this additional tightening of the rules' in the"
        " ivory speech; the glass in sonnet 3), 2 cases; swaps of neighbours, 2 cases; a passage"
        " moved early, said before the two points ahead of it, 2 cases; a recap of the first"
        " point after the fifth without going back, 1 case; 4-5 s pauses inside and between"
        " passages; mp3, m4a, ogg, webm and wav at 24-64 kb/s. It was written from the source"
        " texts alone, built and transcribed (faster-whisper only) without running the aligner"
        " on it at all; the Polish back-pause case was rebuilt at 64 kb/s when its first"
        " transcript fell into a repetition loop.\n\n"
        "**Batch 15** (the ho15-* rows: gornictwo-11, babylon-12, ivory-trade-14, sonnets-13, all"
        " on real voices; new notes written independently: a speaker's own summary lines in"
        " natural Polish with Polish letters, one line per 20-34 s passage, short English"
        " statements for the ivory speech, one per 16-31 s passage, both mostly in words the"
        " passages do not use, a guide's cue notes for Babylon, 3-7 words a point, some the"
        " passage's own and some not, and a reader's plain-English paraphrase of each passage of"
        " the sonnets; a new split of every talk; a planned point never said in every notes file,"
        " between kept points) is order changes and the traps that are not order changes. Real"
        " skips from the middle whose subject a later kept passage names in passing (mentions:"
        " Bełchatów, 'kopalnia bełchatów dostała nagrodę ministra', in the Polish interview; age"
        " and wrinkles, 'windows of thine age', in sonnet 3), 2 cases; swaps of neighbours, one"
        " with 4 s of silence, 2 cases; a passage moved late, said after the next two points and"
        " not returned to, 1 case; a passage moved early, said before the two points ahead of it,"
        " 1 case; restarts: the same point again from its start after its first sentence and 4 s"
        " of silence, going back from point 4 to point 2 and on through 3 and 4 again with no"
        " pause, from the very top after two points with no pause, 3 cases; a recap of the first"
        " point said again after the second without going back, 1 case; a 6 s pause inside a"
        " passage and a 5 s pause between passages with no other change, 1 case; a cut combined"
        " with a swap across the"
        " never-said point, 1 case; mp3, m4a, ogg, webm at 24-64 kb/s and flac. It was written"
        " from the source texts alone, built and transcribed (faster-whisper only) without"
        " running the aligner on it at all.\n\n"
        "**Batch 16** (the ho16-* rows: gornictwo-12, babylon-13, ivory-trade-15, sonnets-14, all"
        " on real voices; new notes written independently in styles batch 15 did not use: terse"
        " Polish keyword notes with Polish letters, 2-5 words a point, some the passage's own and"
        " some not, one point per 20-38 s passage; the questions a speaker means to answer for the"
        " ivory speech, one per 12-22 s passage; full-sentence summary lines in the speaker's own"
        " words for Babylon; notes naming the image of each passage of the sonnets, 2-6 words; a"
        " new split of every talk but the ivory speech, which has the split of batch 8, the only"
        " one into 12-25 s passages; a planned point never said in every notes file, between kept"
        " points) is what real speakers do. Real skips from the middle whose subject a later kept"
        " passage names in passing (mentions: the joints and Bełchatów, 'takie połączenia kopalnia"
        " bełchatów dostała nagrodę ministra', in the Polish interview; the youth's self-love, 'Of"
        " his self-love to stop posterity', in sonnet 3), 2 cases; a point abandoned after its"
        " first sentence and 4 s of silence, the talk going on with the next point and never back,"
        " 1 case; restarts: from the very top after three points behind 5 s of silence, back to the"
        " previous point right after the first sentence of the next one with no pause, 2 cases;"
        " swaps of neighbours, one with 5 s of silence inside the passage said second, 2 cases; a"
        " passage moved early, said before the two points ahead of it, 1 case; a passage moved"
        " late, said after the next two points and not returned to, 1 case; a recap of the first"
        " point at the very end, 1 case; the whole talk in order with 7 s and 5 s pauses inside two"
        " long passages, 1 case; a cut combined with a passage moved early, 1 case; mp3, m4a, ogg,"
        " webm at 24-64 kb/s and flac. It was written from the source texts alone, built and"
        " transcribed (faster-whisper only) without running the aligner on it at all; the Polish"
        " pauses case was rebuilt with its pause at a silent unit boundary when its first"
        " transcript showed the word 'najistotniejsze' running past the end of unit 5, cut in two"
        " by the pause.\n\n"
        "**Batch 17** (the ho17-* rows: gornictwo-13, babylon-14, ivory-trade-16, sonnets-15, all"
        " on real voices; new notes written independently in styles earlier batches did not use:"
        " a Polish speaker's half-sentence reminders with her own abbreviations ('dł. przenośn.',"
        " 'B-tów', 'nagr. min.', 'energooszcz.', 'dokt.'); 'why it matters' lines for the ivory"
        " speech; a mix of one-word and full-sentence points for Babylon; the poet's advice to the"
        " young man in plain modern imperatives for the sonnets, a loose paraphrase in other"
        " words; a new split of every talk (the Polish energy-saving belts and the rubber mixes a"
        " point each; the Seven Wonders and Nebuchadnezzar's old city a point each; the 2017"
        " guidance and the line after it a point each; sonnet 1 cut after its second line); a"
        " planned point never said in every notes file, between kept points) is the hardest"
        " kinds. Real skips from the middle whose subject a later kept passage names in passing"
        " (mentions: the energy-saving belts, 'zmniejszają tą energochłonność', in the Polish"
        " interview; 'this additional tightening of the rules ... the guidance' in the ivory"
        " speech; 'Thou dost beguile the world' in sonnet 3), 3 cases; two points cut in one"
        " rehearsal, one of them named later ('the oldest of all cities' for Nebuchadnezzar's"
        " old, old city), 1 case; swaps of neighbours, one with 4 s of silence added between them"
        " (5.7 s between the words) and one with none, 2 cases; a passage moved early, said before"
        " the two points ahead of it, the talk then carrying on, 1 case; restarts after two points"
        " (a point in full and the first sentence of the next, then 3 s of silence added, 3.5-4.6"
        " s between the words, then both again), 2 cases; a restart of the same point, the last"
        " one, after its first sentence and 4 s of silence, 1 case; the whole reading in order"
        " with 5-6 s of silence added inside two long passages and between two (5.7-7.0 s between"
        " the words), 1 case; a cut combined with a swap, 1 case; mp3, m4a, ogg, webm at 24-64"
        " kb/s and flac. It was written from the source texts alone, built and transcribed"
        " (faster-whisper only) without running the aligner on it at all; three cases were"
        " rebuilt with 1 s less silence added before any aligner run, when their first builds"
        " measured 5.6-7.7 s between the words, longer than planned.\n\n"
        "**Batch 18** (the ho18-* rows: gornictwo-14, babylon-15, ivory-trade-17, sonnets-16, all"
        " on real voices; new notes written independently in styles earlier batches did not use:"
        " Polish notes with English technical words mixed in, as a bilingual engineer writes them"
        " ('single-flight conveyors', 'transfer points', 'eco splicing', 'energy-saving belts',"
        " 'rubber compounds'); a draft of two full sentences per point for the ivory speech,"
        " delivered loosely in other words; a guide's timeline card for Babylon, every point"
        " opening with a date or an era; a literature teacher's labels for the rhetorical move of"
        " each stretch of the sonnets; new splits at both ends of the scale: the finest yet of the"
        " Polish interview (12 passages of 6.5-14 s), one unit a point for the ivory speech but the"
        " last two, Babylon's arrival with the Seven Wonders and Nebuchadnezzar's city alone, and"
        " the coarsest yet of the sonnets (five stretches of 22-39 s, one running across the end of"
        " sonnet 1); a planned point never said in every notes file, between kept points) is the"
        " hardest kinds again. Real skips from the middle whose subject the passage right after"
        " names in passing (mentions: the ecological joints, 'za takie połączenia kopalnia"
        " bełchatów dostała nagrodę ministra', in the Polish interview; 'the oldest of all cities'"
        " for Nebuchadnezzar's old, old city; 'Thou art thy mother's glass' for the mirror of"
        " sonnet 3), 3 cases; swaps of neighbours, one with 5 s of silence added between them (5.4"
        " s between the words) and one with none, 2 cases; passages moved late, said after the next"
        " two kept points and not returned to, 2 cases; a restart from the very top after three"
        " points and 3 s of silence added (4.0 s between the words), 1 case; a restart after two"
        " points (a point in full and the first sentence of the next, then 4 s of silence added,"
        " 4.1 s between the words, then both again and on), 1 case; the whole reading in order with"
        " 5.5-6 s of silence added inside the two longest passages (6.1-6.5 s between the words), 1"
        " case; the last point cut, 1 case; a cut combined with a passage moved early, 1 case; mp3,"
        " m4a, ogg, webm at 24-64 kb/s and flac. It was written from the source texts alone, built"
        " and transcribed (faster-whisper only) without running the aligner on it at all; the"
        " Polish restart after two points was rewritten to go back to point 5 instead of 2 before"
        " anything else was run on it, when its first transcript heard the tail of unit 1's last"
        " word at the restart's cut into unit 2.\n\n"
        "**Batch 19** (the ho19-* rows: gornictwo-15, babylon-16, ivory-trade-18, sonnets-17, all"
        " on real voices; new notes written independently in styles earlier batches did not use: an"
        " English outline for the Polish interview, a bilingual speaker's notes in the other"
        " language than the speech ('belt lengths', 'open-pit mines', 'eco-friendly splices',"
        " 'carcinogenic compounds', 'the minister's award', 'going deeper', 'seabed mining'); a"
        " slide deck's titles for Babylon, each with one indented line under it ('Welcome to"
        " Babylon', 'What's left', 'Oldest city?', 'Humble beginnings', 'The dark centuries'); a"
        " short heading per point with two or three sub-bullets under it for the ivory speech"
        " ('Export bans', 'paperwork for every sale', 'unworked tusks can no longer leave the EU');"
        " tweet-length hooks for a reading night for the sonnets ('Plot twist', 'Mirror check',"
        " 'time for a sequel', 'Final warning'); a new split of every talk (in the Polish interview"
        " Bełchatów's 150 km alone, the belts' lifetime with the cooperation and the ecological"
        " joints, the carcinogens with the award, mechanisation with the meteorites, and its unit"
        " 12, the teenager and the Moon, left out of every point as an off-script aside, the first"
        " split to leave a unit out; Babylon's Seven Wonders with Nebuchadnezzar's old city, the"
        " obscure centuries and the wars with the Assyrians a point each; the ivory speech's May"
        " 2017 guidance with the end of raw-ivory exports and the member states' support with the"
        " reduced risk of poaching; sonnet 1 cut after its sixth line and the couplets of sonnets 2"
        " and 3 a point each); a planned point never said in every notes file, between kept points)"
        " is kinds real speakers do that earlier batches lacked or had few of. Two neighbouring"
        " points cut from the middle, the passage right after them naming one or both in passing"
        " (mentions: 'i takie za takie połączenia kopalnia bełchatów dostała nagrodę ministra' for"
        " both Bełchatów's 150 km and the ecological joints; 'This were to be new made when thou"
        " art old' for the forty winters of sonnet 2), 2 cases; swaps of two points that are not"
        " neighbours (2 and 7 of the Polish interview, 3 and 6 of Babylon), 2 cases; a short"
        " off-topic aside from elsewhere in the same recording (8 s, the teenager who sees someone"
        " flying to the Moon) inserted as a tangent between two points, the talk then going on in"
        " order, 1 case; a restart of a point after a false start (sonnet 2's number and first"
        " line, then 2.5 s of silence added, 3.2 s between the words, then the point again in full"
        " and on), 1 case; a point said only in its first unit and abandoned, the talk going on"
        " with the next point with no pause and never back, 1 case; a passage moved to the very"
        " end, said after the last point (Sargon I), 1 case; the first point cut (Babylon opening"
        " on the Seven Wonders), 1 case; a swap of neighbours with no pause, 1 case; the whole"
        " reading in order with 5 s of silence added inside three passages (5.5-5.6 s between the"
        " words), 1 case; a cut combined with a restart (the certificates for old ivory cut; back"
        " to the 2017 guidance after the first unit of the next point and 3 s of silence added, 3.4"
        " s between the words), 1 case; mp3, m4a, ogg, webm at 24-64 kb/s and flac. It was written"
        " from the source texts alone, built and transcribed (faster-whisper only) without running"
        " the aligner on it at all; the Polish talk was re-split and its three cases rebuilt before"
        " anything else was run on them, when their first transcripts heard the tail of unit 5's"
        " last word ('najistotniejsze') at the start of unit 6 wherever 6 did not follow 5 (the"
        " signal is loud across its boundaries 5|6, 8|9 and 15|16); the new split joins pieces only"
        " at quiet boundaries.\n\n"
        "**Batch 20** (the ho20-* rows: gornictwo-16, babylon-17, ivory-trade-19, sonnets-18, all"
        " on real voices; new notes written independently, every notes file in the other language"
        " than the talk, as a bilingual speaker writes them, with no language line in the notes:"
        " an engineer's terse English noun phrases with abbreviations and arrows for the Polish"
        " interview, by a different hand than batch 19's English outline ('flight lengths',"
        " 'installed belting', 'O&M practice', 'service life', 'OEMs', 'splice compound w/o"
        " carcinogens', 'low-rolling-resistance cover rubber', 'power draw', 'subsea mining'); a"
        " Polish speaker's short Polish reminders for Babylon and the ivory speech, names and a"
        " few terms left in English ('Gate of God', 'Seven Wonders', 'Sargon I', 'guidance"
        " document', 'member states'; 'koniec podróży', 'lepianki, palmy', 'prawie 1500 lat"
        " ciemności', 'zakaz eksportu', 'surowa kość', 'kłusownictwo'); a Polish reader's Polish"
        " paraphrase of what each stretch of the sonnets says ('spalasz własne paliwo',"
        " 'czterdzieści zim', 'spójrz w lustro', 'grób własnego rodu', 'jesteś lustrem matki');"
        " each spec's language is the speech's, so Whisper transcribes in it and a point is found"
        " by meaning across languages; a new split of every talk (in the Polish interview"
        " Bełchatów's 150 km with the belts' lifetime, the cooperation and the ecological joints,"
        " the carcinogens and the award with the energy-saving belts, the PhD student's rubber"
        " mixes with the teenager and the Moon, going deeper with mechanisation, the meteorites"
        " with the US firms; Babylon's Seven Wonders alone, Nebuchadnezzar's old city with the"
        " Hebrew tradition, Sargon I with the shrine, Hammurabi with the obscure centuries; the"
        " ivory speech's export bans with the certificates for old ivory, the end of raw-ivory"
        " exports with the member states' support, the reduced risk of poaching alone; sonnet 1's"
        " first point ending after its second line, sonnet 2's first stretch running to"
        " 'thriftless praise', 'Thou art thy mother's glass' alone); a planned point never said in"
        " every notes file, between kept points) is the kinds real speakers do, on notes in the"
        " other language. Real skips from the middle whose subject the passage right after names"
        " in passing (mentions: 'i takie za takie połączenia kopalnia bełchatów dostała nagrodę"
        " ministra' for Bełchatów and the ecological joints; 'this additional tightening of the"
        " rules and are following the guidance' for the May 2017 guidance), 2 cases; swaps of"
        " neighbours with no pause (the first two points of the Polish interview; the 2017"
        " guidance and the end of raw-ivory exports), 2 cases; passages moved later, said after"
        " the next two points and not returned to (the Seven Wonders; the end of sonnet 1 after"
        " sonnet 2), 2 cases; restarts after a point and the first sentence of the next (3 s of"
        " silence added, 3.3-3.4 s between the words, then both again and on), 2 cases; the last"
        " point cut, 2 cases; the whole talk in order with pauses inside three passages (5.2-5.8 s"
        " between the words), 2 cases; mp3, m4a, ogg, webm at 24-64 kb/s and flac. Every join of"
        " pieces that are not neighbours in the recording and every pause added inside a Polish"
        " passage is at a quiet unit boundary, and no transcript word straddles a join. It was"
        " written from the source texts alone, built and transcribed (faster-whisper only) without"
        " running the aligner on it at all; the Polish pauses case was rebuilt with 4, 3 and 4 s"
        " of silence added instead of 5 s before anything else was run on it, when its first build"
        " measured 6.6-7.2 s between the words (she already pauses 1.6-2.2 s at those"
        " boundaries).\n\n"
        "**Batch 21** (the ho21-* rows: gornictwo-17, babylon-18, ivory-trade-20, sonnets-19, all"
        " on real voices; new notes written independently, every notes file in the other language"
        " than the talk, by new hands, with no language line in the notes: full, polished English"
        " sentences, one per point, as a non-native speaker writes a summary of her script, for"
        " the Polish interview ('the development goes toward the longest possible conveyors', 'the"
        " culture of operation', 'a service life of more than ten years', 'the rubber mixtures for"
        " the covers prepared by my PhD student', 'maximal mechanisation'); the Polish questions"
        " the speaker will answer for Babylon ('Gdzie kończy się nasza podróż?', 'Co znaczy nazwa"
        " Babilon?', 'Kto pierwszy o nim wspomina?'); a single Polish keyword or two per point for"
        " the ivory speech ('Zakazy eksportu', 'Certyfikaty, wytyczne 2017', 'Surowa kość',"
        " 'Jednomyślność, kłusownictwo'); a Polish student's study notes with dashes for the"
        " sonnets ('Sonet 1, w. 9-12', 'herold wiosny', 'dowód przez dziedziczenie', 'lustro"
        " matki'); each spec's language is the speech's; a new split of every talk (in the Polish"
        " interview Bełchatów's 150 km with the belts' lengths, the energy-saving belts and the"
        " rubber mixes with the carcinogens and the award, mechanisation with the meteorites, the"
        " US firms and undersea mining, and unit 12, the teenager and the Moon, an off-script"
        " aside again; Babylon's 'Your journey is at an end.' alone, the Gate of God with the Seven"
        " Wonders, Sargon I with Nebuchadnezzar's old city, the shrine with Hammurabi; the ivory"
        " speech's certificates with the 2017 guidance, the end of raw-ivory exports alone, the"
        " member states' support with the reduced risk of poaching; sonnet 1's third quatrain and"
        " couplet a point each, sonnet 2 whole one point); a planned point never said in every"
        " notes file, between kept points) is the kinds real speakers do, on notes in the other"
        " language. Real skips from the middle whose subject a later passage names in passing"
        " (mentions: 'with this measure the risk that ivory exported from europe could fuel the"
        " demand' for the end of raw-ivory exports; 'Thou art thy mother's glass' for 'Look in thy"
        " glass'), 2 cases; two neighbouring points cut, 2 cases; swaps of neighbours with no"
        " pause, 2 cases; passages moved earlier, said before the two points before them (going"
        " deeper; the end of raw-ivory exports, to the very start), 2 cases; a restart after a"
        " point and the first sentence of the next (3 s of silence added, 3.3 s between the words,"
        " then both again and on), 1 case; the first point cut, 1 case; a short off-topic aside"
        " from elsewhere in the same recording (8 s, the teenager who sees someone flying to the"
        " Moon) between the first two points, 1 case; the whole reading in order with 5 s of"
        " silence added inside three passages (5.3-5.8 s between the words), 1 case; mp3, m4a, ogg,"
        " webm at 24-64 kb/s and flac. Every join of pieces that are not neighbours in the"
        " recording is at a quiet unit boundary (in the Polish interview only 27.50, 52.05, 82.39,"
        " 92.07 and 105.38 s), and no word is split at a join (one Whisper timestamp, 'cruel.'"
        " before sonnet 2's number in the two-cut sonnets case, runs 1.2 s past its join, over the"
        " silence and the number). It was written from the source texts alone, built and"
        " transcribed (faster-whisper only) without running the aligner on it at all; nothing was"
        " rebuilt.\n\n"
        "**Batch 22** (the ho22-* rows: gornictwo-18, babylon-19, ivory-trade-21, sonnets-20, all"
        " on real voices; new notes written independently, every notes file in the language of the"
        " talk again, the main use, by new hands, in styles no earlier batch used: the speaker's"
        " own Polish half-sentence prompts with abbreviations, broken off where she knows how to go"
        " on, for the Polish interview ('Dł. przenośn. w kop. odkrywk.', 'na św. kilkadz. km',"
        " 'konstr., mater., kult. eksploat.', 'nagr. min.', 'taśmy energoosz.', 'górn."
        " podmorskie'); each point named by its example or anecdote, never by its claim, for"
        " Babylon ('The traveller at the end of the road', 'old Sargon's inscription', 'Mud huts"
        " and date palms round a shrine', 'Hammurabi moves in'); the speaker's opinion of what to"
        " stress for the ivory speech ('Don't rush the history', 'Hit this hardest', 'Unanimous is"
        " our strongest card', 'End on Africa, not on Brussels'); a student's map of the argument"
        " for the sonnets, one step per point opened by its logical role and put mostly in words"
        " the poems do not use ('Premise:', 'But:', 'So:', 'Answer:', 'Evidence:', 'Therefore:');"
        " summary notes, one point per 15-40 s passage, on a new split of every talk (in the Polish"
        " interview Bełchatów's 150 km with the construction, the lifetime, the cooperation and the"
        " ecological joints, and the teenager and the Moon with going deeper; Babylon's journey's"
        " end, Gate of God, Seven Wonders and Nebuchadnezzar's old city one point, the Hebrew"
        " tradition with Sargon I, the shrine with Hammurabi, the obscure centuries and the kings;"
        " the ivory speech's export bans, certificates and 2017 guidance one point, the end of"
        " raw-ivory exports with the member states' support; sonnet 1's points ending after 'the"
        " world's fresh ornament', sonnet 2's first after 'where all thy beauty lies', sonnet 3's"
        " last ten lines one point); a planned point never said in every notes file, between kept"
        " points) is what real speakers do that no earlier batch does, on talks that stay on one"
        " topic. Swaps of neighbours with no pause, in all four talks (in the ivory speech the"
        " first two, so the talk starts on point 2), 4 cases; real skips from the middle whose"
        " subject the passage right after names in passing (mentions: 'i takie za takie połączenia"
        " kopalnia bełchatów dostała nagrodę ministra' for Bełchatów and the joints; 'with this"
        " measure the risk that ivory exported from europe could fuel the demand' for the end of"
        " raw-ivory exports; 'Thou art thy mother's glass' for 'Look in thy glass'), 3 cases; a"
        " sentence said twice in a row, as a speaker who corrects herself says it again at once and"
        " goes on (the Hebrew tradition; the end of raw-ivory exports), in truth a repeat of its"
        " point (the first delivery, one sentence) with no restart and nothing out of order, 2"
        " cases; 9 s of silence added after a point, then a restart from the point before it (10.2"
        " and 9.5 s between the words), 2 cases, the Polish one also with 9 s added inside the"
        " passage before (10.6 s between the words: the speaker checking her notes and carrying"
        " on); the first point cut, with 9 s added inside the last passage (9.6 s between the"
        " words), 1 case; a passage moved later, said after the next three points (sonnet 1's 'But"
        " thou contracted' to 'the world's fresh ornament'), 1 case; 13 cases in all; mp3, m4a, ogg"
        " and webm at 24-64 kb/s. Every join of pieces that are not neighbours in the recording and"
        " every pause added is at a quiet unit boundary (in the Polish interview only 20.30, 27.50,"
        " 52.05 and 82.39 s; in the sonnets only line ends with 0.46 s or more between the words),"
        " and no transcript word straddles a join (one Whisper timestamp, 'przesypów', the last"
        " word before the join at 20.30 s in the Polish cut-mention case, is put 0.2 s after it;"
        " the word is said before it; in the sonnets' restart case the first word after the 9 s of"
        " silence, 'And', is stretched back over the silence, 73.9-81.2 s, and said at 82.1 s). It"
        " was written from the source texts alone, built and transcribed (faster-whisper only)"
        " without running the aligner on it at all; nothing was rebuilt.\n\n"
        if which == "heldout"
        else ""
    )
    (out_dir / "README.md").write_text(
        f"# Benchmark rehearsals: {which}\n\n"
        "Built by `python -m benchmarks.make_cases` from `benchmarks/specs/"
        f"{which}/` (see benchmarks/specs/README.md for the truth format).{shared} "
        "transcripts/<engine>/NAME.json: Whisper base, beam 5, word timestamps, the truth's "
        "language, by faster-whisper (int8) and openai-whisper (fp32).\n\n"
        + batches
        + "| recording | notes | language | voice | what happens |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )


def transcribe_case(recording: Path, language: str, engine: str, out_dir: Path) -> None:
    from rehearse.models import to_json
    from rehearse.transcribe import TranscribeOptions, transcribe

    options = TranscribeOptions(engine=engine, language=language, beam_size=5)
    result = transcribe(recording, options)
    out = out_dir / "transcripts" / engine / f"{recording.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_json(result.transcript) + "\n", encoding="utf-8")
    log.info("%s (%s): %.1f s", out.name, engine, result.seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append", help="default: both")
    parser.add_argument("--only", nargs="*", help="case names (default: all)")
    parser.add_argument("--transcribe", action="store_true", help="also write transcripts/")
    parser.add_argument("--no-build", action="store_true", help="use the recordings already made")
    parser.add_argument("--engine", choices=ENGINES, action="append", help="default: both")
    parser.add_argument(
        "--kinds", action="store_true", help="only add the truth by kind to built cases' truths"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for which in args.set or SETS:
        out_dir = CASES / which
        out_dir.mkdir(parents=True, exist_ok=True)
        for talk in talks(which):
            (out_dir / talk.notes_file).write_text(talk.notes, encoding="utf-8")
            for case in talk.cases:
                if args.only and case.name not in args.only:
                    continue
                if args.kinds:
                    add_kinds(out_dir, talk, case)
                elif not args.no_build:
                    make_case(talk, case, out_dir)
        if args.kinds:
            if not args.only:
                add_kinds_without_spec(out_dir, {c.name for t in talks(which) for c in t.cases})
            continue
        write_readme(out_dir, which)
        if not args.transcribe:
            continue
        for path in sorted(out_dir.glob("*.truth.json")):
            name = path.name.removesuffix(".truth.json")
            if args.only and name not in args.only:
                continue
            t = json.loads(path.read_text(encoding="utf-8"))
            for engine in args.engine or ENGINES:
                transcribe_case(out_dir / t["recording"], t["language"], engine, out_dir)


if __name__ == "__main__":
    main()
