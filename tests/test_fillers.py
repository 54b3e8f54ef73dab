"""The filler-position rule on tricky sentences, hesitation sounds and the filler prompt."""

import pytest

from rehearse.hesitations import is_hesitation
from rehearse.measure.fillers import filler_prompt, find_fillers


def labels(sentence: str, language: str, **kwargs) -> list[str]:
    return [m.label for m in find_fillers(sentence.split(), language, **kwargs)]


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("pl", "No więc, yyy, jakby to powiedzieć", ["no", "yyy", "jakby"]),
        # a sentence-final "no" set off by a comma is a particle with no content: a filler
        ("pl", "Nie ma na to rady, no.", ["no"]),
        ("pl", "Nie, no to idziemy.", []),
        ("pl", "Wyglądał, jakby spał.", []),
        ("pl", "To jest, prawda, trudne.", ["prawda"]),
        ("pl", "Prawda jest taka, że nie.", []),
        ("pl", "Generalnie to działa, że tak powiem, sprawnie.", ["generalnie", "że tak powiem"]),
        ("pl", "I tak naprawdę aby stworzyć dobry model", ["tak naprawdę"]),
        ("pl", "W sumie to wszystko.", ["w sumie"]),
        ("pl", "Było ich w sumie pięć.", []),
        ("pl", "Sprawdź to dokładnie.", []),
        ("pl", "Dokładnie. Tak było.", ["dokładnie"]),
        ("en", "I like pizza", []),
        ("en", "Like, I was there", ["like"]),
        ("en", "So, um, what", ["so", "um"]),
        ("en", "It was so good", []),
        ("en", "Do you know him?", []),
        ("en", "It was, you know, fine.", ["you know"]),
        ("en", "I mean it.", []),
        ("en", "I mean, it works.", ["i mean"]),
        ("en", "A kind of tree.", []),
        ("en", "It was, kind of, weird.", ["kind of"]),
        ("en", "Uhm, basically we, er, ship it.", ["uhm", "basically", "er"]),
    ],
)
def test_filler_rule(language, sentence, expected):
    assert labels(sentence, language) == expected


def test_pause_sets_a_word_off_like_a_comma():
    words = ["and", "so", "we", "went"]
    assert labels("and so we went", "en") == []
    pauses = [False, True, True, False]
    assert [m.label for m in find_fillers(words, "en", pauses_before=pauses)] == ["so"]


def test_user_fillers_count_anywhere_and_span_words():
    found = find_fillers(["to", "jest", "w", "zasadzie", "proste"], "pl", extra=["W zasadzie"])
    assert [(m.label, m.first, m.last) for m in found] == [("w zasadzie", 2, 3)]


@pytest.mark.parametrize("word", ["yyy", "Yyyy,", "eee...", "Eeem", "mmm", "hmm"])
def test_polish_hesitations(word):
    assert is_hesitation(word, "pl")


@pytest.mark.parametrize("word", ["e", "y", "a", "my", "ale", "em"])
def test_polish_words_are_not_hesitations(word):
    assert not is_hesitation(word, "pl")


@pytest.mark.parametrize("language", ["pl", "en", None, "de"])
def test_filler_prompt_is_short_and_shows_hesitations(language):
    prompt = filler_prompt(language)
    assert len(prompt.split()) <= 20
    assert sum(is_hesitation(w, language or "en") for w in prompt.split()) >= 2
