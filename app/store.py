"""Storing analyzed documents: passages, entities, event sources, and the merged events.

Events are derived data: after a document's candidates are stored, the events they
join (app.same_event.same_event with a stored source) are merged again with
`merge_events` and rewritten. An event whose slug changes leaves a redirect, so a
permalink that was shared keeps answering.

The writer is the one serial part of an ingest, so it speaks SQLAlchemy Core with
statements built once: a batched INSERT per kind of row, no ORM unit of work; on SQLite
they run on the driver itself (app.driver_sql).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from . import driver_sql, models
from .event_tally import EventTally, TalliedEvent, kept_event, merge_tallies
from .known_documents import stored_document
from .merge import NewTellings, _essence_id, merge_events, merge_into, wording
from .same_event import MERGE_REACH
from .records import (
    AnalyzedDocument,
    Entity,
    EventCandidate,
    MergedEvent,
    Timex,
)
from .slugs import event_slug
from .source_memory import (ENTITIES_BY_SLUG, MEMBERS_OF_EVENTS, SourceMemory, entity_from_row, memory_of,
                            read_sources, read_tallies, stored_form)
from .word_index import (
    COPIES_OUTSIDE,
    INDEXED_OF_DOCUMENT,
    TELLING_COLUMNS,
    WORDS_OF_OTHER_COPIES,
    SharingSnapshot,
    index_new_sources,
    index_words,
    sharing_sources,
    stands_for_copies,
    telling_number,
    telling_values,
)


# The advisory lock writers take on PostgreSQL (any constant the application owns).
STORE_LOCK = 0x74696D656C696E65  # "timeline"

_DOCUMENT = models.Document.__table__
_PASSAGE = models.Passage.__table__
_ENTITY = models.Entity.__table__
_SOURCE = models.EventSource.__table__
_EVENT = models.Event.__table__
_EVENT_ENTITY = models.EventEntity.__table__
_WORD = models.SourceWord.__table__
_REDIRECT = models.SlugRedirect.__table__

@dataclass(frozen=True)
class StoreResult:
    document_id: int
    status: str  # "stored" | "unchanged" | "replaced"
    events: int  # candidates stored for this document


def refresh_statistics(engine) -> None:
    """Let the query planner see the store's sizes again after a batch.

    Without statistics SQLite guesses that every index is as selective as any
    other; on a large store it then counts the facets of a common actor entity by
    entity, probing every filtered event for each (seconds at a million events)
    instead of event by event (milliseconds). PostgreSQL's autovacuum analyzes on
    its own schedule; a batch asks for it now.
    """
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            # Sampled statistics: bounded time however large the store is.
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")


_DOCUMENT_BY_URL = select(_DOCUMENT.c.id).where(_DOCUMENT.c.url == bindparam("url"))


# Takes SQLite's write lock (a write that changes nothing) before anything is read.
_TAKE_WRITE_LOCK = delete(_REDIRECT).where(text("0"))
_BUMP_VERSION = (update(models.StoreVersion.__table__).where(models.StoreVersion.__table__.c.id == 1)
                 .values(version=models.StoreVersion.__table__.c.version + 1))


def store_document(session: Session, analyzed: AnalyzedDocument) -> StoreResult:
    """Store one analyzed document and re-merge the events it touches.

    The caller owns the transaction: commit after this returns, so a document is
    stored whole or not at all. An unchanged document (same content hash) is left
    as it is. A document with the same URL but other content replaces the old one.
    """
    db = session.connection()
    # Several writers may share one database: their analyses run side by side,
    # their stores take turns, since the re-merge reads and rewrites events another
    # writer may be touching. Both locks last until the caller's transaction ends.
    if db.dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORE_LOCK})
    elif db.dialect.name == "sqlite":
        # A transaction that has read and then writes fails at once with "database
        # is locked" when another writer committed in between; taking the lock
        # first makes it wait up to the busy timeout instead.
        driver_sql.execute(db, _TAKE_WRITE_LOCK)
    memory = memory_of(db)
    version = driver_sql.scalar(db, models.STORE_VERSION)
    if version is None or memory.version != version:
        memory.clear()  # another writer (or a rolled-back transaction) changed the store
        memory.recent.restart(version or 0)
    memory.version = None  # until this document is stored whole
    existing = stored_document(db, analyzed.content_hash)
    if existing is not None:
        memory.version = version
        return StoreResult(existing.id, "unchanged", 0)

    status = "stored"
    touched: set[int] = set()
    promoted = False
    src = analyzed.source
    if src.url:
        old = driver_sql.scalar(db, _DOCUMENT_BY_URL, {"url": src.url})
        if old is not None:
            touched, promoted = _remove_document(db, old, memory)
            status = "replaced"

    (document_id,) = _insert_rows(db, _DOCUMENT, [{
        "content_hash": analyzed.content_hash, "origin": src.origin, "title": src.title, "url": src.url,
        "source": src.source, "published": src.published,
        "anchor_date": analyzed.anchor.date if analyzed.anchor else None,
        "anchor_basis": analyzed.anchor.basis if analyzed.anchor else None,
        "text": src.text, "ingested_at": datetime.now(timezone.utc),
    }])
    passage_ids: dict[int, int] = {}
    if analyzed.passages:
        ids = _insert_rows(db, _PASSAGE, [
            {"document_id": document_id, "idx": p.index, "text": p.text} for p in analyzed.passages
        ])
        passage_ids = {p.index: i for p, i in zip(analyzed.passages, ids)}

    candidates = analyzed.candidates
    if candidates:
        _upsert_entities(db, candidates, memory)
        values = [_source_values(document_id, passage_ids[c.passage_index], c) for c in candidates]
        if db.dialect.name == "sqlite":
            # Numbered now and inserted once the merge has given each its event: inserted
            # first, every new source was updated with its event afterwards (its row and
            # two indexes written again), 82% of the sources linked in 20,000 documents.
            new_ids = _next_ids(db, _SOURCE, len(values))
            unstored = dict(zip(new_ids, values))
        else:
            new_ids, unstored = _insert_rows(db, _SOURCE, values), {}
        new_entries = [memory.remember(source_id, None, analyzed.content_hash,
                                       stored_form(row, c.passage_index, memory))
                       for source_id, c, row in zip(new_ids, candidates, values)]
        new_words = [wording(c) for c in candidates]
        if touched:
            # A replaced document may have split events: merge again everything its
            # candidates could pair with, dates within the merge's reach.
            reach = [(c.date_start - MERGE_REACH, c.date_end + MERGE_REACH) for c in candidates]
            _remerge(db, memory, reach, touched, set(new_ids), unstored)
        else:
            joined = _joined_events(db, memory, list(zip(candidates, new_words)), analyzed.shared)
            if not _continue_events(db, memory, joined, new_ids, new_entries, unstored):
                _remerge(db, memory, [], set(joined), set(new_ids), unstored)
        if unstored:
            _insert_numbered(db, _SOURCE, values, new_ids)
        memory.recent.add(index_new_sources(db, list(zip(new_ids, candidates, new_words, values,
                                                         (entry[1].candidate for entry in new_entries)))))
    elif touched:
        _remerge(db, memory, [], touched)
    if promoted:
        # The snapshots read before this document name sources it removed from the word
        # index, not the copies that took their place: the writer asks the index again.
        memory.recent.restart(version + 1)
    driver_sql.execute(db, _BUMP_VERSION)
    memory.version = version + 1
    return StoreResult(document_id, status, len(candidates))


@lru_cache(maxsize=None)
def _insert_statements(table) -> tuple:
    return (select(func.max(table.c.id)), insert(table),
            insert(table).returning(table.c.id, sort_by_parameter_order=True))


def _insert_rows(db: Connection, table, rows: list[dict]) -> list[int]:
    """Insert `rows` into `table`; return their new ids, in the rows' order.

    On SQLite the writer numbers the rows itself, one past the largest id as SQLite
    would, and inserts them in one executemany: it holds the write lock, so no other
    writer can take those ids, while RETURNING in the rows' order costs SQLite one
    statement per row. Other engines number them from their sequences (RETURNING,
    batched).
    """
    if db.dialect.name != "sqlite":
        return db.execute(_insert_statements(table)[2], rows).scalars().all()
    ids = _next_ids(db, table, len(rows))
    _insert_numbered(db, table, rows, ids)
    return ids


def _next_ids(db: Connection, table, count: int) -> list[int]:
    """The ids SQLite would give the next `count` rows of `table` (the writer holds the
    write lock: no other writer takes them)."""
    first = (driver_sql.scalar(db, _insert_statements(table)[0]) or 0) + 1
    return list(range(first, first + count))


def _insert_numbered(db: Connection, table, rows: list[dict], ids: list[int]) -> None:
    driver_sql.execute_many(db, _insert_statements(table)[1], [{**row, "id": i} for row, i in zip(rows, ids)])


def _link_sources(db: Connection, links: list[dict], unstored: dict[int, dict]) -> None:
    """Link sources to events (`links`: source_id, to_event): a source still to be
    inserted (`unstored`: id -> its row) is given its event in its row."""
    stored = []
    for link in links:
        row = unstored.get(link["source_id"])
        if row is None:
            stored.append(link)
        else:
            row["event_id"] = link["to_event"]
    driver_sql.execute_many(db, _LINK_SOURCE, stored)


def _remove_document(db: Connection, document_id: int, memory: "SourceMemory") -> tuple[set[int], bool]:
    """Delete a document and its rows; return the ids of the events it fed, and
    whether other copies of its tellings took its sources' place in the word index."""
    sources = select(_SOURCE.c.id).where(_SOURCE.c.document_id == document_id)
    removed = db.execute(select(_SOURCE.c.id, _SOURCE.c.event_id).where(_SOURCE.c.document_id == document_id)).all()
    event_ids = {r.event_id for r in removed}
    for r in removed:
        memory.forget(r.id)
    promoted = _index_other_copies(db, document_id)
    db.execute(delete(_WORD).where(_WORD.c.source_id.in_(sources)))
    db.execute(delete(_SOURCE).where(_SOURCE.c.document_id == document_id))
    db.execute(delete(_PASSAGE).where(_PASSAGE.c.document_id == document_id))
    db.execute(delete(_DOCUMENT).where(_DOCUMENT.c.id == document_id))
    return {i for i in event_ids if i is not None}, promoted


