"""The command line: parse options, call the library, print (rehearse.console). No analysis
lives here.

Over 500 lines because every option is declared here once (about 400 lines of declarations)
and each command is a few lines over them; there is no logic left to move out."""

from __future__ import annotations

import functools
import inspect
import logging
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from rehearse import __version__, stages
from rehearse import history as store
from rehearse.analysis import AnalyzeOptions, demo_files, demo_options
from rehearse.analysis import analyze as run_analysis
from rehearse.console import console, err_console, warn
from rehearse.console.bars import batch_progress, progress, stage_progress
from rehearse.console.compare import print_comparison
from rehearse.console.history import (
    print_chart,
    print_forgotten,
    print_history,
    print_rebuilt,
    print_talks,
)
from rehearse.console.messages import (
    print_batch,
    print_models,
    print_notes_written,
    print_serving,
    print_transcribed,
)
from rehearse.console.summary import (
    print_marked,
    print_report_path,
    print_summary,
    print_warnings,
)
from rehearse.console.tables import print_coverage, print_pacing, print_points
from rehearse.errors import InputError, OutputError, RehearseError
from rehearse.history import default_db, pick_pair
from rehearse.history.trends import compare as compared
from rehearse.measure.pacing import PAUSE_RANGE, PacingOptions, budget_sources, point_budgets
from rehearse.notes import deck_as_notes, load_notes
from rehearse.notes.text import check_target, parse_duration
from rehearse.pipeline import Who, rehearse
from rehearse.report import shapes, view, write_progress
from rehearse.report.captions import write_transcript
from rehearse.report.compare import write_compare
from rehearse.report.saved import mark_saved, render_saved
from rehearse.transcribe import TranscribeOptions, weights
from rehearse.transcribe import transcribe as run_transcription
from rehearse.transcribe.weights import list_models, models_dir

EXAMPLE = "rehearse analyze talk.m4a --notes notes/talk.md --target 10m --open"


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


def _open(help: str) -> Any:
    return Annotated[bool, typer.Option("--open", help=help)]


def _jobs(help: str) -> Any:
    return Annotated[int, typer.Option("--jobs", "-j", metavar="N", help=help)]


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
OpenReport = _open("Open the HTML report in a browser.")
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


