"""The history database through the real command line: `analyze` records each rehearsal,
`history` shows them, `--forget` and `--rebuild`; two processes at once; a newer database.

The shared rehearsals' transcripts come from the session's transcript cache
(``shared_rehearsals``), so every `analyze` here runs the real pipeline in a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rehearse.cli import app
from rehearse.history import DB_NAME, FORGOTTEN, VERSION, HistoryDB, rebuild
from rehearse.models import load_analysis
from rehearse.report import write_report

ROOT = Path(__file__).parent.parent
NOTES = ROOT / "notes" / "kilka-zdan-o-sobie.md"
SKIPPED = {"pl-full": [], "pl-skips": [3, 9, 13], "pl-reorder": []}
OUT_OF_ORDER = {"pl-full": [], "pl-skips": [], "pl-reorder": [8, 12]}
JSON_KEYS = [
    "id",
    "created",
    "speaker",
    "coverage",
    "duration",
    "skipped",
    "uncertain",
    "out_of_order",
    "corrected",
    "wpm",
    "fillers_per_minute",
    "restarts",
    "voice",
]


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "130", **(env or {})})


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message
    return message


@pytest.fixture
def notes(tmp_path) -> Path:
    """A copy of the seed talk's notes: each test's talk is a notes file of its own."""
    path = tmp_path / "notes" / "talk.md"
    path.parent.mkdir()
    shutil.copy(NOTES, path)
    return path


def analyze(recording: Path, notes: Path, out: Path, *extra: object):
    return ok(run("analyze", recording, "--notes", notes, "--target", "3m", "--out", out, *extra))


def history_json(notes: Path, out: Path, *extra: object) -> dict:
    return json.loads(ok(run("history", notes, "--out", out, "--json", *extra)).stdout)


def dump(history: HistoryDB) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (to compare two databases)."""
    tables = history.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return {
        t: sorted(history.db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
        for (t,) in tables.fetchall()
    }


def report_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*") if p.is_dir())


REWORDED_3 = (
    "3. Tu widzicie moje doświadczenie zawodowe; nie będę go omawiał, możecie je sobie przeczytać."
)


def edit_notes(path: Path) -> None:
    """The speaker's edit between rehearsals: points 12 and 13 swap places (so both are
    renumbered), point 3 is reworded and a point 15 is added. (tests/data/history-v1.sql
    holds a history made with the same edit.)"""
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    at = {line.split(".")[0]: i for i, line in enumerate(lines) if line[:1].isdigit()}
    lines[at["12"]], lines[at["13"]] = "12." + lines[at["13"]][3:], "13." + lines[at["12"]][3:]
    lines[at["3"]] = REWORDED_3
    lines.append("15. Na koniec zapraszam do kontaktu na LinkedInie")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- recording and showing ------------------------------------------------------------------


def test_three_analyses_give_a_history_of_three(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        analyze(shared_rehearsals[name], notes, out)
    data = history_json(notes, out)
    assert list(data) == ["talk", "rehearsals"]
    assert data["talk"]["title"] == "Kilka zdań o sobie"
    assert data["talk"]["notes"] == [str(notes.resolve())]
    rehearsals = data["rehearsals"]
    assert [list(r) for r in rehearsals] == [JSON_KEYS] * 3
    assert [r["skipped"] for r in rehearsals] == [SKIPPED[n] for n in SKIPPED]
    assert [r["out_of_order"] for r in rehearsals] == [OUT_OF_ORDER[n] for n in SKIPPED]
    assert [r["id"] for r in rehearsals] == [1, 2, 3]
    assert [r["created"] for r in rehearsals] == sorted(r["created"] for r in rehearsals)
    assert [round(r["coverage"], 3) for r in rehearsals] == [1.0, 0.786, 1.0]
    assert [r["duration"] for r in rehearsals] == [198.64, 157.7, 205.34]  # talk times
    assert all(r["speaker"] is None and r["restarts"] == 0 for r in rehearsals)
    assert all(r["voice"]["verdict"] == "monotone" for r in rehearsals)  # espeak-ng is flat
    assert all(r["voice"]["pitch_variation_st"] < 2.0 for r in rehearsals)
    folders = report_folders(out)
    assert [load_analysis(f).summary.skipped for f in folders] == [(), (3, 9, 13), ()]

    result = ok(run("history", notes, "--out", out))
    table = " ".join(result.stdout.split())
    assert "Kilka zdań o sobie: 3 rehearsals, target 3:00" in table
    rows = [
        line.split()
        for line in result.stdout.splitlines()
        if re.match(r" *\d+ +\d\d [A-Z][a-z]{2} \d\d:\d\d ", line)
    ]
    # ... wpm, fillers/min, restarts, pitch spread ("1.4 st"), trails off
    assert all(r[-2] == "st" and float(r[-3]) < 2.0 for r in rows)  # espeak-ng: a flat voice
    assert [(r[0], r[4], r[5], " ".join(r[6:-6]), r[-6]) for r in rows] == [
        ("1", "3:19", "14/14", "– –", "129"),
        ("2", "2:38", "11/14", "3, 9, 13 –", "131"),
        ("3", "3:25", "14/14", "– 8, 12", "121"),
    ]
    assert "Most often skipped 3. To co tutaj widzicie" in table
    assert "Most often out of order 8. Także zawsze" in table
    chart = out / "kilka-zdan-o-sobie" / "progress.png"
    assert f"Progress chart: {chart}" in table
    assert chart.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("REHEARSE_SCREENSHOTS"):  # to look at it
        shutil.copy(chart, Path(os.environ["REHEARSE_SCREENSHOTS"]) / "progress-3.png")


def test_history_and_help_at_80_columns_and_the_british_spelling(
    shared_rehearsals, notes, tmp_path
):
    """`analyse` is `analyze`; at 80 columns `history` leaves out its least needed columns
    with a line saying so (it cut off the voice columns), and --help wraps whole sentences."""
    out = tmp_path / "reports"
    ok(run("analyse", shared_rehearsals["pl-full"], "--notes", notes, "--target", "3m",
           "--out", out))  # fmt: skip
    analyze(shared_rehearsals["pl-skips"], notes, out)
    wide = ok(run("history", notes, "--out", out)).stdout
    assert "pitch" in wide and "Left out" not in wide
    narrow = ok(run("history", notes, "--out", out, env={"COLUMNS": "80"})).stdout
    table = narrow.split("Progress chart:")[0]  # then a path, as long as it is
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "Left out at this width: " in narrow and "(a wider terminal or --json" in narrow
    assert "…" not in narrow.split("Left out")[0]  # no cell cut off
    assert "3, 9, 13" in narrow
    listing = ok(run("--help", env={"COLUMNS": "80"})).stdout
    assert "a report folder; the rehearsal goes into the history." in " ".join(
        line.strip("│ ") for line in listing.splitlines()
    )
    assert "analyse " not in listing  # one command, listed once
    options = ok(run("analyze", "--help", env={"COLUMNS": "80"})).stdout
    assert any(
        "--notes" in line and "Talking points: a Markdown" in line for line in options.splitlines()
    )


def test_mark_corrects_a_point_by_hand_everywhere(shared_rehearsals, notes, tmp_path):
    """`mark REPORT 3 said`: analysis.json, report.html, report.md, the summary and the
    history all have point 3 said, marked as corrected by hand; a rebuild agrees."""
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-skips"], notes, out)  # 3, 9 and 13 skipped
    [folder] = report_folders(out)
    result = ok(run("mark", folder, 3, "said"))
    said = " ".join(result.stdout.split())
    assert "Point 3 marked said by hand (the analysis said skipped)" in said
    assert "rehearsal 1 in the history updated" in said
    assert "12 of 14 points said" in said and "Corrected by hand 3. To co tutaj" in said
    point = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))["points"][2]
    assert (point["status"], point["corrected"]) == ("covered", "missed")
    assert "corrected by hand" in (folder / "report.html").read_text(encoding="utf-8")
    assert "said (corrected by hand; the analysis said skipped)" in (
        folder / "report.md"
    ).read_text(encoding="utf-8")
    assert history_json(notes, out)["rehearsals"][0]["skipped"] == [9, 13]
    ok(run("mark", folder / "analysis.json", 13, "skipped"))  # as it was: no correction
    assert load_analysis(folder).points[12].corrected is None
    assert "no point 99 in 'Kilka zdań o sobie'" in one_line_error(
        run("mark", folder, 99, "said"), 2
    )
    assert "mark a point as said or skipped, not 'maybe'" in one_line_error(
        run("mark", folder, 3, "maybe"), 2
    )
    with HistoryDB.open(out / DB_NAME) as opened:
        live = dump(opened)
    rebuild(tmp_path / "rebuilt.sqlite", out)
    with HistoryDB.open(tmp_path / "rebuilt.sqlite") as opened:
        assert dump(opened)["rehearsal_points"] == live["rehearsal_points"]