def _index_other_copies(db: Connection, document_id: int) -> bool:
    """Before a document's sources go: where one stood in the word index for copies of
    its telling in other documents (`index_new_sources`), the first of them takes its
    place. Returns whether one did."""
    promoted = set()
    for row in driver_sql.rows(db, INDEXED_OF_DOCUMENT, {"document_id": document_id}):
        found = driver_sql.rows(db, COPIES_OUTSIDE, {**telling_values(row._asdict()), "document_id": document_id})
        if found and not found[0].indexed:
            promoted.add(found[0].id)
    if promoted:
        rows = db.execute(select(*_LIGHT_COLUMNS).where(_SOURCE.c.id.in_(sorted(promoted)))).all()
        entities = _entities_named(db, rows)
        index_words(db, [(row.id, c, wording(c)) for row in rows for c in [_light_candidate(row, entities)]])
    return bool(promoted)


_INSERT_ENTITY = insert(_ENTITY)
_SET_ALIASES = update(_ENTITY).where(_ENTITY.c.id == bindparam("entity_id")).values(aliases=bindparam("new_aliases"))


def _upsert_entities(db: Connection, candidates: list[EventCandidate], memory: "SourceMemory") -> None:
    """Add the entities the candidates name; merge new aliases into known ones."""
    entities: dict[str, Entity] = {}
    for candidate in candidates:
        for entity in (*candidate.actors, *candidate.weapons, *(m.entity for m in candidate.mentions)):
            entities.setdefault(entity.key, entity)
    if not entities:
        return
    stored = memory.entity_rows(db, entities)
    added, changed = [], []
    for key, entity in entities.items():
        row = stored.get(key)
        if row is None:
            added.append({"slug": key, "name": entity.name, "kind": entity.kind, "is_weapon": entity.is_weapon,
                          "aliases": json.dumps(list(entity.aliases))})
        else:
            known = row[1].aliases
            merged = sorted(set(known) | set(entity.aliases))
            if merged != sorted(known):
                changed.append({"entity_id": row[0], "new_aliases": json.dumps(merged)})
    driver_sql.execute_many(db, _INSERT_ENTITY, added)
    driver_sql.execute_many(db, _SET_ALIASES, changed)
    if added or changed:
        changed_ids = {c["entity_id"] for c in changed}
        memory.entities_changed(db, [a["slug"] for a in added],
                                {entity.key for entity_id, entity in stored.values() if entity_id in changed_ids})


