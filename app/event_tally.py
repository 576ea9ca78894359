"""Merged events kept as tallies of their distinct tellings, so that a telling joining
an event told by hundreds of articles costs the event's distinct tellings, not its copies.

What `app.merge` makes of a group of tellings (`_merged`) reads, of each distinct telling
(one essence: what the sentence says, with its dates, actors and weapons), only how many
copies tell it, which documents, the copy it would prefer and the copy that sorts first.
`EventTally` keeps that; `EventTally.merged` gives what `_merged` gives of all the copies.
`merge_tallies` says which event each new telling continues, or None when an event
would split or join another, which only merging the tellings again can settle.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.merge import _essence_id, _join, _link, _root, _standing, group_tellings, may_all_share
from app.records import EventCandidate, EventSummary, SourcedCandidate
from app.same_event import dates_agree
from app.wording import contradicts, polarity, wording


class TellingTally:
    """The copies of one telling in one event: how many, the copy that sorts first, the
    copy the event would prefer among them, and what the caller keeps of each (`handles`)."""
    __slots__ = ("first", "first_order", "best", "best_key", "count", "documents", "handles")

    def __init__(self, item: SourcedCandidate, handle) -> None:
        self.best, self.best_key = item, _standing(item)
        self.first, self.first_order = item, self.best_key[-1]
        self.count = 1
        self.documents = {item.document_key}
        self.handles = [handle]

    def add(self, item: SourcedCandidate, handle) -> None:
        key = _standing(item)
        if key[-1] < self.first_order:
            self.first, self.first_order = item, key[-1]
        if key < self.best_key:
            self.best, self.best_key = item, key
        self.count += 1
        self.documents.add(item.document_key)
        self.handles.append(handle)

    def copy(self) -> "TellingTally":
        """A tally of the same copies that can grow apart from this one."""
        twin = TellingTally.__new__(TellingTally)
        twin.first, twin.first_order, twin.best, twin.best_key = self.first, self.first_order, self.best, self.best_key
        twin.count, twin.documents, twin.handles = self.count, set(self.documents), list(self.handles)
        return twin

    def absorb(self, other: "TellingTally") -> None:
        """Add the copies `other` tallies (of the same telling, in another event)."""
        if other.first_order < self.first_order:
            self.first, self.first_order = other.first, other.first_order
        if other.best_key < self.best_key:
            self.best, self.best_key = other.best, other.best_key
        self.count += other.count
        self.documents |= other.documents
        self.handles += other.handles


@dataclass
class TalliedEvent(EventSummary):
    """What `app.merge._merged` makes of an event's tellings, but its list of sources."""

    corroboration: int = 1


