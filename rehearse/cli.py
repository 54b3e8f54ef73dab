"""The command line: parse options, call the library, print. No analysis lives here."""

from __future__ import annotations

import functools
import inspect
import logging
import shlex
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from rehearse import __version__, stages
from rehearse import history as store
from rehearse.analysis import AnalyzeOptions, demo_files, demo_options
from rehearse.analysis import analyze as run_analysis
from rehearse.analysis import mark as mark_point
from rehearse.errors import InputError, OutputError, RehearseError, reason
from rehearse.files import write_atomic
from rehearse.history import HistoryDB, HistoryError, default_db, past_of, pick_pair
from rehearse.history.trends import compare as compared
from rehearse.history.trends import habits, numbers, talk_time, target_band
from rehearse.measure.pacing import PAUSE_RANGE, PacingOptions, budget_sources, point_budgets
from rehearse.measure.voice import NO_VERDICT
from rehearse.models import analysis_folder, load_analysis
from rehearse.notes import format_notes, load_notes
from rehearse.notes.text import check_target, parse_duration
from rehearse.pipeline import Who, rehearse
from rehearse.report import (
    check_output,
    rerender,
    shapes,
    view,
    write_progress,
    write_report,
)
from rehearse.report.audio import AUDIO_FILE
from rehearse.report.captions import write_transcript
from rehearse.report.compare import write_compare
from rehearse.stages import Step, Tracker
from rehearse.transcribe import TranscribeOptions, weights
from rehearse.transcribe import transcribe as run_transcription
from rehearse.transcribe.weights import list_models, models_dir

EXAMPLE = "rehearse analyze talk.m4a --notes notes/talk.md --target 10m --open"
SUMMARY_LIST = 8  # longest list of points in the terminal summary; the report has them all
# `history` on a narrow terminal leaves out columns, least needed first, rather than cut them
HISTORY_DROP_ORDER = ("restarts", "trails\noff", "pitch\nspread", "fillers\n/min", "date")


class _FlagsLookLikeFlags:
    """Show an on/off option as a bare flag in --help, not as ``--open <bool>``."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class _Paragraphs:
    """A docstring's paragraphs as one line each, so --help wraps them at the terminal's
    width instead of breaking a sentence where the source line ended."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = "\n\n".join(" ".join(p.split()) for p in self.help.split("\n\n"))


class _Command(_Paragraphs, _FlagsLookLikeFlags, TyperCommand):
    pass


class _Group(_Paragraphs, _FlagsLookLikeFlags, TyperGroup):
    pass


app = typer.Typer(
    name="rehearse",
    cls=_Group,
    help="How did your talk rehearsal go? Coverage of your own points, pacing, progress.\n\n"
    f"Example: {EXAMPLE}",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

# --- options, declared once; defaults from the options dataclasses ---------------------

DEFAULT_TRANSCRIBE, DEFAULT_PACING, DEFAULT_ANALYZE = (
    TranscribeOptions(),
    PacingOptions(),
    AnalyzeOptions(),
)

Recording = Annotated[
    Path,
    typer.Argument(
        metavar="RECORDING", help="Rehearsal recording (wav, mp3, m4a, ogg, flac, webm, mp4...)."
    ),
]
NOTES_HELP = (
    "Talking points: a Markdown file with numbered points, or a slide deck (.pptx, .odp) "
    "whose speaker notes hold them."
)


# Options that mean one thing per command (--out is where that command writes or reads),
# each declared by one helper, so a flag keeps its names and form wherever it is used.
def _notes(help: str, type_: Any = Path) -> Any:
    return Annotated[type_, typer.Option("--notes", "-n", help=help)]


def _out(help: str, type_: Any = Path, metavar: str | None = None) -> Any:
    return Annotated[type_, typer.Option("--out", "-o", metavar=metavar, help=help)]


def _db(help: str) -> Any:
    return Annotated[Path | None, typer.Option("--db", metavar="PATH", help=help)]


def _talk(help: str) -> Any:
    return Annotated[str | None, typer.Option("--talk", metavar="NAME", help=help)]


def _speaker(help: str) -> Any:
    return Annotated[str | None, typer.Option("--speaker", metavar="NAME", help=help)]


def _force(help: str) -> Any:
    return Annotated[bool, typer.Option("--force", help=help)]


NotesOpt = _notes(NOTES_HELP)
BatchNotes = _notes(NOTES_HELP + " For a manifest: its empty cells.", Path | None)
ReportsOut = _out("Folder the new report folder goes under.")
NewReportOut = _out(
    "Make a new report folder under this folder (as analyze does) instead of re-rendering "
    "the analysis's own folder in place.",
    Path | None,
)
BatchOut = _out("Folder of the report folders and the class report.")
TranscriptsOut = _out("Folder for the transcript files.")
NotesFileOut = _out("Write to this file, not stdout.", Path | None, "FILE")
HistoryOut = _out(
    "The reports folder (default reports): the history is its history.sqlite, progress.png "
    "goes in its folder for the talk.",
    Path | None,
)
ReportsFolder = _out("The reports folder; the history is history.sqlite in it.")
HistoryDb = _db("History database; default: history.sqlite in --out.")
ReportHistoryDb = _db(
    "History to show the past from; default: history.sqlite of the reports folder the "
    "analysis is in."
)
TalkName = _talk(
    "The talk's name in the history (default: its notes file). A new name renames the notes' "
    "history; another history's name joins it."
)
TalkInHistory = _talk("The talk by its name in the history.")
Speaker = _speaker("Who is rehearsing, when several people rehearse the same notes; default: you.")
WhoseRehearsals = _speaker("Whose rehearsals (as given to analyze); default: yours.")
Reanalyse = _force("Analyse again what an earlier batch did.")
Rebuild = _force("Rebuild even if verified.")
Replace = _force("Replace an existing --out file.")
OpenReport = Annotated[bool, typer.Option("--open", help="Open the HTML report in a browser.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NoHistory = Annotated[
    bool, typer.Option("--no-history", help="Neither read nor record the history.")
]
NoAudio = Annotated[
    bool,
    typer.Option(
        "--no-audio",
        help="Leave the recording's copy (recording.m4a, about 15 MB an hour) out of the report "
        "folder: the report then has no player.",
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        metavar="NAME",
        help="The Markdown notes' encoding (cp1250, iso-8859-2...); default: the front "
        "matter's encoding:, else UTF-8, else found.",
    ),
]
Keep = Annotated[
    bool,
    typer.Option(
        "--keep",
        help="Record a take too short to judge (under 30 s, or under 20% of the plan) in the "
        "history too.",
    ),
]
Target = Annotated[
    str | None,
    typer.Option(
        metavar="LENGTH",
        help="Target talk length, e.g. 10m, 90s, 1:30; default: the notes' target.",
    ),
]


def _language(default_help: str) -> Any:
    return Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help=f"Spoken language: a code or name (pl, en, polish...); default: {default_help}.",
        ),
    ]


