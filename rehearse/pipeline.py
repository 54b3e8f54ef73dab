"""One rehearsal end to end: analyse, then the report folder (with its past), then the history.

``rehearse`` is what ``rehearse analyze`` and ``rehearse demo`` run; ``save`` is its second
half, which a batch runs for each recording its workers analysed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehearse.analysis import AnalyzeOptions, analyze, too_short
from rehearse.errors import RehearseError
from rehearse.history import HistoryDB, check_db, default_db, keep_out, past_of
from rehearse.history.trends import Past
from rehearse.models import Analysis
from rehearse.report import check_output, write_report
from rehearse.stages import Tracker


@dataclass(frozen=True)
class Who:
    """Whose rehearsal of which talk, and where (whether) the history keeps it: ``db`` None
    is history.sqlite in the reports folder; ``keep`` records a take too short to judge too."""

    speaker: str | None = None
    talk: str | None = None
    db: Path | None = None
    record: bool = True
    keep: bool = False


@dataclass(frozen=True)
class Saved:
    """What ``save`` did: the report folder; the rehearsal in its history (None when it is not
    recorded); why a take was kept out of the history (too short to judge); the error that
    stopped recording it in the history, the report being written."""

    analysis: Analysis
    folder: Path
    past: Past | None = None
    kept_out: str | None = None
    failed: RehearseError | None = None


def rehearse(
    recording: str | Path,
    notes: str | Path,
    options: AnalyzeOptions | None = None,
    out: str | Path = "reports",
    who: Who | None = None,
    *,
    progress: Tracker | None = None,
    audio: bool = True,
) -> Saved:
    """Analyse ``recording`` against ``notes``, write its report folder under ``out`` and
    record it in the history. The reports folder and the history are checked before the
    long work; ``progress`` hears of each stage up to the report. ``audio``: the report
    folder gets the recording's copy for its player."""
    out, who = Path(out), who or Who()
    history = default_db(out, who.db) if who.record else None
    check_output(out)
    if history is not None:
        check_db(history)
    analysis = analyze(
        recording, notes, options, progress=progress, speaker=who.speaker, talk_name=who.talk
    )
    return save(analysis, out, history, keep=who.keep, progress=progress, audio=audio)


def save(
    analysis: Analysis,
    out: str | Path,
    history: Path | None,
    *,
    keep: bool = False,
    progress: Tracker | None = None,
    audio: bool = True,
) -> Saved:
    """The report folder of ``analysis`` under ``out``, with its past, and its entry in the
    ``history`` database (None: no history). A take too short to judge is kept out of the
    history unless ``keep``; a history that cannot be written is ``Saved.failed``, the
    report being written all the same. ``audio``: as ``rehearse`` takes it."""
    kept_out = None if keep or history is None else too_short(analysis)
    record = history is not None and kept_out is None
    past = past_of(history, analysis) if record else None
    folder = write_report(analysis, out, past=past, progress=progress, audio=audio)
    if kept_out is not None:
        keep_out(folder, analysis, kept_out)
        return Saved(analysis, folder, kept_out=kept_out)
    if record:
        try:
            with HistoryDB.open(history, create=True) as opened:
                opened.record(analysis, folder)
        except RehearseError as exc:
            return Saved(analysis, folder, past, failed=exc)
    return Saved(analysis, folder, past)
