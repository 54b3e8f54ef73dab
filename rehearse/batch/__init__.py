"""Many recordings at once: plan -> skip what is done -> analyse in parallel -> save each
report and history entry -> the class report.

Every recording goes through the same ``analysis.analyze`` as ``rehearse analyze``. Workers
(processes on this machine, or Ray tasks with ``cluster="ray"``: see ``rehearse.batch.cluster``)
only analyse; this process alone writes the report folders and the history database.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import logging
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from rehearse import __version__
from rehearse.analysis import AnalyzeOptions
from rehearse.batch.cluster import run_ray
from rehearse.batch.jobs import Failure, Job, Result, analyse_one
from rehearse.errors import InputError, RehearseError
from rehearse.files import sha256_file
from rehearse.history import check_db, default_db, rehearsal_of
from rehearse.machine import cores
from rehearse.models import Analysis, BatchReport, BatchRow, SkippedPoint, from_dict, load_analysis
from rehearse.notes import load_notes
from rehearse.pipeline import save
from rehearse.report import check_output
from rehearse.textnorm import speaker_key

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset(
    [
        ".wav",
        ".mp3",
        ".m4a",
        ".aac",
        ".ogg",
        ".oga",
        ".opus",
        ".flac",
        ".webm",
        ".mp4",
        ".mkv",
        ".mov",
        ".wma",
        ".amr",
    ]
)
MANIFEST_COLUMNS = ("recording", "notes", "speaker")
BATCH_FILE = "batch.json"
# Threads one transcription gets by default. benchmarks/batch_throughput.py on 2 cores: two
# jobs of one thread each analyse more recordings per hour than one job of two threads
# (CTranslate2 does not scale linearly with threads), at one more model in memory (~300 MB).
THREADS_PER_JOB = 1
MOST_SKIPPED = 10  # points listed in the class report as most often skipped
KEY_VERSION = 1  # bump when what makes an analysis "the same" changes


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch. ``jobs`` 0: ``default_jobs()``; ``threads`` (per job) 0: the cores
    shared out over the jobs; ``cluster`` None runs processes here, "ray" Ray tasks at
    ``address`` ("auto": a running cluster; None: ``$RAY_ADDRESS``, else a private local one)."""

    jobs: int = 0
    threads: int = 0
    force: bool = False
    cluster: str | None = None
    address: str | None = None
    record: bool = True
    db: Path | None = None
    keep: bool = False  # record takes too short to judge in the history too
    audio: bool = True  # each report folder gets the recording's copy for its player


OnRow = Callable[[BatchRow, int, int], None]


def default_jobs() -> int:
    """Parallel transcriptions this machine runs best (see ``THREADS_PER_JOB``)."""
    return max(1, cores() // THREADS_PER_JOB)


def share_threads(jobs: int, threads: int = 0) -> int:
    """Threads per job: ``threads``, or the cores shared out over ``jobs`` (at least one)."""
    return threads or max(1, cores() // max(1, jobs))


# --- step 1: the plan -------------------------------------------------------------------


def plan(source: str | Path, notes: str | Path | None = None) -> list[Job]:
    """The recordings of a folder (against ``notes``; the speaker is each file's stem) or of a
    CSV manifest (``recording,notes,speaker``; paths from the manifest's folder, ``notes``
    filling empty notes cells). InputError for anything that cannot be run."""
    source = Path(source)
    if source.is_dir():
        jobs = _folder_jobs(source, notes)
    elif source.is_file():
        jobs = _manifest_jobs(source, notes)
    else:
        raise InputError(f"{source}: no such folder or manifest")
    _check_jobs(jobs)
    return _once(jobs)


def _once(jobs: list[Job]) -> list[Job]:
    """Each rehearsal (recording, notes, speaker) once: a manifest listing one twice would
    count it twice in the class report. A warning names what was left out."""
    seen: dict[tuple, Job] = {}
    for job in jobs:
        key = (job.recording.resolve(), job.notes.resolve(), speaker_key(job.speaker))
        if key in seen:
            log.warning("%s is listed more than once (same notes, same speaker): analysed once",
                        job.recording)  # fmt: skip
        else:
            seen[key] = job
    return list(seen.values())


def _folder_jobs(folder: Path, notes: str | Path | None) -> list[Job]:
    if notes is None:
        raise InputError(f"--notes is needed for a folder of recordings ({folder})")
    found = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
    )
    if not found:
        known = " ".join(sorted(AUDIO_SUFFIXES))
        raise InputError(f"{folder}: no recordings in it (looked for {known})")
    return [Job(p, Path(notes), p.stem) for p in found]


def _manifest_jobs(manifest: Path, notes: str | Path | None) -> list[Job]:
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the manifest {manifest}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip().lower() for h in reader.fieldnames or ()]
    if "recording" not in header or any(h not in MANIFEST_COLUMNS for h in header):
        raise InputError(
            f"{manifest}: the first row should name the columns {','.join(MANIFEST_COLUMNS)} "
            f"(speaker and notes optional), not {','.join(header) or 'nothing'}"
        )
    reader.fieldnames = header
    base = manifest.parent
    jobs = []
    for line, row in enumerate(reader, start=2):
        recording = (row.get("recording") or "").strip()
        row_notes = (row.get("notes") or "").strip() or (str(notes) if notes else "")
        if not recording:
            raise InputError(f"{manifest}:{line}: no recording")
        if not row_notes:
            raise InputError(f"{manifest}:{line}: no notes (add a notes column or --notes)")
        speaker = (row.get("speaker") or "").strip() or None
        jobs.append(Job(base / recording, base / row_notes, speaker))
    if not jobs:
        raise InputError(f"{manifest}: no recordings listed")
    return jobs


