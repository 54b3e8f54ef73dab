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
from rehearse.report import view

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
    Path,
    typer.Option("--notes", "-n", help="Talking points: a Markdown file with numbered points."),
]
Engine = Annotated[str, typer.Option(help="Transcription engine: faster (default) or openai.")]
Model = Annotated[
    str, typer.Option(help="Whisper size name (tiny, base, small, ...) or a local model path.")
]
Language = Annotated[
    str | None,
    typer.Option("--language", "-l", help="Spoken language (pl, en...); default: from the notes."),
]
Vad = Annotated[
    bool, typer.Option("--vad/--no-vad", help="Skip silence with a voice-activity filter.")
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Transcribe again even if a cached transcript exists.")
]
LanguageCheck = Annotated[
    bool,
    typer.Option(
        "--language-check/--no-language-check",
        help="Stop when the recording clearly is in another language than --language.",
    ),
]
KeepFillers = Annotated[
    bool,
    typer.Option("--keep-fillers/--no-keep-fillers", help="Prompt Whisper to keep um/yyy fillers."),
]
Target = Annotated[str | None, typer.Option(help="Target talk length, e.g. 10m, 90s, 1:30.")]
Fillers = Annotated[
    list[str] | None, typer.Option("--filler", help="Extra filler word (repeatable).")
]
PauseOpt = Annotated[
    float, typer.Option("--pause", help="Shortest silence reported as a pause, in seconds.")
]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
OpenReport = Annotated[bool, typer.Option("--open", help="Open the HTML report in a browser.")]
AnalysisFile = Annotated[
    Path, typer.Argument(help="An analysis.json written by `rehearse analyze` (or its folder).")
]


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


def _handled(fn: Callable) -> Callable:
    """``fn`` with library errors turned into one red line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RehearseError as exc:
            err_console.print(
                f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper


def command(fn: Callable) -> Callable:
    """Register a command whose library errors become one red line and an exit code."""
    return app.command()(_handled(fn))


def _transcribe_options(
    engine: str, model: str, language: str | None, vad: bool, no_cache: bool, check: bool
):
    from rehearse.transcribe import TranscribeOptions

    return TranscribeOptions(
        engine=engine,
        model=model,
        language=language,
        vad=vad,
        cache=not no_cache,
        check_language=check,
    )


def _analyze_options(
    transcribe, target: str | None, fillers: list[str] | None, pause: float, keep_fillers: bool
):
    from rehearse.analysis import AnalyzeOptions
    from rehearse.notes import parse_duration
    from rehearse.pacing import PacingOptions

    pacing = PacingOptions(
        pause=pause,
        target=parse_duration(target) if target else None,
        fillers=tuple(fillers or ()),
    )
    return AnalyzeOptions(transcribe=transcribe, pacing=pacing, keep_fillers=keep_fillers)


# --- analyze, report, demo ------------------------------------------------------


@command
def analyze(
    recording: Recording,
    notes: NotesOpt,
    out: Out = None,
    engine: Engine = "faster",
    model: Model = "base",
    language: Language = None,
    vad: Vad = False,
    target: Target = None,
    no_cache: NoCache = False,
    language_check: LanguageCheck = True,
    keep_fillers: KeepFillers = False,
    filler: Fillers = None,
    pause: PauseOpt = 2.0,
    open_report: OpenReport = False,
) -> None:
    """Analyse a rehearsal: which points you covered, your pacing, and a report folder.

    Example: rehearse analyze talk.m4a --notes notes/talk.md --target 10m --open
    """
    transcribe = _transcribe_options(engine, model, language, vad, no_cache, language_check)
    options = _analyze_options(transcribe, target, filler, pause, keep_fillers)
    _analyze_and_report(recording, notes, options, out, open_report)


@command
def report(analysis_file: AnalysisFile, out: Out = None, open_report: OpenReport = False) -> None:
    """Re-render the HTML/Markdown report and charts of a saved analysis (no transcribing).

    Example: rehearse report reports/my-talk/20250101-120000-take1/analysis.json
    """
    from rehearse.report import ANALYSIS_FILE, WRITERS, load_analysis, render

    analysis = load_analysis(analysis_file)
    home = analysis_file if analysis_file.is_dir() else analysis_file.parent
    folder = out or home
    in_place = folder.resolve() == home.resolve()
    formats = [f for f in WRITERS if f != "json"] if in_place else None
    render(analysis, folder, formats=formats)
    _print_summary(analysis)
    _print_report_path(folder, open_report)
    if not in_place:
        console.print(f"analysis copied to {escape(str(folder / ANALYSIS_FILE))}", highlight=False)


@command
def demo(out: Out = None, open_report: OpenReport = False) -> None:
    """Analyse the bundled sample rehearsal (Polish, points 3, 9 and 13 skipped) offline.

    Example: rehearse demo --open
    """
    from rehearse.analysis import AnalyzeOptions, demo_files

    recording, notes = demo_files()
    console.print(
        f"Demo: {recording.name} against {notes.name} (a Polish talk, 14 points).", highlight=False
    )
    _analyze_and_report(recording, notes, AnalyzeOptions(), out, open_report)


def _analyze_and_report(recording: Path, notes: Path, options, out: Path | None, open_: bool):
    from rehearse.analysis import analyze
    from rehearse.report import write_report

    with _progress("Transcribing") as update:
        analysis = analyze(recording, notes, options, progress=update)
    folder = write_report(analysis, out or Path("reports"))
    _print_summary(analysis)
    _print_report_path(folder, open_)


def _print_summary(analysis) -> None:
    """Coverage, duration, pace, fillers, skipped and out-of-order points, ad-libs."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    points = analysis.points
    said = sum(p.status != "missed" for p in points)
    rows = [
        ("Coverage", f"{said} of {len(points)} points said ({analysis.summary.coverage:.0%})"),
        ("Duration", view.duration_verdict(analysis)),
        ("Pace", view.pace_text(analysis)),
        ("Fillers", view.filler_text(analysis)),
        ("Skipped", "\n".join(view.label(p, 60) for p in points if p.status == "missed")),
        ("Out of order", "\n".join(view.label(p, 60) for p in points if p.out_of_order)),
        ("Ad-libs", str(len(analysis.adlibs))),
        ("Started again", view.restart_text(analysis)),
    ]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in rows:
        if value:
            style = "red" if name == "Skipped" else None
            table.add_row(name, Text(value, style=style or ""))
    console.print(Panel(table, title=Text(analysis.talk.title), title_align="left", expand=False))


