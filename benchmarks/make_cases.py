"""Build the benchmark rehearsals in benchmarks/cases/ with their ground truth.

Talks the aligner was never tuned on: an English talk and a second Polish talk spoken piece by
piece with espeak-ng (one WAV per point, ad-lib or pause; truth times add up the pieces' lengths
measured with ``sox --i -D``, with a 0.8 s gap between pieces), and a real human reading (LJSpeech,
English) whose passage boundaries come from a Whisper word-timestamped transcript refined to the
silences between sentences (see ``BABYLON``), cut and re-joined to make a skip and a reorder.

Writes NAME.<ext>, NAME.truth.json (format of the shared rehearsals' README) and the notes files.
``--transcribe`` also writes transcripts/NAME.json (Transcript JSON, Whisper base, beam 5) through
rehearse.transcribe, so the aligner can be measured without running Whisper again.

    .venv/bin/python -m benchmarks.make_cases [--only NAME ...] [--transcribe [--no-build]]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("benchmarks.make_cases")

CASES = Path(__file__).resolve().parent / "cases"
HUMAN_SOURCE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "audio"
    / "en_ljspeech_LJ028-0030_0039_babylon.mp3"
)
GAP = 0.8
TAIL = 0.5
SYNTH_RATE = 22050
HUMAN_RATE = 32000

# --- the English talk ------------------------------------------------------------------------

EN_NOTES_FILE = "open-source-maintainer.md"
EN_NOTES = """\
# Five years of maintaining a small open-source library

## How it started (2:30)

1. Hi, I'm going to talk about five years of maintaining icalparse, a small open-source library \
for reading calendar files, and what it taught me about people more than about code. (0:30)
2. It began as a weekend script that I pushed to GitHub because I was tired of copying it \
between projects; within a year it had 2000 stars and new issues every single day.
3. Bus factor of one
4. My first big mistake was answering every issue within minutes. It set expectations I could \
never keep up with, and by the second winter I was completely burned out. (0:45)
5. Burnout; learning to say no
6. What actually helped was writing a contributing guide, issue templates and a short code of \
conduct, so newcomers knew what a good bug report looks like and what to expect from us.

## What I would do again (3:00)

