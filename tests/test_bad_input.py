"""Bad input through the real command line: one line on stderr, the right exit code, no
traceback, nothing written or changed. Rows that need Whisper are in test_analyze.py (they
share its one transcription of the bundled rehearsal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from decks import SOFFICE, S, convert, make_deck
from test_report import make_analysis
from typer.testing import CliRunner

from rehearse.analysis import demo_files
from rehearse.cli import app
from rehearse.languages import WHISPER_LANGUAGES, language_code
from rehearse.notes import load_notes
from rehearse.report import write_report

RECORDING, NOTES = demo_files()
ROOT = Path(__file__).parent.parent


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def one_line_error(result, code: int) -> str:
    """The stderr of a run that failed as the house rule says; returns the message."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message
    return message


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def report_folder(tmp_path) -> Path:
    analysis = make_analysis(load_notes(NOTES), target=180.0, recording=RECORDING)
    return write_report(analysis, tmp_path / "reports")


# --- languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [("PL", "pl"), ("pl", "pl"), ("polish", "pl"), ("Polish", "pl"), ("polski", "pl"),
     ("pl-PL", "pl"), ("EN", "en"), ("english", "en"), ("en_GB", "en"), ("jw", "jw")],
)  # fmt: skip
def test_language_codes_and_names_in_any_case(written, code):
    assert language_code(written) == code