def _source_values(document_id: int, passage_id: int, c: EventCandidate) -> dict:
    values = {
        "event_id": None,
        "document_id": document_id,
        "passage_id": passage_id,
        "sentence_start": c.sentence_start,
        "sentence_end": c.sentence_end,
        "timex_start": c.timex.start if c.timex else None,
        "timex_end": c.timex.end if c.timex else None,
        "timex_text": c.timex.text if c.timex else None,
        "timex_value": c.timex.value if c.timex else None,
        "title": c.title,
        "claim": c.claim,
        "date_start": c.date_start,
        "date_end": c.date_end,
        "precision": c.precision,
        "basis": c.basis,
        "reported": c.reported,
        "entities": json.dumps([e.key for e in (*c.actors, *c.weapons)]),
        "mentions": json.dumps([[m.start, m.end, m.entity.key] for m in c.mentions]),
    }
    values["telling"] = telling_number(values)
    return values


_EVENTS_BY_ID = select(_EVENT).where(_EVENT.c.id.in_(bindparam("ids", expanding=True)))
_EVENT_ENTITIES = select(_EVENT_ENTITY.c.event_id, _EVENT_ENTITY.c.entity_id).where(
    _EVENT_ENTITY.c.event_id.in_(bindparam("ids", expanding=True)))
