"""One event per happening: candidates of several sources that tell the same thing
(app.same_event), grouped and merged.

Linked candidates are grouped, but two named agents, or dates that clash without being
a dispute, never share a group (`may_share_group`): a chain of look-alike titles does not
become one event. Titles that share most of their words but not their polarity make the event
disputed, as different dates for one happening do.

The result does not depend on the order of `items`: candidates are grouped by a
symmetric relation (connected components) and every choice inside a group is made by
a total order on the candidates' contents.
"""
from __future__ import annotations

import itertools
from collections import Counter, OrderedDict

from app.records import (
    BASIS_RELATIVE, BASIS_REPORTED, BASIS_STATED, BASIS_YEAR_INFERRED, PROCESS_LOCAL, Entity, EventCandidate,
    MergedEvent, SourcedCandidate,
)
from app.same_event import dates_agree, may_share_group, same_event
from app.wording import contradicts, overlap, polarity, wording


class NewTellings:
    """New candidates (with their `wording`s) to test against stored ones with `same_event`.
    The answers are kept with the merge's pair answers, by essence, so the merge that
    follows finds them, and copies of one stored telling are tested once."""

    def __init__(self, new: list[tuple[EventCandidate, frozenset[str]]]) -> None:
        self.new = new
        self.keys = [_essence_id(c) for c, _ in new]

    def links(self, stored: EventCandidate, n: int) -> bool:
        """Whether `stored` tells the same event as the new candidate `n` (an index)."""
        key = _essence_id(stored)
        same = _LINKED.get(key, self.keys[n])
        if same is None:
            candidate, new_words = self.new[n]
            same = _LINKED.put(key, self.keys[n], same_event(stored, candidate, wording(stored), new_words))
        return same


_PRECISION_RANK = {"day": 0, "part": 1, "month": 2, "season": 3, "quarter": 4, "year": 5, "decade": 6}
_BASIS_RANK = {BASIS_STATED: 0, BASIS_YEAR_INFERRED: 1, BASIS_RELATIVE: 2, BASIS_REPORTED: 3}


def _order(item: SourcedCandidate) -> tuple:
    c = item.candidate
    return (c.date_start, c.date_end, c.title, item.document_key, c.passage_index, c.sentence_start,
            c.sentence_end, c.claim, c.reported)


def _standing(item: SourcedCandidate) -> tuple:
    """How an event prefers a telling among those of the same dates and reported flag:
    the most precise date, stated rather than inferred, naming the most, then content
    order (`_order`, last)."""
    c = item.candidate
    return (_PRECISION_RANK.get(c.precision, 9), _BASIS_RANK.get(c.basis, 9), -len(c.actors) - len(c.weapons),
            _order(item))


def _copy_standing(standing: tuple, basis: str, document_key: str, passage_index: int, sentence_start: int,
                   sentence_end: int) -> tuple:
    """`_standing` of another copy of a telling whose copy has `standing`: copies differ only
    in their basis, document and place (what `app.word_index.TELLING_COLUMNS` leaves out)."""
    precision, _, named, order = standing
    return (precision, _BASIS_RANK.get(basis, 9), named,
            (*order[:3], document_key, passage_index, sentence_start, sentence_end, *order[7:]))


def _preference(item: SourcedCandidate, date_votes: Counter) -> tuple:
    c = item.candidate
    return (c.reported, -date_votes[(c.date_start, c.date_end)], *_standing(item))


def _ranked(lists: list[tuple[tuple[Entity, ...], int]]) -> tuple[Entity, ...]:
    """Entities named by most sources first, then those named earliest (a subject comes
    first); each list of entities is given with how many sources name it so."""
    counts: Counter = Counter()
    rank: dict[str, int] = {}
    first: dict[str, Entity] = {}
    for entities, sources in lists:
        for position, e in enumerate(entities):
            counts[e.key] += sources
            rank[e.key] = min(rank.get(e.key, position), position)
            first.setdefault(e.key, e)
    return tuple(first[k] for k in sorted(counts, key=lambda k: (-counts[k], rank[k], first[k].name)))


