"""Rehearsals read back for comparing: ``pick_pair`` (the two ``compare`` compares) and
``past_of`` (an analysis in its talk's history, for the report's "Since last time"), without
changing the history."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from rehearse.history.db import HistoryDB
from rehearse.history.points import known_points
from rehearse.history.rows import rehearsal_of, resolved, timestamp
from rehearse.history.schema import HistoryError
from rehearse.history.trends import Past, match_points
from rehearse.models import Analysis, History, Rehearsal, Talk, analysis_folder, load_analysis
from rehearse.textnorm import normal_speaker

log = logging.getLogger(__name__)


def pick_pair(
    path: str | Path,
    first: str | None = None,
    second: str | None = None,
    *,
    speaker: str | None = None,
    talk: str | None = None,
) -> tuple[Rehearsal, Rehearsal]:
    """The two rehearsals ``compare`` compares, older first. Each of ``first`` and
    ``second`` is a history id, an analysis.json or a report folder. One of them: it and
    the rehearsal before it in its history. A notes file alone, ``talk`` or nothing: the
    last two rehearsals of that talk (of the talk rehearsed last) by ``speaker``."""
    path = Path(path)
    given = [x for x in (first, second) if x is not None]
    notes = None
    if len(given) == 1 and _is_notes(given[0]):
        notes, given = given[0], []
    if len(given) == 2:
        return _resolve(path, given[0]), _resolve(path, given[1])
    with HistoryDB.open(path) as history:
        if given:
            later = _resolve(path, given[0], history)
            if later.id is not None:
                found = history.talk_of(later.id)
            else:
                found = history.find_talk(notes=later.notes)
            if found is None:
                raise HistoryError(f"{given[0]} is not in the history {path}: give two rehearsals")
            past = history.history(found, later.speaker).rehearsals
            earlier = [r for r in past if timestamp(r.created) < timestamp(later.created)]
            if not earlier:
                raise HistoryError(f"no rehearsal before {given[0]} in the history {path}")
            return earlier[-1], later
        if notes is not None or talk is not None:
            found = history.find_talk(notes=notes, name=talk)
            if found is None:
                what = f"talk {talk!r}" if talk else str(notes)
                raise HistoryError(f"no rehearsals of {what} in the history {path}")
        else:
            found = history.latest_talk(speaker)
            if found is None:
                raise HistoryError(f"no rehearsals in the history {path} yet")
        past = history.history(found, speaker).rehearsals
    if len(past) < 2:
        who = f" by {normal_speaker(speaker)}" if normal_speaker(speaker) else ""
        count = f"{len(past)} rehearsal{'s' if len(past) != 1 else ''}"
        raise HistoryError(f"{found.title!r} has {count}{who} in the history; compare needs two")
    return past[-2], past[-1]


def _is_notes(ref: str) -> bool:
    path = Path(ref)
    return path.is_file() and path.name != "analysis.json" and path.suffix != ".json"


def _resolve(path: Path, ref: str, history: HistoryDB | None = None) -> Rehearsal:
    """A rehearsal by history id, analysis.json or report folder. An analysis the history
    holds comes from it (with its id and point ids)."""
    if ref.isdigit():
        if history is not None:
            return history.rehearsal(int(ref))
        with HistoryDB.open(path) as opened:
            return opened.rehearsal(int(ref))
    target = Path(ref)
    if not target.exists():
        raise HistoryError(f"{ref} is neither a history id nor an analysis.json or report folder")
    analysis = resolved(load_analysis(target))
    own = rehearsal_of(analysis, analysis_folder(target))
    if not path.exists():
        return own
    if history is None:
        with HistoryDB.open(path) as opened:
            return _from_history(opened, own)
    return _from_history(history, own)


def _from_history(history: HistoryDB, own: Rehearsal) -> Rehearsal:
    rehearsal_id = history.analysis_id(own.sha256, own.analysed)
    return history.rehearsal(rehearsal_id) if rehearsal_id is not None else own


# --- an analysis in its history ------------------------------------------------------------------


def past_of(path: str | Path, analysis: Analysis, report: str | Path | None = None) -> Past:
    """The analysis in its talk's history by its speaker, without changing the history: the
    rehearsals before it, then it. A recording of the talk by the speaker that the history
    holds keeps its place in time; its points get the ids ``record`` would give them (a new
    point a negative one)."""
    current = rehearsal_of(analysis, report)
    path = Path(path)
    if not path.exists():
        return Past(History(Talk(0, current.title), current.speaker, (current,)), current)
    with HistoryDB.open(path) as history:
        talk = history.talk_for_reading(analysis)
        if talk is None:
            history_ = History(Talk(0, current.title), current.speaker, (current,))
            return Past(history_, current)
        old = history.take(current.sha256, talk.id, current.speaker)
        if old is not None:
            current = replace(current, id=old[0], created=old[1])
        again = old is not None and old[3] != current.analysed
        known = known_points(history.db, talk.id)
        found = match_points(known, [(p.number, p.text) for p in current.points], current.language)
        new = iter(range(-1, -len(found) - 1, -1))
        ids = [i if i is not None else next(new) for i in found]
        points = tuple(replace(p, point_id=i) for p, i in zip(current.points, ids, strict=True))
        current = replace(current, points=points)
        time = timestamp(current.created)
        earlier = tuple(
            r
            for r in history.history(talk, current.speaker).rehearsals
            if r.id != current.id and timestamp(r.created) < time
        )
    return Past(History(talk, current.speaker, (*earlier, current)), current, again=again)


def past_if_any(
    path: str | Path, analysis: Analysis, report: str | Path | None = None
) -> Past | None:
    """``past_of`` when there is a history at ``path`` to read; None (with a warning when it
    cannot be read) otherwise: the report is then made without its history."""
    if not Path(path).exists():
        return None
    try:
        return past_of(path, analysis, report)
    except HistoryError as exc:
        log.warning("the report is made without its history: %s", exc)
        return None