_UNLINK_SOURCES = (update(_SOURCE).where(_SOURCE.c.event_id.in_(bindparam("ids", expanding=True)))
                   .values(event_id=None))
_DELETE_EVENT_ENTITIES = delete(_EVENT_ENTITY).where(_EVENT_ENTITY.c.event_id.in_(bindparam("ids", expanding=True)))
_DELETE_EVENT_ENTITY = delete(_EVENT_ENTITY).where(_EVENT_ENTITY.c.event_id == bindparam("ee_event"),
                                                   _EVENT_ENTITY.c.entity_id == bindparam("ee_entity"))
_DELETE_EVENTS = delete(_EVENT).where(_EVENT.c.id.in_(bindparam("ids", expanding=True)))
_INSERT_EVENT_ENTITY = insert(_EVENT_ENTITY)
_LINK_SOURCE = update(_SOURCE).where(_SOURCE.c.id == bindparam("source_id")).values(event_id=bindparam("to_event"))


def _remerge(db: Connection, memory: SourceMemory, ranges: list[tuple[date, date]], old_event_ids: set[int],
             new_row_ids: set[int] = frozenset(), unstored: dict[int, dict] | None = None) -> None:
    """Merge again the candidates of the events `old_event_ids`, the new rows
    `new_row_ids`, and every stored candidate whose dates overlap `ranges`, with the
    candidates of the events they belonged to; rewrite those events.

    When a document only adds candidates, the caller passes no ranges, only the events
    a new candidate joins (`_joined_events`): an event that none of them joins cannot
    change, its candidates were already merged together. So the cost of a document
    grows with the events it touches, not with the store.

    An event whose tellings all stay together keeps its row (and its id, and its slug
    while its date and title make the same one), the largest where several merge: only
    what changed is written, and only the sources that move are linked again. New rows
    not inserted yet (`unstored`: id -> row, also in `new_row_ids`) are given their
    events in their rows.
    """
    ids = set(new_row_ids)
    if ranges:
        overlap = or_(*((_SOURCE.c.date_start <= end) & (_SOURCE.c.date_end >= start) for start, end in ranges))
        ids.update(db.execute(select(_SOURCE.c.id).where(overlap)).scalars())
    known = read_sources(db, memory, ids)
    old_event_ids = {e for e, _ in known.values() if e is not None} | set(old_event_ids)
    memory.events_changed(old_event_ids)
    members: dict[int, set[int]] = {}
    old_events: dict[int, object] = {}
    old_entities: dict[int, set[int]] = {}
    if old_event_ids:
        ids_param = {"ids": list(old_event_ids)}
        member_rows = driver_sql.rows(db, MEMBERS_OF_EVENTS, ids_param)
        for source_id, event_id in member_rows:
            members.setdefault(event_id, set()).add(source_id)
        known.update(read_sources(db, memory, [i for i, _ in member_rows if i not in known]))
        for source_id, event_id in member_rows:  # what the database says, should memory disagree
            known[source_id][0] = event_id
        old_events, old_entities = _event_rows(db, old_event_ids)
    if not known:
        return
    told_by = {i: entry[0] for i, entry in known.items()}  # each source's event before this merge

    # Each candidate carries its row through the merge so the rows can be relinked.
    order = sorted(known)
    items = [known[i][1] for i in order]
    source_of = {id(item): i for item, i in zip(items, order)}
    if ranges or not new_row_ids:
        merged = merge_events(items)
    else:
        # Only tellings were added: the events they join are merged already, and
        # merge_into tests only the pairs the new tellings make.
        merged = merge_into([[known[i][1] for i in sorted(members.get(e, ()))] for e in sorted(old_event_ids)],
                            [known[i][1] for i in sorted(new_row_ids)])

    # Which merged event keeps which old event's row: of the old events it holds all the
    # tellings of, the one of most sources, whose sources then need no new link (kept_event).
    kept: dict[int, int] = {}  # index in merged -> old event id
    for n, event in enumerate(merged):
        sids = {source_of[id(s)] for s in event.sources}
        olds = {told_by[i] for i in sids} - {None}
        keep = kept_event({old: len(members.get(old, ())) for old in olds
                           if old in old_events and members.get(old, set()) <= sids})
        if keep is not None:
            kept[n] = keep
    gone = [e for e in old_event_ids if e not in set(kept.values())]
    if gone:
        _delete_events(db, gone)
        gone_set = set(gone)
        for entry in known.values():
            if entry[0] in gone_set:
                entry[0] = None

    event_ids, slugs = _write_events(db, memory, merged, [old_events.get(kept.get(n)) for n in range(len(merged))],
                                     old_entities)
    links = []
    new_slugs: dict[str, str] = {}  # old slug -> new slug
    for n, event in enumerate(merged):
        event_id, slug = event_ids[n], slugs[n]
        for source in event.sources:
            sid = source_of[id(source)]
            entry = known[sid]
            previous = old_events.get(told_by[sid])
            if previous is not None:
                new_slugs.setdefault(previous.slug, slug)
            if entry[0] != event_id:
                links.append({"source_id": sid, "to_event": event_id})
                entry[0] = event_id
    _link_sources(db, links, unstored or {})
    _redirect_renamed(db, new_slugs)
    # An old event none of whose sources survives gets no redirect: its permalink
    # answers 404 rather than pointing at a different happening.


