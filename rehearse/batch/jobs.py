"""One job of a batch: the recording to analyse, its outcome (an ``Analysis`` or a one-line
``Failure``) and ``analyse_one``, which a worker process or a Ray task runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rehearse.analysis import AnalyzeOptions, analyze
from rehearse.errors import RehearseError
from rehearse.models import Analysis


@dataclass(frozen=True)
class Job:
    """One recording to analyse against its notes, as ``speaker``."""

    recording: Path
    notes: Path
    speaker: str | None = None


@dataclass(frozen=True)
class Failure:
    """A recording that could not be analysed, as one line."""

    message: str


Result = Analysis | Failure


def analyse_one(job: Job, options: AnalyzeOptions) -> Result:
    """``rehearse analyze`` of one recording, its failure as one line (runs in a worker)."""
    try:
        return analyze(job.recording, job.notes, options, speaker=job.speaker)
    except RehearseError as exc:
        return Failure(str(exc))
    except Exception as exc:  # a worker must report, never take the batch down
        return Failure(f"{job.recording}: {type(exc).__name__}: {exc}")
