"""What the writer remembers of the sources it stored, and how a stored source row
becomes a record again.

Every telling that joins an event merges it again from all its tellings; reading them
back from the database (rows, JSON, new records) cost the writer more than the merge
itself. `SourceMemory` keeps their stored form for as long as one writer alone writes
(app.store checks the store's version at each document).
"""
from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from . import driver_sql, models
from .event_tally import EventTally
from .merge import _copy_standing, _essence_id, _standing
from .records import Entity, EventCandidate, SourcedCandidate, Timex
from .word_index import RecentWords

_DOCUMENT = models.Document.__table__
_PASSAGE = models.Passage.__table__
_ENTITY = models.Entity.__table__
_SOURCE = models.EventSource.__table__

ENTITIES_BY_SLUG = select(_ENTITY).where(_ENTITY.c.slug.in_(bindparam("slugs", expanding=True)))


def entity_from_row(row) -> Entity:
    """The Entity an `entity` row stores."""
    return Entity(key=row.slug, name=row.name, kind=row.kind, aliases=tuple(json.loads(row.aliases)))


def candidate_from_row(row, passage_idx: int, entities: dict[str, Entity], named: list[str] | None = None
                       ) -> EventCandidate:
    """The EventCandidate an `event_source` row stores, with `entities` by slug, as the
    merge reads it: without its mentions. They only place highlights in the passage, no
    merge reads them, and they were the largest part of a remembered source and of
    reading one back (the row's `mentions` column is not read). `named`: the row's
    entity slugs, where the caller has decoded them already."""
    keys = [entities[k] for k in (json.loads(row.entities) if named is None else named) if k in entities]
    timex = None
    if row.timex_start is not None:
        timex = Timex(row.timex_start, row.timex_end, row.timex_text or "", "DATE", row.timex_value or "", basis=row.basis)
    return EventCandidate(
        passage_index=passage_idx,
        sentence_start=row.sentence_start,
        sentence_end=row.sentence_end,
        title=row.title,
        date_start=row.date_start,
        date_end=row.date_end,
        precision=row.precision,
        basis=row.basis,
        timex=timex,
        actors=tuple(e for e in keys if not e.is_weapon),
        weapons=tuple(e for e in keys if e.is_weapon),
        reported=row.reported,
        claim=row.claim,
    )


# A source with its passage's index and its document's key, in one statement rather than
# three (the sources, then their passages, then their documents): a writer new to a large
# store reads the members of each event it joins, hundreds of sources a document.
_SOURCES_BY_ID = (
    select(*(c for c in _SOURCE.c if c.key != "mentions"), _PASSAGE.c.idx.label("passage_idx"),
           _DOCUMENT.c.content_hash.label("document_key"))
    .select_from(_SOURCE.join(_PASSAGE, _PASSAGE.c.id == _SOURCE.c.passage_id)
                 .join(_DOCUMENT, _DOCUMENT.c.id == _SOURCE.c.document_id))
    .where(_SOURCE.c.id.in_(bindparam("ids", expanding=True))))
# The sources of events, by id, from ix_event_source_event_id alone.
MEMBERS_OF_EVENTS = select(_SOURCE.c.id, _SOURCE.c.event_id).where(
    _SOURCE.c.event_id.in_(bindparam("ids", expanding=True)))


# Reading a stored source back from the database (rows, JSON, new records) costs about
# 25 us, and new records defeat the merge's caches, which then compare every field of
# two equal candidates. So the writer keeps the stored form of the sources it stored or
# read, with their events, and the tallies of the events it merged (app.event_tally),
# for as long as it alone writes: the store's version (bumped by every document) tells
# it whether anyone else wrote since. Both are bounded (least recently used first go),
# so the writer's memory is bounded. A stored form, with the answers the merge keeps on
# it, takes about 1.7 KB. The tallies hold the events a new telling joins, so sources
# are read mostly to make a tally: at 64,000 stored documents, with every event's tally
# remembered, 40,000 sources instead of 150,000 cost the writer no more time (8.17
# against 8.80 s for 1,000 documents) and 97 MB less. A tally's distinct tellings hold
# its first and preferred copies: with 50,000 tellings instead of 100,000, only 11,000
# events' tallies fit instead of 55,000, and the writer took 10 to 25% longer.
SOURCES_REMEMBERED = 50_000
TELLINGS_TALLIED = 100_000
COPIES_TALLIED = 400_000
ENTITIES_REMEMBERED = 50_000