class _MadeEvent(NamedTuple):
    """An event `_continue_events` makes: the event whose row it keeps (None: a new row),
    its tally, the old tellings it takes from other events (index of their event, essence
    number), its new ones (indexes), and what its row says."""

    keep: int | None
    tally: EventTally
    olds: list[tuple[int, int]]
    fresh: list[int]
    event: TalliedEvent


def _continue_events(db: Connection, memory: SourceMemory, joined: dict[int, set[int]], new_ids: list[int],
                     new_entries: list[list], unstored: dict[int, dict]) -> bool:
    """Store the new sources `new_ids` (remembered as `new_entries`)
    as `_remerge` would, from the tallies of the events they join (`joined`: event id ->
    the new sources, as indexes, that join it; app.event_tally; `unstored`: those of them
    not inserted yet, id -> row, which are given their events in their rows):
    each event made keeps the row of the event of most sources whose tellings it holds
    all of (`kept_event`), and only sources whose telling moves are linked again. Return False, having written
    nothing, where the merge would part the copies of one telling: `_remerge` then
    merges the events again from all their sources.

    A telling joining an event of hundreds of copies thus costs the distinct tellings
    of the events it touches, and no read of their sources while their tallies are
    remembered."""
    order = sorted(joined)
    tallies = _tallies(db, memory, order)
    new_items = [entry[1] for entry in new_entries]
    plan = merge_tallies([tallies[e] for e in order], new_items, [joined[e] for e in order])
    if plan is None:
        return False
    made: list[_MadeEvent] = []
    for whole, olds, fresh in plan:
        keep = order[whole] if whole is not None else None
        tally = tallies[keep] if keep is not None else EventTally()
        for n, number in olds:
            tally.absorb(number, tallies[order[n]].tellings[number])
        for k in fresh:
            tally.add(new_items[k], new_ids[k])
        made.append(_MadeEvent(keep, tally, olds, fresh, tally.merged()))
    # In the order _remerge writes them (app.merge._chronological), for the same ids and slugs.
    made.sort(key=lambda m: (m.event.date_start, m.event.date_end, m.event.reported, m.event.title,
                             m.tally.first_order()))
    old_events, old_entities = _event_rows(db, order) if order else ({}, {})
    kept = {m.keep for m in made}
    gone = [e for e in order if e not in kept]
    if gone:
        _delete_events(db, gone)
        memory.events_changed(gone)

    event_ids, slugs = _write_events(db, memory, [m.event for m in made], [old_events.get(m.keep) for m in made],
                                     old_entities)
    links = []
    new_slugs: dict[str, str] = {}  # old slug -> new slug
    for n, (keep, tally, olds, fresh, event) in enumerate(made):
        event_id = event_ids[n]
        for k in fresh:
            links.append({"source_id": new_ids[k], "to_event": event_id})
            new_entries[k][0] = event_id
            memory.place(new_ids[k], event_id, _essence_id(new_items[k].candidate))
        if keep is not None:
            new_slugs.setdefault(old_events[keep].slug, slugs[n])
        for old_n, number in sorted(olds, key=lambda o: tallies[order[o[0]]].tellings[o[1]].first_order):
            new_slugs.setdefault(old_events[order[old_n]].slug, slugs[n])
            for source_id in tallies[order[old_n]].tellings[number].handles:
                links.append({"source_id": source_id, "to_event": event_id})
                memory.linked(source_id, event_id)
                memory.place(source_id, event_id, number)
        memory.keep_tally(event_id, tally)
    _link_sources(db, links, unstored)
    _redirect_renamed(db, new_slugs)
    return True


