"""Who a clause is about: the subject words of a title and the entities they name.

The subject is the actor named before the verb (a person by their canonical name, a
state or group in the source's words: "Russian forces", "Keating's convictions"), the
name a sentence opens with, or else the noun phrase before the verb ("the blast in
Nairobi"). Plain functions of a sentence's words (`Word`, with offsets) and its
mentions; app.titles puts the subject before the predicate.

>>> from app.word_classes import WORD
>>> t = "Former U.S. President Donald Trump spoke."
>>> us, trump = Entity("us", "United States", "state"), Entity("dt", "Donald Trump", "person")
>>> mentions = [Mention(7, 11, "U.S.", us), Mention(22, 34, "Donald Trump", trump)]
>>> words = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(t)]
>>> subject_text(mentions, words), [e.name for e in name_modifiers(mentions, t)]
('Donald Trump', ['Donald Trump', 'United States'])
"""
from __future__ import annotations

from app.records import Entity, Mention
from app.word_classes import (
    BE_HAVE, CONNECTORS, DETERMINERS, MODALS, POSSESSIVES, PREPOSITIONS, PRONOUNS, RELATIVES,
    REPORTING_VERBS, SUBJECT_PRONOUNS, SUBORDINATORS, Word, is_past,
)

# "Elian, the boy at the center of the dispute, was found": an aside between subject and verb.
MAX_ASIDE = 8
_DEMONYM_ENDINGS = ("an", "ese", "ish", "ch", "i")
_ALL_PRONOUNS = PRONOUNS | SUBJECT_PRONOUNS


def subject_text(mentions: list[Mention], words: list[Word], limit: int | None = None) -> str:
    """The words that name the subject: "Donald Trump", "Russian forces", "Germany and the United States".

    Words from offset `limit` on belong to the predicate and are never taken.
    """
    last = mentions[-1]
    entity = last.entity
    holder = next((w for w in words if w.start <= last.start < w.end), None)
    owned = [w for w in words if holder is not None and holder.end < w.start and (limit is None or w.end <= limit)]
    if holder is not None and holder.text.endswith(("’s", "'s")) and owned and len(owned) <= 3 \
            and all(w.text.islower() for w in owned):
        # "Keating's convictions were thrown out": the subject is what the name owns.
        owner = entity.name if entity.kind == "person" else last.text
        return f"{owner}’s {' '.join(w.text for w in owned)}"
    if entity.kind == "person":
        text = entity.name
    else:
        text = last.text
        follower = next((w for w in words if w.start >= last.end), None)
        # A demonym names the state through the noun after it: "Ukrainian forces".
        if (limit is not None and follower and follower.end <= limit and follower.text.islower()
                and follower.start - last.end <= 1 and last.text.endswith(_DEMONYM_ENDINGS)
                and last.text != entity.name):
            text = f"{last.text} {follower.text}"
    if len(mentions) > 1:
        previous = mentions[-2]
        between = [w.lower for w in words if previous.end <= w.start < last.start]
        if between and between[0] == "and" and len(between) <= 2:
            first = previous.entity.name if previous.entity.kind == "person" else previous.text
            text = f"{first} and {' '.join(between[1:] + [text]) if between[1:] else text}"
    return text


def name_modifiers(mentions: list[Mention], text: str) -> tuple[Entity, ...]:
    """The entity of the last mention and of the names that modify it in one noun phrase:
    "former U.S. President Donald Trump" -> (Donald Trump, United States). Only capitalised
    words (titles) may stand between them, never a comma or a verb.

    >>> us, trump = Entity("us", "United States", "state"), Entity("dt", "Donald Trump", "person")
    >>> t = "U.S. President Donald Trump"
    >>> [e.name for e in name_modifiers([Mention(0, 4, "U.S.", us), Mention(15, 27, "Donald Trump", trump)], t)]
    ['Donald Trump', 'United States']
    """
    found = [mentions[-1]]
    for mention in reversed(mentions[:-1]):
        gap = text[mention.end:found[-1].start]
        if mention.entity.is_weapon or "," in gap or not all(w[:1].isupper() for w in gap.split()) \
                or "\n\n" in gap:
            break
        found.append(mention)
    return tuple(m.entity for m in found)


