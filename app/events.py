"""Event candidates: who did what, when, as each sentence of a document tells it.

A dating phrase makes an event only where it attaches to a word that reports a happening
(a verb in the past or future, or an event noun: "began on August 6", "his re-election in
2024"); durations, vague spans and dates with nothing happening around them frame the
story and make none. A sentence with two dating phrases is cut between them, so
"reelected in 2024 and sworn in on January 20, 2025" gives two events. A sentence that
names an actor and reports a past happening without a date of its own is kept as a
`reported` candidate at the document's anchor date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.records import BASIS_REPORTED, Anchor, Entity, EventCandidate, Mention, Passage, Timex
from app.timex.normalize import timex_range

# Irregular past forms and participles: the "-ed" rule misses them.
IRREGULAR_PAST = frozenset(
    """began begun became become broke broken brought built bought caught chose chosen came did done
    drew drawn drove driven fell fallen fought found flew flown forgot forgotten froze frozen gave given
    went gone grew grown held hit kept knew known laid led left lost made meant met paid put quit ran
    rose risen said saw seen sent set shot shut sold sought spoke spoken spent stood stole stolen struck
    swore sworn took taken taught told thought threw thrown understood won wrote written withdrew
    withdrawn overtook overtaken undertook undertaken shown showed grew drawn""".split()
)
# Nouns that name a happening: "the offensive on August 6", "his re-election in 2024".
EVENT_NOUNS = frozenset(
    """offensive attack attacks advance advances strike strikes visit talks summit invasion incursion
    election re-election reelection swearing-in inauguration ceremony meeting vote referendum deal
    ceasefire truce collapse explosion crash arrest resignation agreement announcement decision
    approval launch assault raid shelling bombing withdrawal capture counteroffensive counter-offensive
    speech address conference war""".split()
)
REPORTING_VERBS = frozenset(
    """said says stated noted indicated reported confirmed claimed told added argued explained
    emphasized emphasised stressed suggested warned announced declared""".split()
)
# Subjects that only carry news: "Reports indicated ...", "Sources said ...".
REPORT_NOUNS = frozenset("reports report sources source media documents statement statements witnesses".split())
AUXILIARIES = frozenset(
    "was were is are been be being has have had will would could should may might must did does do "
    "reportedly also previously already then later explicitly formally officially".split()
)
# Words ending like verbs that are not.
_NOT_VERBS = frozenset(
    """need needed speed indeed hundred red bed seed feed united based related concerned supposed
    during including according following regarding concerning nothing something anything thing
    things king morning evening ceiling spring string bring wing ring building proceed exceed succeed
    embed breed bleed shed""".split()
)
_PREPOSITIONS = frozenset(
    "on in at during by of from around before after until through since about for to into with against toward towards across near".split()
)
# A date after these spans a stretch of time rather than dating a happening.
_FRAMING = frozenset("since until till through throughout over for within".split())
_DETERMINERS = frozenset("this that these those the a an such particular".split())
_PRONOUNS = {"he": "person", "she": "person", "his": "person", "her": "person", "him": "person"}
_RELATIVES = frozenset({"who", "which", "that"})
_CONNECTORS = frozenset({"and", "but", "while", "as", "or", "whereas"})
_WORD = re.compile(r"\d[\d,.]*\d|(?:[A-Z]\.){2,}(?:-\w+)?|\w[\w’'.-]*\w|\w")
_QUOTE = re.compile(r"[“\"]([^”\"]*)[”\"]|``.*?''|(?<!\w)‘(?:[^’]|’\w)*’(?!\w)", re.S)
_MAX_PREDICATE = 12


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        return self.text.lower()


def _is_past(word: _Word, first_in_sentence: bool) -> bool:
    low = word.lower
    if low in _NOT_VERBS or (word.text[0].isupper() and not first_in_sentence):
        return False
    return low in IRREGULAR_PAST or (low.endswith("ed") and len(low) > 4)


def _is_trigger(word: _Word, first_in_sentence: bool) -> bool:
    """A word that reports a happening: a past verb, an "-ing" form or an event noun."""
    low = word.lower
    if _is_past(word, first_in_sentence):
        return True
    if low in _NOT_VERBS or (word.text[0].isupper() and not first_in_sentence):
        return False
    if low in EVENT_NOUNS:
        return True
    return low.endswith(("ing", "tion", "ment")) and len(low) > 5


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


@dataclass
class _Document:
    """What the sentences of one document share: pronoun antecedents."""

    last_person: Entity | None = None


_DEMONYM_ENDINGS = ("an", "ese", "ish", "ch", "i")


def _subject_text(mentions: list[Mention], words: list[_Word], limit: int | None = None) -> str:
    """The words that name the subject: "Donald Trump", "Russian forces", "Germany and the United States".

    Words from offset `limit` on belong to the predicate and are never taken.
    """
    last = mentions[-1]
    entity = last.entity
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


_PARTICLES = frozenset({"in", "on", "up", "out", "off", "down", "over", "back", "away"})
_TRAILING = _PREPOSITIONS | _DETERMINERS | _CONNECTORS | {"whilst", "is", "are", "was", "were", "be"}


def _clean(text: str) -> str:
    text = re.sub(r"\s*\([^)]*(?:\)|$)", "", text)
    words = text.split()
    while words and words[-1].lower().strip(",;:") in _TRAILING:
        # A particle after a verb belongs to it: "sworn in", "set up".
        if len(words) > 1 and _is_past(_Word(0, 0, words[-2]), True) and words[-1].lower() in _PARTICLES:
            break
        words.pop()
    while words and words[0].lower() in _RELATIVES | _CONNECTORS | {"to", "whilst"}:
        words.pop(0)
    text = " ".join(words).strip(" ,;:—–-")
    return text[:1].upper() + text[1:]


_CLAUSE_BREAKS = frozenset({"but", "while", "whereas", "although", "though"})
_MODALS = frozenset("will would could should might may must can shall".split())
_BE = frozenset("was were is are been be being".split())


def _predicate(words: list[_Word], text: str, first: int, stop: int, avoid: tuple[int, int] = (0, 0)) -> str:
    """Words from index `first` (the trigger or an adverb before it) up to offset `stop`, cut at a
    comma; a passive "was" before the verb goes ("was sworn in" -> "sworn in"), a modal stays.
    Words of the dating phrase at `avoid` are left out ("told a news conference on Tuesday that")."""
    chosen = []
    for w in words[first:]:
        if avoid[0] <= w.start < avoid[1]:
            continue
        if w.start >= stop or len(chosen) >= _MAX_PREDICATE or (chosen and w.lower in _CLAUSE_BREAKS):
            break
        chosen.append(w)
        if text[w.end:w.end + 1] in (",", ";", ":") or text[w.end:w.end + 2].strip() in ("—", "–"):
            break
    if len(chosen) == _MAX_PREDICATE:
        # Cut before a last phrase the limit left unfinished: "... countries for eventual".
        tail = [n for n, w in enumerate(chosen) if w.lower in _PREPOSITIONS and n > 1]
        if tail and len(chosen) - tail[-1] <= 3:
            chosen = chosen[:tail[-1]]
    verb = next((n for n, w in enumerate(chosen) if not _is_adverb(w)), 0)
    modal = any(w.lower in _MODALS for w in chosen[:verb])
    passive = any(w.lower in _BE for w in chosen[:verb])
    dropped = _BE_HAVE if passive else _BE
    kept = [w.text for n, w in enumerate(chosen) if modal or n >= verb or w.lower not in dropped]
    return " ".join(kept)


def _noun_phrase(words: list[_Word], text: str, core_start: int, lead: int,
                 avoid: tuple[int, int] = (0, 0)) -> str | None:
    """The words of the noun phrase that ends before words[lead], without its determiner
    and without the dating phrase at `avoid` ("the bombings last week claimed")."""
    phrase: list[_Word] = []
    k = lead - 1
    while k >= 0 and words[k].start >= core_start and len(phrase) < 5:
        w = words[k]
        if avoid[0] <= w.start < avoid[1]:
            k -= 1
            continue
        if "," in text[w.end:words[k + 1].start] or w.lower in _DETERMINERS or w.lower in _POSSESSIVES:
            break
        coordinated = w.lower == "and" and phrase and phrase[0].text[:1].isupper() and k > 0 \
            and words[k - 1].text[:1].isupper()
        if coordinated:
            # "the bombings in Kenya and Tanzania": names joined by "and" stay in the phrase.
            phrase.insert(0, w)
            k -= 1
            continue
        if w.lower in _CONNECTORS or w.lower in _RELATIVES or w.lower in _BE_HAVE or w.lower in _MODALS:
            break
        if _is_past(w, False) or w.lower in REPORTING_VERBS:
            # "the suspected car bombings": a participle right after its article is an adjective.
            if not (k > 0 and words[k - 1].lower in _DETERMINERS):
                break
        phrase.insert(0, w)
        k -= 1
    while phrase and phrase[0].lower in _PREPOSITIONS:
        phrase.pop(0)
    return " ".join(w.text for w in phrase) or None


def _title(
    text: str, words: list[_Word], trigger: int, stop: int, core_start: int,
    sentence_start: int, mentions: list[Mention], doc: _Document, inherited: str | None,
    avoid: tuple[int, int] = (0, 0),
) -> tuple[str, str | None, list[Entity]]:
    """(title, subject text, subject entities) for the happening at words[trigger]."""
    lead = trigger
    while lead > 0 and _is_adverb(words[lead - 1]) and words[lead - 1].start >= core_start:
        lead -= 1
    # From the first adverb on, so "not" and "reportedly" stay in the title.
    predicate = _predicate(words, text, lead, stop, avoid)
    trig = words[trigger]
    before = [m for m in mentions if core_start <= m.start and m.end <= words[lead].start and not m.entity.is_weapon]
    nominal = trig.lower in EVENT_NOUNS or trig.lower.endswith(("tion", "ment", "ing"))
    subject, entities = None, []
    previous = words[lead - 1] if lead > 0 and words[lead - 1].start >= sentence_start else None
    if nominal and previous is not None and previous.text.endswith(("’s", "'s")):
        # "Iraq's invasion of Kuwait": the owner in the source's own words.
        k = lead - 1
        while k > 0 and words[k - 1].text[:1].isupper() and words[k - 1].start >= core_start:
            k -= 1
        owner = text[words[k].start:previous.end]
        owned = [m.entity for m in mentions if words[k].start <= m.start < previous.end]
        return _clean(f"{owner} {predicate}"), owner, owned
    if previous is not None and previous.lower in _PRONOUNS and doc.last_person is not None:
        subject, entities = doc.last_person.name, [doc.last_person]
        return _clean(f"{subject}’s {predicate}" if previous.lower in ("his", "her") and nominal
                      else f"{subject} {predicate}"), subject, entities
    if before:
        gap_text = text[before[-1].end:words[lead].start].strip()
        gap = [w for w in words if before[-1].end <= w.start < words[lead].start]
        aside = gap_text.startswith(",") and gap_text.endswith(",")
        # A name far from the verb, across a comma, is not its subject ("..., an official said").
        if aside or (len(gap) <= 3 and "," not in gap_text):
            subject = _subject_text(before, words, words[lead].start)
            entities = [m.entity for m in before[-2:]
                        if m is before[-1] or subject.startswith(m.entity.name) or subject.startswith(m.text)]
    if subject is None and inherited:
        if nominal:
            return _clean(f"{inherited}’s {predicate}"), inherited, entities
        subject = inherited
    if subject is None:
        # No actor: the noun phrase before the trigger names what happened ("the blast in Nairobi").
        subject = _noun_phrase(words, text, core_start, lead, avoid)
    if subject is None:
        return _clean(predicate), None, entities
    joined = f"{subject} {predicate}" if not predicate.lower().startswith(subject.lower()) else predicate
    return _clean(joined), subject, entities


def _dates(timex: Timex, text: str, words: list[_Word], quotes: list[tuple[int, int]]):
    """The day range a dating phrase gives an event, or None where it only frames the story."""
    if _inside(timex.start, quotes):
        return None
    span = timex_range(timex)
    if span is None:
        return None
    before = [w for w in words if w.end <= timex.start]
    if before and before[-1].lower in _FRAMING:
        return None
    if len(before) > 1 and (before[-2].lower, before[-1].lower) in (("as", "of"), ("up", "to")):
        return None  # "figures as of Monday" states when a count holds, not a happening
    return span


def _phrase_start(timex: Timex, words: list[_Word]) -> int:
    before = [w for w in words if w.end <= timex.start]
    if before and before[-1].lower in _PREPOSITIONS and timex.start - before[-1].end <= 1:
        return before[-1].start
    return timex.start


def _boundaries(text: str, s0: int, s1: int, dated: list[Timex]) -> list[int]:
    """Where the clause of each dating phrase starts: cut at the last "and" or comma between two."""
    cuts = [s0]
    for left, right in zip(dated, dated[1:]):
        gap = text[left.end:right.start]
        match = None
        for pattern in (r"\band\b", r"[;,]"):
            found = list(re.finditer(pattern, gap))
            if found:
                match = found[-1]
                break
        cuts.append(left.end + match.start() if match else right.start)
    cuts.append(s1)
    return cuts


def _unique(entities) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for entity in entities:
        seen.setdefault(entity.key, entity)
    return tuple(seen.values())


def _split_roles(entities) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    entities = _unique(entities)
    return tuple(e for e in entities if not e.is_weapon), tuple(e for e in entities if e.is_weapon)


def _reporting_content(text: str, words: list[_Word], first: int, end: int, quotes,
                       avoid: tuple[int, int] = (0, 0)) -> str | None:
    """After "Reports indicated ... confirmed", the words of what was reported."""
    last = None
    for i in range(first, len(words)):
        w = words[i]
        if w.start >= end:
            break
        if w.lower in REPORTING_VERBS and not _inside(w.start, quotes):
            last = i
    if last is None or last + 1 >= len(words):
        return None
    start = last + 1 + (words[last + 1].lower == "that")
    if start >= len(words) or words[start].start >= end:
        return None
    chosen = [w for w in words[start:] if w.start < end and not avoid[0] <= w.start < avoid[1]][:_MAX_PREDICATE]
    # A bare "said Friday." reports nothing after the verb: the news stands before it.
    return text[chosen[0].start:chosen[-1].end] if len(chosen) > 1 else None


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


_POSSESSIVES = frozenset({"his", "her", "their", "its", "our", "my"})


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
        if not _is_trigger(w, w.start == s0):
            continue
        if w.lower in EVENT_NOUNS or w.lower.endswith(("tion", "ment")):
            lead = candidates[max(0, n - 3):n]
            owned = any(x.lower in _POSSESSIVES or x.text.endswith(("’s", "'s")) for x in lead)
            # Governed by a preposition or a verb ("condemned the bombing"), the noun is not the news.
            if not owned:
                for v in reversed(candidates[:n]):
                    if "," in text[v.end:w.start]:
                        break
                    if _is_past(v, v.start == s0):
                        return index[id(v)]
        return index[id(w)]
    return None


def _dated_events(
    passage: Passage, s0: int, s1: int, dated: list[tuple[Timex, tuple]], words: list[_Word],
    mentions: list[Mention], quotes, doc: _Document,
) -> list[EventCandidate]:
    text = passage.text
    cuts = _boundaries(text, s0, s1, [t for t, _ in dated])
    events = []
    inherited: tuple[str | None, list[Entity]] = (None, [])
    for i, (timex, (first_day, last_day, precision)) in enumerate(dated):
        seg_start, seg_end = cuts[i], cuts[i + 1]
        phrase = _phrase_start(timex, words)
        core = seg_start
        for a, b in quotes:
            if seg_start <= b <= phrase:
                core = max(core, b)
        seg_words = [w for w in words if core <= w.start < seg_end and not _inside(w.start, quotes)]
        leading = seg_words[0].lower if seg_words else ""
        carried = inherited if leading in _CONNECTORS else (None, [])
        # A relative clause ("Trump, who was reelected") takes its subject from before the comma.
        relative = next((w for w in reversed(seg_words) if w.start < phrase and w.lower in _RELATIVES
                         and text[:w.start].rstrip().endswith(",")), None)
        if relative is not None:
            antecedent = [m for m in mentions if m.end <= relative.start and not m.entity.is_weapon]
            if antecedent and relative.start - antecedent[-1].end <= 3:
                carried = (_subject_text(antecedent, words), [antecedent[-1].entity])
            else:
                np = [w.text for w in words if seg_start <= w.start < relative.start][-3:]
                np = [t for t in np if t.lower() not in _DETERMINERS]
                carried = (" ".join(np) or None, [])
            core = relative.end
        core = _skip_attribution(text, core, phrase)
        index = {id(w): n for n, w in enumerate(words)}
        trigger = _trigger_before(words, seg_words, index, core, phrase, s0, text)
        stop = phrase
        if trigger is not None and words[trigger].lower in REPORTING_VERBS and phrase >= words[trigger].end:
            # "said today it had sent an envoy": what was said follows the dating phrase.
            stop = seg_end
        if trigger is None:
            after = [w for w in seg_words if w.start >= timex.end and _is_past(w, False)
                     and words[index[id(w)] - 1].lower not in _BEFORE_MODIFIER]
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
            reported_content = _reporting_content(text, words, trigger, seg_end, quotes, (phrase, timex.end))
        if words[trigger].lower in REPORTING_VERBS and not reported_content:
            reported_content = _content_before(text, words, trigger, s0, quotes, (phrase, timex.end))
            if reported_content:
                core = s0
        if reported_content:
            title, subject, subject_entities = _clean(reported_content), None, []
        else:
            title, subject, subject_entities = _title(
                text, words, trigger, stop, core, s0, mentions, doc, carried[0], (phrase, timex.end))
            subject_entities = subject_entities or carried[1]
        if not title:
            continue
        inherited = (subject, subject_entities)
        first = core if len(dated) == 1 else seg_start
        used = [m for m in mentions if first <= m.start < (s1 if len(dated) == 1 else seg_end)]
        actors, weapons = _split_roles([*subject_entities, *(m.entity for m in used)])
        events.append(EventCandidate(
            passage_index=passage.index, sentence_start=s0, sentence_end=s1, title=title,
            date_start=first_day, date_end=last_day, precision=precision, basis=timex.basis,
            timex=timex, actors=actors, weapons=weapons, mentions=tuple(used),
            claim=" ".join(text[s0:s1].split()),
        ))
    return events


_CONDITIONALS = frozenset({"if", "should", "unless", "whether", "were", "had"})
_BEFORE_MODIFIER = _DETERMINERS | _PREPOSITIONS | _POSSESSIVES | frozenset(
    "amid with without against among following newly its".split())
_BE_HAVE = frozenset("was were is are been be being has have had did does do".split())


def _is_adverb(word: _Word) -> bool:
    return word.lower in AUXILIARIES or word.lower in ("not", "never") or (
        word.lower.endswith("ly") and word.lower != "only")


def _main_verbs(text: str, words: list[_Word], quotes) -> list[int]:
    """Indexes of past verbs that head a clause, not modifiers ("the newly approved ATACMS",
    "amid continued aggression") nor participles after a comma ("Trump, known for ...")."""
    found = []
    for n, w in enumerate(words):
        if n == 0 or _inside(w.start, quotes) or not _is_past(w, False):
            continue
        k = n - 1
        while k > 0 and words[k].lower.endswith("ly") and words[k].lower != "only":
            k -= 1
        if words[k].lower in _BEFORE_MODIFIER:
            continue
        following = words[n + 1].lower if n + 1 < len(words) else ""
        # "the tank depicted might be", "a sentiment echoed by the Kremlin": reduced relatives.
        if following in _MODALS or following in _BE_HAVE or (
                following == "by" and (words[k].lower not in _BE_HAVE or words[k].lower == "being")):
            continue
        if "," in text[words[k].end:words[k + 1].start] and _appositive(text, words, n):
            continue
        found.append(n)
    return found


def _appositive(text: str, words: list[_Word], n: int) -> bool:
    """"Trump, known for his policies, had expressed": the participle opens an aside that a
    comma closes before the clause's own verb."""
    comma = text.find(",", words[n].end)
    if comma < 0:
        return False
    after = next((w for w in words if w.start > comma), None)
    return after is not None and (after.lower in _BE_HAVE or after.lower in _MODALS or _is_past(after, False))