def _tallies(db: Connection, memory: SourceMemory, event_ids: list[int]) -> dict[int, EventTally]:
    """The tallies of the stored events `event_ids`, remembered or made from their sources."""
    found = {e: memory.tally(e) for e in event_ids}
    missing = [e for e, tally in found.items() if tally is None]
    if missing:
        for e, tally in read_tallies(db, memory, missing).items():
            found[e] = tally
            memory.keep_new_tally(e, tally)
    return found


def _event_rows(db: Connection, event_ids) -> tuple[dict[int, object], dict[int, set[int]]]:
    """The rows of the events `event_ids`, by id, and the ids of the entities each is linked to."""
    ids_param = {"ids": list(event_ids)}
    rows = {r.id: r for r in driver_sql.rows(db, _EVENTS_BY_ID, ids_param)}
    entities: dict[int, set[int]] = {}
    for event_id, entity_id in driver_sql.rows(db, _EVENT_ENTITIES, ids_param):
        entities.setdefault(event_id, set()).add(entity_id)
    return rows, entities


def _delete_events(db: Connection, event_ids: list[int]) -> None:
    """Delete the events, their entity links, and their sources' links to them."""
    for statement in (_UNLINK_SOURCES, _DELETE_EVENT_ENTITIES, _DELETE_EVENTS):
        driver_sql.execute(db, statement, {"ids": event_ids})


def _write_events(db: Connection, memory: SourceMemory, merged: list, keeps: list, old_entities: dict[int, set[int]]
                  ) -> tuple[list[int], list[str]]:
    """Write the merged events (MergedEvent or TalliedEvent), each keeping the old event
    row `keeps[n]` or, where None, in a new row; return their ids and slugs. A kept event
    keeps its slug while its date and title still make it, and only its changed columns
    and entity links (`old_entities`, by event id) are written."""
    slugs: list[str | None] = []
    wanted: list[str] = []
    for event, old in zip(merged, keeps):
        slug = event_slug(event.date_start, event.title)
        if old is not None and slug == event_slug(old.date_start, old.title):
            slugs.append(old.slug)
        else:
            slugs.append(None)
            wanted.append(slug)
    fresh = iter(_unique_slugs(db, wanted))
    slugs = [s if s is not None else next(fresh) for s in slugs]
    inserted = [n for n, old in enumerate(keeps) if old is None]
    event_ids = [old.id if old is not None else 0 for old in keeps]
    if inserted:
        for n, i in zip(inserted, _insert_rows(db, _EVENT, [_event_values(merged[n], slugs[n]) for n in inserted])):
            event_ids[n] = i
    updates: dict[tuple[str, ...], list[dict]] = {}  # changed columns -> their new values, by event
    for event, old, slug in zip(merged, keeps, slugs):
        if old is not None:
            changed = {k: v for k, v in _event_values(event, slug).items() if getattr(old, k) != v}
            if changed:
                updates.setdefault(tuple(sorted(changed)), []).append(
                    {"kept_event": old.id, **{f"new_{k}": v for k, v in changed.items()}})
    for columns, rows in updates.items():
        driver_sql.execute_many(db, _update_events(columns), rows)

    entity_ids = {k: i for k, (i, _) in memory.entity_rows(
        db, {e.key for event in merged for e in (*event.actors, *event.weapons)}).items()}
    added, removed = [], []
    for event, old, event_id in zip(merged, keeps, event_ids):
        wanted_entities = {entity_ids[e.key] for e in (*event.actors, *event.weapons) if e.key in entity_ids}
        had = old_entities.get(event_id, set()) if old is not None else set()
        added += [{"event_id": event_id, "entity_id": i} for i in sorted(wanted_entities - had)]
        removed += [{"ee_event": event_id, "ee_entity": i} for i in sorted(had - wanted_entities)]
    driver_sql.execute_many(db, _DELETE_EVENT_ENTITY, removed)
    driver_sql.execute_many(db, _INSERT_EVENT_ENTITY, added)
    return event_ids, slugs


