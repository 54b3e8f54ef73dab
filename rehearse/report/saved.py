"""A saved report folder worked on again: ``render_saved`` draws its report anew (``rehearse
report``), ``mark_saved`` corrects a point by hand in it and in the history (``rehearse
mark``). Each reads the history the folder's reports folder keeps, unless told another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehearse.analysis import mark
from rehearse.history import HistoryDB, default_db, past_if_any
from rehearse.history.trends import Past
from rehearse.models import Analysis, analysis_folder, load_analysis
from rehearse.report import check_output, rerender, write_report
from rehearse.report.audio import AUDIO_FILE


@dataclass(frozen=True)
class Rendered:
    """A saved analysis drawn again: it, its past in the history (None: no history) and the
    report folder written."""

    analysis: Analysis
    past: Past | None
    folder: Path


@dataclass(frozen=True)
class Marked:
    """A point corrected by hand: the corrected analysis, its report folder, its past in the
    history after the correction, and the history's id of the rehearsal (None: the history
    holds no entry of this analysis)."""

    analysis: Analysis
    folder: Path
    past: Past | None
    recorded: int | None


def render_saved(
    analysis_file: Path, out: Path | None = None, db: Path | None = None, audio: bool = True
) -> Rendered:
    """The report of a saved analysis (an analysis.json or its folder) drawn again: in its
    own folder, or in a new folder under ``out`` (as ``analyze`` makes one)."""
    analysis = load_analysis(analysis_file)
    own = analysis_folder(analysis_file)
    past = past_if_any(default_db(own.parent.parent, db), analysis, own)
    if out is None:
        folder = rerender(analysis, own, past=past, audio=audio)
    else:
        check_output(out)
        folder = write_report(analysis, out, past=past, audio=audio, kept=own / AUDIO_FILE)
    return Rendered(analysis, past, folder)


def mark_saved(report: Path, point: int, status: str, db: Path | None = None) -> Marked:
    """Point ``point`` of a saved report marked ``status`` (said or skipped) by hand: in its
    analysis.json, its report (the recording's copy kept as it was) and the history."""
    analysis = load_analysis(report)
    folder = analysis_folder(report)
    corrected = mark(analysis, point, status)
    database = default_db(folder.parent.parent, db)
    past = past_if_any(database, corrected, folder)
    kept = (folder / AUDIO_FILE).is_file()  # as analyze or report left it
    rerender(corrected, folder, past=past, with_json=True, audio=kept)
    recorded = None
    if database.exists():
        with HistoryDB.open(database) as history:
            recorded = history.correct(corrected, folder)
    return Marked(corrected, folder, past_if_any(database, corrected, folder), recorded)