# Arguments and options of one command each.
AnalysisFile = Annotated[
    Path,
    typer.Argument(
        metavar="ANALYSIS", help="An analysis.json written by `rehearse analyze` (or its folder)."
    ),
]
ReportFolder = Annotated[
    Path, typer.Argument(metavar="REPORT", help="A report folder (or its analysis.json).")
]
PointNumber = Annotated[int, typer.Argument(metavar="POINT", help="The point's number.")]
MarkStatus = Annotated[str, typer.Argument(metavar="said|skipped", help="What it really was.")]
NotesFolder = Annotated[
    Path,
    typer.Option(
        "--dir",
        metavar="FOLDER",
        help="The folder of your notes (Markdown or decks, in it and its subfolders); "
        "uploaded notes and recordings are kept in it.",
    ),
]
ServedReports = _out("The reports folder, as analyze --out; the history is history.sqlite in it.")
Port = Annotated[int, typer.Option(metavar="PORT", help="The port to listen on.")]
Host = Annotated[
    str,
    typer.Option(
        metavar="HOST",
        help="The address to listen on; beyond loopback (127.0.0.1) every request needs "
        "the token (--token, or one made and printed in the URL).",
    ),
]
Token = Annotated[
    str | None,
    typer.Option(metavar="SECRET", help="A secret every request must carry (in the URL once)."),
]
MaxUpload = Annotated[int, typer.Option(metavar="MB", help="The largest upload taken, in MB.")]
Workers = _jobs("Analyses run at once; 0: one per core.")
OpenApp = _open("Open the app in a browser.")
Cert = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="Serve over HTTPS with this certificate (PEM; with --key): what lets a phone "
        "on the LAN record.",
    ),
]
Key = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="The certificate's private key (PEM, no password)."),
]
BatchSource = Annotated[
    Path,
    typer.Argument(
        metavar="FOLDER|MANIFEST",
        help="A folder of recordings (one --notes; the speaker is each file's name), or a "
        "CSV manifest with the columns recording,notes,speaker (paths from its folder).",
    ),
]
BatchJobs = _jobs("Recordings analysed at once; 0: what the cores allow.")
Threads = Annotated[
    int, typer.Option(metavar="N", help="Threads per transcription; 0: the cores over the jobs.")
]
Cluster = Annotated[
    str | None, typer.Option(metavar="ray", help="Run each recording as a task on a Ray cluster.")
]
Address = Annotated[
    str | None,
    typer.Option(
        metavar="ADDRESS",
        help="The Ray cluster: auto (a running one), host:port or ray://host:port; "
        "default: $RAY_ADDRESS, else a private one on this machine.",
    ),
]
OpenAI = Annotated[
    bool, typer.Option("--openai/--no-openai", help="Also convert it for the openai engine.")
]
NotesArg = Annotated[
    Path, typer.Argument(metavar="NOTES", help=NOTES_HELP + " '-' reads Markdown from stdin.")
]
Deck = Annotated[
    Path, typer.Argument(metavar="DECK", help="A slide deck (.pptx, .odp), or Markdown notes.")
]
HistoryNotes = Annotated[
    Path | None,
    typer.Argument(
        metavar="NOTES",
        help="The talk's notes file (with --rebuild: the reports folder to rebuild from, "
        "default --out). Without it, the talks in the history.",
    ),
]
Forget = Annotated[
    int | None,
    typer.Option(
        "--forget",
        metavar="ID",
        help="Take rehearsal ID out of the history (a botched recording); its report folder stays.",
    ),
]
RebuildHistory = Annotated[
    bool,
    typer.Option(
        "--rebuild",
        help="Recreate the history from every analysis.json under the reports folder.",
    ),
]
FirstRehearsal = Annotated[
    str | None,
    typer.Argument(
        metavar="A",
        help="A rehearsal: a history id, an analysis.json or a report folder. Alone: it "
        "and the one before it. A notes file, or nothing: the talk's (or the last "
        "rehearsed talk's) last two rehearsals.",
        show_default=False,
    ),
]
SecondRehearsal = Annotated[
    str | None,
    typer.Argument(metavar="B", help="The rehearsal to compare with A.", show_default=False),
]
ComparePage = Annotated[
    Path | None,
    typer.Option(
        "--html",
        metavar="FILE",
        help="Also write a page to hear both: per point, then and now, each time playing "
        "that rehearsal's recording (its report folder's recording.m4a).",
    ),
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
    analysis_file: AnalysisFile,
    out: NewReportOut = None,
    open_report: OpenReport = False,
    db: ReportHistoryDb = None,
    no_audio: NoAudio = False,
) -> None:
    """Re-render the HTML/Markdown report and charts of a saved analysis (no transcribing).

    Example: rehearse report reports/my-talk/20250101-120000-take1/analysis.json
    """
    rendered = render_saved(analysis_file, out, db, audio=not no_audio)
    print_warnings(rendered.analysis)
    print_summary(rendered.analysis, rendered.past)
    print_report_path(rendered.folder, open_report)


@command
def mark(
    report_path: ReportFolder, point: PointNumber, status: MarkStatus, db: HistoryDb = None
) -> None:
    """Correct a point by hand: said or skipped. Updates analysis.json, the report and the
    history, each marking the point as corrected by hand.

    Example: rehearse mark reports/my-talk/20250101-120000-take1 3 said
    """
    marked = mark_saved(report_path, point, status, db)
    print_marked(marked, point, status)
    print_summary(marked.analysis, marked.past)
    print_report_path(marked.folder, False)


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
    with stage_progress(stages.ANALYSIS_AND_REPORT) as tracker:
        saved = rehearse(recording, notes, options, out, who, progress=tracker, audio=audio)
    print_warnings(saved.analysis)
    note = f"not recorded: {saved.kept_out}; --keep records it" if saved.kept_out else None
    past = saved.past if saved.failed is None else None
    print_summary(saved.analysis, past, history_note=note)
    print_report_path(saved.folder, open_)
    if saved.failed is not None:
        raise OutputError(
            f"the report is written, but the history was not updated ({saved.failed}); "
            "`rehearse history --rebuild` adds it"
        )