# The options of transcription and pacing, which several commands share: declared here like
# the rest, added to each command by ``Options`` (so not written again in every signature).
Engine = Annotated[str, typer.Option(help="Transcription engine: faster or openai.")]
Model = Annotated[
    str, typer.Option(help="Whisper size name (tiny, base, small...) or a local model path.")
]
HeardLanguage = _language("detected from the recording")
NotesLanguage = _language("the notes' language, unless the recording clearly is in another")
Vad = Annotated[bool, typer.Option("--vad", help="Skip silence with a voice-activity filter.")]
BatchSize = Annotated[int, typer.Option(help="Decode this many chunks at once (0: one by one).")]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Transcribe again even if a transcript is cached.")
]
NoLanguageCheck = Annotated[
    bool,
    typer.Option(
        "--no-language-check",
        help="Go on when the recording sounds like another language than --language.",
    ),
]
Filler = Annotated[
    list[str] | None,
    typer.Option("--filler", metavar="WORD", help="Extra filler word (repeatable)."),
]
Pause = Annotated[
    float,
    typer.Option(
        "--pause",
        metavar="SECONDS",
        help=f"Shortest silence reported as a pause ({PAUSE_RANGE[0]:g} to {PAUSE_RANGE[1]:g} s).",
    ),
]
KeepFillers = Annotated[
    bool, typer.Option("--keep-fillers", help="Prompt Whisper to keep um/yyy fillers.")
]


@dataclass(frozen=True)
class Options:
    """Command-line options shared by several commands, declared once: ``build`` turns their
    values into one options object, passed to the command as the keyword ``name``."""

    name: str
    params: tuple[inspect.Parameter, ...]
    build: Callable[..., Any]

    def __call__(self, fn: Callable) -> Callable:
        """``fn`` with these options added to its signature (after its own)."""
        signature = inspect.signature(fn, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != self.name]

        @functools.wraps(fn)
        def wrapper(**kwargs):
            values = {p.name: kwargs.pop(p.name) for p in self.params}
            return fn(**kwargs, **{self.name: self.build(**values)})

        wrapper.__signature__ = signature.replace(parameters=[*own, *self.params])
        return wrapper


def _params(*options: tuple[str, Any, Any]) -> tuple[inspect.Parameter, ...]:
    """Keyword-only parameters from (name, annotation, default)."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    return tuple(inspect.Parameter(n, keyword, default=d, annotation=a) for n, a, d in options)


def _transcription_params(language: Any) -> tuple[inspect.Parameter, ...]:
    chosen = DEFAULT_TRANSCRIBE
    return _params(
        ("engine", Engine, chosen.engine),
        ("model", Model, chosen.model),
        ("language", language, chosen.language),
        ("vad", Vad, chosen.vad),
        ("batch_size", BatchSize, chosen.batch_size),
        ("no_cache", NoCache, not chosen.cache),
        ("no_language_check", NoLanguageCheck, not chosen.check_language),
    )


def _transcribe_options(
    engine: str,
    model: str,
    language: str | None,
    vad: bool,
    batch_size: int,
    no_cache: bool,
    no_language_check: bool,
) -> TranscribeOptions:
    return replace(
        DEFAULT_TRANSCRIBE,
        engine=engine,
        model=model,
        language=language,
        vad=vad,
        batch_size=batch_size,
        cache=not no_cache,
        check_language=not no_language_check,
    )


def _analyze_options(
    target: str | None, filler: list[str] | None, pause: float, keep_fillers: bool, **transcription
) -> AnalyzeOptions:
    pacing = replace(
        DEFAULT_PACING,
        pause=pause,
        target=parse_duration(target) if target else None,
        fillers=tuple(filler or ()),
    )
    return replace(
        DEFAULT_ANALYZE,
        transcribe=_transcribe_options(**transcription),
        pacing=pacing,
        keep_fillers=keep_fillers,
    )


_WITH_NOTES = _transcription_params(NotesLanguage)
_PACING_PARAMS = _params(
    ("target", Target, DEFAULT_PACING.target),
    ("filler", Filler, list(DEFAULT_PACING.fillers) or None),
    ("pause", Pause, DEFAULT_PACING.pause),
    ("keep_fillers", KeepFillers, DEFAULT_ANALYZE.keep_fillers),
)
TRANSCRIPTION = Options("options", _transcription_params(HeardLanguage), _transcribe_options)
COVERAGE = Options(
    "options",
    _WITH_NOTES,
    lambda **values: replace(DEFAULT_ANALYZE, transcribe=_transcribe_options(**values)),
)
ANALYSIS = Options("options", (*_WITH_NOTES, *_PACING_PARAMS), _analyze_options)


def _version(value: bool) -> None:
    if value:
        console.print(f"rehearse {__version__}")
        raise typer.Exit()


class _WarningLine(logging.Handler):
    """Library warnings as one 'warning: ...' line on stderr (info lines with --verbose)."""

    def emit(self, record: logging.LogRecord) -> None:
        colour = "yellow" if record.levelno >= logging.WARNING else "dim"
        name = "warning" if record.levelno >= logging.WARNING else "info"
        err_console.print(
            f"[{colour}]{name}:[/{colour}] {escape(record.getMessage())}",
            highlight=False,
            soft_wrap=True,
        )


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, handlers=[_WarningLine()], force=True
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


@contextmanager
def _stages(stages: Sequence[str]) -> Iterator[Tracker]:
    """A rich progress bar of the library's stages: what it is doing, the share done."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("Starting", total=100)

        def show(step: Step) -> None:
            bar.update(task, completed=100 * step.fraction, description=escape(step.label))

        tracker = Tracker(show, stages)
        yield tracker
        tracker.finish()


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
    return app.command(cls=_Command)(_handled(fn))


