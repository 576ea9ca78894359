"""Storing analyzed documents: passages, entities, event sources, and the merged events.

Events are derived data: after a document's candidates are stored, the events they
may belong to (every stored candidate whose dates overlap theirs) are merged again
with `merge_events` and rewritten. An event whose slug changes leaves a redirect, so
a permalink that was shared keeps answering.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import delete, or_, text, update
from sqlmodel import Session, select

from . import models
from .merge import MERGE_REACH, merge_events, same_event, wording
from .records import (
    AnalyzedDocument,
    Entity,
    EventCandidate,
    MergedEvent,
    Mention,
    SourcedCandidate,
    Timex,
)
from .slugs import event_slug


# The advisory lock writers take on PostgreSQL (any constant the application owns).
STORE_LOCK = 0x74696D656C696E65  # "timeline"


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


def find_document(session: Session, content_hash: str) -> models.Document | None:
    return session.exec(
        select(models.Document).where(models.Document.content_hash == content_hash)
    ).first()


def store_document(session: Session, analyzed: AnalyzedDocument) -> StoreResult:
    """Store one analyzed document and re-merge the events it touches.

    The caller owns the transaction: commit after this returns, so a document is
    stored whole or not at all. An unchanged document (same content hash) is left
    as it is. A document with the same URL but other content replaces the old one.
    """
    # Several writers may share one database: their analyses run side by side,
    # their stores take turns, since the re-merge reads and rewrites events another
    # writer may be touching. Both locks last until the caller's transaction ends.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORE_LOCK})
    elif dialect == "sqlite":
        # Take SQLite's write lock before reading (a write that changes nothing
        # waits up to the busy timeout): a transaction that has read and then
        # writes fails at once with "database is locked" when another writer
        # committed in between.
        session.execute(delete(models.SlugRedirect).where(text("0")))
    existing = find_document(session, analyzed.content_hash)
    if existing is not None:
        return StoreResult(existing.id, "unchanged", 0)

    status = "stored"
    touched: set[int] = set()
    src = analyzed.source
    if src.url:
        old = session.exec(select(models.Document).where(models.Document.url == src.url)).first()
        if old is not None:
            touched |= _remove_document(session, old)
            status = "replaced"

    document = models.Document(
        content_hash=analyzed.content_hash,
        origin=src.origin,
        title=src.title,
        url=src.url,
        source=src.source,
        published=src.published,
        anchor_date=analyzed.anchor.date if analyzed.anchor else None,
        anchor_basis=analyzed.anchor.basis if analyzed.anchor else None,
        text=src.text,
        ingested_at=datetime.now(timezone.utc),
    )
    session.add(document)
    session.flush()

    # One flush for all rows of a kind: SQLAlchemy sends them as one batched INSERT
    # that returns their ids, instead of a round trip per row.
    passage_rows = [models.Passage(document_id=document.id, idx=p.index, text=p.text) for p in analyzed.passages]
    session.add_all(passage_rows)
    session.flush()
    passage_ids = {row.idx: row.id for row in passage_rows}

    _upsert_entities(session, analyzed.candidates)
    new_rows = [_source_row(document.id, passage_ids[c.passage_index], c) for c in analyzed.candidates]
    session.add_all(new_rows)
    session.flush()

    # Every stored candidate the merge could pair with a new one: dates within its reach.
    reach = [(c.date_start - MERGE_REACH, c.date_end + MERGE_REACH) for c in analyzed.candidates]
    _remerge(session, reach, touched, {r.id for r in new_rows})
    bump_store_version(session)
    return StoreResult(document.id, status, len(analyzed.candidates))


def bump_store_version(session: Session) -> None:
    """Count one more write, in the writer's transaction (see models.StoreVersion)."""
    session.execute(update(models.StoreVersion).where(models.StoreVersion.id == 1)
                    .values(version=models.StoreVersion.version + 1))