def _clash(candidates: list[EventCandidate]) -> bool:
    """Whether two of the candidates contradict each other. Only tellings of different
    polarity can (`contradicts`), so an event whose tellings all have one polarity,
    the usual case, costs one look-up a telling instead of one test a pair."""
    by_polarity: dict[frozenset[str], list[EventCandidate]] = {}
    for c in candidates:
        by_polarity.setdefault(polarity(c), []).append(c)
    kinds = list(by_polarity.values())
    return any(contradicts(x, y) for n, xs in enumerate(kinds) for ys in kinds[n + 1:] for x in xs for y in ys)


def _merged(group: list[SourcedCandidate]) -> MergedEvent:
    # One vote per document, so a repeated paragraph does not outvote another article.
    told = {(i.document_key, i.candidate.date_start, i.candidate.date_end) for i in group}
    votes = Counter((first, last) for _, first, last in told)
    best = min(group, key=lambda item: _preference(item, votes)).candidate
    dates_clash = any(not dates_agree(best, item.candidate) for item in group if not item.candidate.reported)
    clash = _clash([item.candidate for item in group])
    return MergedEvent(
        title=best.title,
        date_start=best.date_start,
        date_end=best.date_end,
        precision=best.precision,
        basis=best.basis,
        actors=_ranked([(item.candidate.actors, 1) for item in group]),
        weapons=_ranked([(item.candidate.weapons, 1) for item in group]),
        sources=group,
        reported=all(item.candidate.reported for item in group),
        disputed=dates_clash or clash,
    )


def merge_events(items: list[SourcedCandidate]) -> list[MergedEvent]:
    """Group candidates that tell the same event; one MergedEvent per group, chronological.

    >>> from datetime import date
    >>> trump = Entity("donald-trump", "Donald Trump", "person")
    >>> def told(doc, title):
    ...     c = EventCandidate(0, 0, 10, title, date(2025, 1, 20), date(2025, 1, 20), "day",
    ...                        BASIS_STATED, None, actors=(trump,))
    ...     return SourcedCandidate(doc, c)
    >>> [e.corroboration for e in merge_events([told("a", "Trump sworn in as president"),
    ...                                        told("b", "Trump's swearing-in as president")])]
    [2]
    """
    return _chronological([_merged(group) for group in group_tellings(items)])


def group_tellings(items: list[SourcedCandidate], linked: bool = False) -> list[list[SourcedCandidate]]:
    """The groups `merge_events` makes events of, each in `_order`, the groups in no
    order of note (a caller that needs only who goes with whom skips the events).
    `linked` says the items are known to be linked together, one part (events and the
    tellings that link them): the search for parts is skipped.

    >>> from datetime import date
    >>> port = Entity("port-authority", "Port Authority", "organisation")
    >>> def told(doc, title, day):
    ...     c = EventCandidate(0, 0, 10, title, date(2021, 3, day), date(2021, 3, day), "day",
    ...                        BASIS_STATED, None, actors=(port,))
    ...     return SourcedCandidate(doc, c)
    >>> [[item.document_key for item in group] for group in group_tellings([
    ...     told("b", "Port Authority closed the harbour", 2), told("a", "Port Authority closed the harbour", 2),
    ...     told("c", "Port Authority raised its fees", 9)])]
    [['a', 'b'], ['c']]
    """
    ordered = sorted(items, key=_order)
    keys = [_essence_id(item.candidate) for item in ordered]
    words = [wording(item.candidate) for item in ordered]
    groups = []
    for part in [list(range(len(ordered)))] if linked else _linked_parts(keys, words, ordered):
        groups += _groups_of(part, keys, words, ordered)
    return [[ordered[i] for i in members] for members in groups]


