"""What the machine offers this process: its CPU cores."""

from __future__ import annotations

import os


def cores() -> int:
    """The CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
