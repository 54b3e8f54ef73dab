"""Rehearsals the app analyses, off the request path: each job runs ``pipeline.rehearse`` (as
``rehearse analyze`` does) in a worker process, and its stages come back through a queue from
the same ``stages.Tracker`` that draws the CLI's progress bar. The jobs are kept in a file of
the reports folder, so that a job a stopped server did not finish is shown as interrupted,
to run again, when it starts again."""

from __future__ import annotations

import json
import logging
import multiprocessing
import secrets
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rehearse import stages
from rehearse.analysis import AnalyzeOptions
from rehearse.batch import default_jobs
from rehearse.batch.jobs import Failure
from rehearse.errors import RehearseError, first_line
from rehearse.files import write_atomic
from rehearse.pacing import PacingOptions
from rehearse.pipeline import Who, rehearse
from rehearse.stages import Tracker

log = logging.getLogger(__name__)

_steps = None  # in a worker: the queue its jobs' steps go back through
JOBS_FILE = ".serve-jobs.json"  # in the reports folder; hidden, so never served
KEPT = 200  # jobs the file keeps, newest; the reports and the history keep the rest
INTERRUPTED = "the server stopped before this analysis finished; nothing of it was kept"


@dataclass(frozen=True)
class JobState:
    """Where a job is, as ``GET /api/jobs/ID`` answers: ``state`` queued, running, done,
    failed or interrupted (by a server stopped before it finished); ``share`` of the
    analysis done; ``stage`` the tracker's line; ``report`` the report folder (relative to
    the reports folder) once done; ``error`` one line."""

    id: str
    talk: str
    state: str = "queued"
    share: float = 0.0
    stage: str = "Waiting for a free worker"
    report: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Work:
    """One rehearsal to analyse: the stored recording, the notes, where the reports and the
    history are, the options."""

    id: str
    recording: Path
    notes: Path
    out: Path
    db: Path | None
    options: AnalyzeOptions


def run_job(work: Work) -> str | Failure:
    """In a worker: ``rehearse analyze`` of one recording; its report folder, or its failure
    as one line (a worker must report, never take the pool down)."""

    def show(step: stages.Step) -> None:
        if _steps is not None:
            _steps.put((work.id, step.fraction, step.label))

    tracker = Tracker(show, stages.ANALYSIS_AND_REPORT)
    try:
        saved = rehearse(work.recording, work.notes, work.options, work.out,
                         Who(db=work.db), progress=tracker)  # fmt: skip
        tracker.finish()
    except RehearseError as exc:
        return Failure(first_line(exc))
    except Exception as exc:
        return Failure(f"{type(exc).__name__}: {first_line(exc)}")
    if saved.failed is not None:
        return Failure(f"the report is written, but the history was not updated ({saved.failed})")
    return str(saved.folder)


def _worker_start(queue) -> None:
    global _steps
    from rehearse.batch import _ignore_interrupts

    _ignore_interrupts()
    _steps = queue


class Jobs:
    """The app's jobs: at most ``workers`` analysed at once (default: as ``batch`` runs,
    one per core), the rest queued; their states by id, newest first, kept in ``store``."""

    def __init__(self, workers: int = 0, store: Path | None = None) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self.workers = workers or default_jobs()
        self._queue = context.Queue()
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_worker_start, initargs=(self._queue,)
        )
        self._states: dict[str, JobState] = {}
        self._work: dict[str, Work] = {}
        self._lock = threading.Lock()
        self.store = store
        self._load()
        self._reader = threading.Thread(target=self._read_steps, daemon=True)
        self._reader.start()

    def submit(self, work: Work, talk: str) -> JobState:
        """Queue ``work`` (its id is new) for the next free worker."""
        state = JobState(work.id, talk)
        with self._lock:
            self._states[work.id] = state
            self._work[work.id] = work
        self._save()
        future = self._pool.submit(run_job, work)
        future.add_done_callback(lambda f: self._finished(work, f))
        return state

    def again(self, job_id: str) -> JobState | None:
        """A new job of the same recording and notes as a failed or interrupted one."""
        with self._lock:
            state, work = self._states.get(job_id), self._work.get(job_id)
        if state is None or work is None or state.state not in ("failed", "interrupted"):
            return None
        return self.submit(replace(work, id=new_id()), state.talk)

    def get(self, job_id: str) -> JobState | None:
        with self._lock:
            return self._states.get(job_id)

    def all(self) -> list[JobState]:
        with self._lock:
            return list(reversed(self._states.values()))

    def close(self) -> None:
        """Stop: queued jobs are dropped, running ones stopped (a report is written in a
        temporary folder and renamed, so none is left half-written)."""
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._queue.put(None)

    def _update(self, job_id: str, **changes) -> None:
        with self._lock:
            if job_id in self._states:
                self._states[job_id] = replace(self._states[job_id], **changes)
        self._save()

    def _save(self) -> None:
        if self.store is None:
            return
        with self._lock:
            kept = list(self._states)[-KEPT:]
            rows = [_row(self._states[k], self._work.get(k)) for k in kept]
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)  # the reports folder, at first
            write_atomic(self.store, json.dumps({"version": 1, "jobs": rows}, indent=1))
        except OSError as exc:
            log.warning("cannot keep the jobs in %s: %s", self.store, exc)

    def _load(self) -> None:
        """The jobs of the server's last run; those it did not finish are interrupted."""
        try:
            rows = json.loads(self.store.read_text(encoding="utf-8"))["jobs"]
        except (AttributeError, OSError, ValueError, KeyError, TypeError):
            return
        for row in rows:
            try:
                state = JobState(**row["state"])
                work = _work(row["work"]) if row.get("work") else None
            except (KeyError, TypeError, ValueError):
                continue
            if state.state in ("queued", "running"):
                state = replace(state, state="interrupted", stage="Interrupted",
                                error=INTERRUPTED)  # fmt: skip
            self._states[state.id] = state
            if work is not None:
                self._work[state.id] = work

    def _read_steps(self) -> None:
        while (item := self._queue.get()) is not None:
            job_id, share, label = item
            with self._lock:
                state = self._states.get(job_id)
                if state is not None and state.state in ("queued", "running"):
                    share = max(share, state.share)
                    self._states[job_id] = replace(state, state="running", share=share,
                                                   stage=label)  # fmt: skip

    def _finished(self, work: Work, future: Future) -> None:
        try:
            result = future.result()
        except Exception as exc:  # the worker process died (killed, out of memory)
            result = Failure(f"the worker stopped: {first_line(exc)}")
        if isinstance(result, Failure):
            log.warning("job %s failed: %s", work.id, result.message)
            self._update(work.id, state="failed", error=result.message, stage="Failed")
        else:
            report = Path(result).relative_to(work.out).as_posix()
            self._update(work.id, state="done", share=1.0, stage="Done", report=report)


def _row(state: JobState, work: Work | None) -> dict:
    kept = None
    if work is not None:
        kept = {"id": work.id, "recording": str(work.recording), "notes": str(work.notes),
                "out": str(work.out), "db": str(work.db) if work.db else None,
                "target": work.options.pacing.target}  # fmt: skip
    return {"state": state.__dict__, "work": kept}


def _work(row: dict) -> Work:
    target = row.get("target")
    options = AnalyzeOptions(pacing=PacingOptions(target=target)) if target else AnalyzeOptions()
    db = Path(row["db"]) if row.get("db") else None
    return Work(row["id"], Path(row["recording"]), Path(row["notes"]), Path(row["out"]), db,
                options)  # fmt: skip


def new_id() -> str:
    """A job id no request chose."""
    return secrets.token_hex(6)