def _chronological(events: list[MergedEvent]) -> list[MergedEvent]:
    return sorted(events, key=lambda e: (e.date_start, e.date_end, e.reported, e.title,
                                         [_order(s) for s in e.sources]))


def _link(i: int, j: int, keys: list[int], words: list[frozenset[str]], items: list[SourcedCandidate]) -> bool:
    """`same_event` of items i and j, from the pair cache."""
    same = _LINKED.get(keys[i], keys[j])
    if same is None:
        same = _LINKED.put(keys[i], keys[j], same_event(items[i].candidate, items[j].candidate, words[i], words[j]))
    return same


def _may_group(i: int, j: int, keys: list[int], words: list[frozenset[str]], items: list[SourcedCandidate]) -> bool:
    """`may_share_group` of items i and j, from the pair cache."""
    groupable = _GROUPABLE.get(keys[i], keys[j])
    if groupable is None:
        groupable = _GROUPABLE.put(keys[i], keys[j], may_share_group(items[i].candidate, items[j].candidate,
                                                                     words[i], words[j]))
    return groupable


def _root(parent: dict[int, int] | list[int], i: int) -> int:
    """The part of i in a union-find forest (`parent`), halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(parent: dict[int, int] | list[int], i: int, j: int) -> None:
    a, b = _root(parent, i), _root(parent, j)
    parent[max(a, b)] = min(a, b)


def _linked_parts(keys: list[int], words: list[frozenset[str]], items: list[SourcedCandidate]) -> list[list[int]]:
    """The candidates (indexes, in order) in parts that no link joins. Only candidates that
    share a word of their titles can be linked, and copies of one telling (one essence)
    are linked to the same candidates: links are tested between distinct essences, so a
    part of many copies costs the square of its distinct tellings, not of its copies."""
    first: dict[int, int] = {}  # essence -> its first candidate
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    parent = {i: i for i in first.values()}
    by_word: dict[str, list[int]] = {}
    for i in first.values():
        for word in words[i]:
            by_word.setdefault(word, []).append(i)
    for i in parent:
        # Each candidate sharing a word with i once, however many words they share.
        for j in set().union(*(by_word[word] for word in words[i])):
            if j > i and _root(parent, i) != _root(parent, j) and _link(i, j, keys, words, items):
                _join(parent, i, j)
    parts: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        parts.setdefault(_root(parent, first[key]), []).append(i)
    return list(parts.values())


def _groups_of(part: list[int], keys: list[int], words: list[frozenset[str]],
               items: list[SourcedCandidate]) -> list[list[int]]:
    """The groups the greedy linking makes of one part (`_linked_parts`).

    When every two of its candidates may share a group, nothing blocks a link: the
    groups are the connected parts of the links, found among distinct essences. A
    telling that is not linked to its own copies (a title too short to link on its
    own) keeps its copies apart unless another telling joins them. Otherwise the
    links are followed closest first (`_greedy_groups`)."""
    first: dict[int, int] = {}  # essence -> its first candidate
    for i in part:
        first.setdefault(keys[i], i)
    reps = list(first.values())
    if _all_groupable(reps, keys, words, items):
        if len(reps) > 1 or _link(reps[0], reps[0], keys, words, items):
            return [part]
        return [[i] for i in part]
    return _greedy_groups(part, keys, words, items)


def _all_groupable(reps: list[int], keys: list[int], words: list[frozenset[str]],
                   items: list[SourcedCandidate]) -> bool:
    """Whether every two of `reps` may share a group (`_may_group`), the kept answers read
    a row at a time."""
    for n, i in enumerate(reps):
        later = reps[n + 1:]
        for j, groupable in zip(later, _GROUPABLE.row(keys[i], [keys[j] for j in later])):
            if groupable is False or (groupable is None and not _may_group(i, j, keys, words, items)):
                return False
    return True


def _greedy_groups(part: list[int], keys: list[int], words: list[frozenset[str]],
                   items: list[SourcedCandidate]) -> list[list[int]]:
    """Links followed closest first between distinct tellings; two groups join only if
    every two of their tellings may share a group (`_compatible`).

    Copies of one telling (one essence, whatever numbers the writer gave them) go
    together: they are linked to the same tellings and may share a group with the same
    ones, so the greedy linking runs on distinct tellings, ties broken by what the
    tellings say (`_content`), never by which articles told them or how often. A part's
    groups depend on its distinct tellings only: a further copy joins its telling's
    group. A telling linked to nothing, not even its own copies (a title too short to
    link on its own), leaves its copies apart."""
    copies: dict[tuple, list[int]] = {}  # essence -> its copies
    numbered: dict[int, tuple] = {}  # essence number -> essence
    for i in part:
        essence = numbered.get(keys[i])
        if essence is None:
            essence = numbered[keys[i]] = _essence(items[i].candidate)
        copies.setdefault(essence, []).append(i)
    order = sorted(copies, key=_content)
    numbers = frozenset(keys[i] for i in part)
    grouped = _GROUPINGS.get(numbers)
    if grouped is None:
        grouped = _GROUPINGS[numbers] = _greedy_linking([copies[essence][0] for essence in order], keys, words, items)
        if len(_GROUPINGS) > GROUPINGS_KEPT:
            _GROUPINGS.popitem(last=False)
    else:
        _GROUPINGS.move_to_end(numbers)
    result = []
    for tellings in grouped:
        alone = copies[order[tellings[0]]]
        if len(tellings) == 1 and len(alone) > 1 and not (words[alone[0]] and _link(alone[0], alone[0], keys,
                                                                                       words, items)):
            result += [[i] for i in alone]
        else:
            result.append(sorted(i for x in tellings for i in copies[order[x]]))
    return result


# A writer groups a family of look-alike tellings again each time a telling joins two of
# its events, often the same distinct tellings again (a further copy of one of them): the
# greedy linking of a set of tellings, by their essence numbers (a number always names
# one essence), is kept. At 64,597 documents 144 of 660 groupings in 1,000 documents
# were of a set grouped before.
GROUPINGS_KEPT = 4096
_GROUPINGS: OrderedDict = OrderedDict()


def _greedy_linking(reps: list[int], keys: list[int], words: list[frozenset[str]],
                    items: list[SourcedCandidate]) -> list[list[int]]:
    """The groups of `_greedy_groups`, as lists of positions in `reps` (one telling of
    each distinct essence, in `_content` order)."""
    # A part is linked together, so most of its tellings share words: testing every two
    # for a shared word costs less than listing the pairs word by word. The answers kept
    # are read a row at a time: one call a telling, not two a pair (the pairs grow with
    # the square of a family of look-alikes: 6% of the writer at 75,000 documents).
    links = []
    for x, i in enumerate(reps):
        later = reps[x + 1:]
        words_i = words[i]
        for y, (j, same) in enumerate(zip(later, _LINKED.row(keys[i], [keys[j] for j in later])), x + 1):
            if same is False or words_i.isdisjoint(words[j]):
                continue
            if same or _link(i, j, keys, words, items):
                links.append((-overlap(words_i, words[j])[0], x, y))
    links.sort()
    owner = list(range(len(reps)))
    groups: dict[int, list[int]] = {x: [x] for x in owner}  # group -> its tellings (in reps)
    essences: dict[int, dict[int, int]] = {x: {keys[i]: i} for x, i in enumerate(reps)}
    # Two groups that may not join never may once either has grown (a group only gains
    # members), so a refusal is kept.
    refused: set[tuple[int, int]] = set()
    for _, x, y in links:
        a, b = owner[x], owner[y]
        if a > b:
            a, b = b, a
        if a == b or (a, b) in refused:
            continue
        if not _compatible(essences[a], essences[b], items, keys, words):
            refused.add((a, b))
            continue
        for z in groups[b]:
            owner[z] = a
        groups[a] += groups.pop(b)
        for key, i in essences.pop(b).items():
            essences[a].setdefault(key, i)
    return list(groups.values())


def _content(essence: tuple) -> tuple:
    """A total order on essences (`_essence`), by date and title first."""
    title, claim, timex, first, last, reported, actors, weapons = essence
    return first, last, title, claim or "", claim is None, timex or "", timex is None, reported, actors, weapons


def _compatible(left: dict[int, int], right: dict[int, int], items: list[SourcedCandidate], keys: list[int],
                words: list[frozenset[str]]) -> bool:
    """Whether two groups, given as their distinct essences (one telling each), may join:
    no two named agents and no clashing dates across them, unless the clash is itself a
    date dispute. This keeps a chain of look-alike titles ("condemned the bombings" by one
    leader after another) from becoming one event. Copies of one telling answer alike,
    and a telling may always share a group with its own copy."""
    for a, i in left.items():
        for b, j in right.items():
            if a != b:
                groupable = _GROUPABLE.get(a, b)  # _may_group's look-up, without its arguments
                if groupable is None:
                    groupable = _may_group(i, j, keys, words, items)
                if not groupable:
                    return False
    return True


# A writer merges an event again each time a new telling joins it: the same pairs are
# tested again, so their answers are kept, by what the tests read of a candidate
# (`_essence`): copies of one sentence told by several articles (agencies' copy,
# syndication) differ only in where they stand, and records built afresh for each merge
# would otherwise be compared field by field on every look-up. An essence is named by
# a number, so that the pairs, whose number grows with the square of an event's
# tellings, are looked up by two numbers instead of hashing two essences each.
# Bounded, so the writer's memory stays flat; a number is never given twice, so a
# forgotten essence only costs its pairs' answers. A generated corpus re-merges a
# family of look-alike events every few hundred documents: for documents 40,000-40,999
# after 39,000, up to 2**19 answers of each test instead of 2**17 halve the pairs tested
# again (226,000 -> 124,000) for 15 MB more of the writer's memory there.
class PairAnswers:
    """Answers of a test of two essences, by their numbers; at most 2 * `half` of them:
    when the newer half is full it becomes the older one and the older is forgotten, an
    answer asked for again moving to the newer half. (Two plain dictionaries keyed by
    one integer take half the memory of an ordered one keyed by pairs.) The numbers are
    below 2**32: a process would have to number four billion essences to reach it.

    >>> answers = PairAnswers(2)
    >>> answers.put(1, 2, True), answers.get(1, 2), answers.get(2, 1)
    (True, True, None)
    """
    __slots__ = ("half", "newer", "older")

    def __init__(self, half: int) -> None:
        self.half = half
        self.newer: dict[int, bool] = {}
        self.older: dict[int, bool] = {}

    def get(self, a: int, b: int) -> bool | None:
        key = a << 32 | b
        found = self.newer.get(key)
        if found is None:
            found = self.older.get(key)
            if found is not None:
                self._put(key, found)
        return found

    def row(self, a: int, bs: list[int]) -> list[bool | None]:
        """`get(a, b)` for each of `bs`, in one call."""
        base = a << 32
        found = [self.newer.get(base | b) for b in bs]
        if None in found and self.older:
            for n, answer in enumerate(found):
                if answer is None:
                    answer = self.older.get(base | bs[n])
                    if answer is not None:
                        found[n] = answer
                        self._put(base | bs[n], answer)
        return found

    def put(self, a: int, b: int, answer: bool) -> bool:
        self._put(a << 32 | b, answer)
        return answer

    def _put(self, key: int, answer: bool) -> None:
        self.newer[key] = answer
        if len(self.newer) >= self.half:
            self.older, self.newer = self.newer, {}

    def clear(self) -> None:
        self.newer, self.older = {}, {}


PAIRS_CACHED = 1 << 18  # answers of each test in each half
ESSENCES_NUMBERED = 1 << 17
_LINKED = PairAnswers(PAIRS_CACHED)
_GROUPABLE = PairAnswers(PAIRS_CACHED)
_ESSENCE_IDS: OrderedDict = OrderedDict()
_NEXT_ID = itertools.count()


# A candidate keeps its number (the writer remembers its stored candidates), so its pairs'
# answers outlive the essence's place among the numbered ones, and it is not built and
# hashed again for each merge. A copy met after its essence was forgotten gets another
# number: the merge treats copies of one telling alike whatever their numbers (a pair
# of two copies answers as a telling and itself does), numbers only save tests.
_NUMBER = PROCESS_LOCAL + "essence_number"


def _essence_id(c: EventCandidate) -> int:
    """The number of `_essence(c)`: equal essences, equal numbers while the essence is
    kept among the numbered ones, and the candidate's own number ever after."""
    found = c.__dict__.get(_NUMBER)
    if found is None:
        essence = _essence(c)
        found = _ESSENCE_IDS.get(essence)
        if found is None:
            found = _ESSENCE_IDS[essence] = next(_NEXT_ID)
            if len(_ESSENCE_IDS) > ESSENCES_NUMBERED:
                _ESSENCE_IDS.popitem(last=False)
        c.__dict__[_NUMBER] = found  # beside the frozen fields, as app.wording keeps its answers
    return found