def _print_report_path(folder: Path, open_: bool) -> None:
    page = folder / "report.html"
    console.print(f"Report: [bold]{escape(str(page))}[/bold]", highlight=False, soft_wrap=True)
    if open_:
        import webbrowser

        webbrowser.open(page.resolve().as_uri())


# --- pacing -------------------------------------------------------------------


@command
def pacing(
    recording: Recording,
    notes: NotesOpt,
    engine: Engine = "faster",
    model: Model = "base",
    language: Language = None,
    vad: Vad = False,
    target: Target = None,
    no_cache: NoCache = False,
    language_check: LanguageCheck = True,
    keep_fillers: KeepFillers = False,
    filler: Fillers = None,
    pause: PauseOpt = 2.0,
    as_json: AsJson = False,
) -> None:
    """Time per point against its budget, drift, pace, pauses and fillers (no report folder).

    Example: rehearse pacing talk.m4a --notes notes/talk.md --target 10m --keep-fillers
    """
    from rehearse.analysis import analyze
    from rehearse.models import to_json

    transcribe = _transcribe_options(engine, model, language, vad, no_cache, language_check)
    options = _analyze_options(transcribe, target, filler, pause, keep_fillers)
    with _progress("Transcribing") as update:
        analysis = analyze(recording, notes, options, progress=update)
    if as_json:
        console.print_json(to_json(analysis.pacing))
        return
    _print_pacing(analysis)