def _warn(message: str) -> None:
    err_console.print(
        f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True
    )


# --- analyze, report, demo ------------------------------------------------------


@command
@ANALYSIS
def analyze(
    recording: Recording,
    notes: NotesOpt,
    out: ReportsOut = Path("reports"),
    open_report: OpenReport = False,
    speaker: Speaker = None,
    talk: TalkName = None,
    db: HistoryDb = None,
    no_history: NoHistory = False,
    keep: Keep = False,
    encoding: Encoding = None,
    no_audio: NoAudio = False,
    *,
    options: AnalyzeOptions,
) -> None:
    """Analyse a rehearsal: which points you covered, your pacing, and a report folder;
    the rehearsal goes into the history.

    Example: rehearse analyze talk.m4a --notes notes/talk.md --target 10m --open
    """
    who = Who(speaker=speaker, talk=talk, db=db, record=not no_history, keep=keep)
    options = replace(options, notes_encoding=encoding)
    _analyze_and_report(recording, notes, options, out, open_report, who, audio=not no_audio)


# The British spelling, as the help text writes it: the same command, not listed twice.
app.command("analyse", cls=_Command, hidden=True)(analyze)


@command
def report(
    analysis_file: Annotated[
        Path,
        typer.Argument(
            metavar="ANALYSIS",
            help="An analysis.json written by `rehearse analyze` (or its folder).",
        ),
    ],
    out: NewReportOut = None,
    open_report: OpenReport = False,
    db: ReportHistoryDb = None,
    no_audio: NoAudio = False,
) -> None:
    """Re-render the HTML/Markdown report and charts of a saved analysis (no transcribing).

    Example: rehearse report reports/my-talk/20250101-120000-take1/analysis.json
    """
    analysis = load_analysis(analysis_file)
    own = analysis_folder(analysis_file)
    past = _past(default_db(own.parent.parent, db), analysis, own)
    if out is None:
        folder = rerender(analysis, own, past=past, audio=not no_audio)
    else:
        check_output(out)
        kept = own / AUDIO_FILE
        folder = write_report(analysis, out, past=past, audio=not no_audio, kept=kept)
    _print_warnings(analysis)
    _print_summary(analysis, past)
    _print_report_path(folder, open_report)


@command
def mark(
    report_path: Annotated[
        Path,
        typer.Argument(metavar="REPORT", help="A report folder (or its analysis.json)."),
    ],
    point: Annotated[int, typer.Argument(metavar="POINT", help="The point's number.")],
    status: Annotated[str, typer.Argument(metavar="said|skipped", help="What it really was.")],
    db: HistoryDb = None,
) -> None:
    """Correct a point by hand: said or skipped. Updates analysis.json, the report and the
    history, each marking the point as corrected by hand.

    Example: rehearse mark reports/my-talk/20250101-120000-take1 3 said
    """
    analysis = load_analysis(report_path)
    folder = analysis_folder(report_path)
    corrected = mark_point(analysis, point, status)
    database = default_db(folder.parent.parent, db)
    past = _past(database, corrected, folder)
    kept = (folder / AUDIO_FILE).is_file()  # as analyze or report left it
    rerender(corrected, folder, past=past, with_json=True, audio=kept)
    recorded = None
    if database.exists():
        with HistoryDB.open(database) as history:
            recorded = history.correct(corrected, folder)
    [changed] = [p for p in corrected.points if p.number == point]
    was = view.STATUS_LABELS[changed.corrected] if changed.corrected else "so too"
    where = f"rehearsal {recorded} in the history" if recorded else "no history entry"
    console.print(
        f"Point {point} marked {status} by hand (the analysis said {was}); analysis.json, the "
        f"report and {where} updated.",
        highlight=False,
        soft_wrap=True,
    )
    _print_summary(corrected, _past(database, corrected, folder))
    _print_report_path(folder, False)


def _past(database: Path, analysis, folder: Path):
    """The analysis in its history, if there is one to read (a warning if it cannot be)."""
    if not database.exists():
        return None
    try:
        return past_of(database, analysis, folder)
    except HistoryError as exc:
        _warn(f"the report is made without its history: {exc}")
        return None


@command
def demo(
    out: ReportsOut = Path("reports"),
    open_report: OpenReport = False,
    db: HistoryDb = None,
    no_history: NoHistory = False,
) -> None:
    """Analyse the bundled sample rehearsal (Polish, points 3, 9 and 13 skipped) offline.

    Example: rehearse demo --open
    """
    recording, notes = demo_files()
    options = demo_options()
    slot = view.clock(options.pacing.target)
    console.print(
        f"Demo: {recording.name} against {notes.name} (a Polish talk, 14 points, a {slot} slot).",
        highlight=False,
    )
    _analyze_and_report(
        recording, notes, options, out, open_report, Who(db=db, record=not no_history)
    )


def _analyze_and_report(
    recording: Path, notes: Path, options, out: Path, open_: bool, who: Who, audio: bool = True
) -> None:
    with _stages(stages.ANALYSIS_AND_REPORT) as tracker:
        saved = rehearse(recording, notes, options, out, who, progress=tracker, audio=audio)
    _print_warnings(saved.analysis)
    note = f"not recorded: {saved.kept_out}; --keep records it" if saved.kept_out else None
    past = saved.past if saved.failed is None else None
    _print_summary(saved.analysis, past, history_note=note)
    _print_report_path(saved.folder, open_)
    if saved.failed is not None:
        raise OutputError(
            f"the report is written, but the history was not updated ({saved.failed}); "
            "`rehearse history --rebuild` adds it"
        )


