"""Event candidates: who did what, when, as each sentence of a document tells it.

A dating phrase makes an event only where it attaches to a word that reports a happening
(a verb in the past or future, or an event noun: "began on August 6", "his re-election in
2024"); durations, vague spans and dates with nothing happening around them frame the
story and make none. A sentence with two dating phrases is cut between them, so
"reelected in 2024 and sworn in on January 20, 2025" gives two events. A sentence that
names an actor and reports a past happening without a date of its own is kept as a
`reported` candidate at the document's anchor date (app.reported); titles are built by
app.titles from the word classes of app.word_classes.
A quotation dated by its attribution ("'I'm ready to do business,' he stated in late
2024") dates the statement the sentence before paraphrases, by the same speaker. Dates
inside quotations, trading sessions ("in composite trading yesterday") and reporting
periods date nothing, and a wire dateline ("BELFAST (AP)_") is no part of a sentence.
"""
from __future__ import annotations

import re
from dataclasses import replace

from app.records import Anchor, Entity, EventCandidate, Mention, Passage, Timex
from app.reported import reported_event
from app.report_content import content_after_report, content_before_report
from app.subjects import name_modifiers, subject_text
from app.titles import Discourse, actors_and_weapons, build_title, clean_title
from app.timex import timex_range
from app.word_classes import (
    BEFORE_MODIFIER, CONNECTORS, DETERMINERS, EVENT_NOUNS, FRAMING, MARKET_SESSIONS, POSSESSIVES, PREPOSITIONS,
    PERIOD_NOUNS, QUANTIFIERS, RELATIVES, REPORTING_VERBS, REPORT_NOUNS, STATEMENT_VERBS, WORD, Word, dateline_end, inside, is_past,
    is_scheduled_verb, is_trigger, quote_spans,
)


def _dates(timex: Timex, text: str, words: list[Word], quotes: list[tuple[int, int]]):
    """The day range a dating phrase gives an event, or None where it only frames the story."""
    if inside(timex.start, quotes):
        return None
    span = timex_range(timex)
    if span is None:
        return None
    before = [w for w in words if w.end <= timex.start]
    if before and before[-1].lower in FRAMING:
        return None
    if before and before[-1].lower in MARKET_SESSIONS and timex.start - before[-1].end <= 1 \
            and not (len(before) > 1 and is_past(before[-2], False)):
        return None  # "in composite trading yesterday, shares closed at $2.75": a price line
    if len(before) > 1 and (before[-2].lower, before[-1].lower) in (("as", "of"), ("up", "to")):
        return None  # "figures as of Monday" states when a count holds, not a happening
    if len(before) > 1 and before[-1].lower in ("ended", "ending") and before[-2].lower in PERIOD_NOUNS:
        return None  # "the quarter ended Sept. 30" bounds a reporting period
    chunk_start = text.rfind(",", 0, timex.start) + 1
    if any(w.lower in ("compared", "compare", "versus") for w in before if w.start >= chunk_start):
        return None  # "compared with year-earlier profit": a baseline, not a happening
    return span


def _opens_aside(text: str, words: list[Word], n: int) -> bool:
    """"Carollo, accompanied by a lawyer, flew": a participle after a comma with its
    preposition opens an aside, not the clause's verb."""
    return n + 1 < len(words) and "," in text[words[n - 1].end:words[n].start] \
        and words[n + 1].lower in PREPOSITIONS | {"by"}


def _phrase_start(timex: Timex, words: list[Word]) -> int:
    before = [w for w in words if w.end <= timex.start]
    if before and before[-1].lower in PREPOSITIONS and timex.start - before[-1].end <= 1:
        return before[-1].start
    return timex.start


_CLAUSE_CUTS = (re.compile(r"\band\b"), re.compile(r"[;,]"))
_PARENTHESES = re.compile(r"\([^)]*\)")
_WORD_CHARACTER = re.compile(r"\w")


def _boundaries(text: str, s0: int, s1: int, dated: list[Timex]) -> list[int]:
    """Where the clause of each dating phrase starts: cut at the last "and" or comma between two."""
    cuts = [s0]
    for left, right in zip(dated, dated[1:]):
        gap = text[left.end:right.start]
        match = None
        for pattern in _CLAUSE_CUTS:
            found = list(pattern.finditer(gap))
            if found:
                match = found[-1]
                break
        cuts.append(left.end + match.start() if match else right.start)
    cuts.append(s1)
    return cuts


_ATTRIBUTION = re.compile(r"(?:according to|citing|quoting|as (?:noted|reported|said|stated) by)\b", re.I)