def _essence(c: EventCandidate) -> tuple:
    """What same_event, wording and the groups' compatibility read of a candidate: its title,
    claim, dating phrase, dates, whether it is reported, and its actors and weapons
    (names and aliases, which wording leaves out). Not its position or its mentions."""
    return (c.title, c.claim, c.timex.text if c.timex is not None else None, c.date_start, c.date_end,
            c.reported, tuple((e.key, e.name, e.kind, e.aliases) for e in c.actors),
            tuple((e.key, e.name, e.kind, e.aliases) for e in c.weapons))


def merge_into(events: list[list[SourcedCandidate]], new: list[SourcedCandidate]) -> list[MergedEvent]:
    """`merge_events` of the tellings of `events` (each the tellings of one event that
    `merge_events` made) and of the `new` tellings, the same events in the same order,
    at a cost that grows with the size of the events where merging them again grows
    with its square. The events are taken as merged already: two of them that link to
    each other only directly, not through a new telling, stay apart.

    The new tellings and the events fall into parts, joined by the links
    (`same_event`) each new telling makes. A part of new tellings and at most one event,
    every two of whose tellings may share a group (`may_share_group`), is one event:
    `merge_events` links tellings greedily, and only a pair that may not share a group
    keeps linked tellings apart; an event's own tellings are linked and groupable (it
    was made so), so only the pairs with a new telling are tested. A part that joins
    several events, or holds a pair that may not share a group, is merged again whole.

    >>> from dataclasses import replace
    >>> from datetime import date
    >>> day = date(2025, 1, 20)
    >>> c = EventCandidate(0, 0, 10, "Trump sworn in as president", day, day, "day", BASIS_STATED, None,
    ...                    actors=(Entity("donald-trump", "Donald Trump", "person"),))
    >>> old = merge_events([SourcedCandidate("a", c),
    ...                     SourcedCandidate("b", replace(c, title="Trump's swearing-in as president"))])
    >>> new = SourcedCandidate("c", replace(c, title="Trump is sworn in as president"))
    >>> [e.corroboration for e in merge_into([old[0].sources], [new])]
    [3]
    """
    items = [item for event in events for item in event] + list(new)
    keys = [_essence_id(item.candidate) for item in items]
    words = [wording(item.candidate) for item in items]
    first_new = len(items) - len(new)
    event_of = [n for n, event in enumerate(events) for _ in event]  # of each old telling
    parent = list(range(len(items)))
    start = 0
    for event in events:  # an old event is one part to begin with
        for i in range(start + 1, start + len(event)):
            _join(parent, start, i)
        start += len(event)
    merged: list[MergedEvent] = []
    for part in _joined_by_new(parent, first_new, keys, words, items):
        if _one_event(part, [event_of[i] if i < first_new else None for i in part], keys, words, items):
            merged.append(_merged(sorted((items[i] for i in part), key=_order)))
        else:
            merged += merge_events([items[i] for i in part])
    return _chronological(merged)