def test_history_and_compare_show_points_corrected_by_hand(shared_rehearsals, notes, tmp_path):
    """A point `mark` corrected is corrected in `history` (table and --json) and `compare`
    (text and --json), with the status the analysis gave, as in the report."""
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    analyze(shared_rehearsals["pl-skips"], notes, out)  # 3, 9 and 13 skipped
    skips = report_folders(out)[1]
    ok(run("mark", skips, 9, "said"))
    ok(run("mark", report_folders(out)[0], 5, "skipped"))
    rehearsals = history_json(notes, out)["rehearsals"]
    assert [r["corrected"] for r in rehearsals] == [
        [{"number": 5, "status": "missed", "analysis": "covered"}],
        [{"number": 9, "status": "covered", "analysis": "missed"}],
    ]
    assert [r["skipped"] for r in rehearsals] == [[5], [3, 13]]
    table = " ".join(ok(run("history", notes, "--out", out)).stdout.split())
    assert "5*" in table
    assert (
        "Corrected by hand (*): #1 5. skipped (the analysis said said); "
        "#2 9. said (the analysis said skipped)"
    ) in table
    compared = " ".join(ok(run("compare", "1", "2", "--out", out)).stdout.split())
    assert "Corrected by hand in A: 5. skipped (the analysis said said)" in compared
    assert "Corrected by hand in B: 9. said (the analysis said skipped)" in compared
    assert "skipped, corrected by hand → said" in compared  # point 5: its status changed
    data = json.loads(ok(run("compare", "1", "2", "--out", out, "--json")).stdout)
    points = {p["number"]: p for p in data["points"]}
    assert (points[9]["a"]["corrected"], points[9]["b"]["corrected"]) == (None, "missed")
    assert points[5]["a"]["corrected"] == "covered"
    assert not points[9]["status_changed"]  # said in both, one by hand