class SourceMemory:
    """The stored form of sources (by id, least recently used first) and of entities
    (by slug) that one writer stored or read."""

    def __init__(self) -> None:
        self.version: int | None = None
        # source id -> [event id, SourcedCandidate in its stored form]
        self.sources: OrderedDict[int, list] = OrderedDict()
        self.entities: dict[str, tuple[int, Entity]] = {}  # slug -> (id, Entity as stored)
        self.recent = RecentWords()  # the words of the sources stored since another writer wrote
        # event id -> its EventTally (app.event_tally), least recently used first
        self.tallies: OrderedDict[int, EventTally] = OrderedDict()
        # Their distinct tellings and copies as last counted (a kept tally grows in place).
        self.counted: dict[int, tuple[int, int]] = {}
        self.tallied = [0, 0]  # distinct tellings and copies in the remembered tallies
        # source id -> event id << 32 | essence number, of the sources in the remembered
        # tallies, so that testing a stored source against new ones needs no read of it
        self.placed: dict[int, int] = {}

    def clear(self) -> None:
        self.sources.clear()
        self.entities.clear()
        self.tallies.clear()
        self.counted.clear()
        self.tallied = [0, 0]
        self.placed.clear()

    def tally(self, event_id: int) -> EventTally | None:
        found = self.tallies.get(event_id)
        if found is not None:
            self.tallies.move_to_end(event_id)
        return found

    def keep_tally(self, event_id: int, tally: EventTally) -> None:
        self._uncount(event_id)
        self.tallies.pop(event_id, None)
        self.tallies[event_id] = tally
        size = self.counted[event_id] = (len(tally.tellings), tally.copies())
        self.tallied = [self.tallied[0] + size[0], self.tallied[1] + size[1]]
        while (self.tallied[0] > TELLINGS_TALLIED or self.tallied[1] > COPIES_TALLIED) and len(self.tallies) > 1:
            self._unplace(*self.tallies.popitem(last=False))

    def keep_new_tally(self, event_id: int, tally: EventTally) -> None:
        """Keep a tally made from the store, placing its sources (handles: source ids).
        Kept at once: a placed source's tally is remembered, or its place is forgotten with it."""
        for number, telling in tally.tellings.items():
            for source_id in telling.handles:
                self.place(source_id, event_id, number)
        self.keep_tally(event_id, tally)

    def place(self, source_id: int, event_id: int, number: int) -> None:
        self.placed[source_id] = event_id << 32 | number

    def events_changed(self, event_ids) -> None:
        """Forget the tallies of events merged again from their sources."""
        for e in event_ids:
            gone = self.tallies.pop(e, None)
            if gone is not None:
                self._unplace(e, gone)

    def _uncount(self, event_id: int) -> None:
        tellings, copies = self.counted.pop(event_id, (0, 0))
        self.tallied = [self.tallied[0] - tellings, self.tallied[1] - copies]

    def _unplace(self, event_id: int, tally: EventTally) -> None:
        self._uncount(event_id)
        for telling in tally.tellings.values():
            for source_id in telling.handles:
                if self.placed.get(source_id, 0) >> 32 == event_id:
                    del self.placed[source_id]

    def remember(self, source_id: int, event_id: int | None, document_key: str, candidate: EventCandidate) -> list:
        entry = [event_id, SourcedCandidate(document_key, candidate)]
        self.sources[source_id] = entry
        if len(self.sources) > SOURCES_REMEMBERED:
            self.sources.popitem(last=False)
        return entry

    def forget(self, source_id: int) -> None:
        self.sources.pop(source_id, None)
        self.placed.pop(source_id, None)

    def linked(self, source_id: int, event_id: int) -> None:
        entry = self.sources.get(source_id)
        if entry is not None:
            entry[0] = event_id

    def entity_rows(self, db: Connection, keys) -> dict[str, tuple[int, Entity]]:
        """(id, Entity) of the stored entities among `keys`."""
        missing = [k for k in keys if k not in self.entities]
        if missing:
            if len(self.entities) > ENTITIES_REMEMBERED:
                self.entities.clear()
            for row in driver_sql.rows(db, ENTITIES_BY_SLUG, {"slugs": missing}):
                self.entities[row.slug] = (row.id, entity_from_row(row))
        return {k: self.entities[k] for k in keys if k in self.entities}

    def entities_changed(self, db: Connection, added: list[str], changed: set[str]) -> None:
        """Read again entities just added or given new aliases; forget the sources that
        name one whose aliases changed (wording reads aliases)."""
        for key in (*added, *changed):
            self.entities.pop(key, None)
        self.entity_rows(db, [*added, *changed])
        if changed:
            stale = [i for i, (_, item) in self.sources.items() if _names_any(item.candidate, changed)]
            for i in stale:
                del self.sources[i]
            self.events_changed([e for e, tally in self.tallies.items()
                                 if any(_names_any(t.first.candidate, changed) or _names_any(t.best.candidate, changed)
                                        for t in tally.tellings.values())])


