"""pipeline.save, as analyze, demo and every batch job save an analysis: the report folder
with its past, the history entry, a take too short to judge kept out, a failed history
entry reported (never the report lost)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from test_report import NOTES, make_analysis

from rehearse.batch import _saved
from rehearse.batch.jobs import Failure
from rehearse.history import DB_NAME, FORGOTTEN, HistoryDB, rebuild
from rehearse.notes import load_notes
from rehearse.pipeline import save


@pytest.fixture(scope="module")
def analysis():
    return make_analysis(load_notes(NOTES), target=180.0)


def test_save_writes_the_report_then_the_history(analysis, tmp_path):
    out = tmp_path / "reports"
    first = save(analysis, out, out / DB_NAME)
    assert (first.folder / "report.html").is_file() and first.failed is None
    assert first.past is not None and first.past.ordinal == 1 and first.kept_out is None
    again = save(replace(analysis, created="2099-01-01T10:00:00+00:00"), out, out / DB_NAME)
    assert again.past.ordinal == 1  # the same recording: its place in the history is kept
    with HistoryDB.open(out / DB_NAME) as db:
        assert len(db.talks()) == 1
    assert save(analysis, tmp_path / "none", None).past is None
    assert not (tmp_path / "none" / DB_NAME).exists()


def test_a_take_too_short_to_judge_is_kept_out_unless_kept(analysis, tmp_path):
    short = replace(analysis, pacing=replace(analysis.pacing, talk_time=10.0))
    out = tmp_path / "reports"
    saved = save(short, out, out / DB_NAME)
    assert "too short to judge" in saved.kept_out and saved.past is None
    assert (saved.folder / FORGOTTEN).is_file() and not (out / DB_NAME).exists()
    kept = save(short, out, out / DB_NAME, keep=True)
    assert kept.kept_out is None and (out / DB_NAME).exists()


def test_a_history_that_cannot_be_written_is_reported_not_raised(analysis, tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(HistoryDB, "_insert_points", crash)
    out = tmp_path / "reports"
    saved = save(analysis, out, out / DB_NAME)
    assert "disk I/O error" in str(saved.failed) and (saved.folder / "report.html").is_file()
    failed = _saved(analysis, out, out / DB_NAME, keep=False)  # a batch row
    assert isinstance(failed, Failure) and "analysed, but not saved" in failed.message


def test_rebuild_warns_of_what_it_cannot_read(analysis, tmp_path, caplog):
    out = tmp_path / "reports"
    save(analysis, out, None)
    broken = out / "talk" / "broken"
    broken.mkdir(parents=True)
    (broken / "analysis.json").write_text("{not json", encoding="utf-8")
    done = rebuild(tmp_path / "history.sqlite", out)
    assert (done.rehearsals, done.analyses, len(done.unreadable)) == (1, 1, 1)
    assert any(r.getMessage().startswith(f"skipped {broken}") for r in caplog.records)
