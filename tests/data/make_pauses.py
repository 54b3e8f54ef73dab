"""Make the pause-and-filler rehearsals: pauses-{pl,en}.ogg, their notes and truth files.

Each point is spoken by espeak-ng in chunks; sox trims each chunk's own silence and joins
the chunks with silences of known length, so every pause in the truth file is exact.
Run from the project root: ``.venv/bin/python tests/data/make_pauses.py`` (needs espeak-ng,
sox and ffmpeg). The outputs are committed; the tests never run this.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

HERE = Path(__file__).parent
RATE = 16000
BETWEEN = 0.8  # s of silence between points unless a point says otherwise

# Per talk: voice, notes title, target and points. A point is (notes text, spoken parts,
# silence after it); spoken parts are text chunks and float silences inside the point.
TALKS = {
    "pl": {
        "voice": "pl",
        "title": "Próba z pauzami",
        "target": "40s",
        "points": [
            (
                "Opowiem dziś, jak przygotować krótkie wystąpienie.",
                [
                    "No więc, dzień dobry. Opowiem dziś, jak przygotować krótkie wystąpienie.",
                    2.5,
                    "To jest, yyy, prostsze, niż się wydaje.",
                ],
                3.0,
            ),
            (
                "Najpierw piszemy punkty, potem ćwiczymy na głos.",
                [
                    "Najpierw piszemy punkty na kartce. W sumie wystarczy kilka zdań.",
                    "Potem ćwiczymy na głos, kilka razy.",
                ],
                BETWEEN,
            ),
            (
                "Nagranie próby pokazuje, gdzie mówimy za szybko.",
                [
                    "Nagranie próby pokazuje, gdzie mówimy za szybko, prawda?",
                    4.0,
                    "Jakby, eee, widać to od razu na wykresie.",
                ],
                BETWEEN,
            ),
            (
                "Na koniec liczymy pauzy i słowa wypełniacze.",
                [
                    "Na koniec liczymy pauzy i słowa wypełniacze. Tak naprawdę to wszystko.",
                    "Nie ma na to rady, no. Dziękuję.",
                ],
                0.0,
            ),
        ],
        "fillers": ["no", "yyy", "w sumie", "prawda", "jakby", "eee", "tak naprawdę", "no"],
    },
    "en": {
        "voice": "en-us",
        "title": "A rehearsal with pauses",
        "target": "40s",
        "points": [
            (
                "Today: how to prepare a short talk.",
                [
                    "So, good morning. Today I will talk about preparing a short talk.",
                    2.5,
                    "It is, um, simpler than it looks.",
                ],
                3.0,
            ),
            (
                "First write the points down, then practise out loud.",
                [
                    "First we write the points down on a card. Basically, a few sentences "
                    "are enough.",
                    "Then we practise out loud, a few times.",
                ],
                BETWEEN,
            ),
            (
                "A recording shows where we speak too fast.",
                [
                    "A recording shows where we speak too fast, you know.",
                    4.0,
                    "Like, uh, you can see it right away on the chart.",
                ],
                BETWEEN,
            ),
            (
                "Finally count the pauses and the filler words.",
                [
                    "Finally we count the pauses and the filler words. I like that part.",
                    "I mean, that is all. Thank you.",
                ],
                0.0,
            ),
        ],
        "fillers": ["so", "um", "basically", "you know", "like", "uh", "i mean"],
    },
}


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True)


def seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def speak(text: str, voice: str, out: Path) -> float:
    """Speak ``text`` into ``out`` (16 kHz mono) with its leading/trailing silence trimmed."""
    raw = out.with_suffix(".raw.wav")
    run("espeak-ng", "-v", voice, "-s", "150", "-w", raw, text)
    trim = ("silence", "1", "0.02", "0.5%")
    run("sox", raw, "-r", RATE, "-c", "1", out, *trim, "reverse", *trim, "reverse")
    return seconds(out)


def silence(length: float, out: Path) -> None:
    run("sox", "-n", "-r", RATE, "-c", "1", "-b", "16", out, "trim", "0", f"{length:.3f}")


def build(lang: str, talk: dict, tmp: Path) -> None:
    parts: list[Path] = []
    clock = 0.0
    points, pauses, words = [], [], 0

    def add_silence(length: float, where: dict) -> None:
        nonlocal clock
        path = tmp / f"{len(parts)}.wav"
        silence(length, path)
        parts.append(path)
        pauses.append({"start": round(clock, 2), "duration": length, **where})
        clock += length

    for number, (_, spoken, after) in enumerate(talk["points"], start=1):
        start = clock
        for item in spoken:
            if isinstance(item, float):
                add_silence(item, {"point": number})
                continue
            path = tmp / f"{len(parts)}.wav"
            clock += speak(item, talk["voice"], path)
            parts.append(path)
            words += len(item.split())
        points.append(
            {"point": number, "start": round(start, 2), "end": round(clock, 2),
             "order": number, "verbatim": False}
        )  # fmt: skip
        if after:
            add_silence(after, {"between": [number, number + 1]})
    wav = tmp / "talk.wav"
    run("sox", *parts, wav)
    ogg = HERE / f"pauses-{lang}.ogg"
    run("ffmpeg", "-y", "-loglevel", "error", "-i", wav, "-c:a", "libopus", "-b:a", "24k", ogg)
    truth = {
        "recording": ogg.name,
        "notes": f"pauses-{lang}.md",
        "language": lang,
        "duration": round(seconds(wav), 2),
        "words_spoken": words,
        "points": points,
        "missed": [],
        "long_pauses": [p for p in pauses if p["duration"] >= 2.0],
        "adlibs": 0,
        "fillers": talk["fillers"],
    }
    (HERE / f"pauses-{lang}.truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    notes = [f"---\nlanguage: {lang}\ntarget: {talk['target']}\n---\n", f"# {talk['title']}\n"]
    notes += [f"{n}. {text}" for n, (text, _, _) in enumerate(talk["points"], start=1)]
    (HERE / f"pauses-{lang}.md").write_text("\n".join(notes) + "\n")


def main() -> None:
    for lang, talk in TALKS.items():
        with tempfile.TemporaryDirectory() as tmp:
            build(lang, talk, Path(tmp))
        print(f"pauses-{lang}.ogg")


if __name__ == "__main__":
    main()
