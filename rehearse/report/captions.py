"""A Transcript as captions (SRT, WebVTT) and plain text, and writing them beside each other.

``labels`` optionally maps a segment index to a tag such as ``"[3]"`` (the point it covers),
shown at the start of that cue or line.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from rehearse.errors import OutputError, reason
from rehearse.models import Segment, Transcript, to_json

Labels = Mapping[int, str] | None
LINE = 42
MAX_CUE = 7.0


def to_srt(transcript: Transcript, labels: Labels = None) -> str:
    """SubRip: numbered cues with ``HH:MM:SS,mmm`` times."""
    cues = [
        f"{n}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{text}\n"
        for n, (start, end, text) in enumerate(_cues(transcript, labels), start=1)
    ]
    return "\n".join(cues)


def to_vtt(transcript: Transcript, labels: Labels = None) -> str:
    """WebVTT: ``HH:MM:SS.mmm`` times; text escaped for the format."""
    cues = [
        f"{_clock(start, '.')} --> {_clock(end, '.')}\n{_vtt_escape(text)}\n"
        for start, end, text in _cues(transcript, labels)
    ]
    return "\n".join(["WEBVTT\n", *cues])


def to_text(transcript: Transcript, labels: Labels = None) -> str:
    """Plain text, one segment per line."""
    lines = []
    for i, segment in enumerate(transcript.segments):
        text = " ".join(segment.text.split())
        if text:
            lines.append(_tagged(text, labels, i) + "\n")
    return "".join(lines)


def _cues(transcript: Transcript, labels: Labels) -> list[tuple[float, float, str]]:
    """Readable cues: each segment split at word times into at most two lines of ~42 chars."""
    out = []
    for i, segment in enumerate(transcript.segments):
        for n, (start, end, text) in enumerate(_split(segment)):
            wrapped = "\n".join(textwrap.wrap(text, LINE))
            out.append((start, end, _tagged(wrapped, labels, i) if n == 0 else wrapped))
    return out


def _split(segment: Segment) -> list[tuple[float, float, str]]:
    text = " ".join(segment.text.split())
    if not text:
        return []
    if len(text) <= 2 * LINE or not segment.words:
        return [(segment.start, segment.end, text)]
    count = max(
        math.ceil(len(text) / (2 * LINE)), math.ceil((segment.end - segment.start) / MAX_CUE)
    )
    words = [w for w in segment.words if w.text.strip()]
    sizes = np.cumsum([len(w.text.strip()) + 1 for w in words])
    chunks: dict[int, list] = {}
    for word, done in zip(words, sizes, strict=True):
        chunks.setdefault(min(int((done - 1) / sizes[-1] * count), count - 1), []).append(word)
    return [(c[0].start, c[-1].end, " ".join(w.text.strip() for w in c)) for c in chunks.values()]


def _tagged(text: str, labels: Labels, index: int) -> str:
    tag = (labels or {}).get(index)
    return f"{tag} {text}" if tag else text


def _clock(seconds: float, decimal: str) -> str:
    ms = max(round(seconds * 1000), 0)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


WRITERS: dict[str, Callable[[Transcript], str]] = {
    "json": lambda t: to_json(t) + "\n",
    "srt": to_srt,
    "vtt": to_vtt,
    "txt": to_text,
}


def write_transcript(transcript: Transcript, folder: Path, stem: str) -> dict[str, Path]:
    """Write ``stem.json/.srt/.vtt/.txt`` into ``folder``; earlier files are never overwritten
    (a ``-2``, ``-3``... suffix is added instead)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = _free_stem(folder, stem)
        paths = {}
        for ext, render in WRITERS.items():
            path = folder / f"{name}.{ext}"
            with path.open("x", encoding="utf-8") as out:
                out.write(render(transcript))
            paths[ext] = path
    except OSError as exc:
        raise OutputError(f"cannot write the transcript to {folder}: {reason(exc)}") from None
    return paths


def _free_stem(folder: Path, stem: str) -> str:
    name, n = stem, 1
    while any((folder / f"{name}.{ext}").exists() for ext in WRITERS):
        n += 1
        name = f"{stem}-{n}"
    return name