7. Automate releases: tag, changelog, publish from CI (0:20)
8. Invite regular contributors to become maintainers early, even before you feel they are \
ready, because trust grows when you give it.
9. Give regular contributors commit access early; trust grows when you give it.
10. Money is awkward: sponsorships covered the hosting bills but never the hours, and only a \
company grant in 2022 finally paid for the big rewrite.
11. Write down your limits, protect your weekends, and remember that a slow answer is still \
better than an abandoned project.
12. Thanks, questions
"""

# v = the notes' own words (numbers spoken), p = paraphrase, a/b = a keyword point expanded.
EN_SPEECH: dict[int, dict[str, str]] = {
    1: {
        "v": "Hi, I'm going to talk about five years of maintaining icalparse, a small open-source "
        "library for reading calendar files, and what it taught me about people more than about "
        "code.",
        "p": "Hello everyone. For the last five years I have been looking after icalparse, a tiny "
        "open source library that reads calendar files, and today I want to tell you what it "
        "taught me, mostly about people, much less about code.",
    },
    2: {
        "v": "It began as a weekend script that I pushed to GitHub because I was tired of copying "
        "it between projects; within a year it had two thousand stars and new issues every "
        "single day.",
        "p": "It was never meant to be a project. It was a script I wrote one weekend and put on "
        "GitHub, because I kept copying it from one project to another. A year later it had "
        "about two thousand stars, and every morning there were new issues waiting for me.",
    },
    3: {
        "a": "And for all that time the bus factor was exactly one. If I had been hit by a bus, "
        "nobody else could have made a release.",
        "b": "The scary part was that I was the only person who could merge anything. A bus "
        "factor of one.",
    },
    4: {
        "v": "My first big mistake was answering every issue within minutes. It set expectations "
        "I could never keep up with, and by the second winter I was completely burned out.",
        "p": "The first big mistake I made was replying to every single bug report within a few "
        "minutes. People started to expect that, I could not keep it up, and by the second "
        "winter I was totally exhausted.",
    },
    5: {
        "a": "That burnout taught me the most useful word in open source, which is no. No to "
        "feature requests that do not fit, and no to weekend emergencies that are not really "
        "emergencies.",
        "b": "So I had to learn to say no, politely but firmly, or the burnout would have ended "
        "the whole thing.",
    },
    6: {
        "v": "What actually helped was writing a contributing guide, issue templates and a short "
        "code of conduct, so newcomers knew what a good bug report looks like and what to "
        "expect from us.",
        "p": "What really helped in the end was some boring documentation: a guide for "
        "contributors, templates for issues, and a short code of conduct. Newcomers could "
        "finally see what a useful bug report looks like and what they could expect from us.",
    },
    7: {
        "a": "Next, automate your releases. Pushing a tag should be enough: continuous "
        "integration builds it, writes the changelog and publishes the package, with no human "
        "in the loop.",
        "b": "I would automate every release again: a tag in git, the changelog generated, and "
        "CI publishing the package by itself.",
    },
    8: {
        "v": "Invite regular contributors to become maintainers early, even before you feel they "
        "are ready, because trust grows when you give it.",
        "p": "Bring the people who contribute regularly in as maintainers early, earlier than "
        "feels comfortable, because trust only grows once you actually give it.",
    },
    9: {
        "v": "Give regular contributors commit access early; trust grows when you give it.",
        "p": "In practice that means commit access. Hand it out early to the people who keep "
        "coming back; I have never regretted it.",
    },
    10: {
        "v": "Money is awkward: sponsorships covered the hosting bills but never the hours, and "
        "only a company grant in twenty twenty-two finally paid for the big rewrite.",
        "p": "Let's talk about money, because it is awkward. Sponsors paid for the servers, but "
        "never for my time. It was only a grant from a company, in twenty twenty-two, that "
        "finally paid for rewriting the library.",
    },
    11: {
        "v": "Write down your limits, protect your weekends, and remember that a slow answer is "
        "still better than an abandoned project.",
        "p": "So my advice is simple. Put your limits in writing, keep your weekends for "
        "yourself, and remember that answering slowly is still much better than a project "
        "nobody looks after.",
    },
    12: {"a": "Thank you very much for listening. I am happy to take your questions now."},
}

EN_ADLIB = (
    "Sorry, a quick aside before I go on. Last week my cat walked across the keyboard during a "
    "video call and somehow opened twelve browser tabs about fishing boats. My colleagues still "
    "have not let me forget it."
)

# --- the second Polish talk --------------------------------------------------------------------

PL_NOTES_FILE = "testowanie-potokow-danych.md"
PL_NOTES = """\
# Testowanie potoków danych

## Dlaczego w ogóle testujemy dane (3 min)

1. Cześć, dzisiaj opowiem Wam, jak testujemy potoki danych w naszym zespole i dlaczego \
zaczęliśmy to robić dopiero po 3 latach.
2. W 2021 roku jeden błędny plik CSV od dostawcy zepsuł raport dla zarządu i nikt tego nie \
zauważył przez 2 tygodnie. (0:40)
3. Testy jednostkowe sprawdzają kod, ale nie sprawdzają danych, a to właśnie dane psują się \
najczęściej.
4. Piramida testow dla danych
5. Schemat: typy kolumn, wartosci puste, unikalność kluczy

## Jak to robimy (4 min)

