"""Real recordings that human-voice cases are cut from, split into units with their times.

Each source in ``benchmarks/sources/`` is a recording ``NAME.<ext>`` with its reference text
``NAME.txt``, one unit (a sentence, or a line of verse) per line. ``python -m
benchmarks.sources`` writes ``NAME.units.json``: per unit its text, where its speech starts and
ends, and where to cut it out (mid-silence). Times come from a Whisper word-timestamped
transcript (faster-whisper base, beam 5, in the source's language: ``LANGUAGES``) matched word
by word to the reference text, each boundary then moved to the edges of the longest silence
between the two units (looked for 0.15 s past Whisper's word edges, 0.4 s when there is none
that close; ``rehearse.audio.Levels.quiet``: 10 ms frames below a threshold set from
the recording's own noise floor). The licences are in ``sources/README.md``.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import logging
import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parent / "sources"
SEARCH = 0.15  # s; how far past Whisper's word edges to look for the silence
WIDER = 0.4  # s; how far to look when there is no silence that close (spontaneous speech)
SHORTEST_SILENCE = 0.1  # s
LANGUAGES = {"gornictwo": "pl"}  # a source's language, when it is not English
# Where Whisper's word times put a boundary in the wrong place, about where (s) unit N really
# starts; the boundary goes to the longest silence within 0.2 s of it. Checked by transcribing
# each unit cut out on its own. gornictwo: Whisper times "bełchatów" (20.4-21.2 s) into the
# silence after it, so unit 3 would lose its first word to unit 2.
ANCHORS = {"gornictwo": {3: 20.3}}

log = logging.getLogger("benchmarks.sources")


def language(name: str) -> str:
    return LANGUAGES.get(name, "en")


def recording(name: str) -> Path:
    return next(p for p in SOURCES.glob(f"{name}.*") if p.suffix not in (".txt", ".json"))


def units(name: str) -> list[dict]:
    """The unit table of source ``name`` (written by ``main``)."""
    return json.loads((SOURCES / f"{name}.units.json").read_text(encoding="utf-8"))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9'ąćęłńóśźż]+", text.lower().replace("’", "'"))


def split(name: str) -> list[dict]:
    """Units of source ``name`` with speech and cut times."""
    from rehearse.audio import longest_quiet, scan
    from rehearse.timing import spoken_words
    from rehearse.transcribe import TranscribeOptions, transcribe

    path = recording(name)
    texts = (SOURCES / f"{name}.txt").read_text(encoding="utf-8").strip().splitlines()
    transcript = transcribe(
        path, TranscribeOptions(language=language(name), beam_size=5)
    ).transcript
    words = spoken_words(transcript)
    heard = [(_tokens(w.text) or [""])[0] for w in words]
    ref, owner = [], []
    for i, text in enumerate(texts):
        ref += _tokens(text)
        owner += [i] * len(_tokens(text))
    spans: dict[int, list[int]] = {}
    matcher = difflib.SequenceMatcher(None, ref, heard, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            spans.setdefault(owner[block.a + k], []).append(block.b + k)
    missing = [texts[i] for i in range(len(texts)) if i not in spans]
    if missing:
        raise SystemExit(f"{name}: no word heard of {missing}")
    quiet = scan(path).quiet()

    def silence(a: float, b: float) -> tuple[float, float] | None:
        found = longest_quiet(quiet, a, b)
        return found if found and found[1] - found[0] >= SHORTEST_SILENCE else None

    table = [
        {"text": t, "start": words[min(spans[i])].start, "end": words[max(spans[i])].end}
        for i, t in enumerate(texts)
    ]
    anchors = ANCHORS.get(name, {})
    for k, (left, right) in enumerate(itertools.pairwise(table), start=1):
        between = silence(left["end"] - SEARCH, right["start"] + SEARCH) or silence(
            left["end"] - WIDER, right["start"] + WIDER
        )
        if k in anchors:
            between = silence(anchors[k] - 0.2, anchors[k] + 0.2)
            if not between:
                raise SystemExit(f"{name}: no silence near {anchors[k]} s for unit {k}")
        if between:
            left["end"], right["start"] = between
        cut = (left["end"] + right["start"]) / 2
        left["cut_end"] = right["cut_start"] = cut
    lead = silence(0.0, table[0]["start"] + SEARCH)
    if lead and lead[0] == 0.0:
        table[0]["start"] = lead[1]
    tail = silence(table[-1]["end"] - SEARCH, transcript.duration)
    if tail and tail[1] >= transcript.duration - 0.02:
        table[-1]["end"] = tail[0]
    table[0]["cut_start"] = 0.0
    table[-1]["cut_end"] = transcript.duration
    return [
        {k: round(v, 3) if isinstance(v, float) else v for k, v in unit.items()} for unit in table
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="sources to split (default: every NAME.txt)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name in args.names or sorted(p.stem for p in SOURCES.glob("*.txt")):
        table = split(name)
        out = SOURCES / f"{name}.units.json"
        out.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        log.info("%s: %d units", out.name, len(table))


if __name__ == "__main__":
    main()
