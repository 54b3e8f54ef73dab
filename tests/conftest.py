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
    from rehearse import weights

    models = weights.models_dir()
    home = tmp_path_factory.mktemp("rehearse-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REHEARSE_MODELS", str(models))
        mp.setenv("REHEARSE_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