def _remove_document(session: Session, document: models.Document) -> set[int]:
    """Delete a document and its rows; return the ids of the events it fed."""
    event_ids = set(
        session.exec(
            select(models.EventSource.event_id).where(models.EventSource.document_id == document.id)
        )
    )
    session.execute(delete(models.EventSource).where(models.EventSource.document_id == document.id))
    session.execute(delete(models.Passage).where(models.Passage.document_id == document.id))
    session.execute(delete(models.Document).where(models.Document.id == document.id))
    return {i for i in event_ids if i is not None}


def _upsert_entities(session: Session, candidates: list[EventCandidate]) -> None:
    """Add the entities the candidates name; merge new aliases into known ones."""
    entities: dict[str, Entity] = {}
    for candidate in candidates:
        for entity in (*candidate.actors, *candidate.weapons, *(m.entity for m in candidate.mentions)):
            entities.setdefault(entity.key, entity)
    stored = {
        row.slug: row for row in session.exec(select(models.Entity).where(models.Entity.slug.in_(entities)))
    } if entities else {}
    added = []
    for key, entity in entities.items():
        row = stored.get(key)
        if row is None:
            added.append(models.Entity(slug=key, name=entity.name, kind=entity.kind,
                                       is_weapon=entity.is_weapon, aliases=json.dumps(list(entity.aliases))))
        else:
            known = json.loads(row.aliases)
            merged = sorted(set(known) | set(entity.aliases))
            if merged != sorted(known):
                row.aliases = json.dumps(merged)
                _WORDING_CACHE.clear()
    session.add_all(added)
    session.flush()


def _source_row(document_id: int, passage_id: int, c: EventCandidate) -> models.EventSource:
    return models.EventSource(
        document_id=document_id,
        passage_id=passage_id,
        sentence_start=c.sentence_start,
        sentence_end=c.sentence_end,
        timex_start=c.timex.start if c.timex else None,
        timex_end=c.timex.end if c.timex else None,
        timex_text=c.timex.text if c.timex else None,
        timex_value=c.timex.value if c.timex else None,
        title=c.title,
        claim=c.claim,
        date_start=c.date_start,
        date_end=c.date_end,
        precision=c.precision,
        basis=c.basis,
        reported=c.reported,
        entities=json.dumps([e.key for e in (*c.actors, *c.weapons)]),
        mentions=json.dumps([[m.start, m.end, m.entity.key] for m in c.mentions]),
    )


def _entity_from_row(row: models.Entity) -> Entity:
    return Entity(key=row.slug, name=row.name, kind=row.kind, aliases=tuple(json.loads(row.aliases)))


def _candidate_from_row(row: models.EventSource, passage_idx: int, entities: dict[str, Entity]) -> EventCandidate:
    keys = [entities[k] for k in json.loads(row.entities) if k in entities]
    timex = None
    if row.timex_start is not None:
        timex = Timex(row.timex_start, row.timex_end, row.timex_text or "", "DATE", row.timex_value or "", basis=row.basis)
    mentions = tuple(
        Mention(start, end, "", entities[key]) for start, end, key in json.loads(row.mentions) if key in entities
    )
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
        mentions=mentions,
        reported=row.reported,
        claim=row.claim,
    )


