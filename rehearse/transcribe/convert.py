"""CTranslate2 Whisper weights -> an openai-whisper checkpoint, so the openai engine can run the
offline base model (or any CTranslate2 folder) without downloading its own copy.

``read_ct2`` parses model.bin (dequantizing int8/int16 and bfloat16), ``ct2_to_openai`` maps the
variables to openai-whisper's ``dims`` and state dict, ``convert_ct2`` writes ``model.pt``.
"""

from __future__ import annotations

import logging
import re
import struct
from pathlib import Path

import numpy as np

from rehearse.errors import ModelError
from rehearse.files import atomic_writer, write_atomic

log = logging.getLogger(__name__)

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
    import torch  # openai-whisper's engine (4 s to import): only when a model is converted

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
