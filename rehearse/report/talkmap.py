"""The talk as said, in order: the transcript cut into passages, each a point's, an ad-lib or
speech of no point, its sentences (Whisper's segments) with their words, fillers and the
long pauses where they fell. The report's transcript section draws it."""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.models import Analysis, PointReport
from rehearse.report.view import owners, point_ref, shorten

# A pause is drawn before the first word starting within this long of its end: word times
# from Whisper are about this coarse, so a word a little early still follows its pause.
PAUSE_SLACK = 0.3  # s
HEADING = 90  # characters of a point's text in its passage's heading


@dataclass(frozen=True)
class Spoken:
    """A word as said: its start and end, whether it is a filler, the long pause before it
    (seconds, None for none) and when that pause began."""

    text: str
    start: float
    end: float
    filler: bool = False
    pause: float | None = None
    pause_at: float | None = None


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    words: tuple[Spoken, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Passage:
    """Consecutive sentences of one owner: ``kind`` is 'point' (``point`` set), 'adlib'
    (speech matching no point, found as such) or 'none' (not part of any point or ad-lib:
    an abandoned first attempt, a greeting); ``row``: the point's place in the analysis's
    points, as numbers may repeat."""

    kind: str
    start: float
    end: float
    sentences: tuple[Sentence, ...]
    point: PointReport | None = None
    row: int | None = None

    @property
    def heading(self) -> str:
        if self.point is not None:
            return f"{point_ref(self.point)} {shorten(self.point.text, HEADING)}"
        return "ad-lib" if self.kind == "adlib" else "no point"


def talk_map(analysis: Analysis) -> list[Passage]:
    """Every segment of the transcript, in order, grouped into passages by the point (or
    ad-lib) whose span overlaps it most."""
    owners = _owners(analysis)
    fillers = {round(f.start, 2): len(f.text.split()) for f in analysis.pacing.fillers}
    left = 0  # words of a filler ("you know") still to mark
    pauses = sorted(analysis.pacing.pauses, key=lambda p: p.start)
    passages: list[Passage] = []
    run: list[Sentence] = []
    owner = None
    for i, seg in enumerate(analysis.transcript.segments):
        words = []
        for w in seg.words or ():
            text = w.text.strip()
            if not text:
                continue
            gap = next((p for p in pauses if p.start + p.duration <= w.start + PAUSE_SLACK), None)
            if gap is not None:
                pauses.remove(gap)
            left = max(left - 1, fillers.get(round(w.start, 2), 0))
            words.append(
                Spoken(
                    text,
                    w.start,
                    w.end,
                    filler=left > 0,
                    pause=gap.duration if gap else None,
                    pause_at=gap.start if gap else None,
                )
            )
        if not words:  # a segment without word times: one word spanning it
            words = [Spoken(seg.text.strip(), seg.start, seg.end)] if seg.text.strip() else []
        if not words:
            continue
        mine = owners.get(i, ("none", None, None))
        if run and mine != owner:
            passages.append(_passage(owner, run))
            run = []
        owner = mine
        run.append(Sentence(seg.start, seg.end, tuple(words)))
    if run:
        passages.append(_passage(owner, run))
    return passages


def _passage(owner, sentences: list[Sentence]) -> Passage:
    kind, point, row = owner
    return Passage(kind, sentences[0].start, sentences[-1].end, tuple(sentences), point, row)


def _owners(analysis: Analysis) -> dict[int, tuple]:
    """Segment index -> ('point', point, row) or ('adlib', None, None), by the most overlap."""
    spans = [
        (p.start, p.end, ("point", p, row))
        for row, p in enumerate(analysis.points)
        if p.start is not None
    ]
    spans += [(x.start, x.end, ("adlib", None, None)) for x in analysis.adlibs]
    return owners(analysis, spans)
