"""What a candidate says, as stems: the words two tellings of one happening share.

A title's content words without its actors' names (`wording`), the content words of the
sentences it was told in (`claim_words`), its main verb (`verb`) and whether it restricts,
excepts or negates (`polarity`, and whether two tellings disagree on it: `contradicts`);
stems bring inflections and nominalisations together.

>>> from datetime import date
>>> from app.records import BASIS_STATED, Entity, EventCandidate
>>> trump = Entity("donald-trump", "Donald Trump", "person", ("Trump",))
>>> c = EventCandidate(0, 0, 10, "Donald Trump had previously expressed willingness to sell missiles",
...                    date(2024, 9, 1), date(2024, 12, 31), "part", BASIS_STATED, None, actors=(trump,))
>>> verb(c), sorted(wording(c))
('express', ['express', 'missil', 'previous', 'sell', 'willingnes'])
"""
from __future__ import annotations

import re
from functools import lru_cache, wraps

from app.records import Entity, EventCandidate
from app.word_classes import Word, is_past

_STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with into onto over under about as is are was were
    be been being has have had will would could should may might must do does did not no this that these
    those it its his her their they he she we i you who which what when where while than then so such
    also very more most some any all each other into upon amid among before after during since until
    said says say told tell stated noted added according""".split()
)
# Irregular forms a suffix-stripper cannot bring to the same stem.
_IRREGULAR = {
    "sworn": "swear", "swore": "swear", "began": "begin", "begun": "begin", "made": "make",
    "took": "take", "taken": "take", "gave": "give", "given": "give", "held": "hold", "won": "win",
    "lost": "lose", "fell": "fall", "fallen": "fall", "struck": "strike", "fought": "fight",
    "led": "lead", "sent": "send", "sold": "sell", "met": "meet", "went": "go", "gone": "go",
    "came": "come", "said": "say", "told": "tell", "spoke": "speak", "spoken": "speak",
    "wrote": "write", "written": "write", "rose": "rise", "risen": "rise", "ran": "run",
    "withdrew": "withdraw", "withdrawn": "withdraw", "shot": "shoot", "hit": "hit", "put": "put",
}
_PREFIXES = frozenset({"re", "co", "pre", "counter", "anti", "non", "post", "self", "ex"})
_SUFFIXES = ("ations", "ation", "ments", "ment", "ions", "ion", "ings", "ing", "ly", "ed", "es", "s", "e")
_RESTRICTION = frozenset({"only", "limit", "solely", "restrict", "exclusively"})
_EXCEPTION = frozenset({"except", "exception", "exclud", "exempt", "exempted"})
_NEGATING_VERBS = frozenset({"deny", "denied", "refus", "reject"})
_NEGATION = frozenset({"not", "no", "never", "n't", "without"}) | _NEGATING_VERBS
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


_AUXILIARIES = frozenset("has have had was were is are be been being did does do will would".split())


# Pure and called for every word of every candidate compared while merging:
# news reuses a small vocabulary, so a cache answers most calls.
@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem that brings inflections and nominalisations together.

    >>> stem("re-election") == stem("reelected")
    True
    """
    word = word.lower().replace("’", "'").removesuffix("'s")
    head, _, rest = word.partition("-")
    # "re-election" is one word; "swearing-in" is a verb and a particle.
    word = head + rest if head in _PREFIXES else head if rest else word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    # "agreement" -> "agree" and "agreed" -> "agre" meet at "agre".
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


# What a candidate says is asked again and again: a writer tests a new candidate
# against every stored one sharing its words, and merging tests every pair. Records
# are frozen, so the answers are kept on the record itself (`kept_on_the_candidate`);
# an entity's name words, by the entity.
_CACHED = 4096
_BY_CONTENT = 1 << 15


def kept_on_the_candidate(compute):
    """`compute(candidate)`, kept in the candidate's own __dict__ (as functools.cached_property
    keeps a value; the frozen record's fields are untouched, and equality, hashing and
    `dataclasses.replace` ignore it). A writer keeps 150,000 stored candidates in memory
    and merges events of any of them: a shared cache of a few thousand answers was
    forgotten between two merges of one event, a cache on each record lives as long
    as the record, and a look-up needs no hash or comparison of its fields."""
    key = f"_{compute.__name__}"

    @wraps(compute)
    def kept(candidate: EventCandidate):
        found = candidate.__dict__.get(key, kept)
        if found is kept:
            found = candidate.__dict__[key] = compute(candidate)
        return found

    return kept


@lru_cache(maxsize=_CACHED)
def _name_words(entity: Entity) -> frozenset[str]:
    return frozenset(stem(w) for name in (entity.name, *entity.aliases) for w in _WORD.findall(name))