6. Kazdy krok potoku ma kontrakt: co przyjmuje, co zwraca i jakie są dopuszczalne zakresy \
wartości.
7. Testy na próbce danych produkcyjnych uruchamiamy co noc i trwają około 15 minut. (0:30)
8. Great Expectations kontra testy w dbt
9. Alerty trafiają na Slacka, ale tylko te krytyczne; reszta ląduje w cotygodniowym raporcie.
10. Najwazniejsza lekcja: test, którego nikt nie czyta, jest gorszy niż brak testu.
11. Pytania
"""

PL_SPEECH: dict[int, dict[str, str]] = {
    1: {
        "v": "Cześć, dzisiaj opowiem Wam, jak testujemy potoki danych w naszym zespole i "
        "dlaczego zaczęliśmy to robić dopiero po trzech latach.",
        "p": "Dzień dobry. Chciałbym Wam dziś pokazać, w jaki sposób nasz zespół testuje potoki "
        "danych, i wyjaśnić, czemu zabraliśmy się za to dopiero po trzech latach pracy.",
    },
    2: {
        "v": "W dwa tysiące dwudziestym pierwszym roku jeden błędny plik CSV od dostawcy zepsuł "
        "raport dla zarządu i nikt tego nie zauważył przez dwa tygodnie.",
        "p": "Wszystko zaczęło się od jednego błędnego pliku CSV, który przysłał nam dostawca. "
        "Raport dla zarządu był przez to zepsuty, a my przez dwa tygodnie niczego nie "
        "zauważyliśmy. To był rok dwa tysiące dwudziesty pierwszy.",
    },
    3: {
        "v": "Testy jednostkowe sprawdzają kod, ale nie sprawdzają danych, a to właśnie dane "
        "psują się najczęściej.",
        "p": "Testy jednostkowe sprawdzają nasz kod, ale danych już nie sprawdzają. A przecież "
        "najczęściej psują się właśnie dane, a nie kod.",
    },
    4: {
        "a": "Dlatego zbudowaliśmy sobie coś w rodzaju piramidy testów, tylko że dla danych: na "
        "dole dużo tanich testów, na górze kilka drogich.",
    },
    5: {
        "a": "Na samym dole piramidy jest schemat: sprawdzamy typy kolumn, puste wartości i to, "
        "czy klucze są unikalne.",
    },
    6: {
        "v": "Każdy krok potoku ma kontrakt: co przyjmuje, co zwraca i jakie są dopuszczalne "
        "zakresy wartości.",
        "p": "Dla każdego kroku potoku spisujemy kontrakt, czyli co ten krok przyjmuje, co "
        "oddaje i w jakich zakresach mogą być wartości.",
    },
    7: {
        "v": "Testy na próbce danych produkcyjnych uruchamiamy co noc i trwają około piętnastu "
        "minut.",
        "p": "Co noc puszczamy testy na próbce danych z produkcji. Całość zajmuje mniej więcej "
        "piętnaście minut.",
    },
    8: {
        "a": "Próbowaliśmy dwóch narzędzi, Great Expectations oraz testów wbudowanych w dbt. "
        "Ostatecznie zostaliśmy przy dbt, bo jest prostsze.",
    },
    9: {
        "v": "Alerty trafiają na Slacka, ale tylko te krytyczne; reszta ląduje w cotygodniowym "
        "raporcie.",
        "p": "Kiedy test nie przejdzie, alert idzie na Slacka, ale wyłącznie wtedy, gdy sprawa "
        "jest krytyczna. Wszystko inne zbieramy w raporcie raz w tygodniu.",
    },
    10: {
        "v": "Najważniejsza lekcja: test, którego nikt nie czyta, jest gorszy niż brak testu.",
        "p": "Jeśli mam zostawić Wam jedną lekcję, to taką: test, którego wyników nikt nie "
        "czyta, jest gorszy niż brak jakiegokolwiek testu.",
    },
    11: {"a": "Dziękuję bardzo za uwagę. Chętnie odpowiem teraz na Wasze pytania."},
}

PL_ADLIB = (
    "Zanim pójdę dalej, mała dygresja. W zeszłym tygodniu byłem na konferencji w Gdańsku i w "
    "przerwie obiadowej ktoś zapytał mnie, czy lubię pierogi z jagodami. Powiedziałem, że tak, i "
    "rozmawialiśmy o tym przez pół godziny."
)

# --- the human reading -------------------------------------------------------------------------

BABYLON_NOTES_FILE = "babylon.md"
BABYLON_NOTES = """\
# Babylon

1. Opening: journey's end, Babylon = "Gate of God"; ruins of the 2nd of the Seven Wonders
2. Already ancient in Nebuchadnezzar's day
3. Hebrew tradition says oldest city - wrong, older empires rose and fell first
4. Sargon I (maybe 3800 BC) first to mention it, claims he founded and named it
5. Early Babylon: just a shrine with mud huts and date palms
6. ~2250 BC Hammurabi makes it his capital -> chief city of Babylonia
7. Next 1500 years obscure: only kings' names and long wars with Assyria
"""


@dataclass(frozen=True)
class Passage:
    """One point's stretch of the human recording: cut at ``cut``, speech within ``speech``."""

    point: int
    cut: tuple[float, float]
    speech: tuple[float, float]
    text: str