def _print_warnings(analysis) -> None:
    for warning in analysis.warnings:
        _warn(warning)
    for warning in analysis.voice.warnings if analysis.voice else ():
        if not warning.startswith(NO_VERDICT):  # the summary's Voice line says why
            _warn(f"voice: {warning}")


def _point_list(points, more: str, detail=None) -> str:
    """Up to ``SUMMARY_LIST`` point labels, one a line (with ``detail(point)`` when it says
    something), then how many more there are."""
    lines = [
        view.label(p, 60) + (f" ({extra})" if detail and (extra := detail(p)) else "")
        for p in points[:SUMMARY_LIST]
    ]
    if len(points) > SUMMARY_LIST:
        lines.append(f"… and {len(points) - SUMMARY_LIST} more ({more})")
    return "\n".join(lines)


def _uncertain_lines(points) -> str:
    """The points heard too badly to judge, and what that means; '' for none."""
    if not points:
        return ""
    why = "heard too badly to tell whether you said them: neither said nor skipped"
    return _point_list(points, "see the report", view.hearing_text) + f"\n({why})"


def _slide_lines(analysis) -> str:
    """Time per slide, one a line: every slide of a short talk; of a long one, the slides over
    budget, worst first (the report has them all)."""
    slides = view.slide_times(analysis)
    over = sorted((s for s in slides if s.over), key=lambda s: s.budget - s.took)
    if len(slides) <= SUMMARY_LIST:
        shown, head = slides, []
    elif over:
        shown = over[:SUMMARY_LIST]
        head = [f"{len(over)} of {len(slides)} slides over budget (all in the report):"]
    else:
        return f"none of {len(slides)} slides over budget (all in the report)"
    lines = [
        f"{view.shorten(s.text, 60)}" + (f" ({s.delta} over)" if s.over else "") for s in shown
    ]
    if len(shown) < len(over):
        lines.append(f"… and {len(over) - len(shown)} more over budget")
    return "\n".join(head + lines)


def _print_summary(analysis, past=None, history_note: str | None = None) -> None:
    """Coverage, durations, pace, drift, overruns, fillers, skipped and out-of-order points;
    with the history, this rehearsal's place in it (or ``history_note``: why it is not in
    it)."""
    points = analysis.points
    skipped = [p for p in points if p.skipped]
    partly = [p for p in points if p.partly]
    uncertain = [p for p in points if p.uncertain]
    unsure = f"; {len(uncertain)} uncertain" if uncertain else ""
    corrected = [p for p in points if p.corrected]
    reordered = [p for p in points if p.out_of_order]
    coverage = analysis.summary.coverage
    pace = view.pace_text(analysis)
    if own := view.pace_against_own(past):
        pace += f"\n{own}"
    rows = [
        ("History", past.line() if past is not None else history_note or ""),
        ("Coverage", f"{analysis.said} of {len(points)} points said ({coverage:.0%})" + unsure),
        ("Talk time", view.duration_verdict(analysis)),
        ("", view.durations_text(analysis)),
        ("Pace", pace),
        ("Drift", view.final_drift(analysis)),
        ("Longest over budget", view.overrun_text(analysis, width=50, sep="\n")),
        ("Time per slide", _slide_lines(analysis)),
        ("Fillers", view.filler_text(analysis)),
        ("Voice", view.voice_text(analysis)),
        ("Skipped", _point_list(skipped, "see the report", view.mention_text)),
        ("Partly said", _point_list(partly, "see the report")),
        ("Uncertain", _uncertain_lines(uncertain)),
        ("Out of order", _point_list(reordered, "see the report")),
        ("Corrected by hand", _point_list(corrected, "see the report")),
        ("Ad-libs", str(len(analysis.adlibs))),
        ("Started again", view.restart_text(analysis)),
    ]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in rows:
        if value:
            style = "red" if name in ("Skipped", "Longest over budget") else None
            table.add_row(name, Text(value, style=style or ""))
    console.print(Panel(table, title=Text(analysis.talk.title), title_align="left", expand=False))


def _print_report_path(folder: Path, open_: bool) -> None:
    page = folder / "report.html"
    console.print(f"Report: [bold]{escape(str(page))}[/bold]", highlight=False, soft_wrap=True)
    if open_ and not webbrowser.open(page.resolve().as_uri()):
        _warn("no browser found to open the report; open the path above yourself")


# --- serve ----------------------------------------------------------------------


@command
def serve(
    folder: Annotated[
        Path,
        typer.Option(
            "--dir",
            metavar="FOLDER",
            help="The folder of your notes (Markdown or decks, in it and its subfolders); "
            "uploaded notes and recordings are kept in it.",
        ),
    ] = Path("."),
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The reports folder, as analyze --out; the history is history.sqlite in it.",
        ),
    ] = Path("reports"),
    db: HistoryDb = None,
    port: Annotated[int, typer.Option(metavar="PORT", help="The port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST",
            help="The address to listen on; beyond loopback (127.0.0.1) every request needs "
            "the token (--token, or one made and printed in the URL).",
        ),
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(metavar="SECRET", help="A secret every request must carry (in the URL once)."),
    ] = None,
    max_upload: Annotated[
        int, typer.Option(metavar="MB", help="The largest upload taken, in MB.")
    ] = 512,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", metavar="N", help="Analyses run at once; 0: one per core."),
    ] = 0,
    open_app: Annotated[bool, typer.Option("--open", help="Open the app in a browser.")] = False,
    cert: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Serve over HTTPS with this certificate (PEM; with --key): what lets a phone "
            "on the LAN record.",
        ),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="The certificate's private key (PEM, no password)."),
    ] = None,
) -> None:
    """Rehearse in the browser: a local web app over your notes, reports and history to
    record a rehearsal (or upload one), watch the analysis and read the report.

    Example: rehearse serve --dir talks --open
    """
    try:
        from rehearse import web
    except ImportError as exc:
        raise InputError(
            f"rehearse serve needs the web extra ({exc.name} is missing): "
            "pip install 'rehearse[web]', or scripts/setup.sh"
        ) from None

    options = web.ServeOptions(
        folder=folder, out=out, db=db, host=host, port=port, token=token,
        max_upload=max_upload << 20, workers=jobs, cert=cert, key=key,
    )  # fmt: skip

    def ready(url: str) -> None:
        console.print(f"Serving {escape(str(folder.resolve()))} at [bold]{escape(url)}[/bold] "
                      "(Ctrl-C stops)", highlight=False, soft_wrap=True)  # fmt: skip
        if not web.is_loopback(host):
            https = ("Over HTTPS another device can record too (its browser must trust the "
                     "certificate)." if cert else "Browsers allow the microphone only on "
                     "localhost or HTTPS, so another device can upload a recording but not "
                     "record (--cert/--key serve HTTPS).")  # fmt: skip
            console.print("Other devices: open that address with this machine's name or IP "
                          f"for the host; the token in it is asked of every request. {https}",
                          highlight=False, soft_wrap=True)  # fmt: skip
        if open_app:
            import webbrowser

            if not webbrowser.open(url):
                _warn("no browser found; open the address above yourself")

    web.serve(options, on_ready=ready)