def _skip_attribution(text: str, core: int, limit: int) -> int:
    """Move past leading "According to X, citing Y," chunks: sources of a report, not its actors."""
    while True:
        match = _ATTRIBUTION.match(text, core)
        comma = text.find(",", core, limit)
        if match is None or comma < 0:
            return core
        core = comma + 1
        while core < limit and text[core].isspace():
            core += 1


# Words before a past form that make it an adjective: "the newly approved", "some unfinished".
_ADJECTIVE_MAKERS = (BEFORE_MODIFIER - RELATIVES) | QUANTIFIERS


def _trigger_before(words, seg_words, index, core: int, phrase: int, s0: int, text: str) -> int | None:
    """The happening the dating phrase at `phrase` attaches to: the nearest trigger before it.

    An event noun after a preposition ("stated during a press conference") yields to a past
    verb of the same clause; one with its own owner ("his re-election") does not.
    """
    # The happening shares the dating phrase's clause: "Saddam, facing U.S. troops, today sought peace".
    comma = text.rfind(",", core, phrase)
    core = comma + 1 if comma >= 0 else core
    candidates = [w for w in seg_words if core <= w.start and w.end <= phrase]
    for n in range(len(candidates) - 1, -1, -1):
        w = candidates[n]
        if is_scheduled_verb(words, index[id(w)]):
            return index[id(w)]
        if not is_trigger(w, w.start == s0):
            continue
        previous = candidates[n - 1] if n > 0 else None
        if previous is not None and is_past(w, False) and w.lower not in EVENT_NOUNS \
                and previous.lower in _ADJECTIVE_MAKERS:
            continue  # "wrapped up some unfinished business": a participle after "some" is an adjective
        if previous is not None and w.lower.endswith("ing") and is_past(previous, previous.start == s0) \
                and not text[previous.end:w.start].strip():
            return index[id(previous)]  # "was found clinging to": the finite verb heads the group
        said = [x for x in candidates[max(0, n - 3):n]]
        for k, x in enumerate(said[1:], 1):
            if x.lower in ("as", "when") and said[k - 1].lower in REPORTING_VERBS:
                # "officials said as dawn broke Saturday": the clause only times the report.
                return index[id(said[k - 1])]
        if w.lower in EVENT_NOUNS or w.lower.endswith(("tion", "ment")):
            lead = candidates[max(0, n - 3):n]
            owned = any(x.lower in POSSESSIVES or x.text.endswith(("’s", "'s")) for x in lead)
            # Governed by a preposition or a verb ("condemned the bombing"), the noun is not the news.
            if not owned:
                for v in reversed(candidates[:n]):
                    if "," in text[v.end:w.start]:
                        break
                    if is_past(v, v.start == s0):
                        return index[id(v)]
        return index[id(w)]
    return None


