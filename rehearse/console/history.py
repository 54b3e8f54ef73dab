"""The history in the terminal: a talk's rehearsals, the talks, what forget and rebuild did."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich import box
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from rehearse.console import console, correction, count, dates, say
from rehearse.history.trends import against_target, habits, numbers, talk_time
from rehearse.report import view

# `history` on a narrow terminal leaves out columns, least needed first, rather than cut them
HISTORY_DROP_ORDER = ("restarts", "trails\noff", "pitch\nspread", "fillers\n/min", "date")
# (header, justify, width it folds down to, 0: no wrap); a cell per rehearsal
COLUMNS = [
    ("#", "right", 0),
    ("date", "left", 0),
    ("talk time", "left", 0),
    ("said", "right", 0),
    ("skipped", "left", 7),
    ("out of\norder", "left", 6),
    ("wpm", "right", 0),
    ("fillers\n/min", "right", 0),
    ("restarts", "right", 0),
]
VOICE_COLUMNS = [("pitch\nspread", "right", 0), ("trails\noff", "right", 0)]
HABITS = (("skipped", "Most often skipped"), ("out_of_order", "Most often out of order"))


def print_history(past) -> None:
    """The rehearsals table, then the points most often skipped or said out of order."""
    targets = {r.target for r in past.rehearsals}
    one_target = targets.pop() if len(targets) == 1 else None
    voiced = any(r.pitch_variation_st is not None for r in past.rehearsals)
    columns = COLUMNS + (VOICE_COLUMNS if voiced else [])
    cells = _cells(past, one_target, voiced)
    table, left_out = _fitting(_title(past, one_target), columns, cells)
    console.print(table)
    if left_out:
        console.print(
            f"Left out at this width: {', '.join(reversed(left_out))} "
            "(a wider terminal or --json shows them).",
            highlight=False,
        )
    for line in _history_notes(past):
        console.print(escape(line), highlight=False)
    _print_habits(past)


def _title(past, one_target: float | None) -> str:
    """'Talk by Ann: 3 rehearsals, target 3:00'."""
    who = f" by {past.speaker}" if past.speaker else ""
    title = f"{past.talk.title}{who}: {count(len(past.rehearsals), 'rehearsal')}"
    if one_target:
        title += f", target {view.clock(one_target)}"
    return title


def _cells(past, one_target: float | None, voiced: bool) -> list[list[str]]:
    """A row of cells per rehearsal, as ``COLUMNS`` (and ``VOICE_COLUMNS`` when ``voiced``)."""
    cells = []
    for r, date in zip(past.rehearsals, dates([r.created for r in past.rehearsals]), strict=True):
        cells.append(
            [
                str(r.id),
                date,
                _talk_time_cell(r, one_target),
                f"{r.said}/{len(r.points)}",
                _skipped_cell(r),
                numbers(r.out_of_order),
                f"{r.wpm:.0f}",
                f"{r.fillers_per_minute:.1f}",
                str(r.restarts or "–"),
                *(_voice_cells(r) if voiced else ()),
            ]
        )
    return cells


def _talk_time_cell(r, one_target: float | None) -> str:
    """The talk time, coloured by its target band (with the target when targets differ)."""
    time = view.clock(talk_time(r))
    if not r.target:
        return time
    colour = {"over": "red", "under": "blue", "on": "green"}[against_target(r)]
    return f"[{colour}]{time}[/]" + ("" if one_target else f" of {view.clock(r.target)}")


def _fitting(title: str, columns, cells) -> tuple[Table, list[str]]:
    """The table as wide as the terminal allows: too wide, the least needed columns go
    (``HISTORY_DROP_ORDER``); with the headers of those left out."""
    shown = list(range(len(columns)))
    table = _table(title, columns, cells, shown)
    left_out = []
    for header in HISTORY_DROP_ORDER:
        unbounded = console.options.update(max_width=10 * console.width)
        if Measurement.get(console, unbounded, table).maximum <= console.width:
            break
        found = [i for i in shown if columns[i][0] == header]
        if found:
            shown.remove(found[0])
            left_out.append(header.replace("\n", " "))
            table = _table(title, columns, cells, shown)
    return table, left_out


def _table(title: str, columns, cells, shown: list[int]) -> Table:
    """The rehearsals table with the columns ``shown``."""
    table = Table(
        title=escape(title),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for i in shown:
        header, justify, fold = columns[i]
        folding = {"overflow": "fold", "min_width": fold} if fold else {"no_wrap": True}
        table.add_column(header, justify=justify, **folding)
    for row in cells:
        table.add_row(*(row[i] for i in shown))
    return table


def _print_habits(past) -> None:
    """The points most often skipped, then most often said out of order."""
    for what, heading in HABITS:
        found = habits(past, what)
        if not found:
            continue
        console.print(f"[bold]{heading}[/bold]")
        for h in found:
            label = escape(view.shorten(f"{h.number}. {h.text}", max(30, console.width - 24)))
            gone = " (no longer in the notes)" if h.removed else ""
            console.print(f"  {label}  {h.count} of {h.of}{gone}", highlight=False)


def _skipped_cell(r) -> str:
    """'3, 9*, ?5': the points skipped (``*``: corrected by hand), then the uncertain ones."""
    skipped = [f"{p.number}{'*' if p.corrected else ''}" for p in r.points if p.skipped]
    unsure = [f"?{p.number}" for p in r.points if p.uncertain]
    return ", ".join(skipped + unsure) or "–"


def _history_notes(past) -> list[str]:
    """What the marks of the skipped column mean, when a rehearsal has them; and which
    points were corrected by hand."""
    lines = []
    corrected = [(r, p) for r in past.rehearsals for p in r.points if p.corrected]
    if corrected:
        lines.append(
            "Corrected by hand (*): " + "; ".join(f"#{r.id} {correction(p)}" for r, p in corrected)
        )
    if any(r.uncertain for r in past.rehearsals):
        lines.append("?N: uncertain, heard too badly to judge (neither said nor skipped).")
    return lines


def _voice_cells(r) -> tuple[str, str]:
    """A rehearsal's pitch spread (semitones) and share of sentences trailing off; '–' when
    its voice was not measured."""
    if r.pitch_variation_st is None:
        return "–", "–"
    trails = f"{r.trailing_off_share:.0%}" if r.trailing_off_share is not None else "–"
    return f"{r.pitch_variation_st:.1f} st", trails


# --- the talks, forget, rebuild --------------------------------------------------------


def print_talks(talks, path: Path) -> None:
    """The talks in the history at ``path``, and how to show one."""
    if not talks:
        console.print(f"No rehearsals in {escape(str(path))} yet.")
        return
    table = Table(title=f"Talks in {escape(str(path))}", title_justify="left")
    for name in ("talk", "notes", "rehearsals"):
        table.add_column(name)
    for t, counts in talks:
        title = t.title + (f" ({t.name})" if t.name else "")
        who = ", ".join(f"{s or 'you'}: {n}" for s, n in counts.items())
        table.add_row(escape(title), escape("\n".join(t.notes)), escape(who))
    console.print(table)
    latest = talks[0][0]
    which = f"--talk {shlex.quote(latest.name)}" if latest.name else shlex.quote(latest.notes[0])
    console.print(
        f"rehearse history NOTES (or --talk NAME) shows one, e.g. rehearse history {which}",
        style="dim",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


def print_forgotten(rehearsal_id: int, rehearsal, marker: Path | None) -> None:
    """What ``--forget`` took out, and the marker that keeps its report folder out."""
    created = rehearsal.created.replace("T", " ")[:16]  # '2025-03-11 07:45'
    console.print(
        f"Took rehearsal {rehearsal_id} ({created}, "
        f"{escape(Path(rehearsal.recording).name)}) out of the history.",
        highlight=False,
    )
    if marker is not None:
        say(
            f"Its report folder stays: {escape(str(marker.parent))} (with {marker.name}, so "
            "--rebuild leaves it out too)."
        )


def print_rebuilt(database: Path, reports: Path, done) -> None:
    forgotten = f", {done.forgotten} forgotten left out" if done.forgotten else ""
    say(
        f"Rebuilt {escape(str(database))} from {done.analyses} analyses under "
        f"{escape(str(reports))}: {done.rehearsals} rehearsals{forgotten}."
    )


def print_chart(chart: Path) -> None:
    console.print(f"Progress chart: [bold]{escape(str(chart))}[/bold]", soft_wrap=True)