def _redirect_renamed(db: Connection, new_slugs: dict[str, str]) -> None:
    """A redirect from each old slug (`new_slugs`) that now names another event."""
    for old_slug, new_slug in new_slugs.items():
        if old_slug != new_slug:
            _redirect(db, old_slug, new_slug)


@lru_cache(maxsize=128)
def _update_events(columns: tuple[str, ...]):
    """UPDATE of only these columns of events (the title's full-text index is written
    again only when the title is among them)."""
    return (update(_EVENT).where(_EVENT.c.id == bindparam("kept_event"))
            .values({c: bindparam(f"new_{c}") for c in columns}))


# The columns of a stored source that same_event and wording read (the word-index backfill, index_stored_words).
_LIGHT_COLUMNS = (_SOURCE.c.id, _SOURCE.c.event_id, _SOURCE.c.title, _SOURCE.c.entities, _SOURCE.c.date_start,
                  _SOURCE.c.date_end, _SOURCE.c.reported, _SOURCE.c.claim, _SOURCE.c.timex_text,
                  _SOURCE.c.precision)


def _joined_events(db: Connection, memory: SourceMemory, new: list[tuple[EventCandidate, frozenset[str]]],
                   snapshot: SharingSnapshot | None = None) -> dict[int, set[int]]:
    """The stored events that new candidates join (`same_event` with one of its sources),
    by id, each with the new candidates (indexes) that join it.

    The word index narrows the stored sources to those sharing enough words that
    pass `may_be_same` (`sharing_sources`); the index holds the words a source had
    when stored, a superset of its wording now (aliases only grow, and names are not
    wording), so no join is missed. The sources are tested in their stored form, as
    the merge that follows reads them."""
    sharing = memory.recent.complete(snapshot, new) if snapshot is not None else None
    if sharing is None:
        sharing = [sharing_sources(db, candidate, words) for candidate, words in new]
    ids = set().union(*sharing)
    stored: dict[int, tuple[int, EventCandidate]] = {}  # source id -> (its event, the candidate to test)
    unplaced = []
    for source_id in ids:
        place = memory.placed.get(source_id)
        if place is None:
            unplaced.append(source_id)
        else:
            # A source of a remembered tally is tested as the first copy of its telling there.
            event_id, number = place >> 32, place & 0xFFFFFFFF
            stored[source_id] = (event_id, memory.tallies[event_id].tellings[number].first.candidate)
    for source_id, (event_id, item) in read_sources(db, memory, sorted(unplaced)).items():
        if event_id is not None:
            stored[source_id] = (event_id, item.candidate)
    tellings = NewTellings(new)
    joined: dict[int, set[int]] = {}
    for n, shares in enumerate(sharing):
        linked: set[int] = set()
        for source_id in sorted(shares):
            entry = stored.get(source_id)
            # Once a new candidate joins an event, its other sources need no test.
            if entry is not None and entry[0] not in linked and tellings.links(entry[1], n):
                linked.add(entry[0])
        for event_id in linked:
            joined.setdefault(event_id, set()).add(n)
    return joined


def _entities_named(db: Connection, rows) -> dict[str, Entity]:
    keys = {k for row in rows for k in json.loads(row.entities)}
    return {e.slug: entity_from_row(e) for e in db.execute(ENTITIES_BY_SLUG, {"slugs": list(keys)})} \
        if keys else {}


def _light_candidate(row, entities: dict[str, Entity]) -> EventCandidate:
    """A stored source as a candidate carrying what same_event and wording read:
    title, dates, entities, the claim and its dating phrase."""
    named = [entities[k] for k in json.loads(row.entities) if k in entities]
    timex = Timex(0, 0, row.timex_text, "DATE", "") if row.timex_text else None
    return EventCandidate(0, 0, 0, row.title, row.date_start, row.date_end, row.precision, "", timex,
                          actors=tuple(e for e in named if not e.is_weapon),
                          weapons=tuple(e for e in named if e.is_weapon), reported=row.reported, claim=row.claim)


def index_stored_words(session: Session, batch: int = 2000) -> int:
    """Fill the word index from the stored sources (revision 0005 upgrades a store
    with it); return how many sources were indexed."""
    db = session.connection()
    done, last = 0, 0
    while True:
        rows = db.execute(select(*_LIGHT_COLUMNS).where(_SOURCE.c.id > last).order_by(_SOURCE.c.id)
                          .limit(batch)).all()
        if not rows:
            return done
        entities = _entities_named(db, rows)
        sources = []
        for row in rows:
            candidate = _light_candidate(row, entities)
            sources.append((row.id, candidate, wording(candidate)))
        index_words(db, sources)
        done, last = done + len(rows), rows[-1].id