def _in_apposition(text: str, mention: Mention) -> bool:
    """Whether `mention` sits in an aside opened by a comma and an article ("..., an aide to X,")."""
    opening = text.rfind(",", 0, mention.start)
    if opening < 0:
        return False
    chunk = text[opening + 1:mention.start].split()
    return bool(chunk) and chunk[0].lower() in ("a", "an", "the")


def _inside_phrase(text: str, words: list[_Word], first: Mention) -> bool:
    """"arms from the U.S. and Sweden were claimed": a name after a preposition is no subject."""
    before = [w for w in words if w.end <= first.start]
    if before and before[-1].lower == "the":
        before = before[:-1]
    before = before[-2:]
    return bool(before) and "," not in text[before[0].start:first.start] and any(
        w.lower in _PREPOSITIONS for w in before)


def _subject_entities(actors: list[Mention], subject: str) -> list[Entity]:
    last = actors[-1]
    if len(actors) > 1:
        other = actors[-2]
        if subject.startswith(other.entity.name if other.entity.kind == "person" else other.text):
            return [other.entity, last.entity]
    return [last.entity]


def _reported_subject(text: str, words: list[_Word], verb: int, mentions: list[Mention], doc: _Document):
    """(subject words, subject entities, index where the predicate starts) or None."""
    lead = verb
    while lead > 0 and _is_adverb(words[lead - 1]):
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
        owner = [m for m in actors if len(_WORD.findall(comma[m.end:])) <= 2]
        if owner:
            return " ".join(comma[owner[-1].start:].split()), [owner[-1].entity], lead
        return None
    if actors and _in_apposition(text, actors[-1]):
        # "Podolyak, an aide to President Zelensky, expressed": the aside's name is not the subject.
        opening = text.rfind(",", 0, actors[-1].start)
        actors = [m for m in actors if m.end <= opening]
    if actors:
        last = actors[-1]
        subject = _subject_text(actors, words)
        first = actors[-2] if len(actors) > 1 and subject != _subject_text(actors[-1:], words) else last
        gap = text[last.end:start]
        gap_words = _WORD.findall(gap)
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
    while k >= 0 and len(noun) < 3 and words[k].text.islower() and words[k].lower not in _BEFORE_MODIFIER \
            and words[k].lower not in _CONNECTORS and "," not in text[words[k].end:words[k + 1].start]:
        noun.insert(0, words[k].text)
        k -= 1
    if noun and k >= 0 and (words[k].lower in _DETERMINERS or words[k].lower in _POSSESSIVES):
        return " ".join(noun), [], lead
    return None


