"""Times as people read them: seconds -> m:ss (h:mm:ss past an hour)."""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (h:mm:ss past an hour); an en dash for none."""
    if seconds is None:
        return "–"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"
