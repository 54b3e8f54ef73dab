"""Transcription: a recording -> a Transcript with word timestamps, from one of two engines.

``faster`` (default) is faster-whisper / CTranslate2 (int8 on CPU); ``openai`` is the
reference openai-whisper (fp32 on CPU, fp16 on CUDA). Both get the same decoded samples,
decode at temperature 0 first and produce the same Transcript. The recording is read as a
stream: one pass measures its levels (silence check, quiet frames) while the model loads, the
language check reads up to 90 s of it, and the transcription goes window by window
(``windows.py``: a few minutes each, cut in silences), each window prompted with the text of
the one before, so memory stays flat however long the talk. Batched (``batch_size``, the
faster engine only), the recording is cut in silences into chunks of at most 30 s instead,
and a batch of them is decoded side by side, without the text before as context. Results are
cached by audio content + engine + model + decoding and windowing options, so the same
recording is never transcribed twice.

This is the only module that imports whisper, faster_whisper or ctranslate2 (lazily).

Over 500 lines because the two engines, the language check, the cache and the gap repair
are steps of the one pass ``transcribe`` runs and share its private helpers (``_segment``,
``_drop_collapsed``, ``_shifted``); the parts that stand alone (windows, weights, convert,
hearing, stream) have their own modules.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from rehearse.audio import QUIET_FRAME, SAMPLE_RATE, Levels, audio_file, probe_duration, scan, spans
from rehearse.errors import AudioError, LanguageMismatchError, ModelError, first_line
from rehearse.files import sha256_file, write_atomic
from rehearse.languages import language_code, language_name
from rehearse.machine import cores
from rehearse.models import Segment, Span, Transcript, Word, from_dict, to_dict
from rehearse.stages import TRANSCRIPTION, Tracker
from rehearse.timing import WORD_BASE, WORD_PER_LETTER, snap_to_silence
from rehearse.transcribe import weights, windows

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]  # (seconds of audio done, of the window's seconds)

# 2: dropped speech re-transcribed, word edges snapped to silences; 4: windowed, the window,
# the batch size in the key; 5: the language check decided on the recording as a whole;
# 6: each segment keeps Whisper's confidence (avg_logprob, no_speech_prob, compression_ratio);
# 7: ... (a batched transcript's key also names its chunk size: our chunks, not Whisper's VAD)
CACHE_VERSION = 7
DETECT_SECONDS = 30.0
# The previous window's text is the next one's prompt, as Whisper carries it between its own
# 30 s chunks: the faster engine gets its tokens (timestamps included, as Whisper's own), the
# openai engine its text. Both engines keep the last 223 tokens of a prompt, so no more is kept;
# the text is cut to about as many characters.
CONTEXT_TOKENS = 223
CONTEXT_CHARS = 1000
# Each window is transcribed this far past its cut and the words after the cut are dropped
# (the next window has them): Whisper's last 30 s chunk of a window then ends in speech, not
# in the silence it pads with, where it loops or makes words up. Longer: more margin for
# that; shorter: less audio decoded twice (at most this much per window).
LOOKAHEAD = 10.0  # s
# Whisper sometimes drops a stretch of speech (seen on a restart: 23 s of the talk said again
# came out as nothing). A gap between words this long is checked for speech...
REPAIR_GAP = 2.0  # s
REPAIR_SPEECH = 0.5  # ... and transcribed on its own when at least this share of it is not quiet,
SOUND_RUN = 0.2  # s; counted from the first to the last run this long that is mostly sound (a
SOUND_MIN = 1.0  # s; pause at its end is not counted), which must last this long
# Whisper's loops leave segments of several words squeezed into a few milliseconds.
FASTEST_WORDS = 10.0  # words per second no speaker reaches: a segment faster is dropped
# The recording's language is decided on the recording as a whole: a first 30 s of speech
# this sure of the forced language settles it (no more audio decoded); else the language
# with the most probability mass over up to three 30 s windows. Lower: fewer windows decoded,
# but a doubtful start is trusted.
FIRST_WINDOW_SURE = 0.8
# A forced language is rejected when another language has the most mass and the forced one
# gets less than this share of it (see LanguageGuess.contradicts). Higher: a related
# language (Czech for Polish) could refuse a real take; lower: translated nonsense passes.
MISMATCH_FORCED = 0.1
# Whisper's own rule for a 30 s chunk that holds no speech, which the plain path applies and
# the batched one does not: no speech this likely and tokens below this mean log-probability.
NO_SPEECH_THRESHOLD = 0.6
LOGPROB_THRESHOLD = -1.0


@dataclass(frozen=True)
class TranscribeOptions:
    """How to transcribe. ``language``: a code or name in any case (stored as Whisper's code;
    InputError if Whisper does not know it), None detects it; ``expected``: the language the
    notes are written in, transcribed in unless the recording clearly is in another (a
    bilingual speaker's notes), then in the recording's; ``temperature`` starts at 0.
    ``threads`` changes the speed only, never the transcript (it is not in the cache key)."""

    engine: str = "faster"
    model: str = "base"
    language: str | None = None
    expected: str | None = None
    vad: bool = False
    initial_prompt: str | None = None
    beam_size: int = 5
    cache: bool = True
    cache_dir: Path | None = None
    check_language: bool = True
    temperature: tuple[float, ...] = (0.0,)
    threads: int = 0  # CPU threads for the engine; 0: every core this process may use
    window: float = windows.WINDOW  # s of audio transcribed at a time (see windows.py)
    # >0: faster-whisper's BatchedInferencePipeline decodes this many chunks at once (the
    # faster engine only; chunks of ``windows.CHUNK`` cut in silences, each without the text
    # before it); 0: window by window, each 30 s prompted with the text before
    batch_size: int = 0

    def __post_init__(self) -> None:
        for name in ("language", "expected"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, language_code(getattr(self, name)))


@dataclass(frozen=True)
class TranscribeResult:
    """A transcript, whether it came from the cache, and the seconds this call took."""

    transcript: Transcript
    cached: bool
    seconds: float
    sha256: str


@dataclass(frozen=True)
class LanguageGuess:
    """The engine's language detection on 30 s of speech, or over several such windows."""

    language: str
    probability: float
    probabilities: dict[str, float] = field(default_factory=dict)

    def prob(self, language: str) -> float:
        return self.probabilities.get(language, self.probability * (language == self.language))

    def contradicts(self, language: str) -> bool:
        """Another language is the likeliest and ``language`` has (almost) no chance."""
        return self.language != language and self.prob(language) < MISMATCH_FORCED

    @classmethod
    def pooled(cls, guesses: list[LanguageGuess]) -> LanguageGuess:
        """The guess over several windows: each language's mean probability over them."""
        mass: dict[str, float] = {}
        for guess in guesses:
            for language in {guess.language, *guess.probabilities}:
                mass[language] = mass.get(language, 0.0) + guess.prob(language) / len(guesses)
        ranked = dict(sorted(mass.items(), key=lambda x: -x[1]))
        language = next(iter(ranked))
        return cls(language, ranked[language], ranked)


def transcribe(
    path: str | Path,
    options: TranscribeOptions = TranscribeOptions(),
    *,
    progress: Tracker | None = None,
) -> TranscribeResult:
    """Transcribe ``path`` with word timestamps (from the cache when possible); ``progress``
    hears of the decoding, language check and transcribing stages."""
    started = time.perf_counter()
    tracker = progress or Tracker(stages=TRANSCRIPTION)
    path = audio_file(path)
    sha256 = sha256_file(path)
    source = weights.resolve(options.engine, options.model)
    key = cache_key(sha256, source, options)
    cache_file = _cache_dir(options) / f"{_digest(key)[:32]}.json"
    entry = _read_cache(cache_file, key) if options.cache else None
    if entry and entry[0].language == _spoken(entry[1], entry[2], options):
        transcript, guess, contradicted = entry
        _check_language(guess, contradicted, options, str(path))
        tracker.skip(*TRANSCRIPTION)
        tracker.audio_length(transcript.duration)
        return TranscribeResult(transcript, True, time.perf_counter() - started, sha256)
    engine, levels = _load_while_decoding(path, source, options, tracker)
    guess, contradicted = _detect(engine, path, levels, options.language or options.expected)
    _check_language(guess, contradicted, options, str(path))
    language = _spoken(guess, contradicted, options)
    log.info("transcribing %s (%s, %s, language %s)", path, source.engine, source.name, language)
    quiet = levels.quiet()
    update = tracker.start("transcribing", levels.duration, audio=True)
    run = _Run(engine, path, levels, quiet, language, options, update)
    batched = options.batch_size and isinstance(engine, FasterEngine)
    segments = _transcribe_batched(run) if batched else _transcribe_windows(run)
    segments = snap_to_silence(segments, quiet)
    if not any(s.words for s in segments):
        raise AudioError(f"{path}: no speech recognised")
    transcript = Transcript(
        unheard=unheard(segments, quiet, levels.duration),
        language=language,
        duration=levels.duration,
        engine=source.engine,
        model=options.model,
        segments=tuple(segments),
        language_probability=guess.prob(language),
        initial_prompt=options.initial_prompt,
    )
    seconds = time.perf_counter() - started
    if options.cache:
        _write_cache(cache_file, key, transcript, (guess, contradicted), seconds)
    return TranscribeResult(transcript, False, seconds, sha256)


def _load_while_decoding(
    path: Path, source: weights.ModelSource, options: TranscribeOptions, tracker: Tracker
) -> tuple[FasterEngine | OpenaiEngine, Levels]:
    """The engine, and the recording's levels: the model loads while the recording is decoded
    (each takes seconds, mostly outside the GIL); a recording that cannot be read is still the
    first error."""
    stated = probe_duration(path)
    tracker.audio_length(stated)
    pool = ThreadPoolExecutor(1, thread_name_prefix="rehearse-model")
    try:
        loading = pool.submit(_ENGINES[source.engine], source, _threads(options))
        levels = scan(path, tracker.start("decoding", stated, audio=True))
        tracker.audio_length(levels.duration)
        tracker.start("language")
        return loading.result(), levels
    finally:
        pool.shutdown(wait=False)


@dataclass(frozen=True, eq=False)
class _Run:
    """One transcription pass over a recording: the loaded engine, the recording, its levels
    and quiet frames, the language, the options, and where the seconds heard so far go."""

    engine: FasterEngine | OpenaiEngine
    path: Path
    levels: Levels
    quiet: np.ndarray
    language: str
    options: TranscribeOptions
    progress: Callable[[float], None]

    def settled(self, heard: list[Segment], samples: np.ndarray, start: float) -> list[Segment]:
        """``heard`` in ``samples``, which start ``start`` s into the recording: collapsed
        segments dropped, gaps heard again, times in the recording's."""
        heard = _drop_collapsed(heard)
        engine, language, options = self.engine, self.language, self.options
        heard = _repair_gaps(engine, samples, start, heard, language, options, self.quiet)
        return _shifted(heard, start)


def _transcribe_windows(run: _Run) -> list[Segment]:
    """The recording transcribed window by window (one window's samples in memory at a
    time), each prompted with what was heard in the one before, times in the recording's."""
    duration = run.levels.duration
    planned = windows.plan(run.quiet, duration, run.options.window)
    reach = [(w.bounds[0], round(min(w.end + LOOKAHEAD, duration) * SAMPLE_RATE)) for w in planned]
    out, context = [], run.options.initial_prompt
    for window, samples in zip(planned, spans(run.path, reach), strict=True):

        def heard_until(done: float, _total: float, start: float = window.start) -> None:
            run.progress(start + done)

        last = window is planned[-1]
        until = None if last else window.silence_end - window.start
        heard, said = run.engine.transcribe(
            samples, run.language, run.options, context, heard_until, until
        )
        own = samples[: window.bounds[1] - window.bounds[0]]
        out.extend(run.settled(heard, own, window.start))
        context = said or context
        run.progress(window.end)
    return _monotonic(out)


def _transcribe_batched(run: _Run) -> list[Segment]:
    """The recording cut in silences into chunks Whisper takes whole (``windows.CHUNK``), the
    chunks with sound decoded ``batch_size`` at a time side by side (one batch's samples in
    memory at a time), times in the recording's."""
    quiet, duration = run.quiet, run.levels.duration
    chunks = [
        c
        for c in windows.plan(quiet, duration, windows.CHUNK)
        if len(_sound(quiet[int(c.start / QUIET_FRAME) : int(c.end / QUIET_FRAME)]))
    ]
    size = run.options.batch_size
    batches = [chunks[i : i + size] for i in range(0, len(chunks), size)]
    reach = [(b[0].bounds[0], b[-1].bounds[1]) for b in batches]
    out = []
    for batch, samples in zip(batches, spans(run.path, reach), strict=True):
        start = batch[0].start
        clips = [(c.start - start, c.end - start) for c in batch]
        heard = run.engine.transcribe_clips(samples, clips, run.language, run.options)
        out.extend(run.settled(heard, samples, start))
        run.progress(batch[-1].end)
    run.progress(duration)
    return _monotonic(out)


def _shifted(segments: list[Segment], offset: float) -> list[Segment]:
    """``segments`` with their times moved ``offset`` seconds later."""
    if not offset:
        return segments

    def at(t: float) -> float:
        return round(t + offset, 3)

    return [
        replace(
            s,
            start=at(s.start),
            end=at(s.end),
            words=tuple(Word(w.text, at(w.start), at(w.end), w.probability) for w in s.words),
        )
        for s in segments
    ]


def _detect(engine, path: Path, levels: Levels, forced: str | None) -> tuple[LanguageGuess, bool]:
    """The recording's language and whether it contradicts the forced one. Without a forced
    language, or when the first 30 s of speech are sure of it: the first window's guess.
    Else the guess pooled over up to three 30 s windows, so the recording as a whole decides
    (an English greeting before a Polish talk is no mismatch; a Polish talk whose later
    windows are less sure still is one). Only the windows looked at are decoded."""
    detected = _detect_windows(path, levels)
    try:
        first = engine.detect(next(detected))
        if not forced or (first.language == forced and first.probability >= FIRST_WINDOW_SURE):
            return first, False
        whole = LanguageGuess.pooled([first, *(engine.detect(w) for w in detected)])
        return whole, whole.contradicts(forced)
    finally:
        detected.close()


def _detect_windows(path: Path, levels: Levels, count: int = 3) -> Iterator[np.ndarray]:
    size = int(DETECT_SECONDS * SAMPLE_RATE)
    start = int(levels.speech_start() * SAMPLE_RATE)
    bounds = [(start + i * size, start + (i + 1) * size) for i in range(count)]
    for i, window in enumerate(spans(path, bounds)):
        if i and len(window) < size // 3:
            return
        yield window


def _spoken(guess: LanguageGuess, contradicted: bool, options: TranscribeOptions) -> str:
    """The language to transcribe in: the forced one; else the expected one, unless the
    recording clearly is in another; else the recording's."""
    if options.language:
        return options.language
    if options.expected and not contradicted:
        return options.expected
    return guess.language


def _check_language(
    guess: LanguageGuess, contradicted: bool, options: TranscribeOptions, path: str
) -> None:
    forced = options.language
    if forced and options.check_language and contradicted:
        raise LanguageMismatchError(
            f"{path} sounds like {language_name(guess.language)} (p={guess.probability:.2f} over "
            f"the recording), but the language is set to {language_name(forced)} "
            f"(p={guess.prob(forced):.2f}); pass --language {guess.language} to analyse it in "
            f"{language_name(guess.language)}, or --no-language-check to keep {forced}"
        )


# --- the transcript cache ---------------------------------------------------------------


def cache_key(sha256: str, source: weights.ModelSource, options: TranscribeOptions) -> dict:
    """Everything that changes a transcript: audio content, engine, model, decoding options,
    the window size (batched: the chunk size). A forced and an expected language share a
    key (a recording in that language gives the same transcript); an entry answers only when
    its transcript's language is the one this call would transcribe in, from its stored
    language guess."""
    batch_size = options.batch_size if source.engine == "faster" else 0
    chunk = {"chunk": windows.CHUNK} if batch_size else {}  # the plain keys stay as they were
    return {
        "version": CACHE_VERSION,
        "audio": sha256,
        "engine": source.engine,
        "model": source.identity,
        "language": options.language or options.expected,  # what the entry's language says
        "vad": options.vad and source.engine == "faster",
        "initial_prompt": options.initial_prompt,
        "beam_size": options.beam_size,
        "temperature": list(options.temperature),
        "window": options.window,
        "batch_size": batch_size,
        **chunk,
    }


def _cache_dir(options: TranscribeOptions) -> Path:
    return Path(options.cache_dir) if options.cache_dir else weights.home() / "transcripts"


def _digest(key: dict) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _read_cache(path: Path, key: dict) -> tuple[Transcript, LanguageGuess, bool] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry["key"] != key:
            return None
        guess = LanguageGuess(**entry["guess"])
        return from_dict(Transcript, entry["transcript"]), guess, bool(entry["contradicted"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable cached transcript %s (%s)", path, exc)
        return None


def _write_cache(
    path: Path,
    key: dict,
    transcript: Transcript,
    language: tuple[LanguageGuess, bool],
    seconds: float,
) -> None:
    entry = {
        "key": key,
        "seconds": seconds,
        "guess": asdict(language[0]),
        "contradicted": language[1],
        "transcript": to_dict(transcript),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False))
    except OSError as exc:
        log.warning("could not cache the transcript in %s (%s)", path.parent, exc)


# --- engines ---------------------------------------------------------------------------


def _threads(options: TranscribeOptions) -> int:
    return options.threads or cores()


def _model_error(source: weights.ModelSource, exc: Exception) -> ModelError:
    reason = first_line(exc)
    hint = "" if source.local else " (no network? the offline model is --model base)"
    return ModelError(f"cannot load the {source.engine} model {source.name!r}: {reason}{hint}")


class FasterEngine:
    """faster-whisper on CTranslate2: int8 on CPU, float16 on CUDA."""

    def __init__(self, source: weights.ModelSource, threads: int = 0) -> None:
        self.source = source
        threads = threads or cores()
        self.model = _faster_model(source.location, source.local, threads)

    def detect(self, samples: np.ndarray) -> LanguageGuess:
        if not self.model.model.is_multilingual:
            return LanguageGuess("en", 1.0, {"en": 1.0})
        language, probability, probs = self.model.detect_language(samples)
        return LanguageGuess(language, float(probability), _top(probs))

    def transcribe(
        self,
        samples: np.ndarray,
        language: str,
        options: TranscribeOptions,
        prompt: str | list[int] | None,
        progress: Progress | None,
        until: float | None = None,
    ) -> tuple[list[Segment], list[int] | None]:
        """Segments of ``samples`` (times from their start) and the tokens to prompt what
        follows with; ``prompt``: the text or tokens before. With ``until`` (seconds: where the
        silence the window is cut in ends), the words that end later are dropped and decoding
        stops at the first segment that starts there."""
        duration = len(samples) / SAMPLE_RATE
        end = duration if until is None else min(until, duration)
        settings = {
            "language": language,
            "beam_size": options.beam_size,
            "temperature": list(options.temperature),
            "initial_prompt": prompt,
            "word_timestamps": True,
            "vad_filter": options.vad,
        }
        segments, _ = self.model.transcribe(samples, **settings)
        out, tokens = [], []
        for s in segments:
            if s.start >= end:
                break
            words = [
                (w.word, w.start, w.end, w.probability)
                for w in s.words or ()
                if _before(w.end, end)
            ]
            if len(words) == len(s.words or ()):
                tokens.extend(s.tokens)
            if words:
                sure = (s.avg_logprob, s.no_speech_prob, s.compression_ratio)
                out.append(_segment(s.start, min(s.end, end), s.text, words, end, sure))
            if progress:
                progress(min(s.end, end), end)
        return _monotonic(out), tokens[-CONTEXT_TOKENS:] or None

    def transcribe_clips(
        self,
        samples: np.ndarray,
        clips: Sequence[tuple[float, float]],
        language: str,
        options: TranscribeOptions,
    ) -> list[Segment]:
        """Segments of the ``clips`` of ``samples`` (``(start, end)`` s, at most 30 s each,
        times from the samples' start), decoded side by side in one batch, each clip one
        segment, prompted with ``options.initial_prompt`` only; a clip Whisper takes for
        silence (``NO_SPEECH_THRESHOLD``) gives none."""
        segments, _ = _batched(self.model).transcribe(
            samples,
            language=language,
            beam_size=options.beam_size,
            temperature=list(options.temperature),
            initial_prompt=options.initial_prompt,
            word_timestamps=True,
            vad_filter=False,
            clip_timestamps=[{"start": a, "end": b} for a, b in clips],
            batch_size=max(len(clips), 1),
        )
        out, duration = [], len(samples) / SAMPLE_RATE
        for s in segments:
            silent = s.no_speech_prob > NO_SPEECH_THRESHOLD and s.avg_logprob < LOGPROB_THRESHOLD
            words = [(w.word, w.start, w.end, w.probability) for w in s.words or ()]
            if words and not silent:
                sure = (s.avg_logprob, s.no_speech_prob, s.compression_ratio)
                out.append(_segment(s.start, s.end, s.text, words, duration, sure))
        return _monotonic(out)


@functools.cache
def _batched(model):
    # The Whisper engines load on first use, not with the CLI (faster-whisper 0.1 s,
    # openai-whisper with torch 5 s).
    from faster_whisper import BatchedInferencePipeline

    return BatchedInferencePipeline(model)


@functools.cache
def _faster_model(location: str, local: bool, threads: int):
    # A Whisper engine: loaded on first use (see ``_batched``).
    import ctranslate2
    from faster_whisper import WhisperModel

    cuda = ctranslate2.get_cuda_device_count() > 0
    settings = {
        "device": "cuda" if cuda else "cpu",
        "compute_type": "float16" if cuda else "int8",
        "cpu_threads": threads,
    }
    source = weights.ModelSource("faster", location, location, local, location)
    try:
        if not local:
            try:
                return WhisperModel(location, local_files_only=True, **settings)
            except Exception:
                log.info("%s is not in the local cache; downloading it", location)
        return WhisperModel(location, **settings)
    except Exception as exc:
        raise _model_error(source, exc) from None


class OpenaiEngine:
    """The reference openai-whisper on torch: fp32 on CPU, fp16 on CUDA."""

    def __init__(self, source: weights.ModelSource, threads: int = 0) -> None:
        self.source = source
        threads = threads or cores()
        self.model = _openai_model(source.location, source.local, source.alignment_heads, threads)

    def detect(self, samples: np.ndarray) -> LanguageGuess:
        import whisper  # a Whisper engine: loaded on first use (see ``_batched``)

        if not self.model.is_multilingual:
            return LanguageGuess("en", 1.0, {"en": 1.0})
        audio = whisper.pad_or_trim(samples)
        mel = whisper.log_mel_spectrogram(audio, n_mels=self.model.dims.n_mels).to(
            self.model.device
        )
        _, probs = self.model.detect_language(mel)
        top = _top(probs.items())
        language = next(iter(top))
        return LanguageGuess(language, top[language], top)

    def transcribe(
        self,
        samples: np.ndarray,
        language: str,
        options: TranscribeOptions,
        prompt: str | None,
        progress: Progress | None,
        until: float | None = None,
    ) -> tuple[list[Segment], str | None]:
        """Segments of ``samples`` (times from their start) and the text to prompt what
        follows with; ``prompt``: the text before. With ``until`` (seconds: where the silence
        the window is cut in ends), the words that end later are dropped."""
        whisper_transcribe = importlib.import_module("whisper.transcribe")
        if options.vad or options.batch_size:
            log.warning(
                "--vad and batching work with the faster engine only; the openai engine "
                "ignores them"
            )
        duration = len(samples) / SAMPLE_RATE
        end = duration if until is None else min(until, duration)
        with _whisper_progress(whisper_transcribe, progress, end):
            result = whisper_transcribe.transcribe(
                self.model,
                samples,
                language=language,
                beam_size=options.beam_size,
                temperature=options.temperature,
                initial_prompt=prompt,
                word_timestamps=True,
                fp16=self.model.device.type == "cuda",
                verbose=False if progress else None,
            )
        out = []
        for s in result["segments"]:
            words = [
                (w["word"], w["start"], w["end"], w["probability"])
                for w in s.get("words", ())
                if _before(w["end"], end)
            ]
            if s["start"] < end and words:
                sure = (s["avg_logprob"], s["no_speech_prob"], s["compression_ratio"])
                out.append(_segment(s["start"], min(s["end"], end), s["text"], words, end, sure))
        if progress:
            progress(end, end)
        text = "".join(w.text for s in out for w in s.words)
        if len(text) > CONTEXT_CHARS:  # from the first word start within the last characters
            text = text[-CONTEXT_CHARS:].split(" ", 1)[-1]
        return _monotonic(out), text.strip() or None


@functools.cache
def _openai_model(
    location: str, local: bool, heads: tuple[tuple[int, int], ...] | None, threads: int
):
    # A Whisper engine: loaded on first use (see ``_batched``).
    import torch
    import whisper

    torch.set_num_threads(threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        model = whisper.load_model(location, device=device)
    except Exception as exc:
        raise _model_error(
            weights.ModelSource("openai", location, location, local, location), exc
        ) from None
    if heads:
        model.set_alignment_heads(
            _heads_dump(heads, model.dims.n_text_layer, model.dims.n_text_head)
        )
    return model


def _heads_dump(heads: Sequence[tuple[int, int]], layers: int, per_layer: int) -> bytes:
    """Alignment heads in the base85(gzip(bool array)) form whisper's set_alignment_heads reads."""
    mask = np.zeros((layers, per_layer), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


class _WhisperBar:
    """Stands in for tqdm inside whisper.transcribe and reports audio seconds done."""

    def __init__(self, progress: Progress, duration: float) -> None:
        self.progress, self.duration, self.frames = progress, duration, 0

    def tqdm(self, *args, **kwargs) -> _WhisperBar:
        self.total = max(kwargs.get("total") or 1, 1)
        return self

    def __enter__(self) -> _WhisperBar:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, frames: int) -> None:
        self.frames += frames
        self.progress(self.duration * min(self.frames / self.total, 1.0), self.duration)


@contextmanager
def _whisper_progress(module, progress: Progress | None, duration: float) -> Iterator[None]:
    """Temporarily route whisper.transcribe's progress bar to ``progress``."""
    saved = module.tqdm
    if progress:
        module.tqdm = _WhisperBar(progress, duration)
    try:
        yield
    finally:
        module.tqdm = saved


_ENGINES = {"faster": FasterEngine, "openai": OpenaiEngine}


# --- shaping both engines' output into the shared model ---------------------------------


def _top(probs, floor: float = 0.001) -> dict[str, float]:
    """Language probabilities worth keeping, most likely first."""
    ranked = sorted(((lang, float(p)) for lang, p in probs), key=lambda x: -x[1])
    return {lang: p for i, (lang, p) in enumerate(ranked) if i == 0 or p >= floor}


def _before(end: float, until: float) -> bool:
    """Whether a word belongs to a window cut in a silence that ends at ``until``: it ends
    by then. The word after that silence ends later, although Whisper often starts it early,
    in the silence; the word before it would have to overrun the whole silence to be lost."""
    return end <= until


def _segment(
    start: float,
    end: float,
    text: str,
    words: list,
    duration: float,
    sure: tuple[float | None, float | None, float | None] = (None, None, None),
) -> Segment:
    """A segment in the shared model; ``sure``: Whisper's avg_logprob, no_speech_prob and
    compression_ratio for it."""

    def clamp(t: float) -> float:
        return round(min(max(float(t), 0.0), duration), 3)

    shaped = tuple(
        Word(text=w, start=clamp(s), end=max(clamp(e), clamp(s)), probability=float(p))
        for w, s, e, p in words
    )
    logprob, no_speech, compression = (None if v is None else round(float(v), 4) for v in sure)
    return Segment(
        start=clamp(start),
        end=max(clamp(end), clamp(start)),
        text=text,
        words=shaped,
        avg_logprob=logprob,
        no_speech_prob=no_speech,
        compression_ratio=compression,
    )


def _drop_collapsed(segments: list[Segment]) -> list[Segment]:
    """``segments`` without those whose words come faster than anyone speaks (loops)."""
    kept = []
    for s in segments:
        span = s.words[-1].end - s.words[0].start if s.words else 0.0
        if len(s.words) >= 3 and len(s.words) > FASTEST_WORDS * span:
            log.info("dropped a collapsed segment at %.2f s: %s", s.start, s.text.strip())
            continue
        kept.append(s)
    return kept


def unheard(segments: Sequence[Segment], quiet: np.ndarray, duration: float) -> tuple[Span, ...]:
    """The stretches of ``REPAIR_GAP`` s or more with no word, or inside a stretched word,
    that are mostly not quiet (``REPAIR_SPEECH``): sound in which Whisper, even asked again,
    recognised no word."""
    words = sorted((w for s in segments for w in s.words), key=lambda w: w.start)
    return tuple(
        Span(round(start, 3), round(end, 3))
        for start, end, _ in _holes(words, duration, quiet, 0.0)
    )


def _holes(words: Sequence[Word], duration: float, quiet: np.ndarray, offset: float):
    """``(start, end, word)`` for each stretch Whisper may have dropped speech in: a gap
    between words (``word`` None), or a word longer than its letters allow by ``REPAIR_GAP``
    s or more (whisper gives the last word of a segment the rest of the segment, up to
    20 s of speech that then has no words), when the stretch is mostly not quiet once the
    silences at its ends are left out (a dropped line followed by a long pause). Times are
    ``offset`` s before the recording's (a window's)."""
    edges = [0.0, *(t for w in words for t in (w.start, w.end)), duration]
    stretches = [(a, b, None) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    stretches += [(w.start, w.end, i) for i, w in enumerate(words) if _stretched(w)]
    for start, end, word in sorted(stretches, key=lambda s: s[0]):
        spoken_from = start if word is None else start + _longest(words[word])
        a, b = int((offset + spoken_from) / QUIET_FRAME), int((offset + end) / QUIET_FRAME)
        sound = _sound(quiet[a:b])
        long_enough = end - spoken_from >= REPAIR_GAP and len(sound) * QUIET_FRAME >= SOUND_MIN
        if long_enough and sound.mean() >= REPAIR_SPEECH:
            yield start, end, word


def _sound(quiet: np.ndarray) -> np.ndarray:
    """Which of these frames are not quiet, from the first to the last that begins a run
    of ``SOUND_RUN`` s mostly not quiet (a click in a silence is no sound)."""
    frames = round(SOUND_RUN / QUIET_FRAME)
    sound = ~quiet
    if len(sound) < frames:
        return sound[:0]
    runs = np.flatnonzero(np.convolve(sound, np.ones(frames), "valid") > frames / 2)
    return sound[runs[0] : runs[-1] + frames] if len(runs) else sound[:0]


def _longest(word: Word) -> float:
    """The longest a word with these letters takes to say (a drawn-out one included)."""
    return WORD_BASE + WORD_PER_LETTER * sum(c.isalnum() for c in word.text)


def _stretched(word: Word) -> bool:
    return word.end - word.start - _longest(word) >= REPAIR_GAP


def _repair_gaps(
    engine,
    samples: np.ndarray,
    offset: float,
    segments: list[Segment],
    language: str,
    options: TranscribeOptions,
    quiet: np.ndarray,
) -> list[Segment]:
    """``segments`` of a window (``samples``, starting ``offset`` s into the recording; times
    from the window's start) with every hole (``_holes``) transcribed on its own and filled
    with what is heard there; a stretched word is replaced by what is heard over its span."""
    words = sorted((w for s in segments for w in s.words), key=lambda w: w.start)
    found, replaced, filled = [], set(), []
    for start, end, word in _holes(words, len(samples) / SAMPLE_RATE, quiet, offset):
        piece = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        log.info("%.1f-%.1f s: speech but no words; transcribing it", offset + start, offset + end)
        heard, _ = engine.transcribe(piece, language, options, options.initial_prompt, None)
        for s in _shifted(_drop_collapsed(heard), start):
            moved = tuple(w for w in s.words if w.end <= end)
            if moved:
                found.append(replace(s, start=moved[0].start, end=moved[-1].end, words=moved))
                filled.append(start)
                if word is not None:
                    replaced.add(words[word])
    if not found:
        return segments
    kept = [piece for s in segments for piece in _split(s, replaced, filled)]
    return _monotonic(sorted([*kept, *found], key=lambda s: s.start))


def _split(segment: Segment, dropped: set[Word], holes: list[float]) -> list[Segment]:
    """``segment`` without the ``dropped`` words, split at each filled hole it spans (the
    words after a hole are said after what fills it), each piece's text and times its own."""
    pieces, piece = [], []
    for word in segment.words:
        if piece and any(piece[-1].start < t <= word.start for t in holes):
            pieces.append(piece)
            piece = []
        if word not in dropped:
            piece.append(word)
    pieces.append(piece)
    if len(pieces) == 1 and len(piece) == len(segment.words):
        return [segment]
    return [
        replace(
            segment,
            start=p[0].start,
            end=p[-1].end,
            text="".join(w.text for w in p),
            words=tuple(p),
        )
        for p in pieces
        if p
    ]


def _monotonic(segments: list[Segment]) -> list[Segment]:
    """Word starts never go back in time (whisper's timings can overlap by a few ms)."""
    out, last = [], 0.0
    for s in segments:
        words = []
        for w in s.words:
            start = max(w.start, last)
            words.append(Word(w.text, start, max(w.end, start), w.probability))
            last = start
        out.append(replace(s, words=tuple(words)))
    return out
