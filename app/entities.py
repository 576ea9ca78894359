"""Actors and weapon systems named in a document's passages.

Two passes over the whole document: the first learns what the text itself says about
names (an acronym defined in parentheses, a person introduced by a title or a role, an
organisation named by its head word), the second finds every mention of a known or
learned entity. Working per document lets a later "Pistorius" or "HIMARS" resolve
through what an earlier sentence taught.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from app.knowledge import Knowledge, literal_alternation, load_knowledge, slugify, surface_pattern
from app.records import Entity, Mention, Passage

__all__ = ["find_mentions", "load_knowledge", "Knowledge"]

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
# One word of a personal name: "Boris", "Jean-Noel", "O'Brien".
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
# A first name may be initials: "P.J. Crowley".
_FIRST_NAME = rf"(?:{_NAME_WORD}|(?:[{_UPPER}]\.){{1,3}})"
# Lower-case particles inside a name: "Daniel arap Moi", "Osama bin Laden", "Jacques de Mathan".
_PARTICLE = r"(?:arap|bin|ibn|al|de|del|della|der|di|du|da|dos|la|le|van|von|ter)"
_NAME = rf"{_FIRST_NAME}(?:[^\S\n]+(?:[{_UPPER}]\.[^\S\n]+|{_PARTICLE}[^\S\n]+)?{_NAME_WORD}){{1,2}}"
_SHORT_NAME = rf"{_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{0,2}}"
# Capitalised words that start sentences or clauses, never a name.
_NOT_NAMES = frozenset(
    """The This That These Those A An In On At As But And Or If When While Meanwhile However
    Despite According After Before Since For From With Without Under Over Notably Historically
    Earlier Later It He She They We I You His Her Their Our Its Reports Related Yet Until Should
    Only What Whether Once Speaking Adding Both Each Every Some Many Most Several Such Then There
    Here Now Still Also Even Though Although Because Unlike Like Amid Among During Following
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr""".split()
)
_CONNECTORS = ("of", "for", "and", "on", "the", "&")
# Words that cannot modify a role in an apposition: "X, as an adviser", "X, and the president".
_FILLER_STOP = r"(?:as|and|or)"
_CAP_WORD = rf"[{_UPPER}][\w.&'’-]*"
_CAP_RUN = re.compile(rf"{_CAP_WORD}(?:[^\S\n]+(?:(?:of|for|and|on|the|&)[^\S\n]+)*{_CAP_WORD})*")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&-]{1,11})\)")
_WORD_BEFORE = re.compile(r"([\w.’'-]+)[^\S\n]*$")
_POSSESSIVE_S = re.compile(r"[’']s$")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")


@dataclass
class _Lexicon:
    """Surface forms learned from one document, on top of the knowledge file."""

    knowledge: Knowledge
    learned: dict[str, Entity] = field(default_factory=dict)

    def lookup(self, surface: str) -> Entity | None:
        return self.learned.get(surface) or self.knowledge.lookup(surface)

    def knows_key(self, key: str) -> Entity | None:
        known = self.knowledge.entities.get(key)
        if known:
            return known
        return next((e for e in self.learned.values() if e.key == key), None)

    def learn(self, surface: str, entity: Entity) -> None:
        if self.lookup(surface) is None:
            self.learned[surface] = entity


def _is_name(candidate: str, lexicon: _Lexicon) -> bool:
    words = candidate.split()
    if any(w.rstrip(".") in _NOT_NAMES for w in words):
        return False
    if any(w in lexicon.knowledge.demonyms or w in lexicon.knowledge.titles for w in words):
        return False
    if words[-1] in lexicon.knowledge.organisation_words:
        return False  # "Times-Mirror Publishing Group" names an organisation
    known = lexicon.lookup(candidate)
    return known is None or known.kind == "person"


def _learn_person(name: str, lexicon: _Lexicon) -> None:
    name = _POSSESSIVE_S.sub("", " ".join(name.split()))
    words = name.split()
    while len(words) > 2 and words[0] in lexicon.knowledge.titles:
        words = words[1:]  # "Lieutenant Colonel Eileen Collins": a second title is no first name
    name = " ".join(words)
    if not _is_name(name, lexicon) or lexicon.lookup(name) is not None:
        return
    words = name.split()
    entity = lexicon.knows_key(slugify(name)) or Entity(
        key=slugify(name), name=name, kind="person", aliases=(words[-1],) if len(words) > 1 else ()
    )
    lexicon.learn(name, entity)
    if len(words) > 1:
        # The surname alone names the person later in the same article.
        lexicon.learn(words[-1], entity)


@dataclass(frozen=True)
class _NamingPatterns:
    titled: re.Pattern[str] | None
    single: re.Pattern[str] | None
    honorific: re.Pattern[str]
    apposition: re.Pattern[str] | None
    age: re.Pattern[str]
    role_first: re.Pattern[str] | None = None
    # Trying a name at every capital letter is the slow part of most of these patterns, and
    # most passages have no title, no age or no role after a comma for them to find. These
    # find the part every match has: where a title is, or that an apposition is.
    title: re.Pattern[str] | None = None
    role_after_comma: re.Pattern[str] | None = None


_AGE_AFTER_COMMA = re.compile(r",[^\S\n]+\d{1,3},")


@lru_cache(maxsize=16)
def _naming_patterns(titles: tuple[str, ...], roles: frozenset[str]) -> _NamingPatterns:
    """The people-finding patterns of one knowledge, compiled once."""
    titled = single = title = apposition = role_first = role_after_comma = None
    if titles:
        title_words = literal_alternation(titles, not_after=r"[\w.]")
        title = re.compile(title_words)
        # "Defense Minister Boris Pistorius", "Defense Minister of Germany, Boris Pistorius".
        titled = re.compile(
            rf"{title_words}(?:[^\S\n]+of[^\S\n]+{_CAP_WORD})?,?\s+({_NAME})(?![\w])")
        # "President Bush said": a title before one capitalised word that no other follows.
        single = re.compile(
            rf"{title_words}[^\S\n]+({_NAME_WORD})(?![\w-])(?![^\S\n]+[{_UPPER}])")
    if roles:
        role_words = literal_alternation(roles)
        # "Mykhailo Podolyak, an aide to ...", "Elena Petrov, a geopolitical expert".
        # One person per role: a plural ("..., administration officials say") is a group. The
        # words before the role never link ("X, as an adviser"), and a capitalised word after
        # it makes the role a title of the next name ("Cape Town, South Africa, police
        # spokesman Capt. Rod Beer").
        apposition = re.compile(
            rf"({_NAME}),[^\S\n]+(?:(?:a|an|the)[^\S\n]+)?(?:(?!{_FILLER_STOP}\b)[\w'’-]+[^\S\n]+){{0,3}}?"
            rf"{role_words}\b(?![^\S\n]+[{_UPPER}])")
        role_after_comma = re.compile(rf",[^\S\n]+(?:[\w'’-]+[^\S\n]+){{0,4}}{role_words}")
        # "Polly Peck's chairman, Asil Nadir, echoed": the role, then the name between commas.
        # Roles are words, so a word boundary before one is no word character before it.
        role_start = literal_alternation(roles, not_after=r"\w")
        role_first = re.compile(rf"{role_start},[^\S\n]+({_NAME}),")
    honorific = re.compile(rf"(?:Mr|Mrs|Ms|Dr|Prof)\.\s+({_SHORT_NAME})(?!\w)")
    # "James Kopp, 44, was charged": news gives a person's age after the name.
    age = re.compile(rf"({_NAME}),[^\S\n]+\d{{1,3}},")
    return _NamingPatterns(titled, single, honorific, apposition, age, role_first, title, role_after_comma)


def _learn_people(text: str, lexicon: _Lexicon) -> None:
    knowledge = lexicon.knowledge
    patterns = _naming_patterns(knowledge.titles, knowledge.roles)
    first_title = patterns.title.search(text) if patterns.title is not None else None
    if first_title is not None:
        for match in patterns.titled.finditer(text, first_title.start()):
            _learn_person(match.group(1), lexicon)
        for match in patterns.single.finditer(text, first_title.start()):
            name = _POSSESSIVE_S.sub("", match.group(1))
            if name not in _NOT_NAMES and lexicon.lookup(name) is None and name not in knowledge.titles \
                    and f"{name}." not in knowledge.titles \
                    and name not in knowledge.organisation_words:  # "General Assembly" is no person
                lexicon.learn(name, Entity(key=slugify(name), name=name, kind="person"))
    for match in patterns.honorific.finditer(text):
        _learn_person(match.group(1), lexicon)
    if _AGE_AFTER_COMMA.search(text):
        for match in patterns.age.finditer(text):
            _learn_person(match.group(1), lexicon)
    if patterns.role_first is not None:
        for match in patterns.role_first.finditer(text):
            _learn_person(match.group(1), lexicon)
    if patterns.apposition is not None and patterns.role_after_comma.search(text):
        for match in patterns.apposition.finditer(text):
            before = _WORD_BEFORE.search(text[: match.start()])
            # Only a whole run of capitalised words is a name, not the tail of a longer one.
            if before and before.group(1)[:1].isupper() and not before.group(1).endswith((".", ",")):
                if before.group(1) not in knowledge.titles:
                    continue
            _learn_person(match.group(1), lexicon)


def _learn_acronyms(text: str, lexicon: _Lexicon) -> None:
    """"High Mobility Artillery Rocket System (HIMARS)": the long form and the acronym are one entity."""
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        words = text[: match.start()].split()[-8:]
        long_form = None
        for first in range(len(words)):
            tail = [w for w in words[first:] if w not in _CONNECTORS]
            if words[first] in _CONNECTORS or not tail or not all(w[:1].isupper() for w in tail) \
                    or tail[0][0] != acronym[0]:
                continue
            # At least two words, and half as many as the acronym has letters: "Australia (AP)" is a dateline.
            if len(tail) >= max(2, len(acronym) // 2) and _initials_fit(tail, acronym):
                long_form = " ".join(words[first:])
                break
        if long_form is None:
            continue
        known = lexicon.lookup(acronym) or lexicon.lookup(long_form)
        if known is None:
            last = long_form.split()[-1]
            kind = "weapon" if last in lexicon.knowledge.weapon_words else "organisation"
            known = Entity(key=slugify(acronym), name=acronym, kind=kind, aliases=(long_form,))
        lexicon.learn(acronym, known)
        lexicon.learn(long_form, known)


def _initials_fit(words: list[str], acronym: str) -> bool:
    """The words' initials appear in order among the acronym's letters."""
    letters = iter(acronym.upper())
    return all(any(ch == w[0].upper() for ch in letters) for w in words)


def _learn_organisations(text: str, lexicon: _Lexicon) -> None:
    heads = lexicon.knowledge.organisation_words
    for match in _CAP_RUN.finditer(text):
        words = match.group(0).split()
        if len(words) < 2:
            continue  # most runs are one word, and no organisation is named by one
        for part in _sentence_parts(words, heads):
            _learn_organisation(part, text, match, lexicon)


def _sentence_parts(words: list[str], heads: frozenset[str]) -> list[list[str]]:
    """Cut a run of capitalised words where a sentence ends inside it ("Persian Gulf. Replied ...")."""
    parts, current = [], []
    for word in words:
        bare = word.rstrip("'’”\"")
        if bare != word and (bare.endswith((".", ",")) or word.endswith(("''", "”", '"'))):
            # "Pakistan.'' The State Department": a closing quote ends the sentence or the name.
            parts.append([*current, bare])
            current = []
            continue
        current.append(word)
        if word.endswith(".") and len(word) > 2 and word not in heads and not _INITIALS.fullmatch(word):
            parts.append(current)
            current = []
    return parts + [current] if current else parts


def _after_last_link(words: list[str]) -> list[str]:
    """"Lisa Schlein for VOA News", "Inspector MacCaskill of the Winnipeg Police Service": a name
    ending in a head word starts after the last "for", "on" or "of the" / "and the".

    >>> _after_last_link("Inspector Keith MacCaskill of the Winnipeg Police Service".split())
    ['Winnipeg', 'Police', 'Service']
    """
    start = 0
    for n in range(len(words) - 1):
        if words[n] in ("for", "on") or (words[n] in ("of", "and") and words[n + 1] == "the"):
            start = n + 1
    while start < len(words) and words[start] in _CONNECTORS:
        start += 1
    return words[start:]


def _learn_organisation(words: list[str], text: str, match: re.Match, lexicon: _Lexicon) -> None:
    """Learn `words` (part of the capitalised run `match`) as an organisation if a head word names one."""
    heads = lexicon.knowledge.organisation_words
    if words and words[-1].endswith(".") and words[-1] not in heads:
        words = [*words[:-1], words[-1].rstrip(".")]
    while words and (words[0] in _NOT_NAMES or words[0] in lexicon.knowledge.demonyms):
        words = words[1:]
    if len(words) < 2 or words[0] in _CONNECTORS:
        return
    if words[-1] in heads:
        words = _after_last_link(words)
    elif words[0] in heads and words[1] in ("of", "for"):
        # "University of Rochester for Saturday": the name ends before a second link.
        cut = next((n for n in range(2, len(words)) if words[n] in ("for", "on")), len(words))
        words = words[:cut]
    else:
        return
    if len(words) < 2:
        return
    name = " ".join(words)
    known = lexicon.knowledge.pattern
    if lexicon.lookup(name) is not None or any(lexicon.knowledge.lookup(w.rstrip("’'s")) for w in words) \
            or (known is not None and known.search(name)):
        return
    before = _WORD_BEFORE.search(text[: match.start() + match.group(0).find(words[0])])
    if before:
        owner = lexicon.knowledge.lookup(_POSSESSIVE_S.sub("", before.group(1)))
        # "Japan's Defense Ministry", "UK Ministry of Defence": an organ of a state names that state.
        if owner and owner.kind == "state":
            return
    lexicon.learn(name, Entity(key=slugify(name), name=name, kind="organisation"))


def _mentions_in(text: str, patterns: Iterable[re.Pattern[str] | None], lexicon: _Lexicon) -> list[Mention]:
    found: list[tuple[int, int, str]] = []
    for pattern in patterns:
        if pattern is not None:
            found.extend((m.start(), m.end(), m.group(0)) for m in pattern.finditer(text))
    # Longest first, then earliest: "Volodymyr Zelensky" beats "Zelensky" inside it.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    mentions = []
    for start, end, surface in found:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        entity = lexicon.lookup(surface)
        if entity is None:
            continue
        taken.append((start, end))
        mentions.append(Mention(start=start, end=end, text=surface, entity=entity))
    return sorted(mentions, key=lambda m: m.start)


def find_mentions(passages: list[Passage], knowledge: Knowledge) -> list[list[Mention]]:
    """Every actor and weapon system named in each passage, with its span in that passage.

    >>> k = load_knowledge()
    >>> [m.entity.name for m in find_mentions([Passage(0, "Zelensky met U.S. officials.")], k)[0]]
    ['Volodymyr Zelenskyy', 'United States']
    """
    lexicon = _Lexicon(knowledge)
    for passage in passages:
        _learn_acronyms(passage.text, lexicon)
        _learn_people(passage.text, lexicon)
    for passage in passages:
        _learn_organisations(passage.text, lexicon)
    learned = surface_pattern(list(lexicon.learned))
    return [_mentions_in(p.text, (knowledge.pattern, learned), lexicon) for p in passages]
