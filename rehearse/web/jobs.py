"""Rehearsals the app analyses, off the request path: each job runs ``pipeline.rehearse`` (as
``rehearse analyze`` does) in a worker process, and its stages come back through a queue from
the same ``stages.Tracker`` that draws the CLI's progress bar. The jobs are kept in a file of
the reports folder, so that a job a stopped server did not finish is shown as interrupted,
to run again, when it starts again.

A job is cancelled by a mark the server leaves for it (a file named by its id in
``CANCEL_DIR`` of the reports folder): a job still queued is dropped, a running one stops at
its next step by an exception, which the report's temporary folder and the history's one
transaction turn into nothing written."""

from __future__ import annotations

import json
import logging
import multiprocessing
import secrets
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rehearse import stages
from rehearse.analysis import AnalyzeOptions
from rehearse.batch import default_jobs
from rehearse.batch.jobs import Failure
from rehearse.errors import RehearseError, first_line
from rehearse.files import write_atomic
from rehearse.measure.pacing import PacingOptions
from rehearse.pipeline import Who, rehearse
from rehearse.stages import Tracker

log = logging.getLogger(__name__)

_steps = None  # in a worker: the queue its jobs' steps go back through
JOBS_FILE = ".serve-jobs.json"  # in the reports folder; hidden, so never served
KEPT = 200  # jobs the file keeps, newest; the reports and the history keep the rest
INTERRUPTED = "the server stopped before this analysis finished; nothing of it was kept"
ENDED_BADLY = ("failed", "cancelled", "interrupted")  # the states "run again" takes
CANCEL_DIR = ".serve-cancel"  # in the reports folder: a file per job to stop
CANCELLED = "cancelled; nothing of it was kept"
CHECK_EVERY = 0.25  # s between a running job's looks for its mark


@dataclass(frozen=True)
class JobState:
    """Where a job is, as ``GET /api/jobs/ID`` answers: ``state`` queued, running, done,
    failed, cancelled or interrupted (by a server stopped before it finished); ``share`` of the
    analysis done; ``stage`` the tracker's line; ``report`` the report folder (relative to
    the reports folder) once done; ``error`` one line; ``started`` when a worker took it (s
    since the epoch), for the time left."""

    id: str
    talk: str
    state: str = "queued"
    share: float = 0.0
    stage: str = "Waiting for a free worker"
    report: str | None = None
    error: str | None = None
    started: float | None = None

    def seconds_left(self, now: float | None = None) -> int | None:
        """The running job's time left, guessed from its time so far and its share done."""
        if self.state != "running" or self.started is None:
            return None
        return seconds_left(self.share, (time.time() if now is None else now) - self.started)


SURE_FROM = 0.05  # the share done before the time left is guessed: the first steps say little
LEFT_STEP = 5  # s the time left is rounded to


def seconds_left(share: float, elapsed: float) -> int | None:
    """The time left of an analysis ``share`` done in ``elapsed`` seconds, were the rest to
    go at the same pace, rounded to 5 s; None before ``SURE_FROM`` of it is done or once all is."""
    if not SURE_FROM < share < 1 or elapsed < 0:
        return None
    left = elapsed * (1 - share) / share
    return max(LEFT_STEP, LEFT_STEP * round(left / LEFT_STEP))


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

    @property
    def mark(self) -> Path:
        """The file whose presence asks this job to stop."""
        return self.out / CANCEL_DIR / self.id


@dataclass(frozen=True)
class Cancelled:
    """What a worker returns for a job it stopped, or never began, because it was asked to."""


class _Stop(Exception):
    """Raised from a job's progress callback, between two steps, to stop it."""


def run_job(work: Work) -> str | Failure | Cancelled:
    """In a worker: ``rehearse analyze`` of one recording; its report folder, or its failure
    as one line (a worker must report, never take the pool down), or Cancelled when its mark
    was found before the analysis was saved."""
    if work.mark.exists():
        return Cancelled()
    looked, saved = time.monotonic(), False

    def show(step: stages.Step) -> None:
        nonlocal looked
        if _steps is not None:
            _steps.put((work.id, step.fraction, step.label))
        if not saved and time.monotonic() - looked >= CHECK_EVERY:
            looked = time.monotonic()
            if work.mark.exists():
                raise _Stop(work.id)

    tracker = Tracker(show, stages.ANALYSIS_AND_REPORT)
    try:
        result = rehearse(work.recording, work.notes, work.options, work.out,
                          Who(db=work.db), progress=tracker)  # fmt: skip
    except Exception as exc:
        if isinstance(exc, _Stop) or work.mark.exists():  # the library may have wrapped it
            return Cancelled()
        if isinstance(exc, RehearseError):
            return Failure(first_line(exc))
        return Failure(f"{type(exc).__name__}: {first_line(exc)}")
    saved = True  # too late to cancel
    tracker.finish()
    if result.failed is not None:
        return Failure(f"the report is written, but the history was not updated ({result.failed})")
    return str(result.folder)


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
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._closing = False
        self.store = store
        self._load()
        if store is not None:  # marks of the last run's jobs are moot: none of them runs
            for mark in (store.parent / CANCEL_DIR).glob("*"):
                mark.unlink(missing_ok=True)
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
        with self._lock:
            self._futures[work.id] = future
        future.add_done_callback(lambda f: self._finished(work, f))
        return state

    def cancel(self, job_id: str) -> JobState | None:
        """Stop a queued or running job: a queued one is dropped at once, a running one is
        marked and stops at its next step (its state says "Cancelling" until then). None
        when there is no such job still to do."""
        with self._lock:
            state, future = self._states.get(job_id), self._futures.get(job_id)
            work = self._work.get(job_id)
        if state is None or work is None or state.state not in ("queued", "running"):
            return None
        if future is not None and future.cancel():  # never started: _finished says so
            return self.get(job_id)
        try:
            work.mark.parent.mkdir(parents=True, exist_ok=True)
            work.mark.touch()
        except OSError as exc:
            raise RehearseError(f"cannot cancel the job: {exc.strerror or exc}") from None
        self._update(job_id, stage="Cancelling")
        return self.get(job_id)

    def again(self, job_id: str) -> JobState | None:
        """A new job of the same recording and notes as a failed, cancelled or interrupted
        one."""
        with self._lock:
            state, work = self._states.get(job_id), self._work.get(job_id)
        if state is None or work is None or state.state not in ENDED_BADLY:
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
        temporary folder and renamed, so none is left half-written); their states stay as
        they were, for the next run to show them interrupted."""
        self._closing = True
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
                    if state.stage == "Cancelling":
                        label = state.stage
                    share = max(share, state.share)
                    started = state.started or time.time()
                    self._states[job_id] = replace(state, state="running", share=share,
                                                   stage=label, started=started)  # fmt: skip

    def _finished(self, work: Work, future: Future) -> None:
        if self._closing:
            return
        with self._lock:
            self._futures.pop(work.id, None)
        try:
            result = Cancelled() if future.cancelled() else future.result()
        except Exception as exc:  # the worker process died (killed, out of memory)
            result = Failure(f"the worker stopped: {first_line(exc)}")
        work.mark.unlink(missing_ok=True)
        if isinstance(result, Cancelled):
            self._update(work.id, state="cancelled", stage="Cancelled", error=CANCELLED)
        elif isinstance(result, Failure):
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