# Speech spans: sentence starts/ends from faster-whisper base word timestamps (language en, beam
# 5), moved to the edges of the silences between sentences (10 ms RMS below -51 dBFS for >= 0.2 s),
# where Whisper's word starts run into the preceding pause. Cuts fall mid-silence.
BABYLON = (
    Passage(
        1,
        (0.0, 13.685),
        (0.32, 13.58),
        'Your journey is at an end. Before you is Babylon, the "Gate of God," as the old name '
        "means. About you is all that remains of the second of the Seven Wonders of the World.",
    ),
    Passage(
        2,
        (13.685, 19.69),
        (13.79, 19.57),
        "Babylon, even in the days of Nebuchadnezzar, was an old, old city.",
    ),
    Passage(
        3,
        (19.69, 29.51),
        (19.81, 29.23),
        "There is a Hebrew tradition that it was the oldest of all cities, but now we know that "
        "great empires flourished and passed away before Babylon was built.",
    ),
    Passage(
        4,
        (29.51, 44.485),
        (29.79, 44.23),
        "Old King Sargon I., who may have lived as early as three thousand eight hundred B.C., "
        "seems to have been the first to mention Babylon, and one of his inscriptions seems to "
        "say that he built the city and gave it its name.",
    ),
    Passage(
        5,
        (44.485, 51.61),
        (44.74, 51.39),
        "But in those very early days Babylon was little more than a shrine, surrounded with mud "
        "huts and date palms.",
    ),
    Passage(
        6,
        (51.61, 60.315),
        (51.83, 59.98),
        "It was about twenty-two fifty B.C., when the great Hammurabi made it his capital, that "
        "it became the chief city of Babylonia.",
    ),
    Passage(
        7,
        (60.315, 71.66),
        (60.65, 70.40),
        "Its history for the next fifteen hundred years or more is obscure. We know the names of "
        "its kings, and the records speak of long wars with the Assyrians.",
    ),
)