class EventTally:
    """One merged event as the tallies of its distinct tellings (by essence number), with
    what `merged` reads of them kept as they are added: the documents that tell it at each
    pair of dates, the preferred copy at each pair of dates and reported flag, how often
    and how early each actor and weapon is named, whether two tellings contradict each
    other. A tally only grows (copies and tellings are added, never taken away), so
    each of these is a running count or minimum, and `merged` costs the event's dates
    and names, not its tellings: a family of look-alike events is continued hundreds of
    times, each time by a few tellings.

    >>> from app.records import BASIS_STATED, EventCandidate
    >>> day = date(2021, 3, 2)
    >>> c = EventCandidate(0, 0, 10, "Harbour closed to shipping", day, day, "day", BASIS_STATED, None)
    >>> tally = EventTally()
    >>> for n, doc in enumerate(["a", "b", "a"]):
    ...     tally.add(SourcedCandidate(doc, c), n)
    >>> tally.merged().corroboration, len(tally.tellings), tally.copies()
    (2, 1, 3)
    """
    __slots__ = ("tellings", "told", "documents", "count", "earliest", "preferred", "named", "polarities", "clash")

    def __init__(self) -> None:
        self.tellings: dict[int, TellingTally] = {}
        self.told: dict[tuple[date, date], set[str]] = {}
        self.documents: set[str] | None = None  # all of them, once `told` has two pairs of dates
        self.count = 0  # copies
        self.earliest: tuple = ()  # the first_order of the copy that sorts first
        # (date_start, date_end, reported) -> (best_key, item) of the copy preferred among them
        self.preferred: dict[tuple, tuple] = {}
        # entity key -> [copies naming it, earliest position among the actors (or weapons),
        # (first_order, position) of the telling that names it first, the entity as named there]
        self.named: dict[str, list] = {}
        self.polarities: tuple[frozenset[str], ...] = ()  # (a tuple: most events have one)
        self.clash = False

    def add(self, item: SourcedCandidate, handle) -> None:
        number = _essence_id(item.candidate)
        telling = self.tellings.get(number)
        if telling is None:
            telling = self.tellings[number] = TellingTally(item, handle)
            self._new_telling(telling)
        else:
            telling.add(item, handle)
        self._told(item.candidate, {item.document_key})
        self._counted(telling, 1)

    def add_copy(self, number: int, standing: tuple, document_key: str, handle, item) -> None:
        """`add` of one more copy of the telling `number`, which the tally holds already, from
        what `add` reads of it: its `_standing` and its document. `item()` makes the copy
        itself, asked only where it becomes its telling's first or preferred copy: a tally
        read back from the store makes a record of each telling, not of each copy."""
        telling = self.tellings[number]
        if standing < telling.best_key or standing[-1] < telling.first_order:
            telling.add(item(), handle)
        else:
            telling.count += 1
            telling.documents.add(document_key)
            telling.handles.append(handle)
        self._told(telling.first.candidate, {document_key})
        self._counted(telling, 1)

    def absorb(self, number: int, telling: TellingTally) -> None:
        """Add a telling's copies tallied in another event (`telling` is not kept: the
        other event may still hold it)."""
        mine = self.tellings.get(number)
        if mine is None:
            mine = self.tellings[number] = telling.copy()
            self._new_telling(mine)
        else:
            mine.absorb(telling)
        self._told(telling.first.candidate, telling.documents)
        self._counted(mine, telling.count)

    def _told(self, c: EventCandidate, documents: set[str]) -> None:
        dates = (c.date_start, c.date_end)
        told = self.told.get(dates)
        if told is None:
            told = self.told[dates] = set()
            if len(self.told) == 2:  # the union is kept apart from now on
                self.documents = set().union(*self.told.values())
        told |= documents
        if self.documents is not None:
            self.documents |= documents

    def _new_telling(self, telling: TellingTally) -> None:
        c = telling.first.candidate
        mine = polarity(c)
        if not self.clash and any(kind != mine for kind in self.polarities):
            # Only tellings of different polarity can contradict each other (merge._clash):
            # in the usual event of one polarity, no telling is compared.
            self.clash = any(contradicts(c, t.first.candidate) for t in self.tellings.values()
                             if t is not telling and polarity(t.first.candidate) != mine)
        if mine not in self.polarities:
            self.polarities += (mine,)

    def _counted(self, telling: TellingTally, copies: int) -> None:
        """Count `copies` more copies of `telling`, whose first and preferred copies are updated."""
        self.count += copies
        if not self.earliest or telling.first_order < self.earliest:
            self.earliest = telling.first_order
        c = telling.best.candidate
        dates = (c.date_start, c.date_end, c.reported)
        kept = self.preferred.get(dates)
        if kept is None or telling.best_key < kept[0]:
            self.preferred[dates] = (telling.best_key, telling.best)
        first = telling.first.candidate
        named = self.named
        for entities in (first.actors, first.weapons):
            for position, e in enumerate(entities):
                entry = named.get(e.key)
                if entry is None:
                    named[e.key] = [copies, position, (telling.first_order, position), e]
                else:
                    entry[0] += copies
                    if position < entry[1]:
                        entry[1] = position
                    if (telling.first_order, position) < entry[2]:
                        entry[2], entry[3] = (telling.first_order, position), e

    def copies(self) -> int:
        return self.count

    def first_order(self) -> tuple:
        return self.earliest

    def merged(self) -> TalliedEvent:
        """`_merged` of the event's tellings. Copies of one telling share its dates, its
        reported flag and its actors and weapons, so a preference decided among a
        telling's copies stands against other tellings, one vote per document and date."""
        told = self.told
        # merge._preference of each pair of dates' preferred copy (their best_keys differ in dates)
        dates = min(self.preferred, key=lambda d: (d[2], -len(told[d[:2]]), self.preferred[d][0]))
        best = self.preferred[dates][1].candidate
        # Dates, reported flags and polarities are the essence's: one copy answers for all.
        dates_clash = any(not dates_agree(best, kept[1].candidate) for (_, _, reported), kept
                          in self.preferred.items() if not reported)
        return TalliedEvent(
            title=best.title, date_start=best.date_start, date_end=best.date_end, precision=best.precision,
            basis=best.basis,
            actors=_ranked_names(self.named, False),
            weapons=_ranked_names(self.named, True),
            reported=all(reported for _, _, reported in self.preferred),
            disputed=dates_clash or self.clash,
            corroboration=len(self.documents if self.documents is not None else next(iter(told.values()))),
        )


def _ranked_names(named: dict[str, list], weapons: bool) -> tuple:
    """`merge._ranked` of the counts kept, of weapons or actors: named by most copies first,
    then earliest, then by name, then in the order the tellings (by first_order) name them."""
    return tuple(entry[3] for entry in sorted((e for e in named.values() if e[3].is_weapon == weapons),
                                              key=lambda e: (-e[0], e[1], e[3].name, e[2])))


