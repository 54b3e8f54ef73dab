"""Streaming transcription: audio arrives in chunks, words are committed as they settle.

The LocalAgreement-2 policy of whisper_streaming (Macháček, Dabre and Bojar 2023), written
anew: the audio not yet settled (the buffer) is transcribed again after every chunk, prompted
with the committed text before it; the words two successive passes agree on, from the start
of what is not committed yet, are committed. Committed words never change and carry times
from the recording's start. The buffer is cut after the last committed sentence end once it is
long enough, so a pass costs the same at minute 1 and minute 60.

Live decoding is greedy by default (``LIVE_BEAM``): measured on 2 cores with ``base``, beam 5
spends most of real time decoding (see README, Live following); the analysis after the stop
keeps ``base`` with beam 5.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field

import numpy as np

from rehearse.audio import SAMPLE_RATE
from rehearse.models import Word
from rehearse.textnorm import SENTENCE_END, fold

# Greedy decoding: about twice as fast as beam 5 on a CPU, a few more word errors; the
# committed words are only for following, the final analysis decodes again with beam 5.
LIVE_BEAM = 1
LIVE_MODEL = "base"
# Audio that must arrive before another pass (shorter: less delay, more passes decoded).
MIN_CHUNK = 1.0  # s
# The buffer is cut after a committed sentence end once it is this long (longer: more
# context for Whisper, slower passes), and after any committed word once it is MAX_BUFFER
# long (a speaker who never ends a sentence must not slow every pass down).
TRIM_AT = 6.0  # s
MAX_BUFFER = 15.0  # s
# Committed text given as the prompt of a pass (Whisper keeps its last 223 tokens anyway).
PROMPT_CHARS = 200
# A new word starting this long before the last committed word's end is audio already
# committed (Whisper puts a word again at the buffer's edge).
OVERLAP = 0.1  # s
# A hypothesis opening with the last 1..NGRAM committed words, within this long of their end,
# repeats them: they are dropped (as whisper_streaming does).
NGRAM = 5
NGRAM_WINDOW = 1.0  # s
# Audio shorter than this is not decoded (Whisper makes words up in a breath).
MIN_AUDIO = 0.5  # s
# Whisper's window is cut to the buffer (rounded up to CONTEXT_STEP s, CONTEXT_PAD s of
# padding kept): its encoder costs in proportion to it, a third of the 30 s cost for a 10 s
# buffer. Coarser steps: fewer distinct lengths, more padding decoded.
CONTEXT_STEP = 5.0  # s
CONTEXT_PAD = 1.0  # s
# A pass may write at most this many tokens per second of audio (speech is 3-5): a pass
# that loops ("_____...") stops early instead of costing seconds.
TOKENS_PER_SECOND = 8
# ... and never more than this: Whisper's 448 tokens hold it and a full 224-token prompt.
MAX_TOKENS = 220
_PUNCT = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class StreamOptions:
    """How to stream: language (a Whisper code), beam size and the thresholds above."""

    language: str
    beam_size: int = LIVE_BEAM
    min_chunk: float = MIN_CHUNK
    trim_at: float = TRIM_AT
    max_buffer: float = MAX_BUFFER
    short_context: bool = True  # Whisper's window cut to the buffer (see CONTEXT_STEP)


@dataclass(frozen=True)
class Pass:
    """One pass over the buffer: the words it committed, the audio it covered (up to
    ``heard``, seconds from the start) and how long it took to decode."""

    committed: tuple[Word, ...]
    heard: float
    seconds: float
    buffer: float  # seconds of audio decoded


def _key(word: Word) -> str:
    return _PUNCT.sub("", fold(word.text))


@dataclass
class Streamer:
    """Chunks in (``add``), committed words out (``step``): LocalAgreement-2 over a buffer.
    ``model``: ``live_model()``."""

    model: object
    options: StreamOptions
    committed: list[Word] = field(default_factory=list)
    _buffer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    _offset: float = 0.0  # seconds of the recording before the buffer
    _pending: float = 0.0  # seconds added since the last pass
    _before: list[Word] = field(default_factory=list)  # last pass's uncommitted words
    _prompt_from: int = 0  # committed words before the buffer (the prompt is their tail)

    @property
    def heard(self) -> float:
        """Seconds of audio received so far."""
        return self._offset + len(self._buffer) / SAMPLE_RATE

    @property
    def tentative(self) -> tuple[Word, ...]:
        """The last pass's words after the committed ones (the next pass may change them)."""
        return tuple(self._before)

    def add(self, samples: np.ndarray) -> None:
        """Append 16 kHz mono float32 samples."""
        samples = np.asarray(samples, dtype=np.float32).ravel()
        self._buffer = np.concatenate([self._buffer, samples])
        self._pending += len(samples) / SAMPLE_RATE

    def ready(self) -> bool:
        """Enough new audio for another pass."""
        return self._pending >= self.options.min_chunk

    def step(self) -> Pass:
        """Transcribe the buffer, commit what this pass and the last agree on, trim."""
        started = time.perf_counter()
        heard, count = self.heard, len(self.committed)
        buffer = len(self._buffer) / SAMPLE_RATE
        self._pending = 0.0
        words = self._hypothesis()
        agreed = _agreed(self._before, words)
        self.committed.extend(agreed)
        self._before = words[len(agreed) :]
        self._trim()
        done = tuple(self.committed[count:])
        return Pass(done, heard, time.perf_counter() - started, buffer)

    def finish(self) -> tuple[Word, ...]:
        """At the end of the audio: commit the last pass's words as they are."""
        if self._pending > 0:
            self._before = self._hypothesis()
        rest = tuple(self._before)
        self.committed.extend(rest)
        self._before = []
        return rest

    def _hypothesis(self) -> list[Word]:
        """This pass's words after the committed ones, times from the recording's start."""
        length = len(self._buffer) / SAMPLE_RATE
        if length < MIN_AUDIO:
            return []
        before = self.committed[max(0, self._prompt_from - PROMPT_CHARS) : self._prompt_from]
        prompt = "".join(w.text for w in before)[-PROMPT_CHARS:].strip() or None
        self.model.frames = _frames(length, self.options.short_context)
        segments, _ = self.model.transcribe(
            self._buffer,
            language=self.options.language,
            beam_size=self.options.beam_size,
            temperature=[0.0],
            initial_prompt=prompt,
            word_timestamps=True,
            condition_on_previous_text=True,
            max_new_tokens=min(MAX_TOKENS, int(TOKENS_PER_SECOND * length) + 10),
        )
        last = self.committed[-1].end if self.committed else 0.0
        words = [
            Word(
                w.word,
                round(w.start + self._offset, 3),
                round(w.end + self._offset, 3),
                float(w.probability),
            )
            for s in segments
            for w in s.words or ()
        ]
        words = [w for w in words if w.start >= last - OVERLAP and _key(w)]
        return _drop_repeat(self.committed, words)

    def _trim(self) -> None:
        """Cut the buffer after the last committed sentence end past ``trim_at`` (any
        committed word past ``max_buffer``). A buffer ``max_buffer`` long with nothing
        committed to cut at (passes that keep disagreeing, or no speech) commits the last
        pass's words older than ``trim_at`` s as they are, or drops that audio."""
        length = len(self._buffer) / SAMPLE_RATE
        if length < self.options.trim_at:
            return
        inside = [w for w in self.committed[self._prompt_from :] if w.end > self._offset]
        ends = [w for w in inside if w.text.strip().endswith(tuple(SENTENCE_END))]
        if not ends and length >= self.options.max_buffer:
            ends = inside
        if not ends and length >= self.options.max_buffer:
            old = self._offset + length - self.options.trim_at
            forced = [w for w in self._before if w.end <= old]
            self.committed.extend(forced)
            self._before = self._before[len(forced) :]
            ends = forced
            if not forced:
                self._cut(old)
                return
        if not ends:
            return
        self._cut(ends[-1].end)
        self._prompt_from = self.committed.index(ends[-1], self._prompt_from) + 1

    def _cut(self, at: float) -> None:
        """Drop the buffer's audio before ``at`` s."""
        drop = round((at - self._offset) * SAMPLE_RATE)
        self._buffer = self._buffer[max(0, drop) :]
        self._offset = at


