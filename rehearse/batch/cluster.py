"""A batch on a Ray cluster: each recording a Ray task on whichever node is free.

A task gets the recording's and the notes' bytes (no shared file system is needed), runs the
same ``jobs.analyse_one`` as a local job with the model installed on its node, and returns
the analysis; the driver puts back the real paths and alone writes reports and the history
(SQLite must not be shared over a network file system). Ray is an optional extra
(``pip install 'rehearse[cluster]'``), imported only here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from rehearse.analysis import AnalyzeOptions
from rehearse.batch.jobs import Failure, Job, Result, analyse_one
from rehearse.errors import InputError, first_line
from rehearse.machine import cores
from rehearse.models import Analysis

# A private local cluster (no address given) stays small beside the transcriptions.
LOCAL_OBJECT_STORE = 100 * 1024 * 1024  # bytes; recordings pass through it one by one
LOCAL_ADDRESS = "local"


def run_ray(
    todo: list[tuple[int, Job]], options: AnalyzeOptions, address: str | None, threads: int
) -> Iterator[tuple[int, Result]]:
    """Analyse ``todo`` as Ray tasks of ``threads`` CPUs each, yielding results as they come.
    ``address``: "auto" joins a running cluster, host:port or ray://... a given one; None
    uses $RAY_ADDRESS, else starts a private cluster on this machine for the batch."""
    ray = _ray()
    if not todo:
        return
    started = _connect(ray, address or os.environ.get("RAY_ADDRESS") or LOCAL_ADDRESS)
    try:
        task = ray.remote(num_cpus=threads)(analyse_bytes)
        pending = {task.remote(*_payload(job), options): (index, job) for index, job in todo}
        while pending:
            [ready], _ = ray.wait(list(pending), num_returns=1)
            index, job = pending.pop(ready)
            try:
                result = ray.get(ready)
            except Exception as exc:  # the task or its node died
                result = Failure(f"{job.recording}: the Ray task failed: {first_line(exc)}")
            yield index, relocated(result, job)
    finally:
        if started:
            ray.shutdown()


def _ray():
    try:
        import ray  # optional (rehearse[cluster]) and 1.3 s to import: only for --cluster ray
    except ImportError:
        raise InputError(
            "--cluster ray needs Ray: pip install 'rehearse[cluster]' (on every node)"
        ) from None
    return ray


def _connect(ray, address: str) -> bool:
    """Join or start the cluster; True when this call started the connection."""
    if ray.is_initialized():
        return False
    local = address == LOCAL_ADDRESS
    settings = {"num_cpus": cores(), "object_store_memory": LOCAL_OBJECT_STORE}
    try:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level="ERROR",
            configure_logging=True,
            **(settings if local else {}),
        )
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise InputError(f"cannot join the Ray cluster at {address}: {first_line(exc)}") from None
    return True


def _payload(job: Job) -> tuple[str, bytes, str, bytes, str | None]:
    return (
        job.recording.name,
        job.recording.read_bytes(),
        job.notes.name,
        job.notes.read_bytes(),
        job.speaker,
    )


def analyse_bytes(
    name: str, audio: bytes, notes_name: str, notes: bytes, speaker: str | None, options
) -> Result:
    """A Ray task: the recording and notes written to a private folder, analysed there."""
    with tempfile.TemporaryDirectory(prefix="rehearse-task-") as folder:
        recording, notes_path = Path(folder) / "audio" / name, Path(folder) / "notes" / notes_name
        for path, data in ((recording, audio), (notes_path, notes)):
            path.parent.mkdir()
            path.write_bytes(data)
        result = analyse_one(Job(recording, notes_path, speaker), options)
        return _with_task_paths(result, recording, notes_path)


def _with_task_paths(result: Result, recording: Path, notes: Path) -> Result:
    """Mark the task's paths so the driver can put its own back (the folder is gone then)."""
    if isinstance(result, Failure):
        message = result.message.replace(str(recording), "{recording}")
        return Failure(message.replace(str(notes), "{notes}"))
    return replace(
        result,
        recording=replace(result.recording, path="{recording}"),
        talk=replace(result.talk, notes="{notes}"),
        warnings=tuple(w.replace(str(notes), "{notes}") for w in result.warnings),
    )


def relocated(result: Result, job: Job) -> Result:
    """A task's result with the driver's paths, as a local job gives it."""
    recording, notes = str(job.recording), str(job.notes)
    if isinstance(result, Failure):
        return Failure(result.message.replace("{recording}", recording).replace("{notes}", notes))
    assert isinstance(result, Analysis)
    return replace(
        result,
        recording=replace(result.recording, path=recording),
        talk=replace(result.talk, notes=str(job.notes.resolve())),
        warnings=tuple(w.replace("{notes}", notes) for w in result.warnings),
    )
