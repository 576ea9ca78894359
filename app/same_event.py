"""Whether two candidates tell one happening: the relation app.merge groups by.

Two candidates tell the same event when their dates agree at the coarser precision of
the two, they share an actor or weapon system, and their titles use the same words; the
fewer actors and weapons they share, the closer the wording must be. A `reported`
statement (dated only by its article's anchor) joins a dated telling of the same
happening, which gives the event its date.
A statement told without a date stands at its article's anchor: it joins a telling dated
no later than some weeks after that and no more than a year before it.
Two exceptions keep disagreements visible instead of hiding them. Different dates for
the same happening by the same subject are one event with a disputed date: titles that
share most of their words some weeks apart, or, months apart, the same verb with most of
the content words of the sentences that told it (app.wording.claim_words). Titles that
share most of their words but not their polarity ("limited to" / "an exception for",
"agreed" / "did not agree") are one disputed event (app.merge). Two different agents
("Estrada", "the Security Council") doing the same thing are two events.
What a candidate says, as stems, is app.wording's work.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from app.records import BASIS_STATED, EventCandidate  # noqa: F401  (BASIS_STATED: the doctest)
from app.wording import claim_words, kept_on_the_candidate, overlap, stem, subject, verb, wording


# Share of the shorter title's content words two titles must have in common, by how much
# their actors and weapons agree: the more they share, the less the wording must.
WORDING_MOST_ENTITIES = 0.4  # two or more, and half or more, of their actors and weapons in common
WORDING_SOME_ENTITY = 0.6  # at least one in common
WORDING_NO_ENTITY = 0.7  # none in common: only near-identical wording, MIN_SHARED_ALONE words
WORDING_OTHER_DATE = 0.75  # dates exclude each other: the same happening told with two dates
MIN_SHARED = 2
# A reported statement is dated by its article's anchor, a guess at when it was published:
# two articles telling one statement may be anchored some weeks apart.
REPORTED_WINDOW = timedelta(days=31)
# How far apart two dates of one happening may be for the sources to be disagreeing.
DISPUTE_WINDOW = timedelta(days=92)
MIN_SHARED_ALONE = 4
# Months apart, the same subject, verb and most of the claim's content words: one happening.
CLAIM_DISPUTE_WINDOW = timedelta(days=366)
CLAIM_OTHER_DATE = 0.6
# A reported statement joins a dated telling only if their sentences share this much, and
# only a telling dated at most this long before its article's anchor.
CLAIM_JOIN = 0.4
REPORTED_LOOKBACK = timedelta(days=366)
MIN_CLAIM_SHARED = 5
# The farthest apart two candidates' dates can be and still be one event: whoever
# merges incrementally must compare a new candidate with everything this close.
MERGE_REACH = max(REPORTED_WINDOW, DISPUTE_WINDOW, CLAIM_DISPUTE_WINDOW, REPORTED_LOOKBACK)


def dates_agree(a: EventCandidate, b: EventCandidate) -> bool:
    slack = REPORTED_WINDOW if a.reported and b.reported else timedelta(0)
    return a.date_start - slack <= b.date_end and b.date_start - slack <= a.date_end


@kept_on_the_candidate
def _keys(candidate: EventCandidate) -> frozenset[str]:
    return frozenset(e.key for e in (*candidate.actors, *candidate.weapons))


def _agents_differ(a: EventCandidate, b: EventCandidate) -> bool:
    """Two named people or organisations doing the same thing are two happenings
    ("Estrada condemned the bombings", "the Security Council condemned the bombings")."""
    first_a, first_b = subject(a), subject(b)
    agents = ("person", "organisation")
    if (first_a is not None and first_b is not None and first_a.key != first_b.key
            and first_a.kind in agents and first_b.kind in agents):
        return True
    # Names the knowledge does not link: "President Bill Clinton condemned ..." and "Security
    # Council condemned ..." open with two different names.
    name_a, name_b = _opening_stems(a.title), _opening_stems(b.title)
    return bool(name_a and name_b) and name_a.isdisjoint(name_b)


@lru_cache(maxsize=1 << 14)
def _opening_stems(title: str) -> frozenset[str]:
    """The stems of `_opening_name(title)`, kept: a writer tests each title against many."""
    return frozenset(stem(w) for w in _opening_name(title))


def _opening_name(title: str) -> tuple[str, ...]:
    """The run of two or more capitalised words a title opens with, or ():
    "President Bill Clinton condemned" -> ("President", "Bill", "Clinton")."""
    run = []
    for word in title.split():
        if not word[:1].isupper():
            break
        run.append(word)
    return tuple(run) if len(run) >= 2 else ()


def same_event(a: EventCandidate, b: EventCandidate, words_a: frozenset[str] | None = None,
               words_b: frozenset[str] | None = None) -> bool:
    """Whether two candidates tell one happening (symmetric). A caller that tests one
    candidate against many may pass their `wording`s, computed once."""
    return _same(a, b, wording(a) if words_a is None else words_a, wording(b) if words_b is None else words_b)


def may_be_same(a: EventCandidate, start: date, end: date, reported: bool, first_actor: str | None) -> bool:
    """A necessary condition of `same_event(a, b)` that reads of b only its dates, whether it is
    reported, and the key of its first actor, which the writer's word index keeps: app/store.py
    applies it in SQL to the stored candidates before reading them. Dated tellings whose dates
    exclude each other are one happening only as a date dispute, which needs the same subject
    and dates within CLAIM_DISPUTE_WINDOW. Two reported statements need anchors within
    REPORTED_WINDOW; a reported statement joins only a telling dated from REPORTED_LOOKBACK
    before it to REPORTED_WINDOW after it.

    >>> from datetime import date
    >>> c = EventCandidate(0, 0, 10, "Kyiv was struck", date(2024, 8, 6), date(2024, 8, 6), "day", BASIS_STATED, None)
    >>> may_be_same(c, date(2024, 8, 6), date(2024, 8, 6), False, None), may_be_same(c, date(2024, 9, 6), date(2024, 9, 6), False, None)
    (True, False)
    """
    if a.reported and reported:
        return a.date_start - REPORTED_WINDOW <= end and start - REPORTED_WINDOW <= a.date_end
    if a.reported:
        return start <= a.date_end + REPORTED_WINDOW and end >= a.date_start - REPORTED_LOOKBACK
    if reported:
        return a.date_start <= end + REPORTED_WINDOW and a.date_end >= start - REPORTED_LOOKBACK
    if a.date_start <= end and start <= a.date_end:
        return True
    first = subject(a)
    gap = max(a.date_start, start) - min(a.date_end, end)
    return first is not None and first.key == first_actor and gap <= CLAIM_DISPUTE_WINDOW


def _date_dispute(a: EventCandidate, b: EventCandidate, share: float, shared: int) -> bool:
    """Different dates for what reads as the same happening by the same subject: kept together,
    disputed. Titles that share most of their words may be some weeks apart; a claim that
    agrees on the verb and on most of its sentence's content words (the object, the
    circumstances) may be months apart ("expressed willingness to sell missiles to NATO
    countries", told with "late 2024" and with "earlier in the year"). Years apart, a
    look-alike is another happening ("The New York Times said in an editorial")."""
    first_a, first_b = subject(a), subject(b)
    if a.reported or b.reported or first_a is None or first_b is None or first_a.key != first_b.key:
        return False
    gap = max(a.date_start, b.date_start) - min(a.date_end, b.date_end)
    if share >= WORDING_OTHER_DATE and shared >= MIN_SHARED + 1 and gap <= DISPUTE_WINDOW:
        return True
    if gap > CLAIM_DISPUTE_WINDOW or shared < MIN_SHARED + 1 or verb(a) is None or verb(a) != verb(b):
        return False
    claim_share, claim_shared = overlap(claim_words(a), claim_words(b))
    return claim_share >= CLAIM_OTHER_DATE and claim_shared >= MIN_CLAIM_SHARED


def _same(a: EventCandidate, b: EventCandidate, words_a: frozenset[str], words_b: frozenset[str]) -> bool:
    share, shared = overlap(words_a, words_b)
    if not words_a or (shared < MIN_SHARED and words_a != words_b):
        return False
    keys_a, keys_b = _keys(a), _keys(b)
    common = keys_a & keys_b
    if _agents_differ(a, b):
        return False
    if a.reported != b.reported:
        # A statement without a date of its own joins the dated telling of the same happening,
        # which cannot have happened after the article that reports it was written.
        told, dated = (a, b) if a.reported else (b, a)
        if dated.date_start > told.date_end + REPORTED_WINDOW or dated.date_end < told.date_start - REPORTED_LOOKBACK:
            return False
        # Short titles agree on common words ("scheduled a news conference"): the sentences must too.
        claims = overlap(claim_words(a), claim_words(b))[0]
        return bool(common) and share >= WORDING_SOME_ENTITY and claims >= CLAIM_JOIN
    if not dates_agree(a, b):
        return _date_dispute(a, b, share, shared)
    if len(common) >= 2 and len(common) * 2 >= len(keys_a | keys_b):
        return share >= WORDING_MOST_ENTITIES
    if common:
        return share >= WORDING_SOME_ENTITY
    return share >= WORDING_NO_ENTITY and shared >= MIN_SHARED_ALONE


def may_share_group(x: EventCandidate, y: EventCandidate, words_x: frozenset[str], words_y: frozenset[str]) -> bool:
    """Whether two candidates may stand in one group (app.merge): no two named agents, and
    no clashing dates unless the clash is a date dispute."""
    if _agents_differ(x, y):
        return False
    return x.reported or y.reported or dates_agree(x, y) or _date_dispute(x, y, *overlap(words_x, words_y))
