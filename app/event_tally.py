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

from dataclasses import dataclass
from datetime import date

from app.merge import _clash, _essence_id, _join, _joined_by_new, _one_event, _ranked, _standing, group_tellings
from app.records import EventSummary, SourcedCandidate
from app.same_event import dates_agree
from app.wording import wording


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
    """One merged event as the tallies of its distinct tellings (by essence number) and
    the documents that tell it at each pair of dates.

    >>> from app.records import BASIS_STATED, EventCandidate
    >>> day = date(2021, 3, 2)
    >>> c = EventCandidate(0, 0, 10, "Harbour closed to shipping", day, day, "day", BASIS_STATED, None)
    >>> tally = EventTally()
    >>> for n, doc in enumerate(["a", "b", "a"]):
    ...     tally.add(SourcedCandidate(doc, c), n)
    >>> tally.merged().corroboration, len(tally.tellings)
    (2, 1)
    """
    __slots__ = ("tellings", "told")

    def __init__(self) -> None:
        self.tellings: dict[int, TellingTally] = {}
        self.told: dict[tuple[date, date], set[str]] = {}

    def add(self, item: SourcedCandidate, handle) -> None:
        number = _essence_id(item.candidate)
        telling = self.tellings.get(number)
        if telling is None:
            self.tellings[number] = TellingTally(item, handle)
        else:
            telling.add(item, handle)
        c = item.candidate
        self.told.setdefault((c.date_start, c.date_end), set()).add(item.document_key)

    def absorb(self, number: int, telling: TellingTally) -> None:
        """Add a telling's copies tallied in another event (`telling` is not kept: the
        other event may still hold it)."""
        mine = self.tellings.get(number)
        if mine is None:
            self.tellings[number] = telling.copy()
        else:
            mine.absorb(telling)
        c = telling.first.candidate
        self.told.setdefault((c.date_start, c.date_end), set()).update(telling.documents)

    def copies(self) -> int:
        return sum(t.count for t in self.tellings.values())

    def first_order(self) -> tuple:
        return min(t.first_order for t in self.tellings.values())

    def merged(self) -> TalliedEvent:
        """`_merged` of the event's tellings. Copies of one telling share its dates, its
        reported flag and its actors and weapons, so a preference decided among a
        telling's copies stands against other tellings, one vote per document and date."""
        tellings = sorted(self.tellings.values(), key=lambda t: t.first_order)
        votes = {dates: len(documents) for dates, documents in self.told.items()}

        def preference(t: TellingTally) -> tuple:  # merge._preference of the telling's preferred copy
            c = t.best.candidate
            return (c.reported, -votes[(c.date_start, c.date_end)], *t.best_key)

        best = min(tellings, key=preference).best.candidate
        firsts = [t.first.candidate for t in tellings]
        dates_clash = any(not dates_agree(best, c) for c in firsts if not c.reported)
        return TalliedEvent(
            title=best.title, date_start=best.date_start, date_end=best.date_end, precision=best.precision,
            basis=best.basis,
            actors=_ranked([(t.first.candidate.actors, t.count) for t in tellings]),
            weapons=_ranked([(t.first.candidate.weapons, t.count) for t in tellings]),
            reported=all(c.reported for c in firsts),
            disputed=dates_clash or _clash(firsts),
            corroboration=len(next(iter(self.told.values())) if len(self.told) == 1
                              else set().union(*self.told.values())),
        )


def merge_tallies(events: list[EventTally], new: list[SourcedCandidate]
                  ) -> list[tuple[list[tuple[int, int]], list[int]]] | None:
    """What `app.merge.merge_into` makes of the events (as tallies) and the `new` tellings:
    per event made, its tellings of the old events, as (index of the event, essence
    number), and its new tellings, as indexes. None where `merge_into` would part the
    copies of one telling (a telling that links to nothing, not even its copies).

    The events fall into parts by the links new tellings make, as in `merge_into`. A part
    of at most one event whose tellings may all share a group with the new ones (`_one_event`)
    is that event continued. Otherwise the part is merged again (`merge_events`) from one
    copy of each of its distinct tellings (two where it has several, since a telling that
    links to nothing keeps its copies apart): the greedy grouping depends on the distinct
    tellings only, so a copy goes where its telling goes."""
    items: list[SourcedCandidate] = []
    node: list[tuple[int, int]] = []  # of each old telling: (event index, essence number)
    copies: list[int] = []
    for n, tally in enumerate(events):
        for number, telling in tally.tellings.items():
            items.append(telling.first)
            node.append((n, number))
            copies.append(telling.count)
    first_new = len(items)
    items += new
    copies += [1] * len(new)
    event_of = [n for n, _ in node] + [None] * len(new)
    keys = [_essence_id(item.candidate) for item in items]
    words = [wording(item.candidate) for item in items]
    parent = list(range(len(items)))
    start: dict[int, int] = {}
    for i, (n, _) in enumerate(node):
        if n in start:
            _join(parent, start[n], i)
        else:
            start[n] = i
    plan: list[tuple[list[tuple[int, int]], list[int]]] = []
    for part in _joined_by_new(parent, first_new, keys, words, items):
        olds = {event_of[i] for i in part if i < first_new}
        if len(olds) <= 1 and _one_event(part, [event_of[i] for i in part], keys, words, items):
            groups = [part]
        else:
            groups = _regrouped(part, copies, items)
            placed = [i for group in groups for i in set(group)]
            if len(placed) != len(set(placed)):  # the copies of one telling apart
                return None
        plan += [([node[i] for i in group if i < first_new], [i - first_new for i in group if i >= first_new])
                 for group in groups]
    return plan


def _regrouped(part: list[int], copies: list[int], items: list[SourcedCandidate]) -> list[list[int]]:
    """`merge_events`' groups of the part, each item standing for its copies (two of them where it
    has several); the groups as lists of the part's item indexes, without repeats. Each event's
    tellings are linked together (they were grouped so) and the new tellings link the
    events of the part, so the part is not searched for parts again."""
    reduced: list[SourcedCandidate] = []
    of: dict[int, int] = {}
    for i in part:
        reduced += [items[i]] * min(copies[i], 2)
        of[id(items[i])] = i
    return [list(dict.fromkeys(of[id(s)] for s in group)) for group in group_tellings(reduced, linked=True)]
