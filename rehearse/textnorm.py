"""Text normalisation for matching speech to notes (Polish and English first).

Both sides of the alignment go through the same steps: casefold, split into words
(letters and digits apart, so ``face2face`` is three words), numbers spelled out in
the talk's language, lemmas via simplemma, diacritics folded. Each word keeps a few
*forms* (folded word, folded lemma, acronym spelled as letter names) so the matcher
can take the best of them: "ML" is heard as "emel", "modelu" matches "modele".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma
from num2words import num2words
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from simplemma.strategies import DefaultStrategy

# Languages the detector may answer; a short talk is never guessed as something exotic.
LANGUAGES = ("pl", "en", "de", "fr", "es", "it", "pt", "nl", "cs", "sk", "uk", "ru", "sv")
# A word ending in one of these ends a sentence (Whisper's and the notes' punctuation).
SENTENCE_END = ".!?…"

_WORD = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?")
_EXTRA_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})

_LETTERS = {
    "pl": "a be ce de e ef gie ha i jot ka el em en o pe ku er es te u fau wu iks igrek zet",
    "en": "ay bee see dee ee ef jee aitch i jay kay el em en o pee cue ar es tee you vee "
    "doubleyou ex why zed",
}

STOPWORDS = {
    "pl": set(
        """a aby ale albo ani bardzo bo by być był była było były będzie będę ci co czy dla do
        dlatego gdy gdzie go i ich ile im innych ja jak jaki jakie jako je jego jej jest jestem
        jeszcze jeśli jeżeli już ją kiedy kto która które który których mi mnie mną mogę może
        mój moja moje mu my na nad nam nas nasz nasze natomiast nawet nic nie nich niego niej
        nim niż no o od oraz po pod podczas przez przy się sobie sobą są ta tak także tam te
        tego tej tem ten to tu tutaj ty tych tylko tym u w we więc wszystko z za ze że żeby
        być mieć mój swój taki który ten sam on ona ono oni być też jednak czyli lub ponieważ
        właśnie trochę teraz wtedy potem zawsze nigdy coś ktoś dziś dzisiaj wiele dużo można
        trzeba mamy ma mam było będą chyba raczej tego""".split()  # noqa: SIM905
    ),
    "en": set(
        """a about above after again all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers him his how i if in into is it its
        itself just me more most my no nor not now of off on once only or other our ours out
        over own same she should so some such than that the their them then there these they
        this those through to too under until up very was we were what when where which while
        who whom why will with would you your yours be have do go going goes went gone get
        got still also really just well much many thing things one way even ever never
        always back let lot bit yes okay ok right here might must shall""".split()  # noqa: SIM905
    ),
}


def fold(text: str) -> str:
    """Casefold and strip diacritics: ``"Lubię ŁÓDŹ"`` -> ``"lubie lodz"``."""
    text = unicodedata.normalize("NFKD", text).casefold().translate(_EXTRA_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def split_words(text: str) -> list[str]:
    """Words of ``text`` as written (case kept), letters and digits apart."""
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def spell_number(number: str, language: str | None) -> tuple[str, ...]:
    """``"42"`` -> ``("czterdziesci", "dwa")`` in Polish, ``("forty", "two")`` in English."""
    lang = language if language in ("pl", "en", "de", "fr", "es", "it", "pt", "nl", "cs") else "en"
    try:
        value = float(number.replace(",", ".")) if re.search(r"[.,]", number) else int(number)
        spoken = num2words(value, lang=lang)
    except (ValueError, NotImplementedError, OverflowError):
        return (number,)
    return tuple(fold(w) for w in re.findall(r"[^\W\d_]+", spoken))


@lru_cache(maxsize=65536)
def lemma(word: str, language: str | None) -> str:
    """The folded lemma of one word (the folded word itself if simplemma does not know it)."""
    if not language or not word.isalpha():
        return fold(word)
    try:
        return fold(_lemmatizer().lemmatize(word.casefold(), lang=language))
    except ValueError:
        return fold(word)


@lru_cache(maxsize=1)
def _lemmatizer() -> simplemma.Lemmatizer:
    """simplemma reading its dictionaries as compressed streams: the same lemmas, but the
    Polish dictionary takes about 60 MB instead of 420 MB of memory (as a dict)."""
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))


def _spell(letters: str, language: str | None) -> str:
    names = _LETTERS.get(language or "", _LETTERS["en"]).split()
    out = []
    for ch in fold(letters):
        if not ("a" <= ch <= "z"):
            return ""
        out.append(names[ord(ch) - ord("a")])
    return "".join(out)


def acronym_forms(word: str, language: str | None) -> tuple[str, ...]:
    """Spoken forms of an acronym, possibly inflected: ``"MLem"`` -> ``("emelem", "emlem")``."""
    m = re.fullmatch(r"([A-Z]{2,5})([a-ząćęłńóśźż]{0,4})", word)
    if not m:
        return ()
    caps, tail = m.groups()
    forms = [_spell(caps, language) + fold(tail)]
    if tail:
        forms.append(_spell(caps[:-1], language) + fold(caps[-1] + tail))
    return tuple(f for f in forms if f)


def word_forms(word: str, language: str | None) -> tuple[tuple[str, ...], ...]:
    """Normalised tokens of one written word, each as a tuple of alternative forms.

    A number becomes several tokens (its spoken words); any other word is one token.
    """
    if word[:1].isdigit():
        return tuple((w,) for w in spell_number(word, language))
    forms = [fold(word), lemma(word, language), *acronym_forms(word, language)]
    return (tuple(dict.fromkeys(forms)),)


def tokens(text: str, language: str | None = None) -> list[str]:
    """Canonical tokens of ``text`` (folded lemmas, numbers spelled out)."""
    out: list[str] = []
    for word in split_words(text):
        if word[:1].isdigit():
            out.extend(spell_number(word, language))
        else:
            out.append(lemma(word, language))
    return out


def normalize(text: str, language: str | None = None) -> str:
    """``tokens`` joined by spaces: the form to compare whole phrases with."""
    return " ".join(tokens(text, language))


@lru_cache(maxsize=8)
def _folded_stopwords(language: str | None) -> frozenset[str]:
    words = STOPWORDS.get(language or "", set()) | (STOPWORDS["en"] if language != "en" else set())
    return frozenset(fold(w) for w in words) | frozenset(lemma(w, language) for w in words)


def is_stopword(token: str, language: str | None) -> bool:
    """Whether a normalised token is a function word in ``language`` (English always counts)."""
    return token in _folded_stopwords(language) or len(token) <= 1


def detect_language(text: str, *, candidates: tuple[str, ...] = LANGUAGES) -> str | None:
    """The language of ``text`` (ISO 639-1), or None if the text is too short to tell.

    py3langid restricted to ``candidates``; for short texts a stopword vote between
    Polish and English decides, since n-gram guessing is unreliable there.
    """
    words = [fold(w) for w in split_words(text) if not w[:1].isdigit()]
    if len(words) < 3:
        return None
    votes = {lang: sum(w in _folded_stopwords_only(lang) for w in words) for lang in ("pl", "en")}
    if len(words) < 25 and max(votes.values()) >= 2 and votes["pl"] != votes["en"]:
        return max(votes, key=votes.__getitem__)
    identifier = _identifier(candidates)
    lang, _ = identifier.classify(text)
    return lang


@lru_cache(maxsize=4)
def _folded_stopwords_only(language: str) -> frozenset[str]:
    return frozenset(fold(w) for w in STOPWORDS[language])


@lru_cache(maxsize=4)
def _identifier(candidates: tuple[str, ...]):
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    return identifier


# --- names -----------------------------------------------------------------------------


def normal_speaker(name: str | None) -> str | None:
    """A speaker's name with its spacing tidied; None for none, blank or "me"."""
    name = " ".join((name or "").split())
    return None if not name or name.casefold() == "me" else name


def speaker_key(name: str | None) -> str:
    """What tells speakers apart: the name without case ('' for the usual speaker)."""
    return (normal_speaker(name) or "").casefold()


def normal_name(name: str | None) -> str | None:
    """A talk name with its spacing tidied; None for none or blank."""
    return " ".join((name or "").split()) or None


def name_key(name: str | None) -> str | None:
    """What tells talk names apart: the name without case."""
    name = normal_name(name)
    return name.casefold() if name else None
