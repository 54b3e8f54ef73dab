"""Slide decks as notes: real .pptx files built with python-pptx, .odp files written by
LibreOffice (when installed) and by hand, the Markdown export and its round trip."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from decks import SOFFICE, P, S, convert, make_deck
from typer.testing import CliRunner

from rehearse.cli import app
from rehearse.measure.pacing import budget_sources, point_budgets
from rehearse.notes import format_notes, load_notes, parse_notes

ROOT = Path(__file__).parent.parent
SEED = ROOT / "notes" / "kilka-zdan-o-sobie.md"
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice not installed (scripts/setup.sh --dev installs it)"
)

FRONT = ("---", "title: Five years of a small library", "language: en", "target: 10m",
         "fillers: [okay]", "---")  # fmt: skip
TALK = [
    S("Welcome", notes=(*FRONT, "Thank you all for coming to this talk [click]")),
    S(
        "How it started (2 min)",
        notes=(
            "1. It began as a weekend script (45s)",
            P("that I pushed to GitHub on a Friday", level=1),
            "2) Bus factor of one",
            "[click]",
            "language: de is ordinary text here",
        ),
    ),
    S(
        "Results",
        notes=(
            "Here I show the chart with the download counts.",
            P("Downloads grew tenfold", auto=True),
            P("Issues doubled", auto=True),
            P("mostly feature requests", level=1),
            P("Stars tripled", auto=True),
            "(1:30)",
        ),
        body=("a chart",),
    ),
    S("Backup", notes=("1. A secret backup point",), hidden=True),
    S(None, notes=("Questions from the audience", "[demo]", "Thank you and goodbye")),
    S("Architecture", body=("Parser", P("reads Markdown and decks", level=1), "Aligner")),
    S("A picture"),
]


def points_of(notes):
    return [(p.slide, p.number, p.text, p.section, p.budget) for p in notes.points]


@pytest.fixture
def talk(tmp_path) -> Path:
    return make_deck(tmp_path / "talk.pptx", TALK)


def test_slides_become_sections_and_notes_become_points(talk):
    notes = load_notes(talk)
    assert points_of(notes) == [
        (1, 1, "Thank you all for coming to this talk", "Welcome", None),
        (2, 1, "It began as a weekend script that I pushed to GitHub on a Friday",
         "How it started", 45.0),
        (2, 2, "Bus factor of one", "How it started", None),
        (3, 1, "Downloads grew tenfold", "Results", None),
        (3, 2, "Issues doubled mostly feature requests", "Results", None),
        (3, 3, "Stars tripled", "Results", None),
        (5, 4, "Questions from the audience", "Slide 5", None),
        (5, 5, "Thank you and goodbye", "Slide 5", None),
        (6, 6, "Parser reads Markdown and decks", "Architecture", None),
        (6, 7, "Aligner", "Architecture", None),
    ]  # fmt: skip
    sections = [(s.slide, s.title, s.budget) for s in notes.sections]
    assert sections == [
        (1, "Welcome", None),
        (2, "How it started", 120.0),
        (3, "Results", 90.0),
        (5, "Slide 5", None),
        (6, "Architecture", None),
        (7, "A picture", None),
    ]
    assert notes.sections[1].context == "language: de is ordinary text here"  # not a setting
    assert notes.sections[2].context == "Here I show the chart with the download counts."
    assert (notes.title, notes.language, notes.target, notes.fillers) == (
        "Five years of a small library",
        "en",
        600.0,
        ("okay",),
    )
    assert notes.remarks == (
        "slide 4 'Backup' is hidden: left out",
        "slide 6 'Architecture' has no speaker notes: its body text is used as points",
        "slide 7 'A picture' has no talking points",
    )
    assert notes.warnings == ()


def test_slide_budgets_are_split_over_their_own_points(talk):
    notes = load_notes(talk)
    budgets, sources = point_budgets(notes, notes.target), budget_sources(notes, notes.target)
    on_slide = {n: sum(budgets[p.index] for p in notes.points if p.slide == n) for n in (2, 3)}
    assert on_slide == pytest.approx({2: 120.0, 3: 90.0})
    assert [sources[p.index] for p in notes.points][:5] == [
        "target", "point", "section", "section", "section"
    ]  # fmt: skip
    assert sum(budgets.values()) == pytest.approx(600.0)


def test_two_slides_of_one_title_keep_their_own_budgets(tmp_path):
    deck = make_deck(
        tmp_path / "demo.pptx",
        [
            S("Demo (1:00)", notes=("Open the terminal", "Run the tool")),
            S("Demo (3:00)", notes=("Show the report",)),
        ],
    )
    notes = load_notes(deck)
    budgets = point_budgets(notes, None)
    assert [budgets[p.index] for p in notes.points] == pytest.approx([30.0, 30.0, 180.0])


def test_automatic_numbering_starts_where_powerpoint_starts_it(tmp_path):
    deck = make_deck(
        tmp_path / "auto.pptx",
        [
            S("One", notes=(P("third", auto=3), P("fourth", auto=True), "an aside",
                            P("restarts", auto=True))),
            S("Two", notes=(P("seven", auto=7), P("deeper", level=1), P("eight", auto=True))),
        ],
    )  # fmt: skip
    notes = load_notes(deck)
    assert [(p.number, p.text) for p in notes.points] == [
        (3, "third"), (4, "fourth"), (1, "restarts"), (7, "seven deeper"), (8, "eight")
    ]  # fmt: skip
    assert notes.sections[0].context == "an aside"


def test_stage_directions_line_breaks_and_long_brackets(tmp_path):
    deck = make_deck(
        tmp_path / "cues.pptx",
        [
            S(
                "Cues",
                notes=(
                    "1. [click] Now the results [90s] [pause]",
                    "2. First line\v3. a typed number after a line break\vcontinues it",
                    "4. Keep [this bracket because it has many words] as text",
                    "[next slide]",
                ),
            )
        ],
    )
    notes = load_notes(deck)
    assert [(p.number, p.text, p.budget) for p in notes.points] == [
        (1, "Now the results", 90.0),
        (2, "First line", None),
        (3, "a typed number after a line break continues it", None),
        (4, "Keep [this bracket because it has many words] as text", None),
    ]


def test_the_seed_talk_as_one_slides_notes(tmp_path):
    markdown = load_notes(SEED)
    deck = make_deck(
        tmp_path / "seed.pptx",
        [S("Kilka zdań o sobie", notes=tuple(f"{p.number}. {p.text}" for p in markdown.points))],
    )
    notes = load_notes(deck)
    assert [(p.number, p.text, p.section) for p in notes.points] == [
        (p.number, p.text, p.section) for p in markdown.points
    ]
    assert {p.slide for p in notes.points} == {1}
    assert (notes.title, notes.language) == ("Kilka zdań o sobie", "pl")


# --- Markdown export --------------------------------------------------------------------------


def comparable(notes):
    return [(p.number, p.text, p.section, p.budget) for p in notes.points]


def test_notes_command_round_trips_through_points(talk, tmp_path):
    runner = CliRunner()
    exported = runner.invoke(app, ["notes", str(talk)])
    assert exported.exit_code == 0, exported.output
    markdown = exported.stdout
    assert markdown.startswith("---\ntitle: Five years of a small library\nlanguage: en\n")
    assert "# How it started (2:00) <!-- slide 2 -->" in markdown
    assert "<!-- slide 4 'Backup' is hidden: left out -->" in markdown
    assert "1. It began as a weekend script that I pushed to GitHub on a Friday (0:45)" in markdown
    read_back = parse_notes(markdown, "talk.md")
    deck = load_notes(talk)
    assert comparable(read_back) == comparable(deck)
    assert [(s.title, s.budget) for s in read_back.sections] == [
        (s.title, s.budget) for s in deck.sections
    ]
    assert (read_back.title, read_back.language, read_back.target, read_back.fillers) == (
        deck.title,
        deck.language,
        deck.target,
        deck.fillers,
    )
    piped = runner.invoke(app, ["points", "-"], input=markdown, env={"COLUMNS": "160"})
    direct = runner.invoke(app, ["points", str(talk)], env={"COLUMNS": "160"})
    assert piped.exit_code == 0 and direct.exit_code == 0
    assert "Parser reads Markdown and decks" in piped.stdout
    assert "Target 10:00 (front matter); budgets add up to 10:00." in piped.stdout
    budgets = [line.split("│")[4:6] for line in direct.stdout.splitlines() if "│" in line]
    assert budgets == [line.split("│")[3:5] for line in piped.stdout.splitlines() if "│" in line]


def test_notes_to_a_file_never_replaces_one_without_force(talk, tmp_path):
    out = tmp_path / "talk.md"
    runner = CliRunner()
    done = runner.invoke(app, ["notes", str(talk), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "Wrote 10 points of 6 slides to" in done.stderr
    assert comparable(load_notes(out)) == comparable(load_notes(talk))
    out.write_text("my edits\n", encoding="utf-8")
    refused = runner.invoke(app, ["notes", str(talk), "-o", str(out)])
    assert refused.exit_code == 2 and refused.stderr.strip() == (
        f"error: {out} exists: choose another name or add --force to replace it"
    )
    assert out.read_text(encoding="utf-8") == "my edits\n"
    forced = runner.invoke(app, ["notes", str(talk), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and "# Results (1:30)" in out.read_text(encoding="utf-8")


def test_markdown_notes_export_as_they_read(tmp_path):
    source = SEED.read_text(encoding="utf-8")
    markdown = format_notes(parse_notes(source, str(SEED)))
    assert comparable(parse_notes(markdown)) == comparable(load_notes(SEED))


def test_points_names_the_slides_and_says_what_was_left_out(talk):
    result = CliRunner().invoke(app, ["points", str(talk)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "slide" in out.splitlines()[2]
    assert "Slide 4 'Backup' is hidden: left out." in out
    assert "Slide 6 'Architecture' has no speaker notes: its body text is used as points." in out
    row = next(line for line in out.splitlines() if "Bus factor" in line)
    assert [c.strip() for c in row.split("│")[1:4]] == ["2", "2", "How it started"]


# --- Impress ------------------------------------------------------------------------------------

IMPRESS_TALK = [
    S("Start (1:00)", notes=("1. Why we measure rehearsals", "2. What the tool hears")),
    S("Hidden", notes=("1. never shown",), hidden=True),
    S("Steps", notes=(P("Record the rehearsal", auto=True), P("Read the report", auto=True))),
    S("Summary", body=("Cover every point", "Keep to the time")),
]


@needs_libreoffice
def test_impress_deck_from_libreoffice_reads_like_the_pptx(tmp_path):
    pptx = make_deck(tmp_path / "impress.pptx", IMPRESS_TALK)
    odp = convert(pptx, "odp", tmp_path / "out")
    from_odp, from_pptx = load_notes(odp), load_notes(pptx)
    assert (
        points_of(from_odp)
        == points_of(from_pptx)
        == [
            (1, 1, "Why we measure rehearsals", "Start", None),
            (1, 2, "What the tool hears", "Start", None),
            (3, 1, "Record the rehearsal", "Steps", None),
            (3, 2, "Read the report", "Steps", None),
            (4, 3, "Cover every point", "Summary", None),
            (4, 4, "Keep to the time", "Summary", None),
        ]
    )
    assert [(s.slide, s.budget) for s in from_odp.sections] == [(1, 60.0), (3, None), (4, None)]
    assert from_odp.remarks == from_pptx.remarks


ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}


def write_odp(path: Path, pages: str) -> Path:
    """An .odp as Impress stores one: a stored mimetype first, content.xml, a manifest."""
    names = " ".join(f'xmlns:{k}="{v}"' for k, v in ODF.items())
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {names} office:version="1.3"><office:automatic-styles>
<style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties/></style:style>
<style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties presentation:visibility="hidden"/></style:style>
<text:list-style style:name="N"><text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/></text:list-style>
<text:list-style style:name="B"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/><text:list-level-style-bullet text:level="2" text:bullet-char="–"/></text:list-style>
</office:automatic-styles><office:body><office:presentation>{pages}</office:presentation></office:body></office:document-content>"""  # noqa: E501
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.presentation"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""  # noqa: E501
    with zipfile.ZipFile(path, "w") as odp:
        odp.writestr(
            "mimetype", "application/vnd.oasis.opendocument.presentation", zipfile.ZIP_STORED
        )
        odp.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        odp.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def page(name: str, style: str, title: str, notes: str, body: str = "") -> str:
    frame = '<draw:frame presentation:class="{}"><draw:text-box>{}</draw:text-box></draw:frame>'
    title_frame = frame.format("title", f"<text:p>{title}</text:p>") if title else ""
    body_frame = frame.format("outline", body) if body else ""
    return (
        f'<draw:page draw:name="{name}" draw:style-name="{style}">{title_frame}{body_frame}'
        f"<presentation:notes>{frame.format('notes', notes)}</presentation:notes></draw:page>"
    )