def _print_pacing(analysis) -> None:
    """The per-point timing table, then the headline numbers."""
    from rich.table import Table

    pacing = analysis.pacing
    texts = {p.number: p.text for p in analysis.points}
    table = Table(title="Time per point", title_justify="left")
    for name in ("#", "point", "start", "time", "budget", "over", "drift", "wpm", "fillers"):
        table.add_column(name, justify="left" if name == "point" else "right", no_wrap=True)
    for p in pacing.points:
        said = p.start is not None
        table.add_row(
            str(p.number),
            escape(view.shorten(texts.get(p.number, ""), max(12, console.width - 64))),
            view.clock(p.start),
            view.clock(p.duration) if said else "[red]skipped[/red]",
            view.clock(p.budget),
            view.signed(p.over) if p.over is not None else "–",
            view.signed(p.drift) if p.drift is not None else "–",
            f"{p.wpm:.0f}" if p.wpm is not None else "–",
            str(p.fillers or ""),
        )
    console.print(table)
    longest = max(pacing.pauses, key=lambda x: x.duration, default=None)
    pauses = "none"
    if longest:
        where = view.clock(longest.start)
        pauses = f"{len(pacing.pauses)}, longest {longest.duration:.1f} s at {where}"
    rows = [
        ("Total", f"{view.clock(pacing.duration)} (speaking {view.clock(pacing.speaking_time)})"),
        ("Pace", view.pace_text(analysis)),
        ("Articulation", f"{pacing.articulation_rate:.1f} syllables/s"),
        ("Pauses", pauses),
        ("Fillers", view.filler_text(analysis)),
        ("Repeats", ", ".join(r.text for r in pacing.repetitions[:6]) or "none"),
    ]
    for name, value in rows:
        console.print(f"[bold]{name:<13}[/bold]{escape(value)}", highlight=False)
    if pacing.fillers_undercounted:
        console.print(
            "[yellow]Filler counts are likely low: Whisper drops um/yyy unless prompted; "
            "run with --keep-fillers.[/yellow]"
        )


# --- transcribe, models -------------------------------------------------------


@command
def transcribe(
    recording: Recording,
    out: Out = None,
    engine: Engine = "faster",
    model: Model = "base",
    language: Language = None,
    vad: Vad = False,
    no_cache: NoCache = False,
    language_check: LanguageCheck = True,
) -> None:
    """Transcribe a recording with word timestamps into JSON, SRT, VTT and plain text.

    Example: rehearse transcribe talk.m4a --language pl -o reports/transcripts
    """
    from rehearse.captions import write_transcript
    from rehearse.transcribe import transcribe as run

    options = _transcribe_options(engine, model, language, vad, no_cache, language_check)
    with _progress("Transcribing") as update:
        result = run(recording, options, progress=update)
    t = result.transcript
    paths = write_transcript(t, out or Path("reports") / "transcripts", recording.stem)
    probability = f" (p={t.language_probability:.2f})" if t.language_probability is not None else ""
    speed = (
        "from the cache"
        if result.cached
        else f"in {result.seconds:.1f} s, real-time factor {result.seconds / t.duration:.2f}"
    )
    console.print(
        f"Language [bold]{t.language}[/bold]{probability}, {t.duration:.1f} s of audio, "
        f"{len(t.words)} words, transcribed {speed} ({t.engine}, {escape(t.model)})",
        highlight=False,
    )
    for path in paths.values():
        console.print(f"  {escape(str(path))}", highlight=False, soft_wrap=True)


