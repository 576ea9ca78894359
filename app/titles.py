"""Titles that say who did what, built from the words of the source.

The subject is the actor before the verb (its canonical name for a person, the
source's words otherwise: "Russian forces", "Trump's remarks"), a pronoun's antecedent,
a relative clause's antecedent, or the noun phrase before the verb; the predicate runs
from the verb to the dating phrase or the clause's end, without a passive "was".
Finding the subject is app.subjects' work; what a report verb reports, app.report_content's.

>>> t = "Trump was sworn in on January 20, 2025."
>>> ws = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(t)]
>>> build_title(t, ws, 2, t.index(" on"), 0, 0, [], Discourse(), None)[0]
'Trump sworn in'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.records import Entity, Mention
from app.subjects import after_preposition, noun_phrase, sentence_subject, subject_text
from app.word_classes import (
    DETERMINERS, BE, BE_HAVE, CLAUSE_BREAKS, CONNECTORS, EVENT_NOUNS, MODALS, PARTICLES, PREPOSITIONS,
    PRONOUNS, RELATIVES, SCHEDULING, SUBORDINATORS, TRAILING, WORD, Word, is_adverb, is_past,
)


MAX_PREDICATE = 12


@dataclass
class Discourse:
    """What the sentences of one document share: pronoun antecedents, and the owners of
    event nouns ("Ukraine's recent offensive") that a later "this offensive" takes up."""

    last_person: Entity | None = None
    owners: dict[str, tuple[str, tuple[Entity, ...]]] = field(default_factory=dict)

    def remember_owners(self, text: str, mentions: list[Mention], start: int = 0, end: int | None = None) -> None:
        """Note the owners of event nouns in text[start:end]; mentions are offsets into `text`."""
        end = len(text) if end is None else end
        if text.find("’s", start, end) < 0 and text.find("'s", start, end) < 0:
            return  # no owner: the pattern would try every capitalised word in vain
        for match in _OWNED_NOUN.finditer(text, start, end):
            owned = tuple(m.entity for m in mentions if match.start(1) <= m.start < match.end(1))
            self.owners[match.group(2)] = (match.group(1), owned)

    def owned(self, phrase: str | None) -> tuple[str, tuple[Entity, ...]] | None:
        """"offensive" -> ("Ukraine's offensive", (Ukraine,)) when the document named its owner."""
        if phrase is None or "’" in phrase or "'" in phrase:
            return None
        head = phrase.split()[-1]
        if head not in self.owners:
            return None
        owner, entities = self.owners[head]
        return f"{owner} {head}", entities


# "Ukraine's recent offensive": an owner, up to two modifiers, an event noun.
_OWNED_NOUN = re.compile(
    r"((?:[A-Z][\w.-]*\s)*[A-Z][\w.-]*[’']s)\s+(?:[a-z-]+\s+){0,2}?("
    + "|".join(sorted(map(re.escape, EVENT_NOUNS), key=len, reverse=True)) + r")\b")


_ASIDE = re.compile(r"\s*\([^)]*(?:\)|$)")
# Words a title neither ends nor starts with; sets made once, as these are read in loops.
_DANGLING = TRAILING | MODALS
_LEADING = RELATIVES | CONNECTORS | SUBORDINATORS | {"to", "whilst", "whose"}
_CLAUSE_OPENERS = RELATIVES | SUBORDINATORS


def clean_title(text: str) -> str:
    """A title without parentheses, dangling function words or a leading "which"; capitalised.

    >>> clean_title("who signed the treaty (in Paris) and")
    'Signed the treaty'
    """
    text = _ASIDE.sub("", text)
    words = text.split()
    while words and words[-1].lower().strip(",;:") in _DANGLING:
        # A particle after a verb belongs to it: "sworn in", "set up".
        if len(words) > 1 and is_past(Word(0, 0, words[-2]), True) and words[-1].lower() in PARTICLES:
            break
        words.pop()
    while words and words[0].lower() in _LEADING:
        words.pop(0)
    text = " ".join(words).strip(" ,;:—–-")
    return text[:1].upper() + text[1:]


def predicate_text(words: list[Word], text: str, first: int, stop: int, avoid: tuple[int, int] = (0, 0)) -> str:
    """Words from index `first` (the trigger or an adverb before it) up to offset `stop`, cut at a
    comma; a passive "was" before the verb goes ("was sworn in" -> "sworn in"), a modal stays.
    Words of the dating phrase at `avoid` are left out ("told a news conference on Tuesday that")."""
    chosen = []
    skip_to = -1
    for w in words[first:]:
        if w.start <= skip_to:
            continue
        if avoid[0] <= w.start < avoid[1]:
            if chosen and text[w.end:w.end + 1] in (",", ";", ":"):
                break  # the clause ends with the dating phrase
            continue
        if w.start >= stop or len(chosen) >= MAX_PREDICATE or (chosen and w.lower in CLAUSE_BREAKS):
            break
        if chosen and w.lower == "as" and _opens_clause(words, words.index(w)):
            break  # "emerged as North Korean personnel joined": a second clause
        chosen.append(w)
        if text[w.end:w.end + 1] == "," and _short_aside(text, w.end, stop):
            skip_to = text.index(",", w.end + 1)
            continue
        if text[w.end:w.end + 1] in (",", ";", ":") or text[w.end:w.end + 2].strip() in ("—", "–"):
            break
    if len(chosen) == MAX_PREDICATE:
        # Cut before a last phrase the limit left unfinished: "... countries for eventual".
        tail = [n for n, w in enumerate(chosen) if w.lower in PREPOSITIONS and n > 1]
        if tail and len(chosen) - tail[-1] <= 3:
            chosen = chosen[:tail[-1]]
    verb = next((n for n, w in enumerate(chosen) if not is_adverb(w)), 0)
    modal = any(w.lower in MODALS for w in chosen[:verb])
    passive = any(w.lower in BE for w in chosen[:verb])
    dropped = BE_HAVE if passive else BE
    kept = [w.text for n, w in enumerate(chosen) if modal or n >= verb or w.lower not in dropped]
    return " ".join(kept)


def _opens_clause(words: list[Word], n: int) -> bool:
    """Whether "as" at words[n] opens a clause: a subject and its verb follow ("as Easter week
    began", "as Russian forces ... were observed"), not a role ("as a material witness", "as
    the deadline"), nor "such as", "as well as", "known as", "as significant"."""
    if n + 1 >= len(words) or words[n - 1].lower in ("such", "well", "known", "same", "so"):
        return False
    following = words[n + 1]
    if following.lower in ("a", "an") or not (following.lower in DETERMINERS or following.text[:1].isupper()):
        return False
    return any(w.lower in BE_HAVE or w.lower in MODALS or is_past(w, False) for w in words[n + 2:n + 10])


def _short_aside(text: str, comma: int, stop: int) -> bool:
    """Whether the comma at `comma` opens a short aside of an adverb or a number that a second
    comma closes before `stop`: "the death toll, initially 10, has risen"."""
    closing = text.find(",", comma + 1, stop)
    if closing < 0:
        return False
    aside = WORD.findall(text[comma + 1:closing])
    return 0 < len(aside) <= 3 and (aside[0][0].isdigit() or (aside[0].endswith("ly") and aside[0].islower()))








def verb_group_start(words: list[Word], verb: int, core_start: int) -> int:
    """Index of the first word of the verb group ending at words[verb]: auxiliaries, adverbs,
    negation and a future's "is to be" / "is scheduled to"."""
    lead = verb
    while lead > 0 and words[lead - 1].start >= core_start:
        before = words[lead - 1]
        future = before.lower == "to" and (words[lead].lower == "be" or (
            lead > 1 and words[lead - 2].lower in SCHEDULING))
        if not (is_adverb(before) or future or (before.lower in SCHEDULING and words[lead].lower == "to")):
            break
        lead -= 1
    return lead


def build_title(
    text: str, words: list[Word], trigger: int, stop: int, core_start: int,
    sentence_start: int, mentions: list[Mention], doc: Discourse, inherited: str | None,
    avoid: tuple[int, int] = (0, 0),
) -> tuple[str, str | None, list[Entity]]:
    """(title, subject text, subject entities) for the happening at words[trigger]."""
    lead = verb_group_start(words, trigger, core_start)
    # From the first adverb on, so "not" and "reportedly" stay in the title.
    predicate = predicate_text(words, text, lead, stop, avoid)
    trig = words[trigger]
    before = [m for m in mentions if core_start <= m.start and m.end <= words[lead].start and not m.entity.is_weapon]
    nominal = trig.lower in EVENT_NOUNS or trig.lower.endswith(("tion", "ment", "ing"))
    if before and after_preposition(words, before[-1], core_start) and not nominal:
        # "Gonzalez's letter to Reno was published": a name inside a phrase is not the subject
        # of a verb; it is of a participle or an event noun ("reports of Russian forces advancing").
        before = []
    subject, entities = None, []
    previous = words[lead - 1] if lead > 0 and words[lead - 1].start >= sentence_start else None
    if nominal and previous is not None and previous.text.endswith(("’s", "'s")):
        # "Iraq's invasion of Kuwait": the owner in the source's own words.
        k = lead - 1
        while k > 0 and words[k - 1].text[:1].isupper() and words[k - 1].start >= core_start:
            k -= 1
        owner = text[words[k].start:previous.end]
        owner_entities = [m.entity for m in mentions if words[k].start <= m.start < previous.end]
        return clean_title(f"{owner} {predicate}"), owner, owner_entities
    if nominal and previous is not None and previous.lower in ("its", "their"):
        # "NATO's mission has changed since its founding": the owner is the last group named.
        owners = [m for m in mentions if m.end <= previous.start and m.entity.kind != "person"
                  and not m.entity.is_weapon]
        if owners:
            owner = owners[-1].entity
            return clean_title(f"{owner.name}’s {predicate}"), owner.name, [owner]
    if previous is not None and previous.lower in PRONOUNS:
        # "Elian has been the focus ... since he was found": the sentence's own subject first,
        # else the person the sentence before named.
        own = sentence_subject(text, words, sentence_start, previous.start, mentions)
        if own is None and doc.last_person is not None:
            own = doc.last_person.name, [doc.last_person]
        if own is not None:
            subject, entities = own
            return clean_title(f"{subject}’s {predicate}" if previous.lower in ("his", "her") and nominal
                               else f"{subject} {predicate}"), subject, entities
    if before:
        gap_text = text[before[-1].end:words[lead].start].strip()
        gap = [w for w in words if before[-1].end <= w.start < words[lead].start]
        aside = gap_text.startswith(",") and gap_text.endswith(",")
        # A name far from the verb, across a comma, is not its subject ("..., an official said"),
        # nor one before a clause of its own ("announced in Washington that the father would").
        opens_clause = any(w.lower in _CLAUSE_OPENERS for w in gap)
        if aside or (len(gap) <= 3 and "," not in gap_text and not opens_clause):
            subject = subject_text(before, words, words[lead].start)
            entities = [m.entity for m in before[-2:]
                        if m is before[-1] or subject.startswith(m.entity.name) or subject.startswith(m.text)]
    if subject is None and inherited:
        if nominal:
            return clean_title(f"{inherited}’s {predicate}"), inherited, entities
        subject = inherited
    if subject is None and previous is not None and previous.lower in RELATIVES and lead > 1:
        # "the revolution that brought Castro to power": a relative clause's noun is its subject.
        subject = noun_phrase(words, text, sentence_start, lead - 1, avoid)
    if subject is None:
        # No actor: the noun phrase before the trigger names what happened ("the blast in Nairobi").
        subject = noun_phrase(words, text, core_start, lead, avoid)
    owned = doc.owned(subject) if not entities else None
    if owned is not None:
        # "This particular offensive began": the document named whose offensive it is.
        subject, entities = owned[0], list(owned[1])
    if subject is None:
        return clean_title(predicate), None, entities
    joined = f"{subject} {predicate}" if not predicate.lower().startswith(subject.lower()) else predicate
    return clean_title(joined), subject, entities




def _unique(entities) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for entity in entities:
        seen.setdefault(entity.key, entity)
    return tuple(seen.values())


def actors_and_weapons(entities) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    entities = _unique(entities)
    return tuple(e for e in entities if not e.is_weapon), tuple(e for e in entities if e.is_weapon)

