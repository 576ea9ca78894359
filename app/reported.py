"""Statements without a date of their own, kept at the article's anchor date.

A sentence gives one when it names an actor and a clause-heading past verb has a
subject: "Germany and the United States had agreed to transfer two Patriot systems".
Modifiers ("the newly approved ATACMS"), asides ("Trump, known for ..."), reduced
relatives ("a sentiment echoed by the Kremlin") and conditionals give none.
"""
from __future__ import annotations

from app.records import BASIS_REPORTED, Anchor, Entity, EventCandidate, Mention, Passage, Timex
from app.subjects import subject_text
from app.titles import Discourse, actors_and_weapons, clean_title, predicate_text
from app.word_classes import (
    BEFORE_MODIFIER, BE_HAVE, CONDITIONALS, CONNECTORS, DETERMINERS, FRAMING, MODALS, POSSESSIVES,
    NOT_VERBS, PREPOSITIONS, REPORTING_VERBS, STATEMENT_VERBS, WORD, Word, dateline_end, inside,
    is_adverb, is_past,
)


def _spans_a_stretch(timex: Timex, words: list[Word]) -> bool:
    """"in recent months", "over the past two years": a vague or backward-looking duration
    after a framing preposition. "for at least 20 more years" looks ahead and says how long."""
    before = [w for w in words if w.end <= timex.start]
    backward = "X" in timex.value or timex.text.lower().startswith(("the past", "the last", "recent"))
    return timex.type == "DURATION" and backward and bool(before) and before[-1].lower in FRAMING | {"in", "during"}


def _main_verbs(text: str, words: list[Word], quotes) -> list[int]:
    """Indexes of past verbs that head a clause, not modifiers ("the newly approved ATACMS",
    "amid continued aggression") nor participles after a comma ("Trump, known for ...")."""
    found = []
    for n, w in enumerate(words):
        if n == 0 or not is_past(w, False) or inside(w.start, quotes):
            continue
        k = n - 1
        while k > 0 and words[k].lower.endswith("ly") and words[k].lower != "only":
            k -= 1
        if words[k].lower in BEFORE_MODIFIER:
            continue
        following = words[n + 1].lower if n + 1 < len(words) else ""
        # "the tank depicted might be", "a sentiment echoed by the Kremlin": reduced relatives.
        if following in MODALS or following in BE_HAVE or (
                following == "by" and (words[k].lower not in BE_HAVE or words[k].lower == "being")):
            continue
        if "," in text[words[k].end:words[k + 1].start] and _appositive(text, words, n):
            continue
        group = [w.lower for w in words[max(0, n - 4):n]]
        if any(w in MODALS for w in group) and "have" in group:
            continue  # "Ukraine would not have dared": a counterfactual, not a happening
        found.append(n)
    return found


def _appositive(text: str, words: list[Word], n: int) -> bool:
    """"Trump, known for his policies, had expressed": the participle opens an aside that a
    comma closes before the clause's own verb."""
    comma = text.find(",", words[n].end)
    if comma < 0:
        return False
    after = next((w for w in words if w.start > comma), None)
    return after is not None and (after.lower in BE_HAVE or after.lower in MODALS or is_past(after, False))


def _in_apposition(text: str, mention: Mention) -> bool:
    """Whether `mention` sits in an aside opened by a comma and an article ("..., an aide to X,")."""
    opening = text.rfind(",", 0, mention.start)
    if opening < 0:
        return False
    chunk = text[opening + 1:mention.start].split()
    return bool(chunk) and chunk[0].lower() in ("a", "an", "the")


def _inside_phrase(text: str, words: list[Word], first: Mention) -> bool:
    """"arms from the U.S. and Sweden were claimed": a name after a preposition is no subject."""
    before = [w for w in words if w.end <= first.start]
    if before and before[-1].lower == "the":
        before = before[:-1]
    before = before[-2:]
    return bool(before) and "," not in text[before[0].start:first.start] and any(
        w.lower in PREPOSITIONS for w in before)


def _object_position(text: str, words: list[Word], mention: Mention) -> bool:
    """Whether a verb stands within two words before `mention` (after its article), with no
    comma between: "attacking key Russian assets" names the verb's object, not a subject.
    A statement verb opens a clause instead: "said Iraq has continued"."""
    before = [w for w in words if w.end <= mention.start]
    if before and before[-1].lower in DETERMINERS | POSSESSIVES:
        before = before[:-1]
    for word in reversed(before[-2:]):
        if "," in text[word.end:mention.start] or not word.text.islower():
            return False
        if word.lower not in STATEMENT_VERBS and (is_past(word, False) or (
                word.lower.endswith("ing") and word.lower not in NOT_VERBS)):
            return True
    return False


def _subject_entities(actors: list[Mention], subject: str) -> list[Entity]:
    last = actors[-1]
    if len(actors) > 1:
        other = actors[-2]
        if subject.startswith(other.entity.name if other.entity.kind == "person" else other.text):
            return [other.entity, last.entity]
    return [last.entity]


