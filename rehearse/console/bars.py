"""Progress bars on stderr, shown only on a terminal and gone when done."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from rehearse.console import err_console
from rehearse.report import view
from rehearse.stages import Step, Tracker

PERCENT = "{task.percentage:>3.0f}%"


def _bar(*columns) -> Progress:
    """A bar with the task's description and these columns, on stderr, gone when done."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        *columns,
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


@contextmanager
def progress(description: str) -> Iterator[Callable[[float, float], None]]:
    """A rich progress bar driven by a (done, total) callback."""
    with _bar(TextColumn(PERCENT), TimeRemainingColumn()) as bar:
        task = bar.add_task(description, total=None)

        def update(done: float, total: float) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def stage_progress(names: Sequence[str]) -> Iterator[Tracker]:
    """A rich progress bar of the library's stages: what it is doing, the share done."""
    with _bar(TextColumn(PERCENT)) as bar:
        task = bar.add_task("Starting", total=100)

        def show(step: Step) -> None:
            bar.update(task, completed=100 * step.fraction, description=escape(step.label))

        tracker = Tracker(show, names)
        yield tracker
        tracker.finish()


@contextmanager
def batch_progress(total: int) -> Iterator[Callable]:
    """One bar for the batch: recordings done, audio done, time left."""
    audio = [0.0]
    with _bar(
        TextColumn("{task.completed:.0f}/{task.total:.0f} recordings · {task.fields[audio]}"),
        TimeRemainingColumn(),
    ) as bar:
        task = bar.add_task("Analysing", total=total, audio="0:00 of audio")

        def on_row(row, done: int, _total: int) -> None:
            audio[0] += row.duration or 0.0
            bar.update(task, completed=done, audio=f"{view.clock(audio[0])} of audio")

        yield on_row
