"""Shared fixtures. Every test session gets its own REHEARSE_HOME (so transcript caches start
empty and nothing lands in the user's home) but reuses the machine's verified Whisper models
(REHEARSE_MODELS), so the 145 MB base model is neither assembled nor hashed again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (a property failure shows up locally first),
# and a loaded 2-core machine must not turn slow examples into failures.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def rehearse_home(tmp_path_factory: pytest.TempPathFactory):
    from rehearse.transcribe import weights

    models = weights.models_dir()
    home = tmp_path_factory.mktemp("rehearse-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REHEARSE_MODELS", str(models))
        mp.setenv("REHEARSE_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


# The three shared rehearsals of the seed talk (benchmarks/cases/tune) and their Whisper
# transcripts (tests/data/transcripts): what `analyze` of each gives.
SHARED = {"pl-full": "ogg", "pl-skips": "mp3", "pl-reorder": "m4a"}
CASES = Path(__file__).parent.parent / "benchmarks" / "cases" / "tune"


@pytest.fixture(scope="session")
def shared_rehearsals(rehearse_home) -> dict[str, Path]:
    """The three shared rehearsals, with their real Whisper transcripts put in the session's
    transcript cache, so `rehearse analyze` of them (notes in Polish, the base model) runs
    the real pipeline without the minute of transcription."""
    from model_json import from_json

    from rehearse.files import sha256_file
    from rehearse.models import Transcript
    from rehearse.transcribe import (
        LanguageGuess,
        TranscribeOptions,
        _cache_dir,
        _digest,
        _write_cache,
        cache_key,
        weights,
    )

    options = TranscribeOptions(language="pl")
    source = weights.resolve("faster", "base")
    found = {}
    for name, ext in SHARED.items():
        recording = CASES / f"{name}.{ext}"
        transcript = from_json(Transcript, (DATA / "transcripts" / f"{name}.json").read_text())
        key = cache_key(sha256_file(recording), source, options)
        guess = LanguageGuess("pl", 0.99, {"pl": 0.99})
        entry = _cache_dir(options) / f"{_digest(key)[:32]}.json"
        _write_cache(entry, key, transcript, (guess, False), 1.0)
        found[name] = recording
    return found