def _check_jobs(jobs: list[Job]) -> None:
    """Every recording and notes file exists and every notes file reads, before any work."""
    for job in jobs:
        if not job.recording.is_file():
            raise InputError(f"{job.recording}: no such recording")
    for notes in dict.fromkeys(job.notes for job in jobs):
        load_notes(notes)


# --- step 2: what is done already ---------------------------------------------------------


def job_key(job: Job, options: AnalyzeOptions) -> str:
    """What makes an analysis the same: the audio's and notes' bytes, the speaker and the
    options that change the result (not the cache, the threads or where files are)."""
    transcribe = replace(options.transcribe, cache=True, cache_dir=None, threads=0)
    chosen = asdict(replace(options, transcribe=transcribe))
    key = {
        "version": KEY_VERSION,
        "rehearse": __version__,
        "audio": sha256_file(job.recording),
        "notes": sha256_file(job.notes),
        "speaker": job.speaker,
        "options": chosen,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


def earlier_rows(out: Path) -> dict[str, BatchRow]:
    """The recordings an earlier batch into ``out`` analysed, by key (none if unreadable)."""
    path = out / BATCH_FILE
    try:
        report = from_dict(BatchReport, json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("starting afresh: cannot read the earlier batch %s (%s)", path, exc)
        return {}
    return {r.key: r for r in report.rows if r.ok and r.report}


def _done_before(out: Path, row: BatchRow | None) -> Analysis | None:
    """The analysis an earlier row points to, if its report folder still holds it."""
    if row is None or row.report is None:
        return None
    try:
        return load_analysis(out / row.report)
    except InputError:
        return None


# --- step 3: analysing ----------------------------------------------------------------------


def run_local(
    todo: list[tuple[int, Job]], options: AnalyzeOptions, jobs: int
) -> Iterator[tuple[int, Result]]:
    """Analyse ``todo`` in ``jobs`` processes (in this one for a single job), yielding each
    result as it comes."""
    if jobs <= 1 or len(todo) <= 1:
        for index, job in todo:
            yield index, analyse_one(job, options)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    pool = ProcessPoolExecutor(
        min(jobs, len(todo)), mp_context=context, initializer=_ignore_interrupts
    )
    try:
        futures = {pool.submit(analyse_one, job, options): (index, job) for index, job in todo}
        for future in as_completed(futures):
            index, job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                result = Failure(f"{job.recording}: the worker stopped: {exc}")
            yield index, result
    except BaseException:  # Ctrl-C (or the caller gave up): stop the workers, not their work
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(cancel_futures=True)  # quick now; frees the pool's queues
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the batch's to handle (one line, what is done is kept); the
    worker is stopped by it (SIGTERM: it exits as a process does, freeing its semaphores),
    never prints a KeyboardInterrupt traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


# --- step 4: the rows --------------------------------------------------------------------------


# The figures of a batch row: a ``Rehearsal``'s (``rehearsal_of``, the one mapping from an
# analysis to its headline figures, which the history and `history --json` read too).
ROW_FIGURES = ("title", "coverage", "skipped", "duration", "talk_time", "target", "wpm")
ROW_FIGURES += ("pace_verdict", "fillers_per_minute", "restarts")


def row_of(job: Job, key: str, result: Result, status: str, report: str | None) -> BatchRow:
    """A batch row: the recording's figures, or its failure."""
    base = BatchRow(
        recording=str(job.recording),
        notes=str(job.notes),
        speaker=job.speaker,
        status="failed" if isinstance(result, Failure) else status,
        key=key,
    )
    if isinstance(result, Failure):
        return replace(base, error=result.message)
    rehearsal = rehearsal_of(result)
    figures = {k: getattr(rehearsal, k) for k in ROW_FIGURES}
    return replace(base, report=report, points=len(rehearsal.points), **figures)


def most_skipped(analyses: Iterable[Analysis], count: int = MOST_SKIPPED) -> list[SkippedPoint]:
    """The points skipped most often, per talk, as a share of that talk's recordings."""
    tally: dict[tuple[str, int], list] = {}
    talks: dict[str, int] = {}
    for analysis in analyses:
        talk = analysis.talk.title
        talks[talk] = talks.get(talk, 0) + 1
        for point in analysis.points:
            entry = tally.setdefault((talk, point.number), [point.text, 0])
            entry[1] += point.skipped
    found = [
        SkippedPoint(talk, number, text, skipped, talks[talk])
        for (talk, number), (text, skipped) in tally.items()
        if skipped
    ]
    found.sort(key=lambda p: (-p.skipped / p.of, -p.skipped, p.title, p.number))
    return found[:count]


# --- the whole batch --------------------------------------------------------------------------


def run_batch(
    jobs: list[Job],
    out: str | Path,
    options: AnalyzeOptions | None = None,
    batch: BatchOptions | None = None,
    *,
    on_row: OnRow | None = None,
) -> BatchReport:
    """Analyse every job not done before, save each report and history entry, and write the
    class report (batch.json, .md, .html and its chart) into ``out``. ``on_row(row, done,
    total)`` follows along. A recording that fails is a failed row; the rest go on."""
    # The class report draws with matplotlib (1 s to import), which the workers, importing
    # this package for ``jobs``, do not need.
    from rehearse.report.batch import write_batch_report

    out, options, batch = Path(out), options or AnalyzeOptions(), batch or BatchOptions()
    check_batch(batch)
    check_output(out)
    database = default_db(out, batch.db) if batch.record else None
    if database:
        check_db(database)
    count = batch.jobs or default_jobs()
    threads = share_threads(count, batch.threads)
    options = replace(options, transcribe=replace(options.transcribe, threads=threads))
    keys = [job_key(job, options) for job in jobs]
    rows: dict[int, BatchRow] = {}
    analyses: dict[int, Analysis] = {}

    def done(index: int, row: BatchRow, analysis: Analysis | None) -> None:
        rows[index] = row
        if analysis is not None:
            analyses[index] = analysis
        write_batch_report(_report(jobs, rows, analyses), out, formats=("json",))
        if on_row:
            on_row(row, len(rows), len(jobs))

    before = {} if batch.force else earlier_rows(out)
    todo = []
    for index, (job, key) in enumerate(zip(jobs, keys, strict=True)):
        analysis = _done_before(out, before.get(key))
        if analysis is None:
            todo.append((index, job))
        else:
            row = row_of(job, key, analysis, "already analysed", before[key].report)
            done(index, row, analysis)
    for index, result in _analyse(todo, options, batch, count, threads):
        job = jobs[index]
        if isinstance(result, Analysis):
            result = _saved(result, out, database, batch.keep, batch.audio)
        if isinstance(result, tuple):
            analysis, folder = result
            report = folder.resolve().relative_to(out.resolve()).as_posix()
            done(index, row_of(job, keys[index], analysis, "analysed", report), analysis)
        else:
            done(index, row_of(job, keys[index], result, "failed", None), None)
    report = _report(jobs, rows, analyses)
    write_batch_report(report, out)
    return report


def _analyse(
    todo: list[tuple[int, Job]], options: AnalyzeOptions, batch: BatchOptions, jobs: int,
    threads: int,
) -> Iterator[tuple[int, Result]]:  # fmt: skip
    if batch.cluster is None:
        return run_local(todo, options, jobs)
    if batch.cluster == "ray":
        return run_ray(todo, options, batch.address, threads)
    raise InputError(f"unknown cluster {batch.cluster!r}; known: ray")


def _saved(
    analysis: Analysis, out: Path, database: Path | None, keep: bool, audio: bool = True
) -> tuple | Failure:
    """Its report folder (with the recording's copy when ``audio``) and history entry, as
    ``rehearse analyze`` writes them."""
    try:
        saved = save(analysis, out, database, keep=keep, audio=audio)
        failed = saved.failed
    except RehearseError as exc:
        failed = exc
    if failed is not None:
        return Failure(f"{analysis.recording.path}: analysed, but not saved: {failed}")
    return analysis, saved.folder


def _report(jobs: list[Job], rows: dict[int, BatchRow], analyses: dict[int, Analysis]):
    return BatchReport(
        created=datetime.now().astimezone().isoformat(timespec="seconds"),
        rows=tuple(rows[i] for i in sorted(rows)),
        most_skipped=tuple(most_skipped(analyses[i] for i in sorted(analyses))),
    )


def check_batch(batch: BatchOptions) -> None:
    """InputError for options that cannot work, before any work."""
    if batch.jobs < 0 or batch.threads < 0:
        raise InputError("--jobs and --threads take a positive number (0: the default)")
    if batch.cluster not in (None, "ray"):
        raise InputError(f"unknown cluster {batch.cluster!r}; known: ray")
    if batch.cluster == "ray" and importlib.util.find_spec("ray") is None:
        raise InputError("--cluster ray needs Ray: pip install 'rehearse[cluster]' (on every node)")
    if batch.address and batch.cluster is None:
        raise InputError("--address needs --cluster ray")
