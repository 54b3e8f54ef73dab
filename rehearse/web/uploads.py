"""What the app accepts from a request: recordings told apart from other files by their first
bytes, notes that parse, both stored under names the server makes, inside the folder."""

from __future__ import annotations

import secrets
from pathlib import Path

from rehearse.errors import InputError, NotesError
from rehearse.notes import load_notes

# Bytes read to tell a recording's container (the MP4 family names itself at offset 4-11).
SNIFF_BYTES = 64
# The largest upload taken, in MB. An hour of Opus from a browser is ~30 MB, an hour of
# 16-bit 48 kHz stereo WAV ~660 MB: the default takes any hour-long recording a phone or a
# browser makes except uncompressed stereo WAV; more lets a stray file fill the disk.
MAX_UPLOAD_MB = 512
NOTES_SUFFIXES = (".md", ".markdown", ".txt", ".pptx", ".odp")
CHUNK = 1 << 20


class TooLarge(InputError):
    """An upload over the size limit."""


def audio_kind(head: bytes) -> str | None:
    """The file extension of the audio container ``head`` (a file's first bytes) starts,
    or None when it is no recording ``analyze`` takes."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:3] == b"ID3":
        return ".mp3"
    if head[:4] == b"OggS":
        return ".ogg"
    if head[:4] == b"fLaC":
        return ".flac"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: WebM (what MediaRecorder makes), Matroska
        return ".webm"
    if head[4:8] == b"ftyp":  # MP4 family: m4a, mp4, mov, 3gp
        return ".m4a"
    if head[:6] == b"#!AMR\n":
        return ".amr"
    if head[:4] == b"\x30\x26\xb2\x75":  # ASF: wma
        return ".wma"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return ".aac" if head[1] & 0x06 == 0 else ".mp3"  # ADTS has layer 0; MPEG audio not
    return None


def new_name(stem: str, suffix: str) -> str:
    """A server-made file name: ``stem`` and a random part (nothing from the request but
    the kind of file the server found; the report folder adds the time)."""
    return f"{stem}-{secrets.token_hex(4)}{suffix}"


def save_recording(source, folder: Path, limit: int) -> Path:
    """Copy the uploaded file object ``source`` into ``folder`` under a new name, once its
    first bytes show a recording; InputError (nothing written) if they do not, TooLarge
    (nothing left behind) past ``limit`` bytes."""
    head = source.read(SNIFF_BYTES)
    kind = audio_kind(head)
    if kind is None:
        raise InputError(
            "the upload is not a recording (wav, mp3, m4a, ogg, opus, flac, webm, mp4...)"
        )
    return _copy(head, source, folder / new_name("take", kind), limit)


def save_notes(source, filename: str, folder: Path, limit: int) -> Path:
    """Store uploaded notes (Markdown or a deck, by ``filename``'s suffix) in ``folder``
    under a new name, once they read as notes; NotesError (nothing left behind) if not."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in NOTES_SUFFIXES:
        raise NotesError(f"notes should be one of {', '.join(NOTES_SUFFIXES)}, not {filename!r}")
    suffix = ".md" if suffix in (".markdown", ".txt") else suffix
    target = folder / new_name("notes", suffix)
    trial = _copy(b"", source, folder / f".{target.name}.part", limit)
    try:
        load_notes(trial)
    except BaseException:
        trial.unlink(missing_ok=True)
        raise
    return trial.replace(target)


def _copy(head: bytes, source, target: Path, limit: int) -> Path:
    made = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part") if not target.name.startswith(".") else target
    size = len(head)
    try:
        with part.open("xb") as out:
            out.write(head)
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"the upload is over the limit of {limit // 2**20} MB")
                out.write(chunk)
    except BaseException:
        part.unlink(missing_ok=True)
        if made:
            target.parent.rmdir()
        raise
    return part if part == target else part.replace(target)
