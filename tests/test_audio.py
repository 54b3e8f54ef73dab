"""Audio decoding with PyAV: every common format, and one clear error for bad input."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np
import pytest
from clips import decode, load_audio
from typer.testing import CliRunner

from rehearse.audio import BLOCK, SAMPLE_RATE, measure_levels, scan, spans, stream
from rehearse.cli import app
from rehearse.errors import AudioError

FORMATS = ["jfk.wav", "jfk.mp3", "jfk.m4a", "jfk.ogg", "jfk.webm", "jfk.mp4"]


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_decodes_to_16k_mono_float32(data_dir: Path, name: str) -> None:
    audio = load_audio(data_dir / name)
    reference = load_audio(data_dir / "jfk.wav")
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration == pytest.approx(4.0, abs=0.05)
    assert np.abs(audio.samples).max() <= 1.5
    rms = np.sqrt(np.mean(audio.samples**2))
    assert rms == pytest.approx(np.sqrt(np.mean(reference.samples**2)), rel=0.25)
    assert audio.sha256 == hashlib.sha256((data_dir / name).read_bytes()).hexdigest()


def test_flac_keeps_the_whole_recording(data_dir: Path) -> None:
    audio = load_audio(data_dir / "jfk.flac")
    assert audio.duration == pytest.approx(11.0, abs=0.01)
    assert 0.1 < audio.speech_start() < 1.0


def test_stereo_44k_is_downmixed_and_resampled(tmp_path: Path) -> None:
    t = np.arange(44_100 * 2) / 44_100
    tone = 0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 2 * t) > 0)
    pcm = (np.stack([tone, tone], axis=1) * 32767).astype("<i2")
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44_100)
        out.writeframes(pcm.tobytes())
    audio = load_audio(path)
    assert audio.duration == pytest.approx(2.0, abs=0.01)
    assert 0.25 < np.abs(audio.samples).max() <= 1.0


def test_quiet_speech_is_not_silence(tmp_path: Path, data_dir: Path) -> None:
    speech = load_audio(data_dir / "jfk.wav").samples
    quiet = speech / np.abs(speech).max() * 10 ** (-35 / 20)
    audio = load_audio(write_wav(tmp_path / "quiet.wav", quiet))
    assert audio.duration == pytest.approx(4.0, abs=0.01)


@pytest.fixture(params=["load_audio", "scan"])
def read(request):
    """Both ways in: a short clip decoded whole, and a talk scanned as a stream."""
    return {"load_audio": load_audio, "scan": scan}[request.param]


def test_missing_file(tmp_path: Path, read) -> None:
    with pytest.raises(AudioError, match="no such file"):
        read(tmp_path / "nothere.m4a")


def test_folder_is_not_a_recording(tmp_path: Path, read) -> None:
    with pytest.raises(AudioError, match="not a file"):
        read(tmp_path)


def test_empty_file(tmp_path: Path, read) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(AudioError, match="empty"):
        read(path)


@pytest.mark.parametrize("content", [b"not audio at all\n" * 50, bytes(range(256)) * 40])
def test_corrupt_file(tmp_path: Path, content: bytes, read) -> None:
    path = tmp_path / "corrupt.mp3"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=r"cannot decode|no audio"):
        read(path)


def test_truncated_header(tmp_path: Path, data_dir: Path, read) -> None:
    path = tmp_path / "cut.m4a"
    path.write_bytes((data_dir / "jfk.m4a").read_bytes()[:200])
    with pytest.raises(AudioError):
        read(path)


def test_video_without_sound(tmp_path: Path, read) -> None:
    import av

    path = tmp_path / "mute.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(AudioError, match="no audio stream"):
        read(path)


def test_digital_silence(tmp_path: Path, read) -> None:
    path = write_wav(tmp_path / "silent.wav", np.zeros(SAMPLE_RATE * 3))
    with pytest.raises(AudioError, match="silent"):
        read(path)


def test_low_noise_is_silence(tmp_path: Path, read) -> None:
    noise = np.random.default_rng(0).normal(0, 10 ** (-70 / 20), SAMPLE_RATE * 3)
    with pytest.raises(AudioError, match=r"silent|no speech"):
        read(write_wav(tmp_path / "hiss.wav", noise))


def test_steady_noise_has_no_speech(tmp_path: Path, read) -> None:
    noise = np.random.default_rng(0).normal(0, 0.05, SAMPLE_RATE * 3)
    with pytest.raises(AudioError, match="no speech"):
        read(write_wav(tmp_path / "fan.wav", noise))


def test_too_short(tmp_path: Path, read) -> None:
    with pytest.raises(AudioError):
        read(write_wav(tmp_path / "click.wav", np.full(100, 0.5)))


@pytest.mark.parametrize("kind", ["missing", "empty", "silent", "corrupt"])
def test_cli_prints_one_line_and_fails(tmp_path: Path, kind: str, read) -> None:
    path = tmp_path / f"{kind}.wav"
    if kind == "empty":
        path.touch()
    elif kind == "silent":
        write_wav(path, np.zeros(SAMPLE_RATE))
    elif kind == "corrupt":
        path.write_bytes(b"RIFF....WAVEfmt garbage" * 10)
    result = CliRunner().invoke(app, ["transcribe", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == AudioError.exit_code
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# --- the stream ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jfk.flac", "jfk.m4a", "pauses-en.ogg"])
def test_the_stream_is_the_recording_in_blocks(data_dir: Path, name: str) -> None:
    whole = load_audio(data_dir / name).samples
    blocks = list(stream(data_dir / name, block=1.5))
    assert all(len(b) == 1.5 * SAMPLE_RATE for b in blocks[:-1])
    assert 0 < len(blocks[-1]) <= 1.5 * SAMPLE_RATE
    assert np.array_equal(np.concatenate(blocks), whole)
    assert np.array_equal(decode(data_dir / name), whole)


def test_spans_are_slices_of_the_recording(data_dir: Path) -> None:
    whole = decode(data_dir / "pauses-en.ogg")
    n = len(whole)
    bounds = [(0, 10), (5, 200_000), (150_000, 400_000), (400_000, 400_000), (n - 5, n + 99)]
    got = list(spans(data_dir / "pauses-en.ogg", bounds))
    assert len(got) == len(bounds)
    for piece, (start, end) in zip(got, bounds, strict=True):
        assert np.array_equal(piece, whole[start:end])


def test_levels_on_the_stream_are_those_of_the_whole(data_dir: Path) -> None:
    path = data_dir / "pauses-en.ogg"
    whole = load_audio(path)
    streamed = scan(path)
    assert streamed.samples == len(whole.samples)
    assert streamed.peak == pytest.approx(float(np.abs(whole.samples).max()))
    assert np.array_equal(streamed.quiet(), measure_levels([whole.samples]).quiet())
    assert np.array_equal(streamed.active_frames(), measure_levels([whole.samples]).active_frames())
    assert streamed.speech_start() == whole.speech_start()
    assert 0.2 < streamed.quiet().mean() < 0.8


def test_scanning_holds_the_same_memory_for_2_and_10_minutes(tmp_path: Path, data_dir: Path):
    """Memory for a block or two, not for the recording (10 minutes are 38 MB as float32);
    a window of it is read alone."""
    import tracemalloc

    speech = load_audio(data_dir / "jfk.wav").samples
    peaks = {}
    for minutes in (2, 10):
        path = write_wav(tmp_path / f"{minutes}.wav", np.tile(speech, 15 * minutes))
        tracemalloc.start()
        try:
            levels = scan(path)
            peaks[minutes] = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            (window,) = spans(path, [(90 * SAMPLE_RATE, 110 * SAMPLE_RATE)])
            reading = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert levels.duration == pytest.approx(60.0 * minutes, abs=0.1)
        assert len(window) == 20 * SAMPLE_RATE
        assert reading < window.nbytes + 4 * BLOCK * SAMPLE_RATE * 4, reading
    assert peaks[10] - peaks[2] < 2e6, peaks  # the 10 ms powers: 0.05 MB a minute
    assert peaks[10] < 16e6, peaks