# --- serve ----------------------------------------------------------------------


@command
def serve(
    folder: NotesFolder = Path("."),
    out: ServedReports = Path("reports"),
    db: HistoryDb = None,
    port: Port = 8765,
    host: Host = "127.0.0.1",
    token: Token = None,
    max_upload: MaxUpload = 512,
    jobs: Workers = 0,
    open_app: OpenApp = False,
    cert: Cert = None,
    key: Key = None,
) -> None:
    """Rehearse in the browser: a local web app over your notes, reports and history to
    record a rehearsal (or upload one), watch the analysis and read the report.

    Example: rehearse serve --dir talks --open
    """
    try:
        from rehearse import web  # the web extra, which the other commands do without
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
        print_serving(folder, url, loopback=web.is_loopback(host), https=cert is not None)
        if open_app and not webbrowser.open(url):
            warn("no browser found; open the address above yourself")

    web.serve(options, on_ready=ready)


# --- batch ----------------------------------------------------------------------


@command
@ANALYSIS
def batch(
    source: BatchSource,
    notes: BatchNotes = None,
    out: BatchOut = Path("reports"),
    jobs: BatchJobs = 0,
    threads: Threads = 0,
    force: Reanalyse = False,
    cluster: Cluster = None,
    address: Address = None,
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
        jobs=jobs or default_jobs(), threads=threads, force=force, cluster=cluster,
        address=address, record=not no_history, db=db, keep=keep, audio=not no_audio,
    )  # fmt: skip
    check_batch(chosen)
    planned = plan(source, notes)
    with batch_progress(len(planned)) as on_row:
        done = run_batch(planned, out, options, chosen, on_row=on_row)
    print_batch(done, out)
    if any(not row.ok for row in done.rows):
        raise typer.Exit(1)


# --- pacing ----------------------------------------------------------------


@command
@ANALYSIS
def pacing(
    recording: Recording, notes: NotesOpt, as_json: AsJson = False, *, options: AnalyzeOptions
) -> None:
    """Time per point against its budget, drift, pace, pauses and fillers (no report folder).

    Example: rehearse pacing talk.m4a --notes notes/talk.md --target 10m --keep-fillers
    """
    analysis = _analysed(recording, notes, options)
    if as_json:
        console.print_json(data=shapes.pacing_json(analysis))
        return
    print_pacing(analysis)


def _analysed(recording: Path, notes: Path, options: AnalyzeOptions):
    """The analysis (without the voice, which pacing and coverage do not show), its warnings
    printed."""
    options = replace(options, voice=False)
    with stage_progress(stages.ANALYSIS) as tracker:
        analysis = run_analysis(recording, notes, options, progress=tracker)
    print_warnings(analysis)
    return analysis


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
    with stage_progress(stages.TRANSCRIPTION) as tracker:
        result = run_transcription(recording, options, progress=tracker)
    paths = write_transcript(result.transcript, out, recording.stem)
    print_transcribed(result, paths)


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
    print_models(list_models(), models_dir())


@models_app.command("install", cls=_Command)
@_handled
def models_install(force: Rebuild = False, openai: OpenAI = True) -> None:
    """Assemble and verify the offline base model; convert it for the openai engine.

    Example: rehearse models install
    """
    with progress("Assembling the base model") as update:
        folder = weights.install_base(force=force, progress=update)
    console.print(f"base (faster engine): verified, {escape(str(folder))}", highlight=False)
    if not openai:
        return
    if not weights.openai_installed():
        console.print("openai engine not installed (no torch): skipped its conversion")
        return
    checkpoint = weights.base_openai(force=force) / "model.pt"
    console.print(f"base (openai engine): {escape(str(checkpoint))}", highlight=False)