def noun_phrase(words: list[Word], text: str, core_start: int, lead: int,
                 avoid: tuple[int, int] = (0, 0)) -> str | None:
    """The words of the noun phrase that ends before words[lead], without its determiner
    and without the dating phrase at `avoid` ("the bombings last week claimed")."""
    phrase: list[Word] = []
    k = lead - 1
    if k >= 0 and "," in text[words[k].end:words[lead].start]:
        # "James Kopp, 44, was charged": step over a short aside between commas.
        opening = text.rfind(",", core_start, words[k].start)
        aside = [w for w in words if opening < w.start < words[lead].start] if opening >= 0 else []
        if not aside or len(aside) > MAX_ASIDE:
            return None
        k = words.index(aside[0]) - 1
    while k >= 0 and words[k].start >= core_start and len(phrase) < _np_limit(phrase):
        w = words[k]
        if avoid[0] <= w.start < avoid[1]:
            k -= 1
            continue
        if (phrase and "," in text[w.end:phrase[0].start]) or w.lower in DETERMINERS or w.lower in POSSESSIVES:
            break
        if w.lower in SUBORDINATORS:
            break
        if w.lower in SUBJECT_PRONOUNS:
            # "since he arrived": with no antecedent known, the pronoun itself.
            phrase = [w] if not phrase else phrase
            break
        coordinated = w.lower == "and" and phrase and phrase[0].text[:1].isupper() and k > 0 \
            and words[k - 1].text[:1].isupper()
        if coordinated:
            # "the bombings in Kenya and Tanzania": names joined by "and" stay in the phrase.
            phrase.insert(0, w)
            k -= 1
            continue
        if w.lower in CONNECTORS or w.lower in RELATIVES or w.lower in BE_HAVE or w.lower in MODALS:
            break
        if is_past(w, False) or w.lower in REPORTING_VERBS:
            # "the suspected car bombings": a participle right after its article is an adjective.
            if not (k > 0 and words[k - 1].lower in DETERMINERS):
                break
        phrase.insert(0, w)
        k -= 1
        if w.text.endswith(("’s", "'s")) and not (k >= 0 and words[k].lower in PREPOSITIONS):
            # "Gonzalez's second letter": the owner, with all of its name, opens the phrase
            # ("off Florida's coast" goes on).
            while k >= 0 and words[k].start >= core_start and words[k].text[:1].isupper() \
                    and words[k].lower not in DETERMINERS \
                    and "," not in text[words[k].end:phrase[0].start]:
                phrase.insert(0, words[k])
                k -= 1
            break
    while phrase and phrase[0].lower in PREPOSITIONS:
        phrase.pop(0)
    return " ".join(w.text for w in phrase) or None


def sentence_subject(text: str, words: list[Word], sentence_start: int, limit: int,
                     mentions: list[Mention]) -> tuple[str, list[Entity]] | None:
    """The name a sentence opens with as its subject, before offset `limit`: a person it names,
    or a run of capitalised words followed by a verb ("Elian has been ...").

    >>> from app.word_classes import WORD
    >>> t = "Elian has been the focus since he was found."
    >>> ws = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(t)]
    >>> sentence_subject(t, ws, 0, t.index("he was"), [])
    ('Elian', [])
    """
    if text[sentence_start:limit].lstrip()[:1] in "‘“\"'`":
        return None  # the words of a quotation are not the sentence's subject
    opening = [w for w in words if sentence_start <= w.start < limit]
    people = [m for m in mentions if sentence_start <= m.start < limit and m.entity.kind == "person"]
    leading = [w for w in opening if w.end <= people[0].start] if people else []
    if people and all(w.text[:1].isupper() for w in leading):
        # "Rep. Dan Burton, R-Ind., said he subpoenaed": the person the sentence opens with.
        return people[0].entity.name, [people[0].entity]
    run = []
    for w in opening:
        if not w.text[:1].isupper() or w.lower in DETERMINERS or w.lower in SUBORDINATORS \
                or w.lower in CONNECTORS or w.lower in PREPOSITIONS or w.lower in _ALL_PRONOUNS:
            break
        run.append(w)
    verb = opening[len(run)] if len(run) < len(opening) else None
    if not run or verb is None or "," in text[run[-1].end:verb.start] or not (
            verb.lower in BE_HAVE or verb.lower in MODALS or is_past(verb, False)):
        return None
    entities = [m.entity for m in mentions if run[0].start <= m.start < run[-1].end]
    return " ".join(w.text for w in run), entities


def _np_limit(phrase: list[Word]) -> int:
    """How many words a subject noun phrase may take: more where a prepositional phrase
    ("letter to Reno in two weeks") has not yet reached its head noun."""
    return 8 if any(w.lower in PREPOSITIONS for w in phrase) else 5


def after_preposition(words: list[Word], mention: Mention, core_start: int) -> bool:
    """Whether a preposition (and maybe an article) stands right before `mention`: "to Reno",
    "of the U.S."."""
    before = [w for w in words if core_start <= w.start and w.end <= mention.start][-2:]
    if before and before[-1].lower in DETERMINERS:
        before = before[:-1]
    return bool(before) and before[-1].lower in PREPOSITIONS
