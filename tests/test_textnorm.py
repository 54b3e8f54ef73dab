"""Normalisation for matching: diacritics, inflection, numbers, acronyms, language."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rehearse.textnorm import (
    acronym_forms,
    detect_language,
    fold,
    is_stopword,
    split_words,
    word_forms,
)


def forms(text: str, language: str) -> list[tuple[str, ...]]:
    """Each token's forms, as the aligner sees ``text``."""
    return [t for w in split_words(text) for t in word_forms(w, language)]


def test_diacritics_folded():
    assert fold("Lubię ŁÓDŹ, żółć") == "lubie lodz, zolc"
    assert word_forms("lubię", "pl")[0][0] == word_forms("lubie", "pl")[0][0] == "lubie"


def test_polish_inflection_shares_a_lemma():
    lemmas = {word_forms(w, "pl")[0][-1] for w in ("model", "modele", "modelu", "modelami")}
    assert lemmas == {"model"}


def test_numbers_both_languages():
    assert forms("42", "pl") == [("czterdziesci",), ("dwa",)]
    assert forms("42", "en") == [("forty",), ("two",)]
    assert [t[0] for t in forms("face2face", "en")] == ["face", "two", "face"]


def test_acronyms_spelled():
    assert "emel" in word_forms("ML", "pl")[0]
    assert "emelops" in acronym_forms("MLOps", "pl")
    assert "emelem" in acronym_forms("MLem", "pl")
    assert acronym_forms("Model", "pl") == ()


def test_stopwords():
    assert is_stopword("ze", "pl") and is_stopword("the", "en") and is_stopword("the", "pl")
    assert not is_stopword("model", "pl")


def test_detect_language():
    assert detect_language("Powiem wam szczerze, że nie lubię tego slajdu") == "pl"
    assert detect_language("I do not like talking about myself at all") == "en"
    text = "Guten Tag, ich heiße Hans und wohne seit vielen Jahren in Berlin mit meiner Familie"
    assert detect_language(text) == "de"
    assert detect_language("ok") is None


@given(st.text(max_size=60))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="abcęółżź ąśćń,.!?-ACMLĘ0123456789", max_size=40))
def test_word_forms_are_plain(text):
    for token in forms(text, "pl"):
        assert token and len(set(token)) == len(token)
        for form in token:
            assert form and form == fold(form) and form.isalnum()
