"""The Viterbi pass on its own: small emission tables with a known best path."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rehearse.align.sequence import Costs, best_path

OFF = -1  # "off script before any point" as best_path reports it


def _path(emit, cue=None, off=None, costs=None):
    emit = np.array(emit, dtype=float)
    units = emit.shape[1]
    cue = np.zeros(units) if cue is None else np.array(cue, dtype=float)
    off = np.full(units, -0.1) if off is None else np.array(off, dtype=float)
    return best_path(emit, cue, off, costs).tolist()


def test_points_in_order_follow_the_evidence():
    emit = [[3, 3, -1, -1, -1], [-1, -1, 3, 3, -1], [-1, -1, -1, -1, 3]]
    assert _path(emit) == [0, 0, 1, 1, 2]


def test_a_skipped_point_is_jumped_over():
    emit = [[3, -1, -1], [-0.1, -0.1, -0.1], [-1, 3, 3]]
    assert _path(emit) == [0, 2, 2]


def test_weak_evidence_does_not_pay_for_going_back():
    """Going back in the notes costs ``back``: half a heard word elsewhere is not enough."""
    emit = [[3, 0.5, -0.5], [-1, 0.0, 3]]
    assert _path(emit) == [0, 0, 1]
    emit = [[3, -1, 0.5, -1], [-1, 3, -1, 3]]
    assert _path(emit) == [0, 1, 1, 1]


def test_strong_evidence_goes_back_for_a_reorder_or_a_restart():
    emit = [[3, -1, 3, -1], [-1, 3, -1, 3]]
    assert _path(emit) == [0, 1, 0, 1]


def test_speech_matching_nothing_goes_off_script():
    emit = [[3, -2, -2, -2, -1], [-1, -2, -2, -2, 3]]
    path = _path(emit, off=[-0.1] * 5)
    assert path[0] == 0 and path[-1] == 1
    assert all(state < 0 for state in path[1:4])


def test_a_break_makes_a_switch_cheaper():
    """An ambiguous unit goes with the point on the far side of the stronger break."""
    emit = [[2, 0.1, -1], [-1, 0.0, 2]]
    costs = Costs(switch=1.0)
    assert _path(emit, cue=[0, 1, 0], costs=costs) == [0, 1, 1]
    assert _path(emit, cue=[0, 0, 1], costs=costs) == [0, 0, 1]


def test_forbidden_cells_are_never_used():
    emit = np.array([[3, 3, 3], [-1, 5, -1]], dtype=float)
    emit[1, 1] = -np.inf
    assert _path(emit) == [0, 0, 0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=12),
    st.integers(0, 2**32 - 1),
)
def test_clear_evidence_is_followed_whatever_the_order(order, seed):
    """Whatever order the points are said in, units with one clearly winning point go to it."""
    rng = np.random.default_rng(seed)
    emit = rng.uniform(-0.5, 0.0, size=(6, len(order)))
    for u, point in enumerate(order):
        emit[point, u] = 8.0
    assert _path(emit) == order