def _reported_event(
    passage: Passage, s0: int, s1: int, words: list[_Word], mentions: list[Mention], quotes,
    doc: _Document, anchor: Anchor,
) -> EventCandidate | None:
    text = passage.text
    quoted = sum(min(b, s1) - max(a, s0) for a, b in quotes if a < s1 and b > s0)
    if quoted * 2 > s1 - s0 or text[s0:s1].rstrip().endswith("?"):
        return None
    if text[s0:s1].split(maxsplit=1)[0].lower() in _CONDITIONALS:
        return None
    free = [m for m in mentions if not _inside(m.start, quotes)]
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
    predicate = _predicate(words, text, lead, s1)
    title = _clean(f"{subject} {predicate}")
    actors, weapons = _split_roles([*subject_entities, *(m.entity for m in free)])
    return EventCandidate(
        passage_index=passage.index, sentence_start=s0, sentence_end=s1, title=title,
        date_start=anchor.date, date_end=anchor.date, precision="day", basis=BASIS_REPORTED,
        timex=None, actors=actors, weapons=weapons, mentions=tuple(free), reported=True,
        claim=" ".join(text[s0:s1].split()),
    )


def _join_adjacent(text: str, dated: list) -> list:
    """"at about 10:35 a.m. (0735 GMT) Friday" is one dating phrase: the date names the day."""
    joined: list = []
    for timex, span in dated:
        if joined:
            previous = joined[-1][0]
            gap = re.sub(r"\([^)]*\)", "", text[previous.end:timex.start])
            if not re.search(r"\w", gap):
                if timex.type == "DATE" or previous.type != "DATE":
                    joined[-1] = (timex, span)
                continue
        joined.append((timex, span))
    return joined


