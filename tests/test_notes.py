"""Notes parsing: messy Markdown, budgets, front matter, numbering, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehearse.errors import InputError, NotesError
from rehearse.notes import load_notes, parse_notes
from rehearse.notes.text import parse_duration

ROOT = Path(__file__).parent.parent


def test_example_talk_parses_as_it_is():
    notes = load_notes(ROOT / "notes/kilka-zdan-o-sobie.md")
    assert [p.number for p in notes.points] == list(range(1, 15))
    assert notes.title == "Kilka zdań o sobie"
    assert notes.language == "pl"
    assert notes.points[11].text == "ML moją pasją"
    assert notes.points[0].text.endswith("spotkaniu :)")
    assert notes.warnings == ()


def test_messy_markdown():
    text = (
        "\ufeff# Intro (1:30)\r\n\r\n"
        "1) First point [90s]\r\n"
        "   continues here\r\n"
        "\t- sub bullet\r\n"
        "   1. nested numbered item\r\n"
        "2. **Second** with [a link](http://x) <!-- 3. hidden\r\n"
        "4. still hidden -->\r\n"
        "```\r\n5. inside a fence\r\n```\r\n"
        "## Next [2 min]\r\n"
        "1. Restart\r\n"
        "\r\nA paragraph that is not a point.\r\n"
    )
    notes = parse_notes(text, "talk.md")
    assert [(p.number, p.section) for p in notes.points] == [
        (1, "Intro"),
        (2, "Intro"),
        (1, "Next"),
    ]
    first = notes.points[0]
    assert first.text == "First point continues here sub bullet nested numbered item"
    assert first.budget == 90.0
    assert notes.points[1].text == "Second with a link"
    assert [(s.title, s.budget) for s in notes.sections] == [("Intro", 90.0), ("Next", 120.0)]
    assert notes.title == "Intro"
    assert first.line == 3


def test_front_matter():
    text = "---\ntitle: My talk\nlanguage: EN\ntarget: 10m\nfillers: [like, so]\n---\n1. Hello\n"
    notes = parse_notes(text, "x.md")
    assert (notes.title, notes.language, notes.target) == ("My talk", "en", 600.0)
    assert notes.fillers == ("like", "so")
    assert parse_notes("---\ntarget: 300\n---\n1. a b\n").target == 300.0


def test_bad_front_matter_is_notes_error():
    with pytest.raises(NotesError):
        parse_notes("---\n- a list\n---\n1. x\n")


def test_title_falls_back_to_file_stem():
    assert parse_notes("1. only a point\n", "notes/my-talk.md").title == "my-talk"


def test_duplicates_and_skipped_numbers():
    notes = parse_notes("1. a\n3. b\n3. c\n# S\n1. d\n")
    assert [p.number for p in notes.points] == [1, 3, 3, 1]
    assert [p.index for p in notes.points] == [0, 1, 2, 3]
    assert len(notes.warnings) == 1 and "3" in notes.warnings[0]


def test_no_points_is_a_clear_error():
    with pytest.raises(NotesError, match="no numbered"):
        parse_notes("# Title\n\n- a bullet\n\nsome text\n", "t.md")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_notes(tmp_path / "nope.md")


def test_language_detected_from_points():
    english = parse_notes("1. Thank you all for coming to this talk about the history of print\n")
    assert english.language == "en"
    polish = parse_notes("1. Dziękuję wszystkim, że przyszliście na tę prezentację o historii\n")
    assert polish.language == "pl"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("10m", 600),
        ("10 min", 600),
        ("90s", 90),
        ("1:30", 90),
        ("1h5m", 3900),
        ("2 min", 120),
        ("1.5m", 90),
        ("1:02:03", 3723),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "10", "1:75", "5 mx", "m"])
def test_parse_duration_rejects(text):
    with pytest.raises(InputError):
        parse_duration(text)