def _remerge(session: Session, ranges: list[tuple[date, date]], touched_events: set[int],
             new_row_ids: set[int] = frozenset()) -> None:
    """Merge again every stored candidate whose dates overlap `ranges`, with the
    candidates of the events they belonged to, and rewrite those events.

    When a document only adds candidates (nothing was removed), an event that none
    of them joins cannot change: its candidates were already merged together. Only
    the events a new candidate joins are merged again and rewritten, so the cost of
    a document grows with the events it touches, not with the store.
    """
    if not ranges and not touched_events:
        return
    conditions = [
        (models.EventSource.date_start <= end) & (models.EventSource.date_end >= start) for start, end in ranges
    ]
    rows: dict[int, models.EventSource] = {}
    if new_row_ids and not touched_events:
        # Only the new rows and the events they join are merged again (see above).
        old_event_ids = _joined_events(session, or_(*conditions), new_row_ids)
        for row in session.exec(select(models.EventSource).where(models.EventSource.id.in_(new_row_ids))):
            rows[row.id] = row
    else:
        if conditions:
            for row in session.exec(select(models.EventSource).where(or_(*conditions))):
                rows[row.id] = row
        old_event_ids = {r.event_id for r in rows.values() if r.event_id is not None} | touched_events
    if old_event_ids:
        for row in session.exec(
            select(models.EventSource).where(models.EventSource.event_id.in_(old_event_ids))
        ):
            rows[row.id] = row

    old_events = {
        e.id: e for e in session.exec(select(models.Event).where(models.Event.id.in_(old_event_ids)))
    } if old_event_ids else {}

    passage_idx = dict(
        session.exec(
            select(models.Passage.id, models.Passage.idx).where(
                models.Passage.id.in_({r.passage_id for r in rows.values()})
            )
        ).all()
    )
    doc_keys = dict(
        session.exec(
            select(models.Document.id, models.Document.content_hash).where(
                models.Document.id.in_({r.document_id for r in rows.values()})
            )
        ).all()
    )
    entity_keys = {k for r in rows.values() for k in json.loads(r.entities)} | {
        m[2] for r in rows.values() for m in json.loads(r.mentions)
    }
    entity_rows = {
        e.slug: e for e in session.exec(select(models.Entity).where(models.Entity.slug.in_(entity_keys)))
    }
    entities = {k: _entity_from_row(e) for k, e in entity_rows.items()}

    # Each candidate carries its row id through the merge so the rows can be relinked.
    ordered = sorted(rows.values(), key=lambda r: r.id)
    items = [
        SourcedCandidate(doc_keys[r.document_id], _candidate_from_row(r, passage_idx[r.passage_id], entities))
        for r in ordered
    ]
    row_of = {id(item.candidate): r for item, r in zip(items, ordered)}
    merged = merge_events(items)

    old_slug_by_row = {r.id: old_events[r.event_id].slug for r in ordered if r.event_id in old_events}
    for r in ordered:
        r.event_id = None
    session.flush()
    if old_event_ids:
        session.execute(delete(models.EventEntity).where(models.EventEntity.event_id.in_(old_event_ids)))
        session.execute(delete(models.Event).where(models.Event.id.in_(old_event_ids)))
        session.flush()

    new_slugs: dict[str, str] = {}  # old slug -> new slug
    slugs = _unique_slugs(session, [event_slug(event.date_start, event.title) for event in merged])
    stored_events = [_event_row(event, slug) for event, slug in zip(merged, slugs)]
    session.add_all(stored_events)
    session.flush()
    for event, slug, stored in zip(merged, slugs, stored_events):
        source_rows = [row_of[id(s.candidate)] for s in event.sources]
        for r in source_rows:
            r.event_id = stored.id
            if r.id in old_slug_by_row:
                new_slugs.setdefault(old_slug_by_row[r.id], slug)
        for entity in (*event.actors, *event.weapons):
            if entity.key in entity_rows:
                session.add(models.EventEntity(event_id=stored.id, entity_id=entity_rows[entity.key].id))
    session.flush()
    for old_slug, new_slug in new_slugs.items():
        if old_slug != new_slug:
            _redirect(session, old_slug, new_slug)
    # An old event none of whose sources survives gets no redirect: its permalink
    # answers 404 rather than pointing at a different happening.


# Wording of stored candidates by (title, entity keys as stored): the re-merge of
# every document tests many of the same stored rows. Bounded, and cleared when an
# entity's aliases change (they are part of the wording).
_WORDING_CACHE: dict[tuple[str, str], frozenset[str]] = {}
_WORDING_CACHE_SIZE = 200_000


def _cached_wording(title: str, entity_json: str, candidate: EventCandidate) -> frozenset[str]:
    key = (title, entity_json)
    found = _WORDING_CACHE.get(key)
    if found is None:
        if len(_WORDING_CACHE) >= _WORDING_CACHE_SIZE:
            _WORDING_CACHE.clear()
        found = _WORDING_CACHE[key] = wording(candidate)
    return found