# --- batch ----------------------------------------------------------------------


@command
@ANALYSIS
def batch(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER|MANIFEST",
            help="A folder of recordings (one --notes; the speaker is each file's name), or a "
            "CSV manifest with the columns recording,notes,speaker (paths from its folder).",
        ),
    ],
    notes: BatchNotes = None,
    out: BatchOut = Path("reports"),
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Recordings analysed at once; 0: what the cores allow.",
        ),
    ] = 0,
    threads: Annotated[
        int,
        typer.Option(metavar="N", help="Threads per transcription; 0: the cores over the jobs."),
    ] = 0,
    force: Reanalyse = False,
    cluster: Annotated[
        str | None,
        typer.Option(metavar="ray", help="Run each recording as a task on a Ray cluster."),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="The Ray cluster: auto (a running one), host:port or ray://host:port; "
            "default: $RAY_ADDRESS, else a private one on this machine.",
        ),
    ] = None,
    db: HistoryDb = None,
    no_history: NoHistory = False,
    keep: Keep = False,
    no_audio: NoAudio = False,
    *,
    options: AnalyzeOptions,
) -> None:
    """Analyse many recordings: a report folder and a history entry each, and a class report
    (batch.html, batch.md, batch.json, batch.png) in --out. A second run skips what is done.

    Example: rehearse batch recordings/ --notes notes/talk.md --out reports/class --jobs 2
    """
    # Here, not at the top: multiprocessing and its pools (50 ms) no other command needs.
    from rehearse.batch import BatchOptions, check_batch, default_jobs, plan, run_batch

    chosen = BatchOptions(
        jobs=jobs or default_jobs(),
        threads=threads,
        force=force,
        cluster=cluster,
        address=address,
        record=not no_history,
        db=db,
        keep=keep,
        audio=not no_audio,
    )
    check_batch(chosen)
    planned = plan(source, notes)
    with _batch_progress(len(planned)) as on_row:
        report = run_batch(planned, out, options, chosen, on_row=on_row)
    _print_batch(report, out)
    if any(not row.ok for row in report.rows):
        raise typer.Exit(1)


