"""Key words of a partly said point that were never heard in its passage."""

from __future__ import annotations

from rehearse.keywords import MAX_MISSING, missing_words
from rehearse.models import Coverage, Notes, Point, PointCoverage, Segment, Transcript, Word


def talk(text: str, start: float = 0.0) -> Transcript:
    words = tuple(
        Word(f" {w}", start + i * 0.4, start + i * 0.4 + 0.3, 0.9)
        for i, w in enumerate(text.split())
    )
    end = words[-1].end
    return Transcript("pl", end + 1, "faster", "base", (Segment(start, end, text, words),))


NOTES = Notes(
    "n.md",
    "t",
    (
        Point(0, 1, "Pracuję w Sotrenderze nad modelami MLOps i kampaniami reklamowymi"),
        Point(1, 2, "Biegam po górach"),
    ),
    language="pl",
)


def coverage(status: str, start: float | None, end: float | None) -> Coverage:
    return Coverage(
        (PointCoverage(0, 1, status, 30.0, start, end), PointCoverage(1, 2, "missed", 0.0))
    )


def test_unheard_content_words_of_a_partly_said_point():
    # "modelach" is another form of "modelami", "kampaniamy" a misspelling: both heard
    transcript = talk("no więc pracuję nad modelach i kampaniamy")
    found = missing_words(NOTES, transcript, coverage("partial", 0.0, transcript.duration))
    assert set(found[0]) == {"Sotrenderze", "MLOps", "reklamowymi"}
    assert 1 not in found  # a skipped point is reported as skipped, not word by word


def test_words_said_outside_the_passage_do_not_count():
    transcript = talk("Sotrenderze MLOps reklamowymi pracuję nad modelami i kampaniami")
    said = transcript.words[3].start, transcript.words[-1].end
    found = missing_words(NOTES, transcript, coverage("partial", *said))
    assert set(found[0]) == {"Sotrenderze", "MLOps", "reklamowymi"}


def test_only_partly_said_points_and_at_most_five_words():
    transcript = talk("dzień dobry")
    assert missing_words(NOTES, transcript, coverage("covered", 0.0, 1.0)) == {}
    long = Notes("n.md", "t", (Point(0, 1, "alfa beta gamma delta epsilon zeta eta theta"),))
    found = missing_words(long, transcript, Coverage((PointCoverage(0, 1, "partial", 5.0, 0, 1),)))
    assert len(found[0]) == MAX_MISSING