def number_tellings(session: Session, batch: int = 2000) -> int:
    """Number the tellings of the stored sources (`telling_number`) and leave in the word
    index one copy of each telling that stands for its copies, the first, as a store
    filled by `index_new_sources` has it (revision 0007 upgrades a store with it);
    return how many word rows left it."""
    db = session.connection()
    last = 0
    while rows := db.execute(select(_SOURCE.c.id, *(_SOURCE.c[c] for c in TELLING_COLUMNS))
                             .where(_SOURCE.c.id > last).order_by(_SOURCE.c.id).limit(batch)).all():
        db.execute(update(_SOURCE).where(_SOURCE.c.id == bindparam("source_id")).values(telling=bindparam("number")),
                   [{"source_id": row.id, "number": telling_number(row._mapping)} for row in rows])
        last = rows[-1].id
    left = 0
    told = [_SOURCE.c.telling, *(_SOURCE.c[c] for c in TELLING_COLUMNS)]
    for group in db.execute(select(func.min(_SOURCE.c.id).label("first"), *told).group_by(*told)
                            .having(func.count() > 1)).all():
        (row,) = db.execute(select(*_LIGHT_COLUMNS).where(_SOURCE.c.id == group.first)).all()
        form = _light_candidate(row, _entities_named(db, [row]))
        if stands_for_copies(form, form, wording(form)):
            left += db.execute(WORDS_OF_OTHER_COPIES, {**telling_values(group._mapping), "first": group.first}).rowcount
    return left


def _event_values(event: MergedEvent, slug: str) -> dict:
    return {
        "slug": slug,
        "title": event.title,
        "date_start": event.date_start,
        "date_end": event.date_end,
        "precision": event.precision,
        "basis": event.basis,
        "reported": event.reported,
        "disputed": event.disputed,
        "corroboration": event.corroboration,
    }


_TAKEN_SLUGS = select(_EVENT.c.slug).where(_EVENT.c.slug.in_(bindparam("slugs", expanding=True)))


# Suffixes of a taken slug asked for in one query: look-alike events of one day (a
# generated corpus makes hundreds) took one query per suffix tried, 11 a document at
# 64,000 documents.
SUFFIXES_ASKED = 64


def _unique_slugs(db: Connection, wanted: list[str]) -> list[str]:
    """`wanted` made unique against the stored events and each other: the first of
    `slug`, `slug-2`, `slug-3`, ... that is free.

    One query answers the common case, where no wanted slug is taken yet."""
    taken = set(driver_sql.scalars(db, _TAKEN_SLUGS, {"slugs": sorted(set(wanted))})) if wanted else set()
    asked = set(wanted)
    unique = []
    for slug in wanted:
        candidate, n = slug, 2
        while candidate in taken or candidate not in asked:
            if candidate not in asked:
                batch = [candidate] + [f"{slug}-{k}" for k in range(n, n + SUFFIXES_ASKED - 1)]
                taken.update(driver_sql.scalars(db, _TAKEN_SLUGS, {"slugs": batch}))
                asked.update(batch)
                continue
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        unique.append(candidate)
    return unique


def _redirect(db: Connection, old_slug: str, new_slug: str) -> None:
    # Redirects that pointed at the old slug now point at the new one, so a
    # chain of renames is always one hop.
    driver_sql.execute(db, _REDIRECT_TO_NEW, {"renamed": old_slug, "to_slug": new_slug})
    driver_sql.execute(db, _DELETE_REDIRECT_FROM, {"from_slug": old_slug})
    driver_sql.execute(db, _INSERT_REDIRECT, {"old_slug": old_slug, "new_slug": new_slug})
    # A slug that is live again must not redirect away from itself.
    driver_sql.execute(db, _DELETE_REDIRECT_FROM, {"from_slug": new_slug})


_REDIRECT_TO_NEW = (update(_REDIRECT).where(_REDIRECT.c.new_slug == bindparam("renamed"))
                    .values(new_slug=bindparam("to_slug")))
_DELETE_REDIRECT_FROM = delete(_REDIRECT).where(_REDIRECT.c.old_slug == bindparam("from_slug"))
_INSERT_REDIRECT = insert(_REDIRECT)