@contextmanager
def _batch_progress(total: int) -> Iterator[Callable]:
    """One bar for the batch: recordings done, audio done, time left."""
    audio = [0.0]
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} recordings · {task.fields[audio]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("Analysing", total=total, audio="0:00 of audio")

        def on_row(row, done: int, _total: int) -> None:
            audio[0] += row.duration or 0.0
            bar.update(task, completed=done, audio=f"{view.clock(audio[0])} of audio")

        yield on_row


def _print_batch(report, out: Path) -> None:
    rows = report.rows
    failed = [r for r in rows if not r.ok]
    already = sum(r.status in ("already analysed", "skipped") for r in rows)
    analysed = len(rows) - len(failed) - already
    console.print(
        f"{analysed} analysed, {already} already analysed, {len(failed)} failed, "
        f"of {len(rows)} recordings.",
        highlight=False,
    )
    for row in failed:
        err_console.print(
            f"[red]failed:[/red] {escape(row.error or row.recording)}",
            highlight=False,
            soft_wrap=True,
        )
    page = out / "batch.html"
    console.print(
        f"Class report: [bold]{escape(str(page))}[/bold]", highlight=False, soft_wrap=True
    )


# --- pacing -------------------------------------------------------------------


@command
@ANALYSIS
def pacing(
    recording: Recording, notes: NotesOpt, as_json: AsJson = False, *, options: AnalyzeOptions
) -> None:
    """Time per point against its budget, drift, pace, pauses and fillers (no report folder).

    Example: rehearse pacing talk.m4a --notes notes/talk.md --target 10m --keep-fillers
    """
    options = replace(options, voice=False)  # not shown here
    with _stages(stages.ANALYSIS) as tracker:
        analysis = run_analysis(recording, notes, options, progress=tracker)
    _print_warnings(analysis)
    if as_json:
        console.print_json(data=shapes.pacing_json(analysis))
        return
    _print_pacing(analysis)


def _print_pacing(analysis) -> None:
    """The per-point timing table, then the headline numbers."""
    pacing = analysis.pacing
    table = Table(title="Time per point", title_justify="left")
    deck = _slide_column(analysis)
    for name in (
        *deck[:1],
        "#",
        "point",
        "at",
        "took",
        "budget",
        "over",
        "drift",
        "wpm",
        "fillers",
    ):
        table.add_column(name, justify="left" if name == "point" else "right", no_wrap=True)
    for row in view.rows(analysis):
        p = row.point
        over = row.delta or "–"
        table.add_row(
            *([str(p.slide)] if deck else []),
            str(p.number),
            escape(view.shorten(p.text, max(12, console.width - 70 - 8 * len(deck)))),
            view.clock(p.start),
            view.clock(p.duration) if p.duration is not None else _not_said(p),
            view.clock(p.budget),
            f"[red]{over}[/red]" if row.over else over,
            view.signed(p.drift) if p.drift is not None else "–",
            f"{p.wpm:.0f}" if p.wpm is not None else "–",
            str(p.fillers or ""),
        )
    console.print(table)
    _print_slide_table(analysis)
    rows = [
        ("Talk time", view.duration_verdict(analysis)),
        ("", view.durations_text(analysis)),
        ("Pace", view.pace_text(analysis)),
        ("Articulation", f"{pacing.articulation_rate:.1f} syllables/s"),
        ("Drift", view.final_drift(analysis) or "–"),
        ("Over budget", view.overrun_text(analysis, width=50, sep="\n" + " " * 13) or "none"),
        ("Pauses", view.pause_text(analysis)),
        ("Fillers", view.filler_text(analysis)),
        ("Repeats", ", ".join(r.text for r in pacing.repetitions[:6]) or "none"),
    ]
    for name, value in rows:
        console.print(f"[bold]{name:<13}[/bold]{escape(value)}", highlight=False)
    console.print(f"Over budget means {view.over_rule()}.", style="dim", highlight=False)
    if pacing.fillers_undercounted:
        console.print(
            "[yellow]Filler counts are likely low: Whisper drops um/yyy unless prompted; "
            "run with --keep-fillers.[/yellow]"
        )


def _print_slide_table(analysis) -> None:
    """Time per slide against its budget (nothing for a talk of one section)."""
    slides = view.slide_times(analysis)
    if not slides:
        return
    table = Table(title="Time per slide", title_justify="left")
    for name in ("slide", "took", "budget", "over", "said"):
        table.add_column(name, justify="left" if name == "slide" else "right", no_wrap=True)
    for s in slides:
        over = s.delta or "–"
        table.add_row(
            escape(view.shorten(s.name, max(20, console.width - 40))),
            view.clock(s.took),
            view.clock(s.budget),
            f"[red]{over}[/red]" if s.over else over,
            f"{s.said} of {len(s.points)}",
        )
    console.print(table)


# --- transcribe, models -------------------------------------------------------


@command
@TRANSCRIPTION
def transcribe(
    recording: Recording,
    out: TranscriptsOut = Path("reports/transcripts"),
    *,
    options: TranscribeOptions,
) -> None:
    """Transcribe a recording with word timestamps into JSON, SRT, VTT and plain text.

    Example: rehearse transcribe talk.m4a --language pl -o reports/transcripts
    """
    with _stages(stages.TRANSCRIPTION) as tracker:
        result = run_transcription(recording, options, progress=tracker)
    t = result.transcript
    paths = write_transcript(t, out, recording.stem)
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
    cls=_Group,
    help="Whisper models on this machine: list them (default) or install the offline base model.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context) -> None:
    """Whisper models on this machine: list them (default) or install the offline base model."""
    if ctx.invoked_subcommand is None:
        models_list()


@models_app.command("list", cls=_Command)
@_handled
def models_list() -> None:
    """List the models each engine can use offline, and where they live.

    Example: rehearse models
    """
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


@models_app.command("install", cls=_Command)
@_handled
def models_install(
    force: Rebuild = False,
    openai: Annotated[
        bool,
        typer.Option("--openai/--no-openai", help="Also convert it for the openai engine."),
    ] = True,
) -> None:
    """Assemble and verify the offline base model; convert it for the openai engine.

    Example: rehearse models install
    """
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
    Path, typer.Argument(metavar="NOTES", help=NOTES_HELP + " '-' reads Markdown from stdin.")
]