def _joined_by_new(parent: list[int], first_new: int, keys: list[int], words: list[frozenset[str]],
                   items: list[SourcedCandidate]) -> list[list[int]]:
    """The parts of `items` (lists of indexes, in order) once each new item, from
    `first_new` on, is joined to every earlier item it links to; `parent` (a union-find
    forest) holds the parts to begin with."""
    by_word: dict[str, list[int]] = {}
    for i, stems in enumerate(words):
        for word in stems:
            by_word.setdefault(word, []).append(i)
    for j in range(first_new, len(items)):
        for i in set().union(*(by_word[word] for word in words[j])):
            if i < j and _root(parent, i) != _root(parent, j) and _link(i, j, keys, words, items):
                _join(parent, i, j)
    parts: dict[int, list[int]] = {}
    for i in range(len(items)):
        parts.setdefault(_root(parent, i), []).append(i)
    return list(parts.values())


def may_all_share(new: dict, old: dict) -> bool:
    """Whether every new telling may share a group (`may_share_group`) with every other
    telling, new or old; each given by essence number, as a SourcedCandidate or anything
    whose `first` is one (a tally of its copies). The old tellings are of one event, made
    so: every two of them may share a group, and so may a new copy of an old telling with
    all of them. So a telling joining an event costs its distinct tellings, not their
    square, and a further copy of one of them costs nothing.

    >>> from datetime import date
    >>> def told(title):
    ...     c = EventCandidate(0, 0, 10, title, date(2021, 3, 2), date(2021, 3, 2), "day", BASIS_STATED, None)
    ...     return SourcedCandidate("a", c)
    >>> may_all_share({1: told("Port Authority closed the harbour")}, {2: told("Harbour closed")})
    True
    """
    fresh = [a for a in new if a not in old]
    for n, a in enumerate(fresh):
        x = new[a]
        others = fresh[n + 1:] + list(old)
        for b, groupable in zip(others, _GROUPABLE.row(a, others)):
            if groupable is None:
                y = new[b] if b in new else old[b]
                y = getattr(y, "first", y)
                groupable = _GROUPABLE.put(a, b, may_share_group(x.candidate, y.candidate, wording(x.candidate),
                                                                 wording(y.candidate)))
            if not groupable:
                return False
    return True


