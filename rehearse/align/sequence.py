"""The best sequence of points over the units of a transcript (a Viterbi pass).

Each unit goes to one point or to "off script". Staying on a point is free; moving on to the
next point in the notes costs a switch; skipping points costs more, going back in the notes more
still; going off script costs extra. A switch is cheaper where the speaker makes a break (a unit's
``cue``, 0-1). Costs are in units of one clearly heard average point word, the unit of the
emissions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Costs:
    """What each move costs (in heard words): ``switch`` any change of point or to/from off
    script, lowered by up to ``break_discount`` of itself at a full-strength break; ``skip``
    jumping forward over points, plus ``skip_each`` per point jumped over; ``back`` going back in
    the notes (a reorder or a restart); ``off`` going off script."""

    switch: float = 0.6
    break_discount: float = 0.9
    skip: float = 0.35
    skip_each: float = 0.05
    back: float = 1.0
    off: float = 0.8


def best_path(
    emit: np.ndarray, cue: np.ndarray, off_emit: np.ndarray, costs: Costs | None = None
) -> np.ndarray:
    """Best state per unit: a point index ``k``, or ``-1 - j`` for off script after point
    ``j - 1`` (``-1``: before any point).

    ``emit`` is point x unit (``-inf`` forbids); ``cue`` per unit how natural a switch is just
    before it; ``off_emit`` per unit what being off script scores there.
    """
    costs = costs or Costs()
    n, units = emit.shape
    on = np.full(n, -np.inf)
    off = np.full(n + 1, -np.inf)
    off[0] = 0.0
    steps = np.arange(n + 1) * costs.skip_each
    back_on = np.empty((units, n), dtype=np.int32)  # -1: stayed; else source slot i
    slot_on = np.empty((units, n + 1), dtype=bool)  # slot i (last point i - 1) was "on"
    back_off = np.empty((units, n + 1), dtype=bool)  # True: came from on point j - 1
    for u in range(units):
        switch = costs.switch * (1.0 - costs.break_discount * float(cue[u]))
        on_slot = np.concatenate(([-np.inf], on))
        slot = np.maximum(on_slot, off)  # slot i: best state whose last point is i - 1
        slot_on[u] = on_slot >= off
        entry, source = _entries(slot, steps, costs)
        entry -= switch if u else 0.0
        stay = on >= entry
        back_on[u] = np.where(stay, -1, source)
        new_on = np.where(stay, on, entry) + emit[:, u]
        leave = np.concatenate(([-np.inf], on - switch - costs.off))
        back_off[u] = leave > off
        off = np.maximum(off, leave) + off_emit[u]
        on = new_on
    return _trace(on, off, back_on, slot_on, back_off)


def _entries(slot: np.ndarray, steps: np.ndarray, costs: Costs) -> tuple[np.ndarray, np.ndarray]:
    """For each point m, the best score of starting it from slot i (last point i - 1) and that
    slot: the next point is free, a forward skip costs ``skip`` (+ ``skip_each`` per point
    skipped), going back costs ``back``."""
    n = len(slot) - 1
    nxt = slot[:n]
    ahead, ahead_at = _running_max(slot + steps)
    skip = np.full(n, -np.inf)
    skip_at = np.zeros(n, dtype=np.int64)
    skip[1:] = ahead[: n - 1] - costs.skip - steps[1:n]
    skip_at[1:] = ahead_at[: n - 1]
    behind, behind_at = _running_max(slot[::-1])
    behind, behind_at = behind[::-1], n - behind_at[::-1]
    back = np.full(n, -np.inf)
    back_at = np.zeros(n, dtype=np.int64)
    back[: n - 1] = behind[2 : n + 1] - costs.back
    back_at[: n - 1] = behind_at[2 : n + 1]
    options = np.stack([nxt, skip, back])
    best = options.argmax(axis=0)
    cols = np.arange(n)
    source = np.stack([cols, skip_at, back_at])[best, cols]
    return options[best, cols], source


def _running_max(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running maximum of ``values`` and where it was reached."""
    best = np.maximum.accumulate(values)
    marks = np.where(values >= best, np.arange(len(values)), 0)
    return best, np.maximum.accumulate(marks)


def _trace(on, off, back_on, slot_on, back_off) -> np.ndarray:
    units = len(back_on)
    path = np.empty(units, dtype=np.int32)
    is_on = on.max(initial=-np.inf) >= off.max()
    state = int(on.argmax()) if is_on else int(off.argmax())
    for u in range(units - 1, -1, -1):
        path[u] = state if is_on else -1 - state
        if is_on:
            source = back_on[u, state]
            if source >= 0:
                is_on = bool(slot_on[u, source])
                state = source - 1 if is_on else source
        elif back_off[u, state]:
            state, is_on = state - 1, True
    return path
