"""Alignment speed: a synthetic 60-minute talk (~9,000 words) against 200 points, without
and with the meaning signal (sentence embeddings).

Usage: python benchmarks/align_speed.py [--words 9000] [--points 200] [--seed 0]

Vocabulary comes from the real notes and fixture transcripts; points are 5-60 words; the
transcript says most points in order (with a few skipped and a few moved), padded with
other speech, at ~150 words per minute.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from rehearse.align import AlignOptions, align
from rehearse.models import Notes, Point, Segment, Transcript, Word, from_dict
from rehearse.textnorm import split_words

ROOT = Path(__file__).resolve().parent.parent


def vocabulary() -> list[str]:
    words = []
    for path in sorted((ROOT / "tests/data/transcripts").glob("*.json")):
        words += [w.text.strip() for w in from_dict(Transcript, json.loads(path.read_text())).words]
    for path in sorted((ROOT / "notes").glob("*.md")):
        words += split_words(path.read_text())
    return [w for w in words if w]


def build(n_words: int, n_points: int, seed: int) -> tuple[Notes, Transcript]:
    rng = random.Random(seed)
    vocab = vocabulary()
    points = [
        Point(index=i, number=i + 1, text=" ".join(rng.choices(vocab, k=rng.randint(5, 60))))
        for i in range(n_points)
    ]
    spoken = [p for p in points if rng.random() > 0.05]
    for _ in range(5):
        i, j = rng.randrange(len(spoken)), rng.randrange(len(spoken))
        spoken.insert(j, spoken.pop(i))
    said = sum(len(p.text.split()) for p in spoken)
    filler = max(0, n_words - said) // max(len(spoken), 1)
    texts = []
    for p in spoken:
        texts += p.text.split() + rng.choices(vocab, k=filler)
    words, t = [], 0.0
    for text in texts[:n_words]:
        words.append(Word(text, t, t + 0.3, 0.9))
        t += 0.4
    segments = tuple(
        Segment(ws[0].start, ws[-1].end, " ".join(w.text for w in ws), tuple(ws))
        for ws in (words[i : i + 15] for i in range(0, len(words), 15))
    )
    notes = Notes(path="synthetic.md", title="synthetic", points=tuple(points), language="pl")
    return notes, Transcript("pl", t, "synthetic", "none", segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    notes, transcript = build(args.words, args.points, args.seed)
    align(notes, transcript, AlignOptions(meaning=False))  # warm caches (lemmatiser)
    for meaning in (False, True):
        began = time.perf_counter()
        coverage = align(notes, transcript, AlignOptions(meaning=meaning))
        took = time.perf_counter() - began
        found = sum(p.status != "missed" for p in coverage.points)
        print(
            f"align ({'with' if meaning else 'without'} meaning): {len(transcript.words)} words "
            f"x {len(notes.points)} points ({transcript.duration / 60:.0f} min) in {took:.2f} s; "
            f"{found} points found"
        )


if __name__ == "__main__":
    main()