def _names_any(c: EventCandidate, keys: set[str]) -> bool:
    return any(e.key in keys for e in (*c.actors, *c.weapons))


# One memory per engine (not per pooled connection: a batch may be handed another
# connection of the pool than the last one, and would find its memory stale).
_MEMORIES: "weakref.WeakKeyDictionary[object, SourceMemory]" = weakref.WeakKeyDictionary()


def memory_of(db: Connection) -> SourceMemory:
    """The memory kept for this connection's engine (read and changed only by a writer
    holding the store's write lock)."""
    memory = _MEMORIES.get(db.engine)
    if memory is None:
        memory = _MEMORIES[db.engine] = SourceMemory()
    return memory


def forget_stored(connection: Connection) -> None:
    """Drop what the writer remembers of the store: after a rollback it may describe
    rows that were never committed. (The store's version would tell too, unless
    another writer happened to bring it back to the same number.)"""
    _MEMORIES.pop(connection.engine, None)


def stored_form(values: dict, passage_idx: int, memory: SourceMemory) -> EventCandidate:
    """A new source as `candidate_from_row` reads it back (entities as stored)."""
    return candidate_from_row(_Row(values), passage_idx, _EntityView(memory))


class _Row:
    __slots__ = ("_values",)

    def __init__(self, values: dict) -> None:
        self._values = values

    def __getattr__(self, name: str):
        return self._values[name]


class _EntityView:
    """memory.entities as a mapping of slug -> Entity."""
    __slots__ = ("_entities",)

    def __init__(self, memory: SourceMemory) -> None:
        self._entities = memory.entities

    def __contains__(self, key: str) -> bool:
        return key in self._entities

    def __getitem__(self, key: str) -> Entity:
        return self._entities[key][1]


IDS_READ_AT_ONCE = 8192


def _telling_of(row) -> tuple:
    """What the copies of one telling share in their rows (app.word_index.TELLING_COLUMNS,
    and whether a dating phrase was found): equal, their records differ only in basis,
    document and place, and have one essence (app.merge)."""
    return (row.telling, row.title, row.claim, row.timex_text, row.timex_start is None, row.date_start,
            row.date_end, row.reported, row.entities, row.precision)