def _reported_subject(text: str, words: list[Word], verb: int, mentions: list[Mention], doc: Discourse):
    """(subject words, subject entities, index where the predicate starts) or None."""
    lead = verb
    while lead > 0 and is_adverb(words[lead - 1]):
        lead -= 1
    if lead == 0:
        return None
    start = words[lead].start
    previous = words[lead - 1]
    if previous.lower in ("he", "she") and doc.last_person is not None:
        return doc.last_person.name, [doc.last_person], lead
    actors = [m for m in mentions if m.end <= start and not m.entity.is_weapon]
    if previous.lower in ("who", "which") and text[:previous.start].rstrip().endswith(","):
        # "Trump's administration, which has prioritized": the subject stands before the comma.
        comma = text[:previous.start].rstrip().rstrip(",")
        owner = [m for m in actors if len(WORD.findall(comma[m.end:])) <= 2]
        if owner:
            return " ".join(comma[owner[-1].start:].split()), [owner[-1].entity], lead
        return None
    if actors and _in_apposition(text, actors[-1]):
        # "Podolyak, an aide to President Zelensky, expressed": the aside's name is not the subject.
        opening = text.rfind(",", 0, actors[-1].start)
        actors = [m for m in actors if m.end <= opening]
    if actors and _object_position(text, words, actors[-1]):
        # "attacking key Russian military assets located ...": a name after a verb or an
        # adjective is that verb's object, not a subject.
        actors = []
    if actors:
        last = actors[-1]
        subject = subject_text(actors, words)
        first = actors[-2] if len(actors) > 1 and subject != subject_text(actors[-1:], words) else last
        gap = text[last.end:start]
        gap_words = WORD.findall(gap)
        if not _inside_phrase(text, words, first):
            if gap.strip().startswith("and ") and len(gap_words) <= 3 and "," not in gap:
                # "The U.S. and its allies have distanced themselves".
                return " ".join(text[last.start:start].split()), [last.entity], lead
            if not gap_words or (gap.strip().startswith(",") and gap.strip().endswith(",")):
                return subject, _subject_entities(actors, subject), lead
            if len(gap_words) <= 2 and "," not in gap and all(
                    g[:1].islower() or g in ("’s", "'s") for g in gap_words):
                # "British officials", "Trump's remarks".
                return " ".join(text[last.start:start].split()), [last.entity], lead
    # A noun phrase with its determiner: "the approval was limited", "this policy shift is viewed".
    k = lead - 1
    noun = []
    while k >= 0 and len(noun) < 3 and words[k].text.islower() and words[k].lower not in BEFORE_MODIFIER \
            and words[k].lower not in CONNECTORS and "," not in text[words[k].end:words[k + 1].start]:
        noun.insert(0, words[k].text)
        k -= 1
    if noun and k >= 0 and (words[k].lower in DETERMINERS or words[k].lower in POSSESSIVES):
        opener = words[k - 1] if k > 0 and "," not in text[words[k - 1].end:words[k].start] else None
        verb = words[k - 2] if k > 1 else None
        # A noun phrase right after a verb is its object ("attacking the assets located"), and one
        # after a preposition with a participle is a modifier ("in a letter published on the
        # front page"). But after a report verb a clause begins ("indicated the president
        # sought"), and "with an exception granted" tells a happening of its own.
        if opener is not None and (opener.lower in PREPOSITIONS - {"with"} or (
                is_past(opener, False) and opener.lower not in STATEMENT_VERBS) or (
                # "characterized as a maneuver aimed at", but "as an explosion ripped through".
                opener.lower in ("as", "like") and verb is not None and is_past(verb, False))):
            return None
        return " ".join(noun), [], lead
    return None


def reported_event(
    passage: Passage, s0: int, s1: int, words: list[Word], mentions: list[Mention], quotes,
    doc: Discourse, anchor: Anchor, timexes: list[Timex] = (),
) -> EventCandidate | None:
    """The statement a sentence without a dating phrase reports, dated by the article's anchor;
    None where it reports none. `timexes` are the sentence's temporal expressions, which
    dated nothing: one that spans the statement over a stretch ("has shifted in recent
    months") gives it no single date to stand at.

    >>> from datetime import date
    >>> from app.records import ANCHOR_FROM_DOCUMENT
    >>> from app.word_classes import WORD
    >>> germany = Entity("germany", "Germany", "state")
    >>> text = "Germany had agreed to transfer two systems."
    >>> words = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    >>> event = reported_event(Passage(0, text), 0, len(text), words, [Mention(0, 7, "Germany", germany)],
    ...                        [], Discourse(), Anchor(date(2025, 1, 20), ANCHOR_FROM_DOCUMENT))
    >>> event.title, event.reported
    ('Germany had agreed to transfer two systems', True)
    """
    text = passage.text
    if any(_spans_a_stretch(t, words) for t in timexes):
        return None
    quoted = sum(min(b, s1) - max(a, s0) for a, b in quotes if a < s1 and b > s0)
    if quoted * 2 > s1 - s0 or text[s0:s1].rstrip().endswith("?"):
        return None
    if text[s0:s1].split(maxsplit=1)[0].lower() in CONDITIONALS:
        return None
    s0 = dateline_end(text, s0)
    words = [w for w in words if w.start >= s0]
    free = [m for m in mentions if not inside(m.start, quotes) and m.start >= s0]
    if not free:
        return None
    told = []
    for verb in _main_verbs(text, words, quotes):
        subject = _reported_subject(text, words, verb, free, doc)
        if subject is not None:
            told.append((verb, subject))
    if not told:
        return None
    # "Pistorius confirmed that Germany and the United States had agreed": the agreement is the news.
    verb, (subject, subject_entities, lead) = next(
        (t for t in told if words[t[0]].lower not in REPORTING_VERBS), told[0])
    predicate = predicate_text(words, text, lead, s1)
    title = clean_title(f"{subject} {predicate}")
    if title.split()[-1].lower() in STATEMENT_VERBS:
        return None  # "Pistorius emphasized": what was said did not make it into the title
    actors, weapons = actors_and_weapons([*subject_entities, *(m.entity for m in free)])
    return EventCandidate(
        passage_index=passage.index, sentence_start=s0, sentence_end=s1, title=title,
        date_start=anchor.date, date_end=anchor.date, precision="day", basis=BASIS_REPORTED,
        timex=None, actors=actors, weapons=weapons, mentions=tuple(free), reported=True,
        claim=" ".join(text[s0:s1].split()),
    )