def _dated_events(
    passage: Passage, s0: int, s1: int, dated: list[tuple[Timex, tuple]], words: list[Word],
    mentions: list[Mention], quotes, doc: Discourse,
) -> list[EventCandidate]:
    text = passage.text
    cuts = _boundaries(text, s0, s1, [t for t, _ in dated])
    events = []
    attributions = set()
    inherited: tuple[str | None, list[Entity]] = (None, [])
    index = {id(w): n for n, w in enumerate(words)}
    for i, (timex, (first_day, last_day, precision)) in enumerate(dated):
        seg_start, seg_end = cuts[i], cuts[i + 1]
        phrase = _phrase_start(timex, words)
        core = max(seg_start, dateline_end(text, s0))
        for a, b in quotes:
            if seg_start <= b <= phrase:
                core = max(core, b)
        seg_words = [w for w in words if core <= w.start < seg_end and not inside(w.start, quotes)]
        leading = seg_words[0].lower if seg_words else ""
        carried = inherited if leading in CONNECTORS else (None, [])
        # A relative clause ("Trump, who was reelected") takes its subject from before the comma.
        relative = next((w for w in reversed(seg_words) if w.start < phrase and w.lower in RELATIVES
                         and text[:w.start].rstrip().endswith(",")), None)
        if relative is not None:
            antecedent = [m for m in mentions if m.end <= relative.start and not m.entity.is_weapon]
            if antecedent and relative.start - antecedent[-1].end <= 3:
                carried = (subject_text(antecedent, words), list(name_modifiers(antecedent, text)))
            else:
                np = [w.text for w in words if seg_start <= w.start < relative.start][-3:]
                np = [t for t in np if t.lower() not in DETERMINERS]
                if np and np[-1][:1].isupper():
                    # "the first time that Ritter, who arrived": the name alone.
                    while np[0][:1].islower():
                        np.pop(0)
                carried = (" ".join(np) or None, [])
            core = relative.end
        core = _skip_attribution(text, core, phrase)
        trigger = _trigger_before(words, seg_words, index, core, phrase, s0, text)
        stop, avoid = phrase, (phrase, timex.end)
        if trigger is not None and words[trigger].lower in REPORTING_VERBS and phrase >= words[trigger].end:
            # "said today it had sent an envoy": what was said follows the dating phrase.
            stop = seg_end
        following = next((w for w in words if w.start >= timex.end), None)
        preceding = next((w for w in reversed(words) if w.end <= timex.start), None)
        modifier = preceding is not None and preceding.lower in DETERMINERS | POSSESSIVES \
            and following is not None and following.start - timex.end <= 1 and following.text.islower()
        if modifier and trigger is None and is_trigger(following, False):
            # "since the January 1998 bombing of a clinic": the noun after the date is the happening.
            trigger = index[id(following)]
            stop = seg_end
        elif modifier and trigger is not None:
            # "won the 2024 election": the dating phrase modifies a noun and stays in the title.
            stop, avoid = seg_end, (0, 0)
        elif trigger is not None and phrase == timex.start == words[trigger].end + 1 and timex.end < seg_end:
            # "headed Tuesday to East Africa": the verb's complement follows the dating phrase.
            stop = seg_end
        if trigger is None:
            after = [w for w in seg_words if w.start >= timex.end and is_past(w, False)
                     and words[index[id(w)] - 1].lower not in BEFORE_MODIFIER]
            # "Carollo, accompanied by a lawyer, flew": a participle after a comma opens an aside.
            after = [w for n, w in enumerate(after) if n + 1 == len(after) or not _opens_aside(text, words, index[id(w)])]
            if not after:
                continue
            # "Estrada on Tuesday condemned": the subject may stand before the dating phrase.
            trigger, stop = index[id(after[0])], seg_end
        reported_content = None
        framing_words = [w for w in words if core <= w.start < words[trigger].start]
        # "Reports indicated on November 17 ... confirmed X": X is what happened. Not so for
        # "he stated during a press conference" (the statement is the happening) nor for
        # "the bombings claimed 217 lives" (no report at all).
        if words[trigger].lower in REPORTING_VERBS and any(w.lower in REPORT_NOUNS for w in framing_words) \
                and not any(core <= m.start < words[trigger].start for m in mentions):
            reported_content = content_after_report(text, words, trigger, seg_end, quotes, (phrase, timex.end))
        if words[trigger].lower in REPORTING_VERBS and not reported_content:
            opening = dateline_end(text, s0)
            reported_content = content_before_report(text, words, trigger, opening, quotes, (phrase, timex.end))
            if reported_content:
                core = opening
        if reported_content:
            title, subject, subject_entities = clean_title(reported_content), None, []
        else:
            title, subject, subject_entities = build_title(
                text, words, trigger, stop, core, s0, mentions, doc, carried[0], avoid)
            subject_entities = subject_entities or carried[1]
        if len(title.split()) < 2:
            continue  # "Dated", "Handling": one word says neither who nor what
        if _attributes_quote(text, words, trigger, s0, quotes):
            attributions.add(len(events))
        inherited = (subject, subject_entities)
        first = core if len(dated) == 1 else seg_start
        used = [m for m in mentions if first <= m.start < (s1 if len(dated) == 1 else seg_end)]
        actors, weapons = actors_and_weapons([*subject_entities, *(m.entity for m in used)])
        # A subject carried over from an earlier clause is still named in this sentence:
        # keep that mention too, so the reader sees every linked actor highlighted.
        linked = {e.key for e in (*actors, *weapons)}
        used += [m for m in mentions if m.entity.key in linked and m not in used and s0 <= m.start < s1]
        events.append(EventCandidate(
            passage_index=passage.index, sentence_start=s0, sentence_end=s1, title=title,
            date_start=first_day, date_end=last_day, precision=precision, basis=timex.basis,
            timex=timex, actors=actors, weapons=weapons, mentions=tuple(used),
            claim=" ".join(text[s0:s1].split()),
        ))
    return events, attributions


def _attributes_quote(text: str, words: list[Word], trigger: int, s0: int, quotes) -> bool:
    """Whether words[trigger] is a report verb whose content is a quotation opening the sentence:
    "'I'm ready to do business,' he stated in late 2024"."""
    verb = words[trigger]
    if verb.lower not in REPORTING_VERBS:
        return False
    opening = [(a, b) for a, b in quotes if a - s0 <= 1 and b <= verb.start]
    return bool(opening) and len(WORD.findall(text[opening[0][1]:verb.start])) <= 3