def _content_before(text: str, words: list[_Word], trigger: int, s0: int, quotes,
                    avoid: tuple[int, int] = (0, 0)) -> str | None:
    """"Bombs exploded outside the embassies, witnesses said Friday": what was said comes first."""
    comma = text.rfind(",", s0, words[trigger].start)
    if comma < 0 or len(_WORD.findall(text[comma:words[trigger].start])) > 3:
        return None
    if len([w for w in words if w.start > words[trigger].start and not avoid[0] <= w.start < avoid[1]]) > 3:
        return None  # something follows the verb: that is what was said
    content = [w for w in words if s0 <= w.start < comma and not _inside(w.start, quotes)]
    if len(content) < 4 or any(_inside(w.start, quotes) for w in words if s0 <= w.start < comma):
        return None
    return _predicate(words, text, words.index(content[0]), comma)


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
    doc = _Document()
    events: list[EventCandidate] = []
    for passage, passage_timexes, passage_mentions in zip(passages, timexes, mentions):
        text = passage.text
        quotes = _quote_spans(text)
        for s0, s1 in passage.sentences or ((0, len(text)),):
            words = [_Word(s0 + m.start(), s0 + m.end(), m.group()) for m in _WORD.finditer(text[s0:s1])]
            sentence_mentions = [m for m in passage_mentions if s0 <= m.start < s1]
            dated = []
            for timex in sorted((t for t in passage_timexes if s0 <= t.start < s1), key=lambda t: t.start):
                span = _dates(timex, text, words, quotes)
                if span is not None:
                    dated.append((timex, span))
            dated = _join_adjacent(text, dated)
            if dated:
                events.extend(_dated_events(passage, s0, s1, dated, words, sentence_mentions, quotes, doc))
            elif anchor is not None:
                reported = _reported_event(passage, s0, s1, words, sentence_mentions, quotes, doc, anchor)
                if reported is not None:
                    events.append(reported)
            # A pronoun in the next sentence most often takes up this one's subject, which comes first.
            people = [m.entity for m in sentence_mentions if m.entity.kind == "person"]
            if people:
                doc.last_person = people[0]
    return events
