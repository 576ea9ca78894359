"""English word classes the event rules read a sentence with.

Grammar, not knowledge of the world: which words are past verbs, event nouns, report
verbs, auxiliaries, prepositions; what a word is (`Word`, with its offsets) and where
quotations are. Names and aliases live in the knowledge file, never here.
"""
from __future__ import annotations

import re


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


# Verbs that report a statement, with or without its words: "expressed willingness to sell".
STATEMENT_VERBS = REPORTING_VERBS | frozenset(
    """expressed voiced offered promised pledged vowed threatened signaled signalled proposed urged
    insisted reiterated acknowledged denied admitted announced""".split())


# Subjects that only carry news: "Reports indicated ...", "Sources said ...".
REPORT_NOUNS = frozenset("reports report sources source media documents statement statements witnesses".split())


AUXILIARIES = frozenset(
    "was were is are been be being has have had will would could should may might must did does do "
    "reportedly also previously already then later explicitly formally officially last first just still "
    "again once".split()
)


# Words ending like verbs that are not.
NOT_VERBS = frozenset(
    """need needed speed indeed hundred red bed seed feed united based related concerned supposed
    during including according following regarding concerning nothing something anything thing
    things king morning evening ceiling spring string bring wing ring building proceed exceed succeed
    embed breed bleed shed""".split()
)


PREPOSITIONS = frozenset(
    "on in at during by of from around before after until through since about for to into with against "
    "toward towards across near".split()
)


# A date after these spans a stretch of time rather than dating a happening.
FRAMING = frozenset("since until till through throughout over for within".split())


# "in composite trading yesterday": the date names a trading session, whose prices are no happening.
MARKET_SESSIONS = frozenset("trading session dealings".split())


DETERMINERS = frozenset("this that these those the a an such particular".split())


# Pronouns that take up the last person named: "He spoke", "his re-election".
PRONOUNS = frozenset({"he", "she", "his", "her", "him"})


RELATIVES = frozenset({"who", "which", "that"})


CONNECTORS = frozenset({"and", "but", "while", "as", "or", "whereas"})


POSSESSIVES = frozenset({"his", "her", "their", "its", "our", "my"})


CONDITIONALS = frozenset({"if", "should", "unless", "whether", "were", "had"})


BEFORE_MODIFIER = DETERMINERS | PREPOSITIONS | POSSESSIVES | frozenset(
    "amid with without against among following newly its".split())


# Words before a noun that make a past form after them an adjective: "some unfinished business".
QUANTIFIERS = frozenset("some any no every many few more most several all both".split())


BE_HAVE = frozenset("was were is are been be being has have had did does do".split())


BE = frozenset("was were is are been be being".split())


MODALS = frozenset("will would could should might may must can shall".split())


CLAUSE_BREAKS = frozenset({"but", "while", "whereas", "although", "though"})


PARTICLES = frozenset({"in", "on", "up", "out", "off", "down", "over", "back", "away"})


TRAILING = PREPOSITIONS | DETERMINERS | CONNECTORS | {"whilst", "is", "are", "was", "were", "be"}


# A number keeps its currency sign and per cent ("$2.75", "3.7%"): titles are built from these.
# The lookahead is what every branch starts with: between words, no branch is tried.
WORD = re.compile(r"(?=[$£€\w])(?:[$£€]?\d[\d,.]*\d%?(?![\w-])|(?:[A-Z]\.){2,}(?:-\w+)?|\w[\w’'.-]*\w|[$£€]?\d%?|\w)")


# “...”, "...", ``...'' and ''...'' (news wires open with two apostrophes too), ‘...’.
# Each branch starts with its literal, the lookbehinds after it, so the search skips to a quote mark.
QUOTE = re.compile(r"“[^”\"]*[”\"]|\"[^”\"]*[”\"]|``.*?''|'(?<!\w')'.*?''|‘(?<!\w‘)(?:[^’]|’\w)*’(?!\w)", re.S)


class Word:
    """A word of a sentence with its offsets; treat it as immutable.

    Every sentence is cut into words and the rules read `lower` over and over, so it is
    computed once, and the class has slots: a frozen dataclass takes twice as long to make."""

    __slots__ = ("start", "end", "text", "lower")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.lower = text.lower()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Word:
            return NotImplemented
        return (self.start, self.end, self.text) == (other.start, other.end, other.text)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.text))

    def __repr__(self) -> str:
        return f"Word(start={self.start!r}, end={self.end!r}, text={self.text!r})"


def is_past(word: Word, first_in_sentence: bool) -> bool:
    low = word.lower
    if low in NOT_VERBS or (word.text[0].isupper() and not first_in_sentence):
        return False
    return low in IRREGULAR_PAST or (low.endswith("ed") and len(low) > 4)


def is_trigger(word: Word, first_in_sentence: bool) -> bool:
    """A word that reports a happening: a past verb, an "-ing" form or an event noun."""
    low = word.lower
    if is_past(word, first_in_sentence):
        return True
    if low in NOT_VERBS or (word.text[0].isupper() and not first_in_sentence):
        return False
    if low in EVENT_NOUNS:
        return True
    return low.endswith(("ing", "tion", "ment")) and len(low) > 5


# Words that open a subordinate clause: a noun phrase never runs back across them.
SUBORDINATORS = frozenset("since because after before when while although though if unless until whether".split())
SUBJECT_PRONOUNS = frozenset("he she they it we i".split())
# "for the quarter ended Sept. 30": a date bounding a reporting period is no happening.
PERIOD_NOUNS = frozenset("quarter quarters months month year years weeks week period half".split())

# "is scheduled to visit", "plans to sign": what follows "to" is a scheduled happening.
SCHEDULING = frozenset("scheduled set due expected planned plans plan poised slated going".split())


def is_scheduled_verb(words: list[Word], n: int) -> bool:
    """Whether words[n] is a verb a modal or a scheduling phrase puts in the future:
    "will meet", "is scheduled to visit"."""
    k = n - 1
    while k >= 0 and words[k].lower.endswith("ly") and words[k].lower != "only":
        k -= 1
    if k < 0 or not words[n].text.islower():
        return False
    if words[k].lower in ("will", "shall"):
        return True
    return words[k].lower == "to" and k > 0 and words[k - 1].lower in SCHEDULING


def is_adverb(word: Word) -> bool:
    return word.lower in AUXILIARIES or word.lower in ("not", "never") or (
        word.lower.endswith("ly") and word.lower != "only")


def quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTE.finditer(text)]


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    # A plain loop: this runs for nearly every word, and most passages quote nothing.
    for a, b in spans:
        if a <= pos < b:
            return True
    return False


# "BELFAST, Northern Ireland (AP)_", "WASHINGTON _": where a wire story names its place.
DATELINE = re.compile(r"\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:,[^_()\n]{1,40}?)?\s*(?:\([A-Za-z-]+\))?\s*_\s*")


def dateline_end(text: str, start: int) -> int:
    """Where the sentence at `start` begins after a wire dateline, or `start`.

    >>> text = "BELFAST, Northern Ireland (AP)_ Police seized a car bomb."
    >>> text[dateline_end(text, 0):]
    'Police seized a car bomb.'
    """
    match = DATELINE.match(text, start)
    return match.end() if match else start