def test_impress_deck_written_as_odf_xml(tmp_path):
    """Numbered lists (a start value, a list that continues), bullets nested in a numbered
    item, ODF's space and line-break elements, a hidden page, a page with body text only."""
    pages = "".join(
        [
            page("p1", "dp1", "Intro<text:s/>(1:30)",
                 "<text:p>---</text:p><text:p>language: en</text:p><text:p>---</text:p>"
                 "<text:p>Some prose about the slide.</text:p>"
                 '<text:list text:style-name="N"><text:list-item>'
                 '<text:p>Say<text:s text:c="2"/>hello</text:p><text:list text:style-name="B">'
                 "<text:list-item><text:p>and wave</text:p>"
                 "</text:list-item></text:list></text:list-item>"
                 "<text:list-item><text:p>Name the problem<text:line-break/>in one line</text:p>"
                 "</text:list-item></text:list>"),
            page("p2", "dp2", "Secret", "<text:p>1. hidden point</text:p>"),
            page("p3", "dp1", "",
                 '<text:list text:style-name="N"><text:list-item text:start-value="5">'
                 "<text:p>Five</text:p></text:list-item></text:list><text:p>[click]</text:p>"
                 '<text:list text:style-name="N" text:continue-numbering="true"><text:list-item>'
                 "<text:p>Six</text:p></text:list-item></text:list>"),
            page("p4", "dp1", "Body only", "",
                 '<text:list text:style-name="B"><text:list-item><text:p>First bullet</text:p>'
                 "</text:list-item><text:list-item><text:p>Second bullet</text:p></text:list-item>"
                 "</text:list>"),
        ]
    )  # fmt: skip
    notes = load_notes(write_odp(tmp_path / "talk.odp", pages))
    assert points_of(notes) == [
        (1, 1, "Say hello and wave", "Intro", None),
        (1, 2, "Name the problem in one line", "Intro", None),
        (3, 5, "Five", "Slide 3", None),
        (3, 6, "Six", "Slide 3", None),
        (4, 7, "First bullet", "Body only", None),
        (4, 8, "Second bullet", "Body only", None),
    ]
    assert notes.sections[0].budget == 90.0 and notes.language == "en"
    assert notes.sections[0].context == "Some prose about the slide."
    assert "slide 2 'Secret' is hidden: left out" in notes.remarks