class PlannedEvent(NamedTuple):
    """An event `merge_tallies` makes: the old event (index) whose row it keeps, of those
    all of whose tellings it holds the one of most copies (`kept_event`; None if none),
    the other old tellings it holds, as (index of their event, essence number), and its
    new tellings, as indexes."""

    whole: int | None
    olds: list[tuple[int, int]]
    fresh: list[int]


def merge_tallies(events: list[EventTally], new: list[SourcedCandidate], links: list[set[int]]
                  ) -> list[PlannedEvent] | None:
    """What `app.merge.merge_into` makes of the events (as tallies) and the `new` tellings,
    given the new tellings that link to each event (`links`, as indexes, by `same_event`
    with one of its tellings). None where `merge_into` would part the copies of one
    telling (a telling that links to nothing, not even its copies).

    The events fall into parts by the links new tellings make, as in `merge_into`. A part
    of at most one event whose tellings may all share a group with the new ones
    (`may_all_share`) is that event continued: an event's tellings are not read, but for
    the answers of the pairs a new telling makes. Otherwise the part is merged again
    (`merge_events`) from one copy of each of its distinct tellings (two where it has
    several, since a telling that links to nothing keeps its copies apart): the greedy
    grouping depends on the distinct tellings only, so a copy goes where its telling goes.

    >>> from app.records import BASIS_STATED, EventCandidate
    >>> day = date(2021, 3, 2)
    >>> c = EventCandidate(0, 0, 10, "Harbour closed to shipping", day, day, "day", BASIS_STATED, None)
    >>> tally = EventTally()
    >>> tally.add(SourcedCandidate("a", c), 1)
    >>> merge_tallies([tally], [SourcedCandidate("b", c)], [{0}])
    [PlannedEvent(whole=0, olds=[], fresh=[0])]
    """
    first_new = len(events)
    keys = [_essence_id(item.candidate) for item in new]
    words = [wording(item.candidate) for item in new]
    parent = list(range(first_new + len(new)))
    for n, linked in enumerate(links):
        for j in linked:
            _join(parent, n, first_new + j)
    for j in range(len(new)):  # new tellings that link to each other
        for i in range(j):
            if not words[i].isdisjoint(words[j]) and _root(parent, first_new + i) != _root(parent, first_new + j) \
                    and _link(i, j, keys, words, new):
                _join(parent, first_new + i, first_new + j)
    parts: dict[int, list[int]] = {}
    for i in range(len(parent)):
        parts.setdefault(_root(parent, i), []).append(i)
    plan: list[PlannedEvent] = []
    for part in parts.values():
        olds = [n for n in part if n < first_new]
        fresh = [i - first_new for i in part if i >= first_new]
        new_tellings = {}  # essence number -> a new telling of it
        for k in fresh:
            new_tellings.setdefault(keys[k], new[k])
        if len(olds) <= 1 and may_all_share(new_tellings, events[olds[0]].tellings if olds else {}):
            plan.append(PlannedEvent(olds[0] if olds else None, [], fresh))
            continue
        made = _regrouped(events, olds, new, fresh)
        if made is None:
            return None
        plan += made
    return plan


def kept_event(wholes: dict[int, int]) -> int | None:
    """Of the old events a merged event holds whole (event -> its copies, by a number
    that orders them as their ids), the one whose row it keeps: the one of most copies,
    the first of those; its sources need not be linked again.

    >>> kept_event({4: 2, 7: 9, 9: 9}), kept_event({})
    (7, None)
    """
    return min(wholes, key=lambda n: (-wholes[n], n)) if wholes else None


def _regrouped(events: list[EventTally], olds: list[int], new: list[SourcedCandidate], fresh: list[int]
               ) -> list[PlannedEvent] | None:
    """`merge_events`' groups of a part: the events `olds` and the new tellings `fresh`, each
    telling standing for its copies (two of them where it has several). Each event's
    tellings are linked together (they were grouped so) and the new tellings link the
    events of the part, so the part is not searched for parts again. None where the
    copies of a telling go apart."""
    reduced: list[SourcedCandidate] = []
    of: dict[int, tuple[int, int] | int] = {}  # id of an item -> (event, essence number) or new index
    for n in olds:
        for number, telling in events[n].tellings.items():
            reduced += [telling.first] * min(telling.count, 2)
            of[id(telling.first)] = (n, number)
    for k in fresh:
        reduced.append(new[k])
        of[id(new[k])] = k
    made: list[PlannedEvent] = []
    placed: set = set()
    for group in group_tellings(reduced, linked=True):
        members = list(dict.fromkeys(of[id(s)] for s in group))
        if placed.intersection(members):  # the copies of one telling apart
            return None
        placed.update(members)
        tellings = [m for m in members if isinstance(m, tuple)]
        held = Counter(n for n, _ in tellings)
        whole = kept_event({n: events[n].copies() for n in held if held[n] == len(events[n].tellings)})
        made.append(PlannedEvent(whole, [t for t in tellings if t[0] != whole],
                                 [m for m in members if not isinstance(m, tuple)]))
    return made