def _frames(seconds: float, short: bool) -> int:
    """Mel frames the encoder sees for a buffer this long: 3000 (30 s, as trained), or
    (``short``) the buffer and ``CONTEXT_PAD`` rounded up to ``CONTEXT_STEP`` s."""
    if not short:
        return 3000
    padded = CONTEXT_STEP * np.ceil((seconds + CONTEXT_PAD) / CONTEXT_STEP)
    return int(min(30.0, padded) * 100)


def _agreed(before: list[Word], now: list[Word]) -> list[Word]:
    """The longest common prefix of two passes' words (by folded text), as ``now`` has them."""
    out = []
    for a, b in zip(before, now, strict=False):
        if _key(a) != _key(b):
            break
        out.append(b)
    return out


def _drop_repeat(committed: list[Word], words: list[Word]) -> list[Word]:
    """``words`` without an opening that repeats the last committed words just before it."""
    if not committed or not words or words[0].start - committed[-1].end > NGRAM_WINDOW:
        return words
    for n in range(min(NGRAM, len(committed), len(words)), 0, -1):
        tail = [_key(w) for w in committed[-n:]]
        if [_key(w) for w in words[:n]] == tail:
            return words[n:]
    return words


def live_model(model: str = LIVE_MODEL, threads: int = 0):
    """A faster-whisper model of its own for live passes (never the analysis's cached one:
    its encoder is cut to the buffer, see ``CONTEXT_STEP``)."""
    from rehearse.machine import cores
    from rehearse.transcribe import weights

    source = weights.resolve("faster", model)
    return _short_model_class()(
        source.location, device="cpu", compute_type="int8", cpu_threads=threads or cores()
    )


@functools.cache
def _short_model_class():
    from faster_whisper import WhisperModel

    class ShortWhisper(WhisperModel):
        """Whisper whose encoder sees ``frames`` mel frames, not the 3000 of 30 s: the
        zeros faster-whisper pads a short window with are left out."""

        frames = 3000

        def encode(self, features):
            return super().encode(features[..., : self.frames])

    return ShortWhisper