def test_the_language_list_is_whispers():
    """Our copy of Whisper's language codes, as faster-whisper's tokenizer has them."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    assert tuple(_LANGUAGE_CODES) == WHISPER_LANGUAGES


def test_front_matter_language_name(tmp_path):
    notes = tmp_path / "talk.md"
    notes.write_text("---\nlanguage: english\n---\n1. Ask not what your country can do\n")
    assert load_notes(notes).language == "en"


def test_unknown_language_even_without_the_language_check(tmp_path):
    out = tmp_path / "reports"
    result = run("analyze", RECORDING, "--notes", NOTES, "--language", "xx",
                 "--no-language-check", "--out", out)  # fmt: skip
    message = one_line_error(result, 2)
    assert "unknown language 'xx'" in message and "pl, ps, pt" in message
    assert not out.exists()


def test_unknown_front_matter_language(tmp_path):
    notes = tmp_path / "talk.md"
    notes.write_text("---\nlanguage: klingonese\n---\n1. Qapla\n")
    message = one_line_error(run("points", notes), 2)
    assert "talk.md: front matter unknown language 'klingonese'" in message


# --- saved analyses -------------------------------------------------------------------------


def test_report_with_a_text_schema(report_folder, tmp_path):
    data = json.loads((report_folder / "analysis.json").read_text(encoding="utf-8"))
    data["schema"] = "1"
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = one_line_error(run("report", path), 2)
    assert 'schema should be a whole number such as 2, not "1"' in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json", "reports"]


@pytest.mark.parametrize("out", [False, True])
def test_report_with_a_wrong_typed_field_names_it_and_leaves_nothing(report_folder, tmp_path, out):
    data = json.loads((report_folder / "analysis.json").read_text(encoding="utf-8"))
    data["points"][2]["start"] = "zero"
    (report_folder / "analysis.json").write_text(json.dumps(data), encoding="utf-8")
    before = snapshot(report_folder)
    args = ["--out", tmp_path / "elsewhere"] if out else []
    message = one_line_error(run("report", report_folder / "analysis.json", *args), 2)
    assert 'points[2].start should be a number or null, not "zero"' in message
    assert snapshot(report_folder) == before
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (("points", 2, "start"), float("nan"), "points[2].start should be a finite number"),
        (("summary", "coverage"), 5.0, "summary.coverage should be between 0 and 1, not 5"),
        (("points", 0, "score"), 250, "points[0].score should be between 0 and 100, not 250"),
        (("summary", "duration"), -3, "summary.duration should be 0 or more, not -3"),
    ],
)
def test_report_with_a_value_out_of_range_names_it_and_changes_nothing(
    report_folder, field, value, said
):
    data = json.loads((report_folder / "analysis.json").read_text(encoding="utf-8"))
    *parents, last = field
    node = data
    for key in parents:
        node = node[key]
    node[last] = value
    (report_folder / "analysis.json").write_text(json.dumps(data), encoding="utf-8")
    before = snapshot(report_folder)
    message = one_line_error(run("report", report_folder / "analysis.json"), 2)
    assert said in message
    assert snapshot(report_folder) == before


def files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_a_report_that_fails_half_way_leaves_its_folder_as_it_was(report_folder):
    """report.md cannot be written (a folder is in its way) after the charts and the HTML
    are: every file of the folder is still the one it was."""
    (report_folder / "report.md").unlink()
    (report_folder / "report.md").mkdir()
    before = files(report_folder)
    message = one_line_error(run("report", report_folder / "analysis.json"), 4)
    assert message.startswith(f"error: cannot write the report to {report_folder}")
    assert files(report_folder) == before
    assert [p.name for p in report_folder.parent.iterdir()] == [report_folder.name]


def test_report_without_out_rerenders_its_own_folder_only(report_folder):
    (report_folder / "report.html").unlink()
    saved = (report_folder / "analysis.json").read_bytes()
    result = run("report", report_folder / "analysis.json")
    assert result.exit_code == 0, result.output
    assert (report_folder / "report.html").exists()
    assert (report_folder / "analysis.json").read_bytes() == saved
    assert [p for p in report_folder.parent.iterdir()] == [report_folder]


# --- output folder, options --------------------------------------------------------------------


def test_unwritable_out_is_found_before_transcribing(tmp_path):
    """A fresh cache home: had transcription started, it would hold a transcript."""
    home = tmp_path / "home"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    env = {"REHEARSE_HOME": str(home), "REHEARSE_MODELS": os.environ["REHEARSE_MODELS"]}
    result = run("analyze", RECORDING, "--notes", NOTES, "--out", blocker / "reports", env=env)
    message = one_line_error(result, 4)
    assert message.startswith("error: cannot write the report to") and "Not a directory" in message
    assert not (home / "transcripts").exists()
    assert blocker.read_text() == "a file"


@pytest.mark.parametrize("inside", ["", "sub/deeper"])
def test_out_inside_a_report_folder_is_refused_before_any_work(report_folder, tmp_path, inside):
    """The history and a talk folder would nest in the old report: refused, nothing changed."""
    home = tmp_path / "home"
    env = {"REHEARSE_HOME": str(home), "REHEARSE_MODELS": os.environ["REHEARSE_MODELS"]}
    before = snapshot(report_folder)
    out = report_folder / inside if inside else report_folder
    for args in (
        ["analyze", RECORDING, "--notes", NOTES, "--out", out],
        ["report", report_folder / "analysis.json", "--out", out],
        ["batch", RECORDING.parent, "--notes", NOTES, "--out", out],
    ):
        message = one_line_error(run(*args, env=env), 2)
        assert f"is inside the report folder {report_folder.resolve()}" in message
    assert snapshot(report_folder) == before
    assert not (home / "transcripts").exists()


@pytest.mark.parametrize("pause", ["0", "-1", "61"])
def test_pause_out_of_range(tmp_path, pause):
    result = run("analyze", RECORDING, "--notes", NOTES, "--pause", pause, "--out", tmp_path / "r")
    assert "use 0.25 to 60 s" in one_line_error(result, 2)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("target", ["99999m", "0s"])
def test_target_that_is_no_talk_length(tmp_path, target):
    result = run("analyze", RECORDING, "--notes", NOTES, "--target", target, "--out", tmp_path)
    assert "is not a talk length" in one_line_error(result, 2)
    assert list(tmp_path.iterdir()) == []


def test_points_target_too(tmp_path):
    assert "is not a talk length" in one_line_error(run("points", NOTES, "--target", "999h"), 2)


# --- notes files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "name"), [("iso-8859-2", "ISO-8859-2"), ("cp1250", "Windows-1250")]
)
def test_notes_in_a_central_european_code_page(tmp_path, encoding, name):
    text = NOTES.read_text(encoding="utf-8")
    path = tmp_path / "talk.md"
    path.write_bytes(text.encode(encoding))
    notes = load_notes(path)
    assert notes.points == load_notes(NOTES).points and notes.title == "Kilka zdań o sobie"
    result = run("points", path)
    assert result.exit_code == 0 and "osobą skromną" in load_notes(path).points[0].text
    assert result.stderr.strip() == (
        f"warning: {path} is not UTF-8; read it as {name} (--encoding or front matter "
        "encoding: to say otherwise)"
    )


POLISH_LETTERS = "1. Ścieżka: źródła, łąka, świeże jabłka, sąsiad ściąga żółć\n"


@pytest.mark.parametrize(("encoding", "name"), [("iso-8859-2", "ISO-8859-2"),
                                                ("cp1250", "Windows-1250")])  # fmt: skip
def test_the_code_page_giving_polish_letters_wins(tmp_path, encoding, name):
    """ś, ą and ź are other bytes in ISO-8859-2 than in Windows-1250 ("ścieżki" came out as
    "¶cieżki"): the reading with Polish letters is chosen."""
    path = tmp_path / "talk.md"
    path.write_bytes(POLISH_LETTERS.encode(encoding))
    result = run("points", path)
    assert result.exit_code == 0, result.output
    assert load_notes(path).points[0].text == POLISH_LETTERS[3:].strip()
    assert f"read it as {name}" in result.stderr


def test_the_encoding_said_by_option_or_front_matter(tmp_path):
    path = tmp_path / "talk.md"
    text = "1. Ala ma kota ¶ ± Ľ\n"  # as Windows-1250 reads the ISO-8859-2 bytes of ś ą ź
    path.write_bytes(text.encode("cp1250"))
    assert load_notes(path, "cp1250").points[0].text == text[3:].strip()
    result = run("points", path, "--encoding", "windows-1250")
    assert result.exit_code == 0 and result.stderr == ""
    said = tmp_path / "said.md"
    said.write_bytes(("---\nencoding: cp1250\n---\n" + text).encode("cp1250"))
    assert load_notes(said).points[0].text == text[3:].strip()
    message = one_line_error(run("points", path, "--encoding", "klingon"), 2)
    assert "unknown encoding 'klingon' (from --encoding)" in message
    message = one_line_error(run("points", path, "--encoding", "utf-8"), 2)
    assert "is not utf-8 as --encoding says" in message


def test_binary_notes_are_not_a_text_file(tmp_path):
    path = tmp_path / "talk.md"
    path.write_bytes((ROOT / "reports" / "example" / "coverage.png").read_bytes())
    message = one_line_error(run("points", path), 2)
    assert message == f"error: {path} is not a text file (write the notes as Markdown text)"


def _limited_memory() -> None:  # a read without end fails here, not in the whole machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.parametrize("command", ["points", "analyze"])
def test_notes_that_are_no_regular_file_are_refused(tmp_path, command):
    """/dev/zero would be read without end; a separate process with bounded memory."""
    args = ["/dev/zero"]
    if command == "analyze":
        args = [RECORDING, "--notes", "/dev/zero", "--out", tmp_path]
    done = subprocess.run(
        [sys.executable, "-m", "rehearse", command, *map(str, args)],
        capture_output=True, text=True, timeout=120, preexec_fn=_limited_memory,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "error: /dev/zero is not a regular file, not a notes file"
    assert list(tmp_path.iterdir()) == []


def test_notes_too_big_to_be_notes(tmp_path):
    path = tmp_path / "talk.md"
    path.write_text("1. a point\n" + "word " * (1 << 20), encoding="utf-8")
    message = one_line_error(run("points", path), 2)
    assert message.endswith(
        f"{path} is over 4 MB, too big for Markdown notes (is it the right file?)"
    )


# --- opening the report --------------------------------------------------------------------------


def test_open_without_a_browser_says_so(report_folder, tmp_path):
    """A real process with no browser reachable: no display, an empty PATH."""
    env = {
        "PATH": str(tmp_path),
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "COLUMNS": "200",
    }
    cmd = [sys.executable, "-m", "rehearse", "report", str(report_folder), "--open"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "warning: no browser found to open the report; open the path above yourself"
    )
    assert f"Report: {report_folder / 'report.html'}" in done.stdout


# --- slide decks ----------------------------------------------------------------------------------


def deck_error(path: Path) -> str:
    """The one line `points` and `analyze` give for a bad deck (analyze before transcribing)."""
    message = one_line_error(run("points", path), 2)
    home = path.parent / "home"
    env = {"REHEARSE_HOME": str(home), "REHEARSE_MODELS": os.environ["REHEARSE_MODELS"]}
    out = path.parent / "reports"
    assert one_line_error(run("analyze", RECORDING, "--notes", path, "--out", out, env=env), 2) == (
        message
    )
    assert not (home / "transcripts").exists() and not out.exists()
    return message


@pytest.fixture
def deck(tmp_path) -> Path:
    return make_deck(tmp_path / "talk.pptx", [S("Intro", notes=("1. Hello",))])


def test_a_corrupt_deck(deck):
    deck.write_bytes(deck.read_bytes()[:4000])
    assert deck_error(deck) == (
        "error: talk.pptx cannot be read as a slide deck (the file is damaged?): "
        "File is not a zip file"
    )


def test_a_text_file_named_pptx(tmp_path):
    path = tmp_path / "talk.pptx"
    path.write_text("1. not a deck at all\n", encoding="utf-8")
    assert (
        deck_error(path)
        == "error: talk.pptx is not a .pptx or .odp slide deck (the file is damaged?)"
    )


def test_a_word_document_named_pptx(tmp_path):
    path = tmp_path / "talk.pptx"
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    assert deck_error(path) == "error: talk.pptx is a zip file but not a .pptx or .odp slide deck"


def test_a_password_protected_pptx(deck):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = deck.with_name("plain.pptx")
    deck.rename(plain)
    with plain.open("rb") as source, deck.open("wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    assert deck_error(deck) == (
        "error: talk.pptx is password-protected: save a copy without a password "
        "(File > Info > Protect Presentation) and use that"
    )


def test_a_password_protected_odp(tmp_path):
    path = tmp_path / "talk.odp"
    with zipfile.ZipFile(path, "w") as odp:
        odp.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
        odp.writestr("content.xml", b"\x8f\x12 encrypted bytes")
        odp.writestr("META-INF/manifest.xml", '<manifest:encryption-data manifest:checksum="x"/>')
    assert "talk.odp is password-protected" in deck_error(path)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (setup.sh --dev)")
def test_an_old_binary_ppt_even_named_pptx(deck, tmp_path):
    ppt = convert(deck, "ppt", tmp_path / "converted")
    expected = (
        "is an old binary PowerPoint file (.ppt): open it in PowerPoint or Impress and save it "
        "as .pptx"
    )
    assert deck_error(ppt) == f"error: talk.ppt {expected}"
    renamed = tmp_path / "renamed" / "talk.pptx"
    renamed.parent.mkdir()
    renamed.write_bytes(ppt.read_bytes())
    assert deck_error(renamed) == f"error: talk.pptx {expected}"


def test_a_keynote_file(tmp_path):
    path = tmp_path / "talk.key"
    with zipfile.ZipFile(path, "w") as key:
        key.writestr("Index/Document.iwa", b"\x00\x01")
    assert "talk.key is a Keynote file: export it from Keynote as PowerPoint" in deck_error(path)


def test_a_deck_without_slides(tmp_path):
    assert deck_error(make_deck(tmp_path / "talk.pptx", [])) == "error: talk.pptx has no slides"


def test_a_deck_with_no_notes_and_no_body_text(tmp_path):
    deck = make_deck(tmp_path / "talk.pptx", [S("Only a title"), S(None)])
    assert deck_error(deck) == (
        "error: talk.pptx: no talking points: the visible slides have no speaker notes and no "
        "body text"
    )


def test_a_deck_whose_slides_are_all_hidden(tmp_path):
    deck = make_deck(tmp_path / "talk.pptx", [S("A", notes=("1. x",), hidden=True)])
    assert deck_error(deck) == (
        "error: talk.pptx: every slide is hidden, so there are no talking points"
    )


def test_bad_front_matter_in_the_first_slides_notes(tmp_path):
    deck = make_deck(tmp_path / "talk.pptx", [S("A", notes=("---", "- a list", "---", "1. x"))])
    assert deck_error(deck) == (
        "error: talk.pptx: front matter must be a YAML mapping (key: value) (in the first "
        "slide's notes)"
    )
