"""File helpers every stage shares: content hashes and writes a reader never sees half done."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_writer(path: Path, mode: str = "wb", **kwargs) -> Iterator[IO]:
    """Write to a temporary file beside ``path``, then rename it into place; on failure the
    temporary file is removed and ``path`` is untouched."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as out:
            yield out
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """``path`` holds ``data`` (text as UTF-8), written atomically."""
    if isinstance(data, str):
        with atomic_writer(path, "w", encoding="utf-8") as out:
            out.write(data)
    else:
        with atomic_writer(path) as out:
            out.write(data)


def probe_folder(folder: Path) -> None:
    """OSError if no file can be made in ``folder``, or, while it does not exist yet, in the
    nearest folder above it that does. Leaves nothing behind (folders are not created; a
    probe file is removed at once)."""
    folder = Path(folder)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise NotADirectoryError(20, "Not a directory")
    with tempfile.TemporaryFile(dir=existing, prefix=".rehearse-probe-"):
        pass
