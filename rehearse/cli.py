"""The command line: parse options, call the library, print. No analysis lives here."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from rehearse import __version__
from rehearse.errors import RehearseError

app = typer.Typer(
    name="rehearse",
    help="How did your talk rehearsal go? Coverage of your own points, pacing, progress.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

# --- options, declared once ---------------------------------------------------

Recording = Annotated[
    Path, typer.Argument(help="Rehearsal recording (wav, mp3, m4a, ogg, flac, webm, mp4...).")
]
NotesOpt = Annotated[
    Path, typer.Option("--notes", "-n", help="Talking points: a Markdown file with numbered points.")
]
Engine = Annotated[str, typer.Option(help="Transcription engine: faster (default) or openai.")]
Model = Annotated[
    str, typer.Option(help="Whisper size name (tiny, base, small, ...) or a local model path.")
]
Language = Annotated[
    str | None, typer.Option("--language", "-l", help="Spoken language (pl, en...); default: from the notes.")
]
Vad = Annotated[bool, typer.Option("--vad/--no-vad", help="Skip silence with a voice-activity filter.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Transcribe again even if a cached transcript exists.")]
KeepFillers = Annotated[
    bool,
    typer.Option("--keep-fillers/--no-keep-fillers", help="Prompt Whisper to keep um/yyy fillers."),
]
Target = Annotated[str | None, typer.Option(help="Target talk length, e.g. 10m, 90s, 1:30.")]
Fillers = Annotated[list[str] | None, typer.Option("--filler", help="Extra filler word (repeatable).")]
PauseOpt = Annotated[float, typer.Option("--pause", help="Shortest silence reported as a pause, in seconds.")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"rehearse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )


@contextmanager
def _progress(description: str) -> Iterator[Callable[[float, float], None]]:
    """A rich progress bar driven by a (done, total) callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: float, total: float) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def command(fn: Callable) -> Callable:
    """Register a command whose library errors become one red line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RehearseError as exc:
            err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None

    return app.command()(wrapper)
