"""Two rehearsals compared in the terminal: the points whose status changed, the corrections,
time per point, then the headline numbers, A → B."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.markup import escape
from rich.table import Table

from rehearse.console import console, correction, dates, say
from rehearse.history.trends import talk_time
from rehearse.report import view


def print_comparison(c) -> None:
    say(
        f"[bold]{escape(c.b.title)}[/bold]: A {escape(_rehearsal_name(c.a))} → "
        f"B {escape(_rehearsal_name(c.b))}"
    )
    _print_changed(c.changed)
    _print_corrections(c)
    console.print(_time_table(c))
    for name, value in _numbers(c.a, c.b):
        console.print(f"[bold]{name:<14}[/bold]{escape(value)}", highlight=False)


def _rehearsal_name(r) -> str:
    """'#3 (12 Mar 21:13, pl-reorder.m4a)' or, outside the history, the date and file."""
    [date] = dates([r.created])
    what = f"{date}, {Path(r.recording).name}"
    return f"#{r.id} ({what})" if r.id is not None else f"({what}, not in the history)"


def _print_changed(changed) -> None:
    """The points said in one and not the other (or otherwise changed status)."""
    if not changed:
        console.print("Every point has the same status in both.")
        return
    console.print("[bold]Changed[/bold]")
    width = max(20, console.width - 50)
    for p in changed:
        label = escape(view.shorten(f"{p.latest.number}. {p.latest.text}", width))
        colour = "green" if p.b is not None and p.b.said else "red"
        colour = "cyan" if p.b is not None and p.b.uncertain else colour
        change = f"{view.status_text(p.a)} → [{colour}]{view.status_text(p.b)}[/]"
        console.print(f"  {label}  {change}", highlight=False)


def _print_corrections(c) -> None:
    for side, r in (("A", c.a), ("B", c.b)):
        fixed = [p for p in r.points if p.corrected]
        if fixed:
            console.print(
                f"[bold]Corrected by hand in {side}[/bold]: "
                + escape("; ".join(correction(p) for p in fixed)),
                highlight=False,
            )


def _time_table(c) -> Table:
    """Time per point in each, the difference, and each one's drift."""
    table = Table(title="Time per point", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right")
    table.add_column("point", no_wrap=True, max_width=max(16, console.width - 56))
    for name in ("A took", "B took", "B − A", "A drift", "B drift"):
        table.add_column(name, justify="right", no_wrap=True)
    for p in c.points:
        diff = p.difference
        if diff is not None:  # as the two times shown differ
            diff = round(p.b.duration) - round(p.a.duration)
        table.add_row(
            str(p.latest.number),
            escape(view.shorten(p.latest.text, 60)),
            _took(p.a),
            _took(p.b),
            view.change(diff) if diff is not None else "",
            view.change(p.a.drift) if p.a and p.a.drift is not None else "",
            view.change(p.b.drift) if p.b and p.b.drift is not None else "",
        )
    return table


def _numbers(a, b) -> list[tuple[str, str]]:
    """(name, 'A → B (change)') of the headline numbers."""
    pace = f"{_change(a.wpm, b.wpm, '{:.0f}')} wpm"
    if a.syllable_rate is not None and b.syllable_rate is not None:
        rate = _change(a.syllable_rate, b.syllable_rate, "{:.1f}")
        pace = f"{rate} syllables/s; {pace}"
    longest = ""
    if a.longest_pause or b.longest_pause:
        longest = f", longest {_change(a.longest_pause or 0, b.longest_pause or 0, '{:.1f}')} s"
    rows = [
        ("Points said", f"{a.said}/{len(a.points)} → {b.said}/{len(b.points)}"
         f" ({b.said - a.said:+d})"),
        ("Talk time", _clock_change(talk_time(a), talk_time(b))),
        ("Speaking time", _clock_change(a.speaking_time, b.speaking_time)),
        ("Pace", pace),
        ("Pauses", f"{a.pauses} → {b.pauses}{longest}"),
        ("Fillers", f"{_change(a.fillers_per_minute, b.fillers_per_minute, '{:.1f}')} /min"),
        ("Restarts", f"{a.restarts} → {b.restarts}"),
    ]  # fmt: skip
    if a.pitch_variation_st is not None or b.pitch_variation_st is not None:
        rows.append(("Voice", _voice_change(a, b)))
    return rows


def _voice_change(a, b) -> str:
    """'pitch spread 1.4 → 2.1 (+0.7) st; trails off 0% → 12%; loudness -24 → -21 (+3) dBFS',
    with '–' for a rehearsal whose voice was not measured."""

    def one(x: float | None, y: float | None, spec: str) -> str:
        if x is not None and y is not None:
            return _change(x, y, spec)
        return " → ".join("–" if v is None else spec.format(v) for v in (x, y))

    def share(x: float | None) -> str:
        return "–" if x is None else f"{x:.0%}"

    trails = f"{share(a.trailing_off_share)} → {share(b.trailing_off_share)}"
    return (
        f"pitch spread {one(a.pitch_variation_st, b.pitch_variation_st, '{:.1f}')} st; "
        f"trails off {trails}; loudness {one(a.loudness_db, b.loudness_db, '{:.0f}')} dBFS"
    )


def _took(point) -> str:
    if point is None:
        return "–"
    if point.duration is not None:
        return view.clock(point.duration)
    return "uncertain" if point.uncertain else "skipped"


def _change(a: float, b: float, spec: str) -> str:
    """'4.4 → 4.1 (-0.3)': the difference of the numbers as shown."""
    shown_a, shown_b = spec.format(a), spec.format(b)
    delta = spec.format(float(shown_b) - float(shown_a))
    delta = "±" + delta.lstrip("-") if float(delta) == 0 else delta
    return f"{shown_a} → {shown_b} ({'' if delta[0] in '-±' else '+'}{delta})"


def _clock_change(a: float | None, b: float | None) -> str:
    """'2:38 → 3:25 (+0:47)'."""
    if a is None or b is None:
        return f"{view.clock(a)} → {view.clock(b)}"
    return f"{view.clock(a)} → {view.clock(b)} ({view.change(round(b) - round(a))})"