def _one_event(part: list[int], events: list[int | None], keys: list[int], words: list[frozenset[str]],
               items: list[SourcedCandidate]) -> bool:
    """Whether `merge_events` makes one event of a part of `merge_into`: every two of its
    tellings may share a group, but for two of one old event (it was made so). The part
    is linked together, so nothing else keeps its tellings apart. `events` gives each
    telling's old event, None for a new one.

    Copies of one telling (one essence) may share a group with the same tellings: pairs
    are tested once per two distinct essences, so a part costs the square of its
    distinct tellings, not of its copies."""
    first: dict[int, int] = {}  # essence -> one of its tellings
    owners: dict[int, set[int | None]] = {}  # essence -> the old events (None: new) that tell it
    for i, event in zip(part, events):
        first.setdefault(keys[i], i)
        owners.setdefault(keys[i], set()).add(event)
    essences = list(first)
    if len(set().union(*owners.values()) - {None}) <= 1:
        return may_all_share({a: items[first[a]] for a in essences if None in owners[a]},
                             {b: items[first[b]] for b in essences if owners[b] != {None}})
    for n, a in enumerate(essences):
        for b in essences[n + 1:]:
            both = owners[a] | owners[b]
            if (len(both) > 1 or None in both) and not _may_group(first[a], first[b], keys, words, items):
                return False
    return True
