"""Titles that say who did what, built from the words of the source.

The subject is the actor before the verb (its canonical name for a person, the
source's words otherwise: "Russian forces", "Trump's remarks"), a pronoun's antecedent,
a relative clause's antecedent, or the noun phrase before the verb; the predicate runs
from the verb to the dating phrase or the clause's end, without a passive "was".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.records import Entity, Mention
from app.word_classes import (
    BE, BE_HAVE, CLAUSE_BREAKS, CONNECTORS, DETERMINERS, EVENT_NOUNS, MODALS, PARTICLES,
    POSSESSIVES, PREPOSITIONS, PRONOUNS, RELATIVES, REPORTING_VERBS, SCHEDULING,
    SUBJECT_PRONOUNS, SUBORDINATORS, TRAILING, WORD, Word, inside, is_adverb, is_past,
)


MAX_PREDICATE = 12
MAX_SPEAKER = 6
# "Elian, the boy at the center of the dispute, was found": an aside between subject and verb.
MAX_ASIDE = 8


@dataclass
class Discourse:
    """What the sentences of one document share: pronoun antecedents, and the owners of
    event nouns ("Ukraine's recent offensive") that a later "this offensive" takes up."""

    last_person: Entity | None = None
    owners: dict[str, tuple[str, tuple[Entity, ...]]] = field(default_factory=dict)

    def remember_owners(self, text: str, mentions: list[Mention], start: int = 0, end: int | None = None) -> None:
        """Note the owners of event nouns in text[start:end]; mentions are offsets into `text`."""
        for match in _OWNED_NOUN.finditer(text, start, len(text) if end is None else end):
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


_DEMONYM_ENDINGS = ("an", "ese", "ish", "ch", "i")


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


def clean_title(text: str) -> str:
    """A title without parentheses, dangling function words or a leading "which"; capitalised.

    >>> clean_title("who signed the treaty (in Paris) and")
    'Signed the treaty'
    """
    text = re.sub(r"\s*\([^)]*(?:\)|$)", "", text)
    words = text.split()
    while words and words[-1].lower().strip(",;:") in TRAILING | MODALS:
        # A particle after a verb belongs to it: "sworn in", "set up".
        if len(words) > 1 and is_past(Word(0, 0, words[-2]), True) and words[-1].lower() in PARTICLES:
            break
        words.pop()
    while words and words[0].lower() in RELATIVES | CONNECTORS | SUBORDINATORS | {"to", "whilst"}:
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


def _short_aside(text: str, comma: int, stop: int) -> bool:
    """Whether the comma at `comma` opens a short aside of an adverb or a number that a second
    comma closes before `stop`: "the death toll, initially 10, has risen"."""
    closing = text.find(",", comma + 1, stop)
    if closing < 0:
        return False
    aside = WORD.findall(text[comma + 1:closing])
    return 0 < len(aside) <= 3 and (aside[0][0].isdigit() or (aside[0].endswith("ly") and aside[0].islower()))


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

    >>> t = "Elian has been the focus since he was found."
    >>> ws = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(t)]
    >>> sentence_subject(t, ws, 0, t.index("he was"), [])
    ('Elian', [])
    """
    if text[sentence_start:limit].lstrip()[:1] in "‘“\"'`":
        return None  # the words of a quotation are not the sentence's subject
    opening = [w for w in words if sentence_start <= w.start < limit]
    people = [m for m in mentions if sentence_start <= m.start < limit and m.entity.kind == "person"]
    if people and people[0].start == (opening[0].start if opening else -1):
        return people[0].entity.name, [people[0].entity]
    run = []
    for w in opening:
        if not w.text[:1].isupper() or w.lower in DETERMINERS or w.lower in SUBORDINATORS \
                or w.lower in CONNECTORS or w.lower in PREPOSITIONS or w.lower in PRONOUNS | SUBJECT_PRONOUNS:
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
    if before and _after_preposition(words, before[-1], core_start) and not nominal:
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
        opens_clause = any(w.lower in RELATIVES | SUBORDINATORS for w in gap)
        if aside or (len(gap) <= 3 and "," not in gap_text and not opens_clause):
            subject = subject_text(before, words, words[lead].start)
            entities = [m.entity for m in before[-2:]
                        if m is before[-1] or subject.startswith(m.entity.name) or subject.startswith(m.text)]
    if subject is None and inherited:
        if nominal:
            return clean_title(f"{inherited}’s {predicate}"), inherited, entities
        subject = inherited
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


def _after_preposition(words: list[Word], mention: Mention, core_start: int) -> bool:
    """Whether a preposition (and maybe an article) stands right before `mention`: "to Reno",
    "of the U.S."."""
    before = [w for w in words if core_start <= w.start and w.end <= mention.start][-2:]
    if before and before[-1].lower in DETERMINERS:
        before = before[:-1]
    return bool(before) and before[-1].lower in PREPOSITIONS


def _unique(entities) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for entity in entities:
        seen.setdefault(entity.key, entity)
    return tuple(seen.values())


def actors_and_weapons(entities) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    entities = _unique(entities)
    return tuple(e for e in entities if not e.is_weapon), tuple(e for e in entities if e.is_weapon)


def content_after_report(text: str, words: list[Word], first: int, end: int, quotes,
                       avoid: tuple[int, int] = (0, 0)) -> str | None:
    """After "Reports indicated ... confirmed", the words of what was reported."""
    last = None
    for i in range(first, len(words)):
        w = words[i]
        if w.start >= end:
            break
        if w.lower in REPORTING_VERBS and not inside(w.start, quotes):
            last = i
    if last is None or last + 1 >= len(words):
        return None
    start = last + 1 + (words[last + 1].lower == "that")
    if start >= len(words) or words[start].start >= end:
        return None
    chosen = [w for w in words[start:] if w.start < end and not avoid[0] <= w.start < avoid[1]][:MAX_PREDICATE]
    # A bare "said Friday." reports nothing after the verb: the news stands before it.
    return text[chosen[0].start:chosen[-1].end] if len(chosen) > 1 else None


def content_before_report(text: str, words: list[Word], trigger: int, s0: int, quotes,
                    avoid: tuple[int, int] = (0, 0)) -> str | None:
    """"Bombs exploded outside the embassies, witnesses said Friday": what was said comes first."""
    comma = text.rfind(",", s0, words[trigger].start)
    # "..., hospital officials and family members said Wednesday": a speaker of a few words.
    if comma < 0 or len(WORD.findall(text[comma:words[trigger].start])) > MAX_SPEAKER:
        return None
    if len([w for w in words if w.start > words[trigger].start and not avoid[0] <= w.start < avoid[1]]) > 3:
        return None  # something follows the verb: that is what was said
    content = [w for w in words if s0 <= w.start < comma and not inside(w.start, quotes)]
    if len(content) < 4 or any(inside(w.start, quotes) for w in words if s0 <= w.start < comma):
        return None
    said = predicate_text(words, text, words.index(content[0]), comma)
    opener = content[0].lower.endswith("ing") or is_past(content[0], True)
    if len(said.split()) >= 3 and not opener:
        return said
    # An opening phrase or a list cut at its first comma: what was said is the last clause
    # ("Tired of being sidelined, Farkas is leaving ..., he said").
    opening = text.rfind(",", s0, comma)
    last = [w for w in content if w.start > opening]
    if len(last) < 3:
        return None
    return predicate_text(words, text, words.index(last[0]), comma)
