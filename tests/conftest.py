"""Shared fixtures. Every test session gets its own REHEARSE_HOME (so transcript caches start
empty and nothing lands in the user's home) but reuses the machine's verified Whisper models
(REHEARSE_MODELS), so the 145 MB base model is neither assembled nor hashed again."""

from __future__ import annotations

from pathlib import Path

import pytest

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