models_app = typer.Typer(
    help="Whisper models on this machine: list them (default) or install the offline base model.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context) -> None:
    """Whisper models on this machine: list them (default) or install the offline base model."""
    if ctx.invoked_subcommand is None:
        models_list()


@models_app.command("list")
@_handled
def models_list() -> None:
    """List the models each engine can use offline, and where they live.

    Example: rehearse models
    """
    from rich.table import Table

    from rehearse.weights import list_models, models_dir

    table = Table(title=f"Whisper models (rehearse keeps its own in {models_dir()})")
    for name in ("engine", "model", "status", "size"):
        table.add_column(name, justify="right" if name == "size" else "left", no_wrap=True)
    table.add_column("location", overflow="fold")
    for m in list_models():
        size = f"{m.size / 1e6:.0f} MB" if m.size else "–"
        table.add_row(m.engine, escape(m.name), m.status, size, escape(m.path))
    console.print(table)
    console.print(
        "Other size names (tiny, small, medium, large-v3, turbo...) download on first use "
        "when the model hub is reachable; --model also takes a local path."
    )


@models_app.command("install")
@_handled
def models_install(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if verified.")] = False,
    openai: Annotated[
        bool,
        typer.Option("--openai/--no-openai", help="Also convert it for the openai engine."),
    ] = True,
) -> None:
    """Assemble and verify the offline base model; convert it for the openai engine.

    Example: rehearse models install
    """
    from rehearse import weights

    with _progress("Assembling the base model") as update:
        folder = weights.install_base(force=force, progress=update)
    console.print(f"base (faster engine): verified, {escape(str(folder))}", highlight=False)
    if not openai:
        return
    if not weights.openai_installed():
        console.print("openai engine not installed (no torch): skipped its conversion")
        return
    checkpoint = weights.base_openai(force=force) / "model.pt"
    console.print(f"base (openai engine): {escape(str(checkpoint))}", highlight=False)


# --- notes and coverage -------------------------------------------------------

NotesArg = Annotated[
    Path, typer.Argument(help="Talking points: a Markdown file with numbered points.")
]


@command
def points(notes: NotesArg) -> None:
    """Show the talking points parsed from a notes file, with budgets and warnings.

    Example: rehearse points notes/talk.md
    """
    from rich.table import Table

    from rehearse.notes import load_notes

    parsed = load_notes(notes)
    table = Table(title=f"{escape(parsed.title)} ({parsed.language or 'language unknown'})")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("section", max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column("budget", justify="right", no_wrap=True, min_width=6)
    table.add_column("words", justify="right", no_wrap=True, min_width=5)
    table.add_column(
        "point", no_wrap=True, overflow="ellipsis", max_width=max(20, console.width - 50)
    )
    for p in parsed.points:
        budget = view.clock(p.budget) if p.budget else ""
        words = str(len(p.text.split()))
        table.add_row(str(p.number), escape(p.section), budget, words, escape(p.text))
    console.print(table)
    for warning in parsed.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)


@command
def coverage(
    recording: Recording,
    notes: NotesOpt,
    engine: Engine = "faster",
    model: Model = "base",
    language: Language = None,
    vad: Vad = False,
    no_cache: NoCache = False,
    language_check: LanguageCheck = True,
    as_json: AsJson = False,
) -> None:
    """Which points were said (covered / partial / missed), when, and out of order.

    Example: rehearse coverage talk.m4a --notes notes/talk.md --json
    """
    from rich.table import Table

    from rehearse.align import align
    from rehearse.models import to_dict
    from rehearse.notes import load_notes
    from rehearse.transcribe import transcribe

    parsed = load_notes(notes)
    language = language or parsed.language
    options = _transcribe_options(engine, model, language, vad, no_cache, language_check)
    with _progress("Transcribing") as update:
        result = transcribe(recording, options, progress=update)
    found = align(parsed, result.transcript)
    if as_json:
        keys = ("number", "status", "score", "start", "end", "quote", "out_of_order", "repeats")
        data = {
            "points": [{k: to_dict(p)[k] for k in keys} for p in found.points],
            "adlibs": to_dict(found.adlibs),
            "restarts": to_dict(found.restarts),
        }
        console.print_json(data=data)
        return
    colour = {"covered": "green", "partial": "yellow", "missed": "red"}
    table = Table(title=escape(parsed.title))
    for name in ("#", "status", "score", "time", "quote"):
        table.add_column(name, justify="right" if name in ("#", "score", "time") else "left")
    for p in found.points:
        status = f"[{colour[p.status]}]{p.status}[/]"
        status += " [magenta]↕ order[/]" if p.out_of_order else ""
        status += f" [dim]×{len(p.repeats) + 1}[/]" if p.repeats else ""
        table.add_row(str(p.number), status, f"{p.score:.0f}", view.clock(p.start), escape(p.quote))
    console.print(table)
    for r in found.restarts:
        console.print(f"started again at {view.clock(r.at)} from point {r.from_point}")
    for a in found.adlibs:
        span = f"{view.clock(a.start)}-{view.clock(a.end)}"
        console.print(f"ad-lib {span}: {escape(a.text[:80])}", highlight=False)