# --- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A rehearsal. Script items: ``"3p"`` (point 3, speech variant p; v = verbatim),
    ``"adlib"``, ``"pause:3"`` (seconds of silence instead of the gap), or for the human
    reading a point number (its passage)."""

    name: str
    ext: str
    language: str
    notes_file: str
    script: tuple[str, ...]
    voice: str = ""
    speed: int = 160
    human: bool = False
    about: str = ""
    bitrate: str = "32k"


CASE_LIST = (
    Case(
        "en-full",
        "ogg",
        "en",
        EN_NOTES_FILE,
        ("1p", "2v", "3a", "4v", "5a", "6p", "7a", "8v", "9p", "10p", "11v", "12a"),
        voice="en-us",
        speed=165,
        about="all 12 points in order; half paraphrased, keyword points expanded",
    ),
    Case(
        "en-skips",
        "mp3",
        "en",
        EN_NOTES_FILE,
        ("1v", "2p", "4p", "5b", "adlib", "7b", "8p", "pause:3", "10v", "11p", "12a"),
        voice="en-us+f3",
        speed=155,
        about="3, 6 and 9 skipped (9 is a near-duplicate of 8, which is said); "
        "ad-lib of over 10 s after 5; 3 s pause before 10",
    ),
    Case(
        "en-reorder",
        "m4a",
        "en",
        EN_NOTES_FILE,
        ("1v", "2p", "3b", "10p", "4p", "5b", "7a", "6p", "8p", "9v", "11p", "12a"),
        voice="en-gb-scotland",
        speed=175,
        about="10 moved far forward (after 3); 6 and 7 swapped; paraphrase",
        bitrate="40k",
    ),
    Case(
        "pl2-skips",
        "webm",
        "pl",
        PL_NOTES_FILE,
        ("1v", "2v", "3p", "adlib", "5a", "6v", "7p", "9v", "11a"),
        voice="pl+m3",
        speed=160,
        about="4, 8 and 10 skipped; ad-lib of over 10 s after 3; numbers in notes as digits",
    ),
    Case(
        "pl2-reorder",
        "ogg",
        "pl",
        PL_NOTES_FILE,
        ("1p", "3p", "2p", "4a", "5a", "10p", "6p", "pause:6", "7v", "8a", "9p", "11a"),
        voice="pl+f2",
        speed=150,
        about="2 and 3 swapped; 10 moved far forward (after 5); paraphrase; 6 s pause",
    ),
    Case(
        "babylon-full",
        "mp3",
        "en",
        BABYLON_NOTES_FILE,
        ("1", "2", "3", "4", "5", "6", "7"),
        human=True,
        about="real human voice (LJSpeech); summary-style notes; all 7 in order",
        bitrate="48k",
    ),
    Case(
        "babylon-cut",
        "wav",
        "en",
        BABYLON_NOTES_FILE,
        ("1", "2", "4", "3", "6", "pause:3", "7"),
        human=True,
        about="the human reading cut: 5 removed, 3 and 4 swapped, 3 s pause before 7",
    ),
)

# --- audio ---------------------------------------------------------------------------------


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
}


def encode(wav: Path, out: Path, bitrate: str) -> Path:
    codec = _CODECS[out.suffix[1:]]
    rate = () if out.suffix == ".wav" else ("-b:a", bitrate)
    _run(
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
        "-ac", "1", *codec, *rate, "-map_metadata", "-1", "-fflags", "+bitexact",
        "-flags:a", "+bitexact", str(out),
    )  # fmt: skip
    return out


# --- the timeline ------------------------------------------------------------------------------


@dataclass
class Timeline:
    """Pieces laid end to end, with what the truth needs to know about them."""

    parts: list[Path] = field(default_factory=list)
    now: float = 0.0
    points: list[dict] = field(default_factory=list)
    adlibs: list[dict] = field(default_factory=list)
    pauses: list[dict] = field(default_factory=list)
    words: int = 0
    last_speech_end: float = 0.0
    pending_pause: bool = False

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


def count_words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def _point_entry(point: int, start: float, end: float, order: int, verbatim: bool) -> dict:
    return {
        "point": point,
        "start": round(start, 2),
        "end": round(end, 2),
        "order": order,
        "verbatim": verbatim,
    }


_ITEM = re.compile(r"(\d+)([a-z])")


def _synth_items(case: Case, speech: dict[int, dict[str, str]]) -> Iterator[tuple]:
    """(kind, point, text, verbatim) for each item of a synthetic script."""
    adlib = EN_ADLIB if case.language == "en" else PL_ADLIB
    for item in case.script:
        if item == "adlib":
            yield "adlib", None, adlib, False
        elif item.startswith("pause:"):
            yield "pause", None, item.split(":")[1], False
        else:
            number, variant = _ITEM.fullmatch(item).groups()
            yield "point", int(number), speech[int(number)][variant], variant == "v"


def build_synthetic(case: Case, tmp: Path) -> Timeline:
    speech = EN_SPEECH if case.language == "en" else PL_SPEECH
    line = Timeline()
    gap = silence(tmp / "gap.wav", GAP, SYNTH_RATE)
    for i, (kind, point, text, verbatim) in enumerate(_synth_items(case, speech)):
        if kind == "pause":
            line.parts.pop()  # the pause replaces the gap before it
            line.now -= GAP
            line.add(silence(tmp / f"pause{i}.wav", float(text), SYNTH_RATE), float(text))
            line.pending_pause = True
            continue
        wav = speak(text, tmp / f"{i:02d}.wav", voice=case.voice, speed=case.speed)
        length = seconds(wav)
        start = line.add(wav, length)
        line.speech(start, start + length, text)
        if kind == "adlib":
            line.adlibs.append({"start": round(start, 2), "end": round(start + length, 2)})
        else:
            line.points.append(_point_entry(point, start, start + length, len(line.points) + 1,
                                             verbatim))  # fmt: skip
        line.add(gap, GAP)
    line.parts.pop()
    line.now -= GAP
    line.add(silence(tmp / "tail.wav", TAIL, SYNTH_RATE), TAIL)
    return line


def build_human(case: Case, tmp: Path, source: Path) -> Timeline:
    wav = tmp / "source.wav"
    _run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), "-ac", "1",
         "-ar", str(HUMAN_RATE), str(wav))  # fmt: skip
    passages = {p.point: p for p in BABYLON}
    line = Timeline()
    for i, item in enumerate(case.script):
        if item.startswith("pause:"):
            pause = float(item.split(":")[1])
            line.add(silence(tmp / f"pause{i}.wav", pause, HUMAN_RATE), pause)
            line.pending_pause = True
            continue
        passage = passages[int(item)]
        piece = cut(wav, tmp / f"{i:02d}.wav", *passage.cut)
        offset = line.add(piece, seconds(piece)) - passage.cut[0]
        start, end = (offset + t for t in passage.speech)
        line.speech(start, end, passage.text)
        line.points.append(_point_entry(passage.point, start, end, len(line.points) + 1, False))
    return line


def truth(case: Case, line: Timeline, numbers: list[int]) -> dict:
    said = {p["point"] for p in line.points}
    data = {
        "recording": f"{case.name}.{case.ext}",
        "notes": case.notes_file,
        "language": case.language,
        "duration": round(line.now, 2),
        "words_spoken": line.words,
        "points": line.points,
        "missed": [n for n in numbers if n not in said],
        "long_pauses": line.pauses,
        "adlibs": len(line.adlibs),
    }
    if line.adlibs:
        data["adlib_spans"] = line.adlibs
    return data


def notes_numbers(notes: str) -> list[int]:
    return [int(m) for m in re.findall(r"^(\d+)\.", notes, re.M)]


_NOTES = {EN_NOTES_FILE: EN_NOTES, PL_NOTES_FILE: PL_NOTES, BABYLON_NOTES_FILE: BABYLON_NOTES}


def make_case(case: Case, out_dir: Path, source: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix=f"case-{case.name}-") as name:
        tmp = Path(name)
        line = build_human(case, tmp, source) if case.human else build_synthetic(case, tmp)
        joined = concat(line.parts, tmp / "joined.wav")
        recording = encode(joined, out_dir / f"{case.name}.{case.ext}", case.bitrate)
    data = truth(case, line, notes_numbers(_NOTES[case.notes_file]))
    path = out_dir / f"{case.name}.truth.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("%s: %.1f s, %d KB", recording.name, line.now, recording.stat().st_size // 1024)
    return recording


def write_readme(out_dir: Path) -> None:
    rows = "\n".join(
        f"| {c.name}.{c.ext} | {c.notes_file} | {c.language} | "
        f"{'human (LJSpeech)' if c.human else f'espeak-ng {c.voice} -s {c.speed}'} | {c.about} |"
        for c in CASE_LIST
    )
    (out_dir / "README.md").write_text(
        "# Benchmark rehearsals\n\n"
        "Made by `benchmarks/make_cases.py` (reproducible; see its docstring for how truth times "
        "are derived). pl-full, pl-skips and pl-reorder are the shared Polish rehearsals of "
        "notes/kilka-zdan-o-sobie.md. NAME.truth.json follows their format; `adlib_spans` "
        "gives where each ad-lib is. transcripts/NAME.json: faster-whisper base int8, beam 5, "
        "word timestamps, the truth's language.\n\n"
        "| recording | notes | language | voice | what happens |\n|---|---|---|---|---|\n"
        f"{rows}\n",
        encoding="utf-8",
    )


def transcribe_case(recording: Path, language: str, out_dir: Path) -> None:
    from rehearse.models import to_json
    from rehearse.transcribe import TranscribeOptions, transcribe

    options = TranscribeOptions(language=language, beam_size=5, cache=False)
    result = transcribe(recording, options)
    out = out_dir / "transcripts" / f"{recording.stem}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(to_json(result.transcript) + "\n", encoding="utf-8")
    log.info("%s: transcribed in %.1f s", out.name, result.seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to build (default: all)")
    parser.add_argument("--out", type=Path, default=CASES)
    parser.add_argument("--human-source", type=Path, default=HUMAN_SOURCE)
    parser.add_argument("--transcribe", action="store_true", help="also write transcripts/")
    parser.add_argument("--no-build", action="store_true", help="use the recordings already made")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in _NOTES.items():
        (args.out / name).write_text(text, encoding="utf-8")
    write_readme(args.out)
    for case in CASE_LIST:
        if args.only and case.name not in args.only:
            continue
        if case.human and not args.no_build and not args.human_source.exists():
            log.warning("%s skipped: %s not found", case.name, args.human_source)
            continue
        if args.no_build:
            recording = args.out / f"{case.name}.{case.ext}"
        else:
            recording = make_case(case, args.out, args.human_source)
        if args.transcribe:
            transcribe_case(recording, case.language, args.out)


if __name__ == "__main__":
    main()
