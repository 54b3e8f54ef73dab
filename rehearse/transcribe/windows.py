"""Transcription windows: a recording cut into stretches of a few minutes, each cut in the
middle of a silence, so that memory holds one window (its samples and Whisper's features of
it) whatever the length of the talk, and no word is cut in two at an edge. Batched decoding
cuts it the same way into chunks Whisper takes whole (``CHUNK``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from rehearse.audio import QUIET_FRAME, SAMPLE_RATE, longest_quiet

log = logging.getLogger(__name__)

# Audio per transcription window. Whisper's features of a window take about 1 MB per
# second of it on top of the samples, so a longer window costs memory; a shorter one makes
# more edges, where Whisper starts over with only the previous window's text as context.
WINDOW = 180.0  # s
# A window ends in the longest silence within its last SEARCH seconds (or within its last
# half, for windows shorter than twice that): a longer search finds longer silences (the end
# of a sentence, not a breath) at the cost of windows further below WINDOW.
SEARCH = 30.0  # s
# Audio per chunk when chunks are decoded side by side (batched): Whisper reads 30 s at a
# time, so a chunk must fit in that, and each costs a full 30 s encoder pass however short it
# is. Planned as windows of this size, a chunk ends in the longest silence of its second half
# (a sentence end, not a breath). Longer: fewer encoder passes and more context within a
# chunk, but closer to the 30 s Whisper cuts off at (its last words' timings suffer there);
# shorter: more chunks, each padded with more silence.
CHUNK = 28.0  # s


@dataclass(frozen=True)
class Window:
    """A stretch of the recording, in seconds; ``silence_end``: where the silence it is cut
    in ends (``end`` when it is cut mid-sound or is the last)."""

    start: float
    end: float
    silence_end: float | None = None

    def __post_init__(self) -> None:
        if self.silence_end is None:
            object.__setattr__(self, "silence_end", self.end)

    @property
    def bounds(self) -> tuple[int, int]:
        """Its first and past-the-last sample index."""
        return round(self.start * SAMPLE_RATE), round(self.end * SAMPLE_RATE)

    @property
    def duration(self) -> float:
        return self.end - self.start


def plan(quiet: np.ndarray, duration: float, size: float = WINDOW) -> list[Window]:
    """``duration`` seconds cut into windows of at most ``size`` seconds, each (but the last)
    ending in the middle of the longest quiet run (``quiet``: per 10 ms frame, from
    ``Levels.quiet``) within its last ``SEARCH`` seconds; where there is none, at ``size``.
    The next window starts where one ends."""
    if size <= 0:
        raise ValueError("the window size must be positive")
    search = min(SEARCH, size / 2)
    windows, start = [], 0.0
    while duration - start > size:
        silence = longest_quiet(quiet, start + size - search, start + size)
        if silence is None:
            end = silence_end = round(start + size, 3)
            log.info("no silence in %.0f-%.0f s: a window ends mid-sound", end - search, end)
        else:
            end = round(round((silence[0] + silence[1]) / 2 / QUIET_FRAME) * QUIET_FRAME, 3)
            end = min(max(end, start + QUIET_FRAME), start + size)
            silence_end = max(round(silence[1], 3), end)
        windows.append(Window(start, end, silence_end))
        start = end
    windows.append(Window(start, duration))
    return windows