def test_history_without_notes_lists_the_talks(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    analyze(shared_rehearsals["pl-skips"], notes, out, "--speaker", "Anna")
    listing = " ".join(ok(run("history", "--out", out)).stdout.split())
    assert "Kilka zdań o sobie" in listing and "you: 1" in listing and "Anna: 1" in listing


def test_speakers_have_histories_of_their_own(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out, "--speaker", "Łucja Nowak")
    analyze(shared_rehearsals["pl-skips"], notes, out)
    analyze(shared_rehearsals["pl-reorder"], notes, out, "--speaker", " łucja  NOWAK ")
    assert load_analysis(report_folders(out)[0]).speaker == "Łucja Nowak"
    mine = history_json(notes, out)["rehearsals"]
    assert [r["skipped"] for r in mine] == [[3, 9, 13]] and mine[0]["speaker"] is None
    hers = history_json(notes, out, "--speaker", "łucja nowak")["rehearsals"]
    assert [r["out_of_order"] for r in hers] == [[], [8, 12]]
    assert {r["speaker"] for r in hers} == {"Łucja Nowak", "łucja NOWAK"}
    assert history_json(notes, out, "--speaker", "me")["rehearsals"] == mine
    message = one_line_error(run("history", notes, "--out", out, "--speaker", "Piotr"), 2)
    assert "no rehearsals of 'Kilka zdań o sobie' by Piotr" in message
    assert "Łucja Nowak (2)" in message and "you (1)" in message


def test_no_history_leaves_no_database(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out, "--no-history")
    assert [f.name for f in out.iterdir()] == ["kilka-zdan-o-sobie"]
    message = one_line_error(run("history", notes, "--out", out), 2)
    assert f"no history at {out / DB_NAME} yet" in message


def test_db_option_puts_the_history_elsewhere(shared_rehearsals, notes, tmp_path):
    out, db = tmp_path / "reports", tmp_path / "elsewhere" / "h.sqlite"
    analyze(shared_rehearsals["pl-full"], notes, out, "--db", db)
    assert db.exists() and not (out / DB_NAME).exists()
    assert len(history_json(notes, out, "--db", db)["rehearsals"]) == 1


def test_analysing_a_recording_again_replaces_it_in_place(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-skips"], notes, out)
    analyze(shared_rehearsals["pl-full"], notes, out)
    first = history_json(notes, out)["rehearsals"]
    time.sleep(1.1)  # a new analysis time
    ok(run("analyze", shared_rehearsals["pl-skips"], "--notes", notes, "--out", out))
    again = history_json(notes, out)["rehearsals"]
    assert [r["id"] for r in again] == [1, 2]  # still the first rehearsal, in its place
    assert again[0]["created"] == first[0]["created"]
    assert again[1] == first[1]
    with HistoryDB.open(out / DB_NAME) as opened:
        replaced = opened.rehearsal(1)
    assert replaced.target is None and replaced.analysed > replaced.created  # no --target now
    assert Path(replaced.report) == report_folders(out)[-1]


def test_a_recording_against_two_notes_is_a_rehearsal_of_each(shared_rehearsals, notes, tmp_path):
    """A rehearsal is (recording, talk, speaker): the same recording analysed against other
    notes is a new rehearsal of that other talk and leaves the first talk's alone."""
    out = tmp_path / "reports"
    other = notes.with_name("other.md")
    shutil.copy(notes, other)
    analyze(shared_rehearsals["pl-skips"], notes, out)
    time.sleep(1.1)  # a new analysis time
    second = " ".join(analyze(shared_rehearsals["pl-skips"], other, out).stdout.split())
    assert "analysed again" not in second
    assert "1st rehearsal in the history" in second
    first, theirs = history_json(notes, out), history_json(other, out)
    assert [r["id"] for r in first["rehearsals"]] == [1]
    assert [r["id"] for r in theirs["rehearsals"]] == [2]
    assert first["rehearsals"][0]["skipped"] == theirs["rehearsals"][0]["skipped"] == [3, 9, 13]
    # as another speaker: a rehearsal of its own too
    analyze(shared_rehearsals["pl-skips"], notes, out, "--speaker", "Anna")
    assert len(history_json(notes, out)["rehearsals"]) == 1
    assert len(history_json(notes, out, "--speaker", "anna")["rehearsals"]) == 1
    # again against the first notes: replaced in place, the other talk untouched
    time.sleep(1.1)
    again = " ".join(analyze(shared_rehearsals["pl-skips"], notes, out).stdout.split())
    assert "(analysed again)" in again
    assert [r["id"] for r in history_json(notes, out)["rehearsals"]] == [1]
    assert history_json(other, out) == theirs
    # forgetting one leaves the other, and a rebuild gives the same history
    ok(run("history", other, "--forget", 2, "--out", out))
    assert [r["id"] for r in history_json(notes, out)["rehearsals"]] == [1]
    with HistoryDB.open(out / DB_NAME) as opened:
        live = dump(opened)
    rebuild(tmp_path / "rebuilt.sqlite", out)
    with HistoryDB.open(tmp_path / "rebuilt.sqlite") as opened:
        rebuilt = dump(opened)
    assert rebuilt["rehearsals"] == live["rehearsals"]


def test_talk_name_renames_and_joins_histories(shared_rehearsals, notes, tmp_path):
    """A deck and its Markdown export: two notes files, one history once both are named."""
    out = tmp_path / "reports"
    export = notes.with_name("export.md")
    shutil.copy(notes, export)
    analyze(shared_rehearsals["pl-full"], notes, out)
    analyze(shared_rehearsals["pl-skips"], export, out)
    assert len(history_json(notes, out)["rehearsals"]) == 1
    analyze(shared_rehearsals["pl-reorder"], notes, out, "--talk", "Konferencja")  # rename
    named = history_json(notes, out)
    assert named["talk"]["name"] == "Konferencja" and len(named["rehearsals"]) == 2
    # the export's own history joins the named one
    time.sleep(1.1)
    ok(run("analyze", shared_rehearsals["pl-skips"], "--notes", export, "--out", out,
           "--talk", "konferencja"))  # fmt: skip
    joined = history_json(notes, out)
    assert joined == history_json(export, out) == history_json("", out, "--talk", "KONFERENCJA")
    assert sorted(joined["talk"]["notes"]) == sorted([str(notes.resolve()), str(export.resolve())])
    assert [r["skipped"] for r in joined["rehearsals"]] == [[], [3, 9, 13], []]


def test_bad_ids_and_talks_are_one_line(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    other = notes.with_name("other.md")
    shutil.copy(notes, other)
    assert "no rehearsal 7 in the history" in one_line_error(
        run("history", "--forget", 7, "--out", out), 2
    )
    assert "no rehearsals of " in one_line_error(run("history", other, "--out", out), 2)
    assert "no rehearsal 999 in the history" in one_line_error(
        run("history", notes, "--forget", 999, "--out", out), 2
    )
    analyze(shared_rehearsals["pl-skips"], other, out)
    message = one_line_error(run("history", other, "--forget", 1, "--out", out), 2)
    assert "rehearsal 1 is of 'Kilka zdań o sobie', not of" in message
    assert len(history_json(notes, out)["rehearsals"]) == 1


def test_edited_notes_keep_each_points_history(shared_rehearsals, notes, tmp_path):
    """Renumbered (12 <-> 13) and reworded (3) points keep their history; the added point 15
    is new, not skipped in the rehearsals before it existed."""
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-skips"], notes, out)  # 3, 9, 13 skipped
    edit_notes(notes)
    analyze(shared_rehearsals["pl-full"], notes, out)
    with HistoryDB.open(out / DB_NAME) as opened:
        past = opened.history(opened.find_talk(notes=notes), None)
    before, after = ({p.text[:24]: p for p in r.points} for r in past.rehearsals)
    for text in before:  # every point of the old notes is a point of the new ones...
        same = text if text in after else REWORDED_3[3:27]
        assert before[text].point_id == after[same].point_id, text
    assert len(after) == 15 and len({p.point_id for p in after.values()}) == 15
    renumbered = before["czym sie interesuje poza"]
    assert (renumbered.number, after["czym sie interesuje poza"].number) == (13, 12)
    new = after["Na koniec zapraszam do k"]
    assert new.point_id not in {p.point_id for p in before.values()}

    data = history_json(notes, out)
    assert [r["skipped"] for r in data["rehearsals"]] == [[3, 9, 13], [15]]
    table = " ".join(ok(run("history", notes, "--out", out)).stdout.split())
    skipped, _, out_of_order = table.partition("Most often out of order")
    # by the latest notes: the reworded 3 and the renumbered 12 were skipped once in two
    assert f"{REWORDED_3} 1 of 2" in skipped
    assert "12. czym sie interesuje poza MLem 1 of 2" in skipped
    assert "15. Na koniec zapraszam do kontaktu na LinkedInie 1 of 1" in skipped
    assert "13. ML moją pasją" not in skipped
    # pl-full says them in the old order: the new 13 comes before the new 12
    assert out_of_order.startswith(" 13. ML moją pasją 1 of 2")


def test_first_schema_database_migrates(tmp_path):
    """tests/data/history-v1.sql: a history made by the first schema (commit 0b2798a), three
    rehearsals, the third with edited notes. Any command brings it to the current version,
    matching each point across the notes versions as recording would have."""
    db = tmp_path / DB_NAME
    with closing(sqlite3.connect(db)) as conn:
        conn.executescript((ROOT / "tests" / "data" / "history-v1.sql").read_text())
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (1,)
        before = conn.execute("SELECT * FROM rehearsals ORDER BY id").fetchall()
    table = ok(run("history", "--talk", "kilka zdań", "--db", db)).stdout
    assert "3, 9, 13" in table and "3. To co tutaj widzicie" in table
    with HistoryDB.open(db) as opened:
        assert opened.db.execute("SELECT version FROM schema_version").fetchone() == (VERSION,)
        after = opened.db.execute("SELECT * FROM rehearsals ORDER BY id").fetchall()
        assert [row[: len(before[0])] for row in after] == before  # nothing lost
        languages = opened.db.execute("SELECT language FROM rehearsals").fetchall()
        assert set(languages) == {("pl",)}  # language detected
        voices = opened.db.execute("SELECT pitch_variation_st, voice_verdict FROM rehearsals")
        assert set(voices) == {(None, None)}  # recorded before the voice: not measured
        talk = opened.find_talk(name="Kilka zdań")
        mine, anna = opened.history(talk, None), opened.history(talk, "Anna")
    first, second, edited = (r.points for r in (*mine.rehearsals, *anna.rehearsals))
    assert [p.point_id for p in first] == [p.point_id for p in second] == list(range(1, 15))
    by_text = {p.text[:20]: p.point_id for p in edited}
    assert by_text["Tu widzicie moje dośw"[:20]] == 3  # reworded
    assert by_text["czym sie interesuje "] == 13 and by_text["ML moją pasją"] == 12
    assert by_text["Na koniec zapraszam "] == 15  # added
    version_one = sqlite3.connect(tmp_path / "again.sqlite")
    version_one.executescript((ROOT / "tests" / "data" / "history-v1.sql").read_text())
    version_one.close()
    assert (
        ok(run("history", "--talk", "Kilka zdań", "--db", tmp_path / "again.sqlite")).stdout
        == table
    )


# --- the report and the summary know the past ---------------------------------------------------


def test_reports_say_what_changed_since_last_time(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    first = analyze(shared_rehearsals["pl-full"], notes, out).stdout
    assert "History              1st rehearsal in the history: 14/14 points" in first
    second = " ".join(analyze(shared_rehearsals["pl-skips"], notes, out).stdout.split())
    assert "History 2nd rehearsal: 11/14 points, -3 since last; 0:41 shorter" in second
    assert "than your median" not in second  # one earlier rehearsal is no baseline
    third = " ".join(analyze(shared_rehearsals["pl-reorder"], notes, out).stdout.split())
    assert "History 3rd rehearsal: 14/14 points, +3 since last; 0:47 longer" in third
    # pace against the speaker's own: the median of 4.25 and 4.43 syllables/s
    assert "4.1 syllables/s (usual 3.3–5.9: good; 121 wpm) 4% slower" not in third
    assert "6% slower than your median 4.3 syllables/s (2 rehearsals)" in third

    folders = report_folders(out)
    assert not (folders[0] / "progress.png").exists()
    assert "Since last time" not in (folders[0] / "report.html").read_text(encoding="utf-8")
    html = (folders[2] / "report.html").read_text(encoding="utf-8")
    markdown = (folders[2] / "report.md").read_text(encoding="utf-8")
    assert (folders[2] / "progress.png").read_bytes().startswith(b"\x89PNG")
    for text in (html, markdown):
        assert "Since last time" in text and "Newly said" in text and "Newly skipped" not in text
        assert "3rd rehearsal: 14/14 points, +3 since last; 0:47 longer" in text
        assert "2:38 → 3:25 (0:47 longer)" in text and "11/14 → 14/14 (+3)" in text
        assert "6% slower than your median 4.3 syllables/s (2 rehearsals)" in text
    assert "<li><b>13.</b> czym sie interesuje poza MLem</li>" in html
    assert "![Progress across rehearsals" in markdown and "(progress.png)" in markdown
    # coverage, pacing, budget, voice and progress
    assert html.count('src="data:image/png;base64,') == 5

    # re-rendered after a fourth rehearsal (another recording): the same past, the same page
    first = load_analysis(folders[0])
    later = replace(
        first,
        created="2099-01-01T10:00:00+01:00",
        recording=replace(first.recording, sha256="f" * 64),
    )
    with HistoryDB.open(out / DB_NAME) as opened:
        opened.record(later, write_report(later, out))
    assert len(history_json(notes, out)["rehearsals"]) == 4
    saved = html
    (folders[2] / "report.html").unlink()
    rerun = " ".join(ok(run("report", folders[2])).stdout.split())
    assert "History 3rd rehearsal: 14/14 points, +3 since last; 0:47 longer" in rerun
    assert (folders[2] / "report.html").read_text(encoding="utf-8") == saved


def test_edited_notes_in_since_last_time(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-skips"], notes, out)
    edit_notes(notes)
    analyze(shared_rehearsals["pl-full"], notes, out)
    markdown = (report_folders(out)[1] / "report.md").read_text(encoding="utf-8")
    since = markdown.split("## Since last time")[1].split("## Coverage")[0]
    # "3." is written "3\." here, as in every list of the Markdown report
    assert "**Newly said:**\n\n- **3\\.** Tu widzicie" in since
    assert "- **12\\.** czym sie interesuje poza MLem" in since  # was 13 and skipped
    assert "**New in the notes:**\n\n- **15\\.** Na koniec zapraszam" in since
    assert "Newly skipped" not in since  # 15 was not skipped before it existed


# --- compare ------------------------------------------------------------------------------------


def test_compare_the_last_two_rehearsals(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        analyze(shared_rehearsals[name], notes, out)
    text = ok(run("compare", "--out", out)).stdout
    assert "A #2 (" in text and "pl-skips.mp3) → B #3 (" in text and "pl-reorder.m4a)" in text
    changed = {line.split(".")[0].strip(): line for line in text.splitlines() if ". " in line}
    assert changed["3"].endswith("skipped → said") and changed["13"].endswith("skipped → said")
    assert changed["8"].endswith("said → said, out of order")
    flat = " ".join(text.split())
    for line in (
        "Points said 11/14 → 14/14 (+3)",
        "Talk time 2:38 → 3:25 (+0:47)",
        "Pace 4.4 → 4.1 (-0.3) syllables/s; 131 → 121 (-10) wpm",
    ):
        assert line in flat, line
    data = json.loads(ok(run("compare", "--out", out, "--json")).stdout)
    assert (data["a"]["id"], data["b"]["id"]) == (2, 3)
    changed = [p["number"] for p in data["points"] if p["status_changed"]]
    assert changed == [3, 8, 9, 12, 13]
    point_4 = data["points"][3]
    assert point_4["difference"] == round(point_4["b"]["duration"] - point_4["a"]["duration"], 2)
    assert data["talk"]["talk_time"] == {"a": 157.7, "b": 205.34, "difference": 47.64}
    assert data["talk"]["said"] == {"a": 11, "b": 14, "difference": 3}
    # the voice of each, as the history holds it, and as the terminal shows it
    voices = [r["voice"] for r in history_json(notes, out)["rehearsals"][1:]]
    for key in ("pitch_variation_st", "trailing_off_share", "loudness_db"):
        a, b = (v[key] for v in voices)
        assert data["talk"][key]["a"] == a and data["talk"][key]["b"] == b, key
        assert data["talk"][key]["difference"] == pytest.approx(b - a, abs=0.05), key
    a, b = (v["pitch_variation_st"] for v in voices)
    assert f"Voice pitch spread {a:.1f} → {b:.1f} (" in flat
    # the same two by id, by report folder, and the later one alone
    folders = report_folders(out)
    for args in (("2", "3"), (folders[1], folders[2] / "analysis.json"), ("3",), (notes,)):
        again = json.loads(ok(run("compare", *args, "--out", out, "--json")).stdout)
        assert again == data, args


def test_compare_files_outside_the_history(shared_rehearsals, notes, tmp_path):
    """Two report folders and no history: points paired by number and text, the reworded
    and renumbered ones too."""
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-skips"], notes, out, "--no-history")
    edit_notes(notes)
    analyze(shared_rehearsals["pl-full"], notes, out, "--no-history")
    first, second = report_folders(out)
    data = json.loads(ok(run("compare", first, second, "--json", "--out", out)).stdout)
    assert data["a"]["id"] is None and data["b"]["id"] is None
    pairs = {(p["a"] or {}).get("number"): (p["b"] or {}).get("number") for p in data["points"]}
    assert pairs[3] == 3 and pairs[12] == 13 and pairs[13] == 12 and pairs[None] == 15
    change = {p["number"]: (p["a"] and p["a"]["status"], p["b"]["status"]) for p in data["points"]}
    assert change[3] == ("missed", "covered") and change[15] == (None, "missed")
    text = " ".join(ok(run("compare", first, second, "--out", out)).stdout.split())
    assert "15. Na koniec zapraszam do kontaktu na LinkedInie not in the notes → skipped" in text
    assert "pl-full.ogg, not in the history)" in text


def test_compare_schema_1_files(tmp_path):
    old = ROOT / "tests" / "data" / "schema1"
    result = ok(run("compare", old / "pl-skips.json", old / "pl-reorder.json", "--out", tmp_path))
    flat = " ".join(result.stdout.split())
    assert "9. Żeby się nie rozgadać" in flat and "skipped → said" in flat
    assert "Talk time 2:38 → 3:25 (+0:47)" in flat


def test_compare_needs_two(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    message = one_line_error(run("compare", "--out", out), 2)
    assert (
        message == "error: 'Kilka zdań o sobie' has 1 rehearsal in the history; compare needs two"
    )
    message = one_line_error(run("compare", "1", "--out", out), 2)
    assert "no rehearsal before 1 in the history" in message
    message = one_line_error(run("compare", "1", "nowhere", "--out", out), 2)
    assert "nowhere is neither a history id nor an analysis.json or report folder" in message


# --- forget and rebuild ----------------------------------------------------------------------


def test_forget_takes_it_out_and_keeps_its_report(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        analyze(shared_rehearsals[name], notes, out)
    botched = report_folders(out)[1]
    before = {p.name: p.read_bytes() for p in botched.iterdir()}
    result = ok(run("history", notes, "--forget", 2, "--out", out))
    assert "Took rehearsal 2" in result.stdout and "pl-skips.mp3" in result.stdout
    assert [r["id"] for r in history_json(notes, out)["rehearsals"]] == [1, 3]
    after = {p.name: p.read_bytes() for p in botched.iterdir()}
    assert after.pop(FORGOTTEN) and after == before


def test_rebuild_gives_the_same_history(shared_rehearsals, notes, tmp_path):
    """Three rehearsals, one analysed again, one of them by a second speaker, one forgotten,
    one re-rendered into another folder: the rebuilt database equals the live one, row for
    row."""
    out = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        analyze(shared_rehearsals[name], notes, out)
    time.sleep(1.1)  # a new analysis time
    analyze(shared_rehearsals["pl-skips"], notes, out)  # replaces 2
    analyze(shared_rehearsals["pl-full"], notes, out, "--speaker", "Anna")  # Anna's: 4
    ok(run("report", report_folders(out)[1], "--out", out))  # a second folder, same analysis
    ok(run("history", notes, "--forget", 3, "--out", out))
    assert len(report_folders(out)) == 6
    live_json = history_json(notes, out)
    live_table = ok(run("history", notes, "--out", out)).stdout
    with HistoryDB.open(out / DB_NAME) as opened:
        live = dump(opened)

    result = ok(run("history", "--rebuild", "--out", out))  # in place
    assert "from 6 analyses under" in result.stdout and ": 3 rehearsals" in result.stdout
    with HistoryDB.open(out / DB_NAME) as opened:
        assert dump(opened) == live
    for extra in ("-wal", "-shm", ""):
        Path(f"{out / DB_NAME}{extra}").unlink(missing_ok=True)
    ok(run("history", "--rebuild", out))  # from nothing
    with HistoryDB.open(out / DB_NAME) as opened:
        assert dump(opened) == live
    assert history_json(notes, out) == live_json
    assert ok(run("history", notes, "--out", out)).stdout == live_table
    assert [r["skipped"] for r in live_json["rehearsals"]] == [[], [3, 9, 13]]
    assert history_json(notes, out, "--speaker", "anna")["rehearsals"][0]["id"] == 4


def test_rebuild_reads_schema_1_reports(tmp_path, monkeypatch):
    """Report folders written before schema 2 (their notes path relative to where rehearse
    ran) make a history too."""
    out = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        data = json.loads((ROOT / "tests" / "data" / "schema1" / f"{name}.json").read_text())
        folder = out / "kilka-zdan-o-sobie" / f"{data['created'][:10]}-{name}"
        folder.mkdir(parents=True)
        (folder / "analysis.json").write_text(json.dumps(data), encoding="utf-8")
    (out / "broken").mkdir()
    (out / "broken" / "analysis.json").write_text("{not json")
    monkeypatch.chdir(ROOT)
    result = ok(run("history", "--rebuild", out))
    assert "skipped " in result.stderr and "broken" in result.stderr
    data = history_json(NOTES, out)
    assert [r["skipped"] for r in data["rehearsals"]] == [[], [3, 9, 13], []]
    assert [r["created"][:10] for r in data["rehearsals"]] == [
        "2025-03-10",
        "2025-03-11",
        "2025-03-12",
    ]
    assert data["talk"]["notes"] == [str(NOTES.resolve())]


def test_a_failed_record_leaves_nothing_half_written(
    shared_rehearsals, notes, tmp_path, monkeypatch
):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    with HistoryDB.open(out / DB_NAME) as opened:
        before = dump(opened)

    def crash(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(HistoryDB, "_insert_points", crash)
    result = run("analyze", shared_rehearsals["pl-skips"], "--notes", notes, "--out", out)
    message = one_line_error(result, 4)
    assert "the report is written, but the history was not updated" in message
    assert "disk I/O error" in message and "--rebuild" in message
    monkeypatch.undo()
    with HistoryDB.open(out / DB_NAME) as opened:
        assert dump(opened) == before
    assert len(report_folders(out)) == 2


# --- concurrency and versions ----------------------------------------------------------------


def test_two_processes_finishing_together_both_land(shared_rehearsals, notes, tmp_path):
    """Two real `rehearse analyze` processes. The test holds the database's write lock until
    both have written their reports, so both reach the history at the same moment."""
    out = tmp_path / "reports"
    db = out / DB_NAME
    with HistoryDB.open(db, create=True):
        pass
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rehearse",
                    "analyze",
                    str(shared_rehearsals[name]),
                    "--notes",
                    str(notes),
                    "--out",
                    str(out),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("pl-skips", "pl-reorder")
        ]
        deadline = time.monotonic() + 300
        while len(report_folders(out)) < 2 and time.monotonic() < deadline:
            assert all(r.poll() is None for r in runs), [r.communicate() for r in runs]
            time.sleep(0.2)
        time.sleep(1.0)  # both now wait for the lock
        assert all(r.poll() is None for r in runs)
    finally:
        lock.rollback()
        lock.close()
    for r in runs:
        _, stderr = r.communicate(timeout=120)
        assert r.returncode == 0, stderr
    rehearsals = history_json(notes, out)["rehearsals"]
    assert sorted(r["skipped"] for r in rehearsals) == [[], [3, 9, 13]]
    with HistoryDB.open(db) as opened:
        assert opened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _record_when_told(db: str, analysis_file: str, sha: str, go: str) -> int:
    """In a process of its own: wait for ``go``, then record the analysis (with ``sha`` as
    its recording) in a history nobody has made yet."""
    from rehearse.models import load_analysis

    analysis = load_analysis(analysis_file)
    analysis = replace(analysis, recording=replace(analysis.recording, sha256=sha))
    while not Path(go).exists():
        time.sleep(0.001)
    with HistoryDB.open(db, create=True) as history:
        return history.record(analysis, None).id


def test_processes_making_the_history_at_once_all_land(tmp_path):
    """Four processes create the same new database and record into it at the same moment
    (switching it to WAL cannot wait for a lock as SQLite waits for others)."""
    import multiprocessing

    db, go = tmp_path / DB_NAME, tmp_path / "go"
    old = ROOT / "tests" / "data" / "schema1" / "pl-full.json"
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        jobs = [
            pool.apply_async(_record_when_told, (str(db), str(old), f"{i:064d}", str(go)))
            for i in range(4)
        ]
        time.sleep(2.0)  # every process started and waiting
        go.touch()
        ids = sorted(job.get(timeout=120) for job in jobs)
    assert ids == [1, 2, 3, 4]
    with HistoryDB.open(db) as opened:
        assert opened.db.execute("SELECT count(*) FROM rehearsals").fetchone() == (4,)


def test_newer_database_is_refused_and_left_untouched(notes, tmp_path):
    out = tmp_path / "reports"
    db = out / DB_NAME
    with HistoryDB.open(db, create=True) as opened:
        opened.db.execute("UPDATE schema_version SET version = ?", (VERSION + 1,))
    for extra in ("-wal", "-shm"):
        assert not Path(f"{db}{extra}").exists()
    saved, stat = db.read_bytes(), db.stat()
    for args in (
        ("history", notes, "--out", out),
        ("history", "--rebuild", "--out", out),
        ("history", "--forget", 1, "--out", out),
        # refused before transcribing: the recording does not even exist
        ("analyze", tmp_path / "missing.m4a", "--notes", notes, "--out", out),
    ):
        message = one_line_error(run(*args), 2)
        assert f"history database of version {VERSION + 1}, newer than this" in message
        assert "left as it is" in message
    assert db.read_bytes() == saved and db.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in out.iterdir()) == [DB_NAME]


def test_a_file_that_is_no_history_is_refused(shared_rehearsals, notes, tmp_path):
    """A damaged file is refused (rebuild puts it aside and makes a new history); another
    program's database is refused, by rebuild too."""
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out, "--no-history")
    db = out / DB_NAME
    db.write_text("not a database at all, just text " * 100)
    message = one_line_error(run("history", notes, "--out", out), 2)
    assert "is not a rehearse history database" in message and "--rebuild" in message
    message = one_line_error(run("analyze", tmp_path / "x.m4a", "--notes", notes, "--out", out), 2)
    assert "is not a rehearse history database" in message  # before the recording is read
    result = ok(run("history", "--rebuild", "--out", out))
    [aside] = out.glob(f"{DB_NAME}.broken-*")
    assert aside.read_text().startswith("not a database") and str(aside) in result.stderr
    assert len(history_json(notes, out)["rehearsals"]) == 1
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    saved = other.read_bytes()
    for args in (("history", notes, "--db", other), ("history", "--rebuild", out, "--db", other)):
        message = one_line_error(run(*args), 2)
        assert "an SQLite database but not a rehearse history" in message
    assert other.read_bytes() == saved


def test_an_unwritable_history_is_found_before_transcribing(notes, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    args = ("analyze", tmp_path / "missing.m4a", "--notes", notes, "--out", tmp_path / "r")
    message = one_line_error(run(*args, "--db", blocker / DB_NAME), 4)
    assert message == f"error: cannot write the history {blocker / DB_NAME}: Not a directory"
    assert not (tmp_path / "r").exists()


def test_rebuild_function_skips_report_being_written(shared_rehearsals, notes, tmp_path):
    out = tmp_path / "reports"
    analyze(shared_rehearsals["pl-full"], notes, out)
    [folder] = report_folders(out)
    partial = folder.parent / ".partial-xyz"
    shutil.copytree(folder, partial)
    done = rebuild(tmp_path / "new.sqlite", out)
    assert (done.rehearsals, done.analyses) == (1, 1)