# --- notes and coverage ------------------------------------------------------------


@command
def points(notes: NotesArg, target: Target = None, encoding: Encoding = None) -> None:
    """Show the talking points parsed from notes or a deck, with budgets and warnings.

    Example: rehearse points notes/talk.md --target 10m
    """
    parsed = load_notes(notes, encoding)
    goal = check_target(parse_duration(target)) if target else parsed.target
    budgets, sources = point_budgets(parsed, goal), budget_sources(parsed, goal)
    print_points(parsed, goal, target is not None, budgets, sources)
    for warning in parsed.warnings:
        warn(warning)


@command
def notes(deck: Deck, out: NotesFileOut = None, force: Replace = False) -> None:
    """Write a deck's talk as Markdown notes, to edit the points in a text editor.

    Example: rehearse notes slides.pptx -o notes/talk.md
    """
    parsed, text = deck_as_notes(deck, out, replace=force)
    if out is None:
        typer.echo(text, nl=False)
    else:
        print_notes_written(parsed, out)
    for warning in parsed.warnings:
        warn(warning)


@command
@COVERAGE
def coverage(
    recording: Recording, notes: NotesOpt, as_json: AsJson = False, *, options: AnalyzeOptions
) -> None:
    """Which points were said (covered / partial / missed), when, and out of order.

    Example: rehearse coverage talk.m4a --notes notes/talk.md --json
    """
    analysis = _analysed(recording, notes, options)
    if as_json:
        console.print_json(data=shapes.coverage_json(analysis))
        return
    print_coverage(analysis)


# --- history --------------------------------------------------------------------------


@command
def history(
    notes: HistoryNotes = None,
    talk: TalkInHistory = None,
    speaker: WhoseRehearsals = None,
    out: HistoryOut = None,
    db: HistoryDb = None,
    as_json: AsJson = False,
    forget: Forget = None,
    rebuild: RebuildHistory = False,
) -> None:
    """Your rehearsals of a talk: coverage, time against the target, skipped and
    out-of-order points, pace and fillers over time; the points you skip most. Draws them
    in progress.png.

    Example: rehearse history notes/talk.md
    """
    reports = out or Path("reports")
    if rebuild:
        reports = notes or reports
        database = default_db(reports, db)
        print_rebuilt(database, reports, store.rebuild(database, reports))  # it warns of misses
        return
    database = default_db(reports, db)
    if forget is not None:
        rehearsal, marker = store.forget(database, forget, notes=notes, talk=talk)
        print_forgotten(forget, rehearsal, marker)
        return
    with store.HistoryDB.open(database) as opened:
        if notes is None and talk is None:
            talks = opened.talks()
            if as_json:
                console.print_json(data=shapes.talks_json(talks))
            else:
                print_talks(talks, opened.path)
            return
        past = opened.talk_history(notes, talk, speaker)
    chart = write_progress(past, database, out)
    if as_json:
        console.print_json(data=shapes.history_json(past))
        return
    print_history(past)
    print_chart(chart)


# --- compare ----------------------------------------------------------------------------


@command
def compare(
    first: FirstRehearsal = None,
    second: SecondRehearsal = None,
    talk: TalkInHistory = None,
    speaker: WhoseRehearsals = None,
    out: ReportsFolder = Path("reports"),
    db: HistoryDb = None,
    as_json: AsJson = False,
    html: ComparePage = None,
) -> None:
    """What changed between two rehearsals: points said or skipped, time per point, drift,
    pace, pauses, fillers, voice.

    Example: rehearse compare 3 5 --html then-and-now.html
    """
    a, b = pick_pair(default_db(out, db), first, second, speaker=speaker, talk=talk)
    comparison = compared(a, b)
    if html is not None:
        page = write_compare(comparison, html)
        err_console.print(f"Then and now: {escape(str(page))}", highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(data=shapes.comparison_json(comparison))
        return
    print_comparison(comparison)