def _rows_of(db: Connection, ids: list[int]) -> list:
    """The rows (`_SOURCES_BY_ID`) of the sources `ids`, in id order. An event of tens of
    thousands of sources is read in slices: SQLite binds at most 32,766 values in one
    statement unless built otherwise (250,000 here), PostgreSQL 65,535."""
    rows: list = []
    for n in range(0, len(ids), IDS_READ_AT_ONCE):
        rows += driver_sql.rows(db, _SOURCES_BY_ID, {"ids": ids[n:n + IDS_READ_AT_ONCE]})
    rows.sort(key=lambda r: r.id)
    return rows


def _recorder(db: Connection, memory: SourceMemory, rows: list) -> Callable[[object], list]:
    """What makes one of `rows` a record, remembered (its memory entry: [event id,
    SourcedCandidate]): each distinct entity list among them decoded once, its entities read."""
    named: dict[str, list[str]] = {}  # an `entities` column -> its slugs
    for r in rows:
        if r.entities not in named:
            named[r.entities] = json.loads(r.entities)
    memory.entity_rows(db, {k for keys in named.values() for k in keys})
    entities = _EntityView(memory)

    def record(r) -> list:
        candidate = candidate_from_row(r, r.passage_idx, entities, named[r.entities])
        return memory.remember(r.id, r.event_id, r.document_key, candidate)

    return record


def read_tallies(db: Connection, memory: SourceMemory, event_ids: list[int]) -> dict[int, EventTally]:
    """The tallies (app.event_tally) of the stored events `event_ids`, made from all their
    sources. A writer new to a store reads every source of each event it continues, and
    an event of a telling printed by many articles holds hundreds of copies of it: of the
    sources not remembered, one record is made of each telling in each event (and
    remembered), and its other copies are counted from their rows
    (`EventTally.add_copy`), unless one sorts first."""
    tallies = {e: EventTally() for e in event_ids}
    members = driver_sql.rows(db, MEMBERS_OF_EVENTS, {"ids": event_ids})
    # In id order within each event, as the writer added them (a tally's first telling
    # of each polarity is compared with the later ones).
    members.sort()
    # The records remembered now (making the others may push some out of memory).
    known = {i: memory.sources[i] for i, _ in members if i in memory.sources}
    rows = _rows_of(db, [i for i, _ in members if i not in known])
    record = _recorder(db, memory, rows)
    rows = {r.id: r for r in rows}
    # a telling -> the essence number and `_standing` of the first record made of it
    made: dict[tuple, tuple[int, tuple]] = {}
    for source_id, event_id in members:
        tally = tallies[event_id]
        entry = known.get(source_id)
        if entry is not None:
            entry[0] = event_id
            tally.add(entry[1], source_id)
            continue
        r = rows[source_id]
        telling = _telling_of(r)
        first = made.get(telling)
        if first is not None and first[0] in tally.tellings:
            standing = _copy_standing(first[1], r.basis, r.document_key, r.passage_idx, r.sentence_start,
                                      r.sentence_end)
            tally.add_copy(first[0], standing, r.document_key, source_id, lambda r=r: record(r)[1])
            continue
        item = record(r)[1]
        if first is None:
            made[telling] = (_essence_id(item.candidate), _standing(item))
        tally.add(item, source_id)
    return tallies


def read_sources(db: Connection, memory: SourceMemory, ids) -> dict[int, list]:
    """source id -> [event id, SourcedCandidate] for `ids`, from memory or read (and remembered)."""
    found: dict[int, list] = {}
    missing = []
    for i in ids:
        entry = memory.sources.get(i)
        if entry is None:
            missing.append(i)
        else:
            memory.sources.move_to_end(i)
            found[i] = entry
    rows = _rows_of(db, missing)
    record = _recorder(db, memory, rows)
    for r in rows:
        found[r.id] = record(r)
    return found