# --- big decks ----------------------------------------------------------------------------------


def test_a_deck_of_300_slides(tmp_path):
    slides = [S(f"Slide title {n}", notes=(f"Point of slide {n} about topic {n}",))
              for n in range(1, 301)]  # fmt: skip
    deck = make_deck(tmp_path / "big.pptx", slides)
    started = time.perf_counter()
    notes = load_notes(deck)
    assert time.perf_counter() - started < 30
    assert len(notes.points) == len(notes.sections) == 300
    assert [p.number for p in notes.points] == list(range(1, 301))
    assert notes.points[-1].slide == 300 and notes.points[-1].section == "Slide title 300"
    result = CliRunner().invoke(app, ["points", str(deck), "--target", "2h"])
    assert result.exit_code == 0 and "budgets add up to 2:00:00" in result.stdout


def test_awkward_titles_and_texts_round_trip(tmp_path):
    deck = make_deck(
        tmp_path / "awkward.pptx",
        [
            S("Why C#", notes=("1. 2024 was the year (2.5s)", "2. A point with (w nawiasie) text")),
            S("Koszty [1 min]", notes=("Prose only here, no numbers",)),
        ],
    )
    notes = load_notes(deck)
    assert [(s.title, s.budget) for s in notes.sections] == [("Why C#", None), ("Koszty", 60.0)]
    assert [(p.number, p.text, p.budget) for p in notes.points] == [
        (1, "2024 was the year", 2.5),
        (2, "A point with (w nawiasie) text", None),
        (3, "Prose only here, no numbers", None),
    ]
    read_back = parse_notes(format_notes(notes, deck.name), "awkward.md")
    assert comparable(read_back) == comparable(notes)
    assert [(s.title, s.budget) for s in read_back.sections] == [
        (s.title, s.budget) for s in notes.sections
    ]


