"""The data model round-trips losslessly through to_dict/from_dict and JSON."""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_json import from_json

from rehearse import models
from rehearse.models import Segment, Transcript, Word, from_dict, to_dict, to_json

CLASSES = [
    cls
    for _, cls in inspect.getmembers(models, inspect.isclass)
    if dataclasses.is_dataclass(cls) and cls.__module__ == models.__name__
]
FLOATS = st.floats(allow_nan=False, allow_infinity=False)


def strategy(tp) -> st.SearchStrategy:
    """Values of any model type (finite floats: NaN is not equal to itself)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = {f.name: strategy(hints[f.name]) for f in dataclasses.fields(tp) if f.init}
        return st.builds(tp, **fields)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy(a) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*(strategy(a) for a in args))
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), strategy(args[1]), max_size=3)
    simple = {
        float: FLOATS,
        int: st.integers(),
        str: st.text(),
        bool: st.booleans(),
        type(None): st.none(),
    }
    return simple[tp]


words = st.builds(Word, text=st.text(), start=FLOATS, end=FLOATS, probability=FLOATS)
segments = st.builds(
    Segment, start=FLOATS, end=FLOATS, text=st.text(), words=st.lists(words).map(tuple)
)
transcripts = st.builds(
    Transcript,
    language=st.sampled_from(["pl", "en", "de"]),
    duration=FLOATS,
    engine=st.sampled_from(["faster", "openai"]),
    model=st.text(),
    segments=st.lists(segments, max_size=5).map(tuple),
    language_probability=st.none() | FLOATS,
    initial_prompt=st.none() | st.text(),
)


@given(transcripts)
def test_transcript_round_trips_through_json(transcript: Transcript) -> None:
    assert from_json(Transcript, to_json(transcript)) == transcript
    assert from_dict(Transcript, json.loads(json.dumps(to_dict(transcript)))) == transcript


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_model_round_trips(cls, data) -> None:
    value = data.draw(strategy(cls))
    assert from_json(cls, to_json(value, indent=None)) == value


def test_from_dict_ignores_unknown_keys() -> None:
    word = Word("hi", 0.0, 0.5, 0.9)
    assert from_dict(Word, {**to_dict(word), "extra": 1}) == word


def test_integer_floats_come_back_as_floats() -> None:
    word = from_dict(Word, {"text": "a", "start": 1, "end": 2, "probability": 1})
    assert isinstance(word.start, float)
    assert word == Word("a", 1.0, 2.0, 1.0)