def _entitywords(entities: tuple[Entity, ...]) -> set[str]:
    return set().union(*(_name_words(e) for e in entities))


def words_of(text: str) -> list[str]:
    """Words, with hyphenated compounds that are not a prefix and a word split in two."""
    words = []
    for w in _WORD.findall(text):
        head, _, rest = w.partition("-")
        words.extend([w] if not rest or head.lower() in _PREFIXES else [p for p in w.split("-") if p])
    return words


@kept_on_the_candidate
def wording(candidate: EventCandidate) -> frozenset[str]:
    """Stems of the title's content words, without the names of its actors and weapons."""
    return _content_words(candidate.title, (*candidate.actors, *candidate.weapons))


# A candidate's answers are kept on it, but the writer also meets candidates afresh: read
# back from the store, or copies of one sentence told by several articles. What they say
# is cached by its words, so each copy does not stem them again.
@lru_cache(maxsize=_BY_CONTENT)
def _content_words(text: str, entities: tuple[Entity, ...]) -> frozenset[str]:
    """Stems of the content words of `text`, without the names of `entities`."""
    names = _entitywords(entities)
    return frozenset(s for w in words_of(text) if w.lower() not in _STOPWORDS and (s := stem(w)) not in names)


@kept_on_the_candidate
def polarity(candidate: EventCandidate) -> frozenset[str]:
    """Which of restriction, exception and negation the title expresses."""
    return _polarity(candidate.title)


@lru_cache(maxsize=_BY_CONTENT)
def _polarity(title: str) -> frozenset[str]:
    words = words_of(title)
    stems = {stem(w) for w in words} | {w.lower() for w in words}
    marks = set()
    if stems & _RESTRICTION:
        marks.add("restriction")
    if stems & _EXCEPTION:
        marks.add("exception")
    if stems & _NEGATION:
        marks.add("negation")
    return frozenset(marks)


def overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, int]:
    shared = len(a & b)
    return (shared / min(len(a), len(b)) if a and b else 0.0), shared


@kept_on_the_candidate
def _subject_span(candidate: EventCandidate) -> tuple[Entity, int] | None:
    """The actor the title opens with and where its name ends in the title."""
    if not candidate.actors:
        return None
    first = candidate.actors[0]
    title = candidate.title
    for name in (first.name, *first.aliases):
        at = title.lower().find(name.lower())
        # Only capitalised words (a title: "President Bill Clinton") may come before the name.
        if at == 0 or (at > 0 and all(w[:1].isupper() for w in title[:at].split())):
            return first, at + len(name)
    return None


def subject(candidate: EventCandidate) -> Entity | None:
    """The actor the title opens with ("Donald Trump sworn in"), if any."""
    found = _subject_span(candidate)
    return found[0] if found else None


@kept_on_the_candidate
def verb(candidate: EventCandidate) -> str | None:
    """The stem of the title's first word after its subject that is no auxiliary or adverb:
    "Donald Trump had previously expressed willingness" -> "express";
    "President Bill Clinton condemned the attack" -> "condemn"."""
    found = _subject_span(candidate)
    if found is None:
        return None
    for w in words_of(candidate.title[found[1]:]):
        if w.lower() not in _AUXILIARIES and not w.lower().endswith("ly"):
            return stem(w)
    return None


@kept_on_the_candidate
def claim_words(candidate: EventCandidate) -> frozenset[str]:
    """Stems of the content words of the sentences that tell the candidate, without the names
    of its actors and weapons and without its dating phrase."""
    claim = candidate.claim
    if candidate.timex is not None:
        claim = claim.replace(" ".join(candidate.timex.text.split()), " ")
    return _content_words(claim, (*candidate.actors, *candidate.weapons))


def contradicts(a: EventCandidate, b: EventCandidate) -> bool:
    """Whether two tellings of one happening disagree on its polarity: one restricts, excepts or
    negates what the other does not. A negating verb contradicts only the happening it names
    ("Russia denied attacking the city" / "Russia attacked the city"), not another one
    ("X rejected the offer" / "Y made the offer": the offer was made, then rejected).
    """
    pa, pb = polarity(a), polarity(b)
    if pa == pb:
        return False
    if pa ^ pb != {"negation"}:
        return True
    negated, plain = (a, b) if "negation" in pa else (b, a)
    stems = {w.lower() for w in words_of(negated.title)} | {stem(w) for w in words_of(negated.title)}
    if stems & (_NEGATION - _NEGATING_VERBS):
        return True
    verb_of_plain = next((stem(w) for w in words_of(plain.title) if is_past(Word(0, 0, w), False)), None)
    return verb_of_plain is not None and verb_of_plain in stems