def test_front_matter_typed_with_line_breaks_in_one_paragraph(tmp_path):
    """Shift+Enter in PowerPoint's notes pane: one paragraph, several lines."""
    notes = "---\vtitle: Line breaks\vlanguage: en\vtarget: 5m\v---\vHello there, everyone"
    deck = make_deck(tmp_path / "breaks.pptx", [S("Start", notes=(notes, "Second point"))])
    parsed = load_notes(deck)
    assert (parsed.title, parsed.language, parsed.target) == ("Line breaks", "en", 300.0)
    assert [(p.number, p.text) for p in parsed.points] == [
        (1, "Hello there, everyone"),
        (2, "Second point"),
    ]


def test_a_closing_slide_with_a_short_title_is_no_point(tmp_path):
    """ "Questions?" / "Dziękuję" at the end of a deck, without notes, were points always
    skipped. A last slide with more text and no notes is still read from its body."""
    deck = make_deck(
        tmp_path / "talk.pptx",
        [
            S("Intro", notes=("1. Who I am", "2. Why this talk")),
            S("Results", body=("Three of five teams shipped weekly after the change",)),
            S("Pytania?", body=("Dziękuję",)),
            S(None, extra=("Thank you!",)),
        ],
    )
    notes = load_notes(deck)
    assert [p.text for p in notes.points] == [
        "Who I am", "Why this talk", "Three of five teams shipped weekly after the change"
    ]  # fmt: skip
    assert "slide 3 'Pytania? Dziękuję' closes the talk (no speaker notes, a short title): " \
        "not a point" in notes.remarks  # fmt: skip
    assert any(r.startswith("slide 4 'Thank you!' closes the talk") for r in notes.remarks)
    out = CliRunner().invoke(app, ["points", str(deck)], env={"COLUMNS": "200"}).stdout
    assert (
        "Slide 3 'Pytania? Dziękuję' closes the talk" in out
        and "Thank you" not in out.split("Slide 3")[0]
    )
