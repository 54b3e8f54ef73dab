"""One exception family; the CLI maps each class to a one-line message and an exit code."""

from __future__ import annotations


class RehearseError(Exception):
    """Base of every error the user should see as one clear line."""

    exit_code = 1


class InputError(RehearseError):
    """Bad user input: missing or unreadable files, bad options."""

    exit_code = 2


class AudioError(InputError):
    """Audio that is missing, empty, corrupt or silent."""


class NotesError(InputError):
    """Notes that cannot be used (e.g. no numbered points)."""


class LanguageMismatchError(InputError):
    """The recording is in another language than the notes."""


class ModelError(RehearseError):
    """A Whisper model that cannot be found, verified or loaded."""

    exit_code = 3


class OutputError(RehearseError):
    """A report or transcript that cannot be written."""

    exit_code = 4


def reason(exc: BaseException) -> str:
    """Why a file could not be read or written: an OS error's reason ("Permission denied"),
    else the exception's message."""
    return getattr(exc, "strerror", None) or str(exc)


def first_line(exc: BaseException, text: str | None = None) -> str:
    """A library's error as one line of ours: the first line of ``text`` (default: the
    exception's message), else the exception's class name."""
    text = (text or str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__