def _dated_statement(previous: EventCandidate, event: EventCandidate, text: str) -> EventCandidate | None:
    """The undated statement of the sentence before, dated by the quotation that backs it up.

    News paraphrases a statement, then quotes it and says when it was made: "Trump had expressed
    willingness to sell missiles. 'I'm ready to do business,' he stated in late 2024." The
    quotation is the statement's own words, so the paraphrase is what happened, and when is
    the quotation's date. None unless both sentences have one subject and the first one reports
    a statement.
    """
    if not previous.reported or previous.passage_index != event.passage_index \
            or text[previous.sentence_end:event.sentence_start].strip():
        return None
    if not previous.actors or not event.actors or previous.actors[0].key != event.actors[0].key:
        return None
    if not any(w.lower() in STATEMENT_VERBS for w in previous.title.split()):
        return None
    actors, weapons = actors_and_weapons([*previous.actors, *event.actors, *previous.weapons, *event.weapons])
    return replace(
        event, sentence_start=previous.sentence_start, title=previous.title, actors=actors, weapons=weapons,
        mentions=tuple(sorted({*previous.mentions, *event.mentions}, key=lambda m: m.start)),
        claim=f"{previous.claim} {event.claim}")


def _join_adjacent(text: str, dated: list) -> list:
    """"at about 10:35 a.m. (0735 GMT) Friday" is one dating phrase: the date names the day."""
    joined: list = []
    for timex, span in dated:
        if joined:
            previous = joined[-1][0]
            gap = _PARENTHESES.sub("", text[previous.end:timex.start])
            if not _WORD_CHARACTER.search(gap):
                kept, kept_span = (timex, span) if timex.type == "DATE" or previous.type != "DATE" \
                    else joined[-1]
                # The phrase spans both, so no word of it is left in the title ("occurred at about 10").
                whole = replace(kept, start=previous.start, end=timex.end, text=text[previous.start:timex.end])
                joined[-1] = (whole, kept_span)
                continue
        joined.append((timex, span))
    return joined


def extract_events(
    passages: list[Passage], timexes: list[list[Timex]], mentions: list[list[Mention]],
    anchor: Anchor | None,
) -> list[EventCandidate]:
    """Event candidates of one document, in text order; the lists run parallel to `passages`.

    >>> p = Passage(0, "Trump was sworn in on January 20, 2025.", ((0, 39),))
    >>> t = Timex(22, 38, "January 20, 2025", "DATE", "2025-01-20", basis="stated")
    >>> [e.title for e in extract_events([p], [[t]], [[]], None)]
    ['Trump sworn in']
    """
    doc = Discourse()
    events: list[EventCandidate] = []
    for passage, passage_timexes, passage_mentions in zip(passages, timexes, mentions):
        text = passage.text
        quotes = quote_spans(text)
        for s0, s1 in passage.sentences or ((0, len(text)),):
            sentence_mentions = [m for m in passage_mentions if s0 <= m.start < s1]
            in_sentence = sorted((t for t in passage_timexes if s0 <= t.start < s1), key=lambda t: t.start)
            if not sentence_mentions and not in_sentence:
                # Nothing dates it and no actor reports it: no event, only owners to remember.
                doc.remember_owners(text, sentence_mentions, s0, s1)
                continue
            words = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(text, s0, s1)]
            dated = []
            for timex in in_sentence:
                span = _dates(timex, text, words, quotes)
                if span is not None:
                    dated.append((timex, span))
            dated = _join_adjacent(text, dated)
            if dated:
                found, attributions = _dated_events(passage, s0, s1, dated, words, sentence_mentions, quotes, doc)
                if len(found) == 1 and attributions and events:
                    statement = _dated_statement(events[-1], found[0], text)
                    if statement is not None:
                        events[-1:], found = [], [statement]
                events.extend(found)
            elif anchor is not None:
                reported = reported_event(passage, s0, s1, words, sentence_mentions, quotes, doc, anchor,
                                          in_sentence)
                if reported is not None:
                    events.append(reported)
            # A pronoun in the next sentence most often takes up this one's subject, which comes first.
            people = [m.entity for m in sentence_mentions if m.entity.kind == "person"]
            if people:
                doc.last_person = people[0]
            doc.remember_owners(text, sentence_mentions, s0, s1)
    return events