def _joined_events(session: Session, overlap, new_row_ids: set[int]) -> set[int]:
    """Ids of the stored events that one of the new rows joins: those with a row
    whose dates overlap (`overlap`) or a row in the same event as such a row, that
    `same_event` pairs with a new row. Reads only the columns `same_event` needs."""
    es = models.EventSource
    near = select(es.event_id).where(overlap, es.event_id.is_not(None))
    columns = (es.id, es.event_id, es.title, es.entities, es.date_start, es.date_end, es.reported,
               es.claim, es.timex_text, es.precision)
    lite = session.execute(select(*columns).where(or_(overlap, es.id.in_(new_row_ids), es.event_id.in_(near)))).all()
    entities: dict[str, Entity] = {}

    def load_entities(rows) -> None:
        keys = {k for row in rows for k in json.loads(row.entities)} - entities.keys()
        if keys:
            for e in session.exec(select(models.Entity).where(models.Entity.slug.in_(keys))):
                entities[e.slug] = _entity_from_row(e)

    def light(row) -> tuple[EventCandidate, frozenset[str]]:
        named = [entities[k] for k in json.loads(row.entities) if k in entities]
        # What same_event reads: title, dates, entities, the claim without its dating phrase.
        timex = Timex(0, 0, row.timex_text, "DATE", "") if row.timex_text else None
        candidate = EventCandidate(0, 0, 0, row.title, row.date_start, row.date_end, row.precision, "", timex,
                                   actors=tuple(e for e in named if not e.is_weapon),
                                   weapons=tuple(e for e in named if e.is_weapon), reported=row.reported,
                                   claim=row.claim)
        return candidate, _cached_wording(row.title, row.entities, candidate)

    new_rows = [row for row in lite if row.id in new_row_ids]
    load_entities(new_rows)
    new = [light(row) for row in new_rows]
    new_words = frozenset().union(*(w for _, w in new))
    # Sharing a content word is necessary for same_event and much cheaper to test:
    # a stored row whose wording is cached and shares no word with the new rows'
    # stops here, before any candidate is built.
    stored = []
    for row in lite:
        if row.id in new_row_ids or row.event_id is None:
            continue
        words = _WORDING_CACHE.get((row.title, row.entities))
        if words is None or words & new_words:
            stored.append(row)
    load_entities(stored)
    joined: set[int] = set()
    for row in stored:
        if row.event_id in joined:
            continue
        candidate, words = light(row)
        if any(words & w and same_event(n, candidate) for n, w in new):
            joined.add(row.event_id)
    return joined


def _event_row(event: MergedEvent, slug: str) -> models.Event:
    return models.Event(
        slug=slug,
        title=event.title,
        date_start=event.date_start,
        date_end=event.date_end,
        precision=event.precision,
        basis=event.basis,
        reported=event.reported,
        disputed=event.disputed,
        corroboration=event.corroboration,
    )


def _unique_slugs(session: Session, wanted: list[str]) -> list[str]:
    """`wanted` made unique against the stored events and each other (`-2`, `-3`, ...).

    One query answers the common case, where no wanted slug is taken yet."""
    taken = set(session.exec(select(models.Event.slug).where(models.Event.slug.in_(set(wanted))))) if wanted else set()
    unique = []
    for slug in wanted:
        candidate, n = slug, 2
        while candidate in taken or (
            candidate != slug
            and session.exec(select(models.Event.id).where(models.Event.slug == candidate)).first() is not None
        ):
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        unique.append(candidate)
    return unique


def _redirect(session: Session, old_slug: str, new_slug: str) -> None:
    # Redirects that pointed at the old slug now point at the new one, so a
    # chain of renames is always one hop.
    for row in session.exec(select(models.SlugRedirect).where(models.SlugRedirect.new_slug == old_slug)):
        row.new_slug = new_slug
    existing = session.get(models.SlugRedirect, old_slug)
    if existing is None:
        session.add(models.SlugRedirect(old_slug=old_slug, new_slug=new_slug))
    else:
        existing.new_slug = new_slug
    # A slug that is live again must not redirect away from itself.
    live = session.get(models.SlugRedirect, new_slug)
    if live is not None:
        session.delete(live)
