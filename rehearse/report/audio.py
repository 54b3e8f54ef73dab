"""recording.m4a: the rehearsal's recording in its report folder, for the page's player.

AAC in an M4A (MP4) container plays in every current browser, Safari on iPhone included.
The copy is mono at speech quality: a talk is one voice, and a speaker checking what they
said needs it intelligible, not hi-fi. Encoded with PyAV's own FFmpeg (no system ffmpeg),
written atomically like every report file.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from rehearse.errors import first_line

log = logging.getLogger(__name__)

AUDIO_FILE = "recording.m4a"
# 32 kbit/s mono AAC-LC at 24 kHz keeps speech clear (its band reaches about 10 kHz) at
# 14.4 MB per hour; 64 kbit/s sounds no better for one voice and doubles the folder.
BITRATE = 32_000
RATE = 24_000
CODEC = "aac"  # FFmpeg's native AAC-LC encoder, in every PyAV wheel


def encode(recording: Path, path: Path) -> None:
    """``path`` holds the first audio stream of ``recording`` as mono AAC in M4A, written
    atomically; av.FFmpegError or OSError if it cannot be decoded or written."""
    # by name, not as a file object: faststart (the index first, so playback starts at once)
    # reopens the file to move it
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        _encode(recording, Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _encode(recording: Path, path: Path) -> None:
    import av  # PyAV: 0.16 s to import, so only when a report's copy is written

    with (
        av.open(str(recording), metadata_errors="ignore") as source,
        av.open(str(path), "w", format="ipod", options={"movflags": "+faststart"}) as target,
    ):
        heard = source.streams.audio[0]
        sound = target.add_stream(CODEC, rate=RATE, layout="mono")
        sound.bit_rate = BITRATE
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=RATE)
        for frame in [*_decoded(source, heard), None]:
            for resampled in resampler.resample(frame):
                resampled.pts = None  # the encoder counts samples itself
                target.mux(sound.encode(resampled))
        target.mux(sound.encode(None))


def _decoded(container, stream):
    """Decoded frames; a damaged packet is skipped (the analysis warned of it already)."""
    import av  # PyAV: on first use (see ``_encode``)

    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            continue


def audio_copy(recording: str | Path, folder: Path, *, kept: Path | None = None) -> str | None:
    """Write ``folder``/recording.m4a and return its name, or None (with one warning line)
    when there is no recording to copy. ``kept``: a copy made before (the report folder's
    own), used as it is instead of encoding the recording again; it also stands in for a
    recording that is gone."""
    path = folder / AUDIO_FILE
    if kept is not None and kept.is_file():
        if kept.resolve() != path.resolve():
            shutil.copyfile(kept, path)
        return AUDIO_FILE
    recording = Path(recording)
    if not recording.is_file():
        log.warning("the recording %s is gone: the report has no player", recording)
        return None
    import av  # PyAV: on first use (see ``_encode``)

    try:
        encode(recording, path)
    except (av.FFmpegError, IndexError) as exc:
        log.warning("%s: no audio copy for the report (%s)", recording, first_line(exc))
        return None
    return AUDIO_FILE