@command
def points(notes: NotesArg, target: Target = None, encoding: Encoding = None) -> None:
    """Show the talking points parsed from notes or a deck, with budgets and warnings.

    Example: rehearse points notes/talk.md --target 10m
    """
    parsed = load_notes(notes, encoding)
    goal = check_target(parse_duration(target)) if target else parsed.target
    budgets, sources = point_budgets(parsed, goal), budget_sources(parsed, goal)
    deck = any(p.slide is not None for p in parsed.points)
    table = Table(title=f"{escape(parsed.title)} ({parsed.language or 'language unknown'})")
    if deck:
        table.add_column("slide", justify="right", no_wrap=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("section", max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column("budget", justify="right", no_wrap=True, min_width=6)
    table.add_column("from", no_wrap=True)
    table.add_column("words", justify="right", no_wrap=True, min_width=5)
    table.add_column(
        "point",
        no_wrap=True,
        overflow="ellipsis",
        max_width=max(20, console.width - (65 if deck else 58)),
    )
    names = {"point": "own", "section": "section", "target": "target"}
    for p in parsed.points:
        budget = budgets[p.index]
        words = str(len(p.text.split()))
        table.add_row(
            *([str(p.slide)] if deck else []),
            str(p.number),
            escape(p.section),
            view.clock(budget) if budget is not None else "",
            names.get(sources[p.index] or "", "") if budget is not None else "",
            words,
            escape(p.text),
        )
    console.print(table)
    for remark in parsed.remarks:
        console.print(escape(remark[0].upper() + remark[1:]) + ".", style="dim", highlight=False)
    planned = [b for b in budgets.values() if b is not None]
    if goal:
        where = "--target" if target else "front matter"
        console.print(
            f"Target {view.clock(goal)} ({where}); budgets add up to {view.clock(sum(planned))}.",
            highlight=False,
        )
    elif len(planned) == len(budgets):
        console.print(f"No target; the budgets add up to {view.clock(sum(planned))}.")
    else:
        console.print(
            "No target: give one with --target or 'target:' in the front matter to budget "
            "every point.",
            highlight=False,
        )
    for warning in parsed.warnings:
        _warn(warning)


@command
def notes(
    deck: Annotated[
        Path,
        typer.Argument(metavar="DECK", help="A slide deck (.pptx, .odp), or Markdown notes."),
    ],
    out: NotesFileOut = None,
    force: Replace = False,
) -> None:
    """Write a deck's talk as Markdown notes, to edit the points in a text editor.

    Example: rehearse notes slides.pptx -o notes/talk.md
    """
    if out is not None and out.exists() and not force:
        raise InputError(f"{out} exists: choose another name or add --force to replace it")
    parsed = load_notes(deck)
    text = format_notes(parsed, deck.name)
    unit = "slide" if any(p.slide is not None for p in parsed.points) else "section"
    if out is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_atomic(out, text)
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {reason(exc)}") from None
        err_console.print(
            f"Wrote {_count(len(parsed.points), 'point')} of {_count(len(parsed.sections), unit)} "
            f"to {escape(str(out))}",
            highlight=False,
            soft_wrap=True,
        )
    for warning in parsed.warnings:
        _warn(warning)


@command
@COVERAGE
def coverage(
    recording: Recording, notes: NotesOpt, as_json: AsJson = False, *, options: AnalyzeOptions
) -> None:
    """Which points were said (covered / partial / missed), when, and out of order.

    Example: rehearse coverage talk.m4a --notes notes/talk.md --json
    """
    options = replace(options, voice=False)  # not shown here
    with _stages(stages.ANALYSIS) as tracker:
        analysis = run_analysis(recording, notes, options, progress=tracker)
    _print_warnings(analysis)
    if as_json:
        console.print_json(data=shapes.coverage_json(analysis))
        return
    colour = {"covered": "green", "partial": "yellow", "missed": "red", "uncertain": "cyan"}
    table = Table(title=escape(analysis.talk.title))
    deck = _slide_column(analysis)
    for name in (*deck, "#", "status", "heard", "at", "quote"):
        table.add_column(name, justify="left" if name in ("status", "quote") else "right")
    for p in analysis.points:
        status = f"[{colour[p.status]}]{view.STATUS_LABELS[p.status]}[/]"
        status += " [magenta]↕ order[/]" if p.out_of_order else ""
        status += f" [dim]×{len(p.repeats) + 1}[/]" if p.repeats else ""
        quote = escape(p.quote)
        if p.missing:
            quote += f"\n[yellow]not heard: {escape(', '.join(p.missing))}[/yellow]"
        score = f"{p.score:.0f}%" if not p.skipped else ""
        slide = [str(p.slide)] if deck else []
        table.add_row(*slide, str(p.number), status, score, view.clock(p.start), quote)
    console.print(table)
    console.print(view.score_help(), style="dim", highlight=False)
    for r in analysis.restarts:
        console.print(f"started again at {view.clock(r.at)} from point {r.from_point}")
    for a in analysis.adlibs:
        span = f"{view.clock(a.start)}-{view.clock(a.end)}"
        console.print(f"ad-lib {span}: {escape(a.text[:80])}", highlight=False)


def _slide_column(analysis) -> tuple[str, ...]:
    """('slide',) when the points come from a deck (tables then show each point's slide)."""
    return ("slide",) if any(p.slide is not None for p in analysis.points) else ()


def _count(n: int, noun: str) -> str:
    """'1 slide', '3 slides'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- history --------------------------------------------------------------------------


@command
def history(
    notes: Annotated[
        Path | None,
        typer.Argument(
            metavar="NOTES",
            help="The talk's notes file (with --rebuild: the reports folder to rebuild from, "
            "default --out). Without it, the talks in the history.",
        ),
    ] = None,
    talk: TalkInHistory = None,
    speaker: WhoseRehearsals = None,
    out: HistoryOut = None,
    db: HistoryDb = None,
    as_json: AsJson = False,
    forget: Annotated[
        int | None,
        typer.Option(
            "--forget",
            metavar="ID",
            help="Take rehearsal ID out of the history (a botched recording); its report "
            "folder stays.",
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Recreate the history from every analysis.json under the reports folder.",
        ),
    ] = False,
) -> None:
    """Your rehearsals of a talk: coverage, time against the target, skipped and
    out-of-order points, pace and fillers over time; the points you skip most. Draws them
    in progress.png.

    Example: rehearse history notes/talk.md
    """
    reports = out or Path("reports")
    if rebuild:
        reports = notes or reports
        _rebuild(store.default_db(reports, db), reports)
        return
    database = store.default_db(reports, db)
    if forget is not None:
        _forget(database, forget, notes, talk)
        return
    with store.HistoryDB.open(database) as opened:
        if notes is None and talk is None:
            _print_talks(opened, as_json)
            return
        past = opened.talk_history(notes, talk, speaker)
    chart = write_progress(past, out or database.parent)
    if as_json:
        console.print_json(data=shapes.history_json(past))
        return
    _print_history(past)
    console.print(f"Progress chart: [bold]{escape(str(chart))}[/bold]", soft_wrap=True)


def _print_history(past) -> None:
    """The rehearsals table, then the points most often skipped or said out of order."""
    who = f" by {past.speaker}" if past.speaker else ""
    title = f"{past.talk.title}{who}: {_count(len(past.rehearsals), 'rehearsal')}"
    targets = {r.target for r in past.rehearsals}
    one_target = targets.pop() if len(targets) == 1 else None
    if one_target:
        title += f", target {view.clock(one_target)}"
    voiced = any(r.pitch_variation_st is not None for r in past.rehearsals)
    columns = [  # (header, justify, width it folds down to, 0: no wrap); a cell per rehearsal
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
    if voiced:
        columns += [("pitch\nspread", "right", 0), ("trails\noff", "right", 0)]
    cells = []
    dates = _dates([r.created for r in past.rehearsals])
    for r, date in zip(past.rehearsals, dates, strict=True):
        time = view.clock(talk_time(r))
        if r.target:
            low, high = target_band(r.target)
            colour = "red" if talk_time(r) > high else "blue" if talk_time(r) < low else "green"
            time = f"[{colour}]{time}[/]" + ("" if one_target else f" of {view.clock(r.target)}")
        cells.append(
            [
                str(r.id),
                date,
                time,
                f"{r.said}/{len(r.points)}",
                _skipped_cell(r),
                numbers(r.out_of_order),
                f"{r.wpm:.0f}",
                f"{r.fillers_per_minute:.1f}",
                str(r.restarts or "–"),
                *(_voice_cells(r) if voiced else ()),
            ]
        )

    def table_of(shown: list[int]) -> Table:
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

    # too wide for the terminal: the least needed columns go, and a line says which
    shown = list(range(len(columns)))
    table = table_of(shown)
    left_out = []
    for header in HISTORY_DROP_ORDER:
        unbounded = console.options.update(max_width=10 * console.width)
        if Measurement.get(console, unbounded, table).maximum <= console.width:
            break
        found = [i for i in shown if columns[i][0] == header]
        if found:
            shown.remove(found[0])
            left_out.append(header.replace("\n", " "))
            table = table_of(shown)
    console.print(table)
    if left_out:
        console.print(
            f"Left out at this width: {', '.join(reversed(left_out))} "
            "(a wider terminal or --json shows them).",
            highlight=False,
        )
    for line in _history_notes(past):
        console.print(escape(line), highlight=False)
    for what, heading in (
        ("skipped", "Most often skipped"),
        ("out_of_order", "Most often out of order"),
    ):
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
            "Corrected by hand (*): " + "; ".join(f"#{r.id} {_correction(p)}" for r, p in corrected)
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


def _dates(created: list[str]) -> list[str]:
    """'28 Nov 18:02' for each time ('2024-11-28 18:02' when the history spans years)."""
    times = [datetime.fromisoformat(c) for c in created]
    spec = "%d %b %H:%M" if len({t.year for t in times}) <= 1 else "%Y-%m-%d %H:%M"
    return [t.strftime(spec) for t in times]


def _date(created: str) -> str:
    """'2025-03-11 07:45' from an ISO time."""
    return created.replace("T", " ")[:16]


def _print_talks(opened, as_json: bool) -> None:
    talks = opened.talks()
    if as_json:
        console.print_json(data=shapes.talks_json(talks))
        return
    if not talks:
        console.print(f"No rehearsals in {escape(str(opened.path))} yet.")
        return
    table = Table(title=f"Talks in {escape(str(opened.path))}", title_justify="left")
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


def _forget(database: Path, rehearsal_id: int, notes: Path | None, talk: str | None) -> None:
    rehearsal, marker = store.forget(database, rehearsal_id, notes=notes, talk=talk)
    console.print(
        f"Took rehearsal {rehearsal_id} ({_date(rehearsal.created)}, "
        f"{escape(Path(rehearsal.recording).name)}) out of the history.",
        highlight=False,
    )
    if marker is not None:
        console.print(
            f"Its report folder stays: {escape(str(marker.parent))} (with {marker.name}, so "
            "--rebuild leaves it out too).",
            highlight=False,
            soft_wrap=True,
        )


def _rebuild(database: Path, reports: Path) -> None:
    done = store.rebuild(database, reports)  # it warns of what it could not read
    forgotten = f", {done.forgotten} forgotten left out" if done.forgotten else ""
    console.print(
        f"Rebuilt {escape(str(database))} from {done.analyses} analyses under "
        f"{escape(str(reports))}: {done.rehearsals} rehearsals{forgotten}.",
        highlight=False,
        soft_wrap=True,
    )


# --- compare ----------------------------------------------------------------------------


@command
def compare(
    first: Annotated[
        str | None,
        typer.Argument(
            metavar="A",
            help="A rehearsal: a history id, an analysis.json or a report folder. Alone: it "
            "and the one before it. A notes file, or nothing: the talk's (or the last "
            "rehearsed talk's) last two rehearsals.",
            show_default=False,
        ),
    ] = None,
    second: Annotated[
        str | None,
        typer.Argument(metavar="B", help="The rehearsal to compare with A.", show_default=False),
    ] = None,
    talk: TalkInHistory = None,
    speaker: WhoseRehearsals = None,
    out: ReportsFolder = Path("reports"),
    db: HistoryDb = None,
    as_json: AsJson = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help="Also write a page to hear both: per point, then and now, each time playing "
            "that rehearsal's recording (its report folder's recording.m4a).",
        ),
    ] = None,
) -> None:
    """What changed between two rehearsals: points said or skipped, time per point, drift,
    pace, pauses, fillers, voice.

    Example: rehearse compare 3 5 --html then-and-now.html
    """
    database = default_db(out, db)
    a, b = pick_pair(database, first, second, speaker=speaker, talk=talk)
    comparison = compared(a, b)
    if html is not None:
        page = write_compare(comparison, html)
        err_console.print(f"Then and now: {escape(str(page))}", highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(data=shapes.comparison_json(comparison))
        return
    _print_comparison(comparison)


def _rehearsal_name(r) -> str:
    """'#3 (12 Mar 21:13, pl-reorder.m4a)' or, outside the history, the date and file."""
    [date] = _dates([r.created])
    what = f"{date}, {Path(r.recording).name}"
    return f"#{r.id} ({what})" if r.id is not None else f"({what}, not in the history)"


def _print_comparison(c) -> None:
    console.print(
        f"[bold]{escape(c.b.title)}[/bold]: A {escape(_rehearsal_name(c.a))} → "
        f"B {escape(_rehearsal_name(c.b))}",
        highlight=False,
        soft_wrap=True,
    )
    changed = c.changed
    if changed:
        console.print("[bold]Changed[/bold]")
        width = max(20, console.width - 50)
        for p in changed:
            label = escape(view.shorten(f"{p.latest.number}. {p.latest.text}", width))
            colour = "green" if p.b is not None and p.b.said else "red"
            colour = "cyan" if p.b is not None and p.b.uncertain else colour
            change = f"{view.status_text(p.a)} → [{colour}]{view.status_text(p.b)}[/]"
            console.print(f"  {label}  {change}", highlight=False)
    else:
        console.print("Every point has the same status in both.")
    for side, r in (("A", c.a), ("B", c.b)):
        fixed = [p for p in r.points if p.corrected]
        if fixed:
            console.print(
                f"[bold]Corrected by hand in {side}[/bold]: "
                + escape("; ".join(_correction(p) for p in fixed)),
                highlight=False,
            )
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
    console.print(table)
    a, b = c.a, c.b
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
    for name, value in rows:
        console.print(f"[bold]{name:<14}[/bold]{escape(value)}", highlight=False)


def _correction(point) -> str:
    """'3. said (the analysis said skipped)'."""
    said, was = view.STATUS_LABELS[point.status], view.STATUS_LABELS[point.corrected]
    return f"{point.number}. {said} (the analysis said {was})"


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


def _not_said(point) -> str:
    """What the time column of a point without a passage says."""
    return "uncertain" if point.uncertain else "[red]skipped[/red]"


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
