"""Read queries for the web layer and the exports.

`EventFilter` is the whole state of a timeline view: it parses from and renders to
a query string, so the URL, the query and the page heading cannot disagree.
`conditions` turns it into SQL; the functions below list events, count facets,
and read documents and entities. app/pages.py gathers them per page.

The queries stay index-friendly for large stores: filters on actors, weapons,
sources and words become `event.id IN (...)` over indexed tables (event_entity,
event_source, the full-text index), and lists are paged with LIMIT.
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import quote_plus

from sqlalchemy import and_, bindparam, exists, func, tuple_
from sqlmodel import Session, select

from . import models
from .aggregate_cache import cached_aggregate
from .search import search_condition

PAGE_SIZE = 50
LONGEST_SPAN = timedelta(days=3653)


class FilterError(ValueError):
    """A query parameter that cannot be understood; the message says which and why."""


def _parse_date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _parse_flag(name: str, value: str | None) -> bool | None:
    if value is None or value == "" or value == "any":
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise FilterError(f"{name}={value!r} is not true or false")


def _parse_ids(name: str, values: list[str] | None) -> tuple[int, ...]:
    ids = set()
    for value in values or ():
        if not value:
            continue
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise FilterError(f"{name}={value!r} is not a document id")
        ids.add(int(value))
    return tuple(sorted(ids))


@dataclass(frozen=True)
class EventFilter:
    """Which events a view shows. Every field combines with the others by AND."""

    actors: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()  # document ids that must tell the event
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    disputed: bool | None = None
    reported: bool | None = None  # None: both dated and reported events
    page: int = 1

    @classmethod
    def from_params(
        cls,
        actor: list[str] | None = None,
        weapon: list[str] | None = None,
        q: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        page: int = 1,
        source: list[str] | None = None,
        disputed: str | None = None,
        reported: str | None = None,
    ) -> "EventFilter":
        """Parse query-string values; raise FilterError naming a bad one.

        >>> EventFilter.from_params(actor=["ukraine"], date_from="2024-08-01").query_string()
        'actor=ukraine&from=2024-08-01'
        """
        if page < 1 or page > 100_000:
            raise FilterError(f"page={page} is out of range (1 to 100000)")
        start, end = _parse_date("from", date_from), _parse_date("to", date_to)
        if start and end and start > end:
            raise FilterError(f"from={start} is after to={end}")
        return cls(
            actors=tuple(sorted({a for a in actor or () if a})),
            weapons=tuple(sorted({w for w in weapon or () if w})),
            sources=_parse_ids("source", source),
            q=" ".join((q or "").split())[:200],
            date_from=start,
            date_to=end,
            disputed=_parse_flag("disputed", disputed),
            reported=_parse_flag("reported", reported),
            page=page,
        )

    def params(self) -> list[tuple[str, str]]:
        pairs = [("actor", a) for a in self.actors] + [("weapon", w) for w in self.weapons]
        pairs += [("source", str(s)) for s in self.sources]
        if self.q:
            pairs.append(("q", self.q))
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.disputed is not None:
            pairs.append(("disputed", str(self.disputed).lower()))
        if self.reported is not None:
            pairs.append(("reported", str(self.reported).lower()))
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def query_string(self) -> str:
        # A timeline page links to a few hundred filters (facets, chips, axis bars),
        # each twice (href and hx-get): encoded once per filter, and without
        # urlencode's per-pair type checks, which cost more than the encoding. Kept
        # by hand, not by functools.cached_property: on Python 3.11 that takes one
        # lock shared by every instance, and under 64 connections the server's
        # threads spent more time queueing for it than rendering.
        qs = self.__dict__.get("_query_string")
        if qs is None:
            qs = self.__dict__["_query_string"] = "&".join(
                f"{name}={quote_plus(value)}" for name, value in self.params())
        return qs

    def url(self, path: str = "/") -> str:
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path

    def toggle(self, kind: str, value) -> "EventFilter":
        """The filter with one actor, weapon or source switched on or off (back to page 1)."""
        # A page toggles the same actor on many of its events' chips: each toggled
        # filter (and so its encoded URL) is made once per filter.
        toggled = self.__dict__.setdefault("_toggled", {})
        if (kind, value) not in toggled:
            current = set(getattr(self, kind))
            current ^= {value}
            toggled[kind, value] = replace(self, **{kind: tuple(sorted(current))}, page=1)
        return toggled[kind, value]

    def with_(self, **changes) -> "EventFilter":
        """The filter with some fields changed, back to page 1."""
        return replace(self, **{"page": 1, **changes})

    @property
    def is_empty(self) -> bool:
        return not [p for p in self.params() if p[0] != "page"]


# --- Conditions -------------------------------------------------------------


def entity_event_ids(slug: str):
    return (
        select(models.EventEntity.event_id)
        .join(models.Entity, models.Entity.id == models.EventEntity.entity_id)
        .where(models.Entity.slug == slug)
    )


# An entity with at most this many events drives a filtered query: its event ids
# are listed first and the other conditions checked on them. A commoner one is
# better checked per event while the date index is walked in order.
DRIVING_ENTITY_EVENTS = 5_000


def entity_event_counts(session: Session, slugs: tuple[str, ...]) -> dict[str, int]:
    """How many events each entity of `slugs` has (cached per store version)."""
    def count() -> dict[str, int]:
        rows = session.exec(
            select(models.Entity.slug, func.count())
            .join(models.EventEntity, models.EventEntity.entity_id == models.Entity.id)
            .where(models.Entity.slug.in_(slugs))
            .group_by(models.Entity.slug)
        ).all()
        return dict(rows)
    return cached_aggregate(session, "entity-counts", slugs, count)


def _names_entity(slug: str):
    return exists().where(
        models.EventEntity.event_id == models.Event.id,
        models.EventEntity.entity_id == select(models.Entity.id).where(models.Entity.slug == slug).scalar_subquery(),
    )


def entity_conditions(session: Session, slugs: tuple[str, ...], drive: bool = True) -> list:
    """Conditions that an event names every entity of `slugs`.

    The rarest entity's event list drives the query when it is short (or when
    `drive`, for counts, which read every match anyway); every other entity is a
    per-event lookup in the (event_id, entity_id) key. Listing a short list beats
    walking a million events; walking the date index in order beats sorting the
    events of an entity named in a fifth of them.
    """
    if not slugs:
        return []
    counts = entity_event_counts(session, tuple(sorted(set(slugs))))
    ordered = sorted(set(slugs), key=lambda slug: counts.get(slug, 0))
    rarest = ordered[0]
    if drive or counts.get(rarest, 0) <= DRIVING_ENTITY_EVENTS:
        return [models.Event.id.in_(entity_event_ids(rarest)), *(_names_entity(s) for s in ordered[1:])]
    return [_names_entity(s) for s in ordered]


def conditions(session: Session, flt: EventFilter, skip: frozenset[str] = frozenset(), drive: bool = True) -> list:
    """SQL conditions on `event` for `flt`; `skip` names fields to leave out
    (a facet counts its own options without its own filter); `drive=False` for a
    query that reads only the first events in date order (see entity_conditions)."""
    conds = entity_conditions(session, (*flt.actors, *flt.weapons), drive)
    for document_id in flt.sources:
        conds.append(
            models.Event.id.in_(
                select(models.EventSource.event_id).where(models.EventSource.document_id == document_id)
            )
        )
    if flt.date_from and "date" not in skip:
        conds.append(models.Event.date_end >= flt.date_from)
        # No date spans more than a decade (the coarsest precision), so an event that
        # reaches the range starts at most that long before it; the bound lets the
        # date index seek to it instead of walking from the first event.
        conds.append(models.Event.date_start >= flt.date_from - LONGEST_SPAN)
    if flt.date_to and "date" not in skip:
        conds.append(models.Event.date_start <= flt.date_to)
    if flt.disputed is not None and "disputed" not in skip:
        conds.append(models.Event.disputed == flt.disputed)
    if flt.reported is not None and "reported" not in skip:
        conds.append(models.Event.reported == flt.reported)
    if flt.q:
        search = search_condition(session, flt.q)
        if search is not None:
            conds.append(search)
    return conds


def filter_where(session: Session, flt: EventFilter, skip: frozenset[str] = frozenset(), drive: bool = True):
    conds = conditions(session, flt, skip, drive)
    return and_(*conds) if conds else None


def with_where(query, where):
    return query.where(where) if where is not None else query


# --- Event views ------------------------------------------------------------


@dataclass
class EntityRef:
    name: str
    slug: str
    kind: str
    id: int = 0

    @property
    def is_weapon(self) -> bool:
        return self.kind == "weapon"


@dataclass
class SourceView:
    """One passage that tells an event, with the date and claim it gives."""

    document_id: int
    document_title: str
    passage_index: int
    passage: str
    sentence_start: int
    sentence_end: int
    timex_start: int | None
    timex_end: int | None
    timex_text: str | None
    claim: str
    mentions: list[tuple[int, int, str]]
    date_start: date | None = None
    date_end: date | None = None
    precision: str = ""
    basis: str = ""

    @property
    def quote(self) -> str:
        """The sentence that tells the event."""
        return self.passage[self.sentence_start:self.sentence_end].strip() or self.claim


@dataclass
class EventView:
    slug: str
    title: str
    date_start: date
    date_end: date
    precision: str
    basis: str
    reported: bool
    disputed: bool
    corroboration: int
    actors: list[EntityRef] = field(default_factory=list)
    weapons: list[EntityRef] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    id: int = 0
    # How many passages tell it, where `sources` holds only the first few; None: all of them.
    source_count: int | None = None


# Served on every page: built once, so a request pays for executing them, not for
# building them (statement construction was a third of a permalink's time).
_event = models.Event.__table__
EVENT_COLUMNS = tuple(_event.c[name] for name in (
    "id", "slug", "title", "date_start", "date_end", "precision", "basis", "reported", "disputed", "corroboration"))
CHRONOLOGICAL = (models.Event.date_start, models.Event.date_end, models.Event.id)
_IDS = bindparam("ids", expanding=True)
_ENTITIES_OF = (
    select(models.EventEntity.event_id, models.Entity.id, models.Entity.name, models.Entity.slug,
           models.Entity.kind, models.Entity.is_weapon)
    .join(models.Entity, models.Entity.id == models.EventEntity.entity_id)
    .where(models.EventEntity.event_id.in_(_IDS))
    .order_by(models.Entity.name)
)
_SOURCE = models.EventSource.__table__
_SOURCES_OF = (
    select(*(_SOURCE.c[name] for name in (
        "event_id", "document_id", "sentence_start", "sentence_end", "timex_start", "timex_end", "timex_text",
        "claim", "mentions", "date_start", "date_end", "precision", "basis")),
        models.Passage.idx, models.Passage.text, models.Document.title.label("document_title"))
    .join(models.Passage, models.Passage.id == _SOURCE.c.passage_id)
    .join(models.Document, models.Document.id == _SOURCE.c.document_id)
    .where(_SOURCE.c.event_id.in_(_IDS))
    .order_by(_SOURCE.c.document_id, models.Passage.idx, _SOURCE.c.id)
)
# The first `limit` of each event's sources in _SOURCES_OF's order (passage ids follow
# their indexes within a document), and how many each event has: a listing of events
# told by hundreds of copies would otherwise carry every copy (1.4 MB a page of the
# API at 1,000,000 generated events).
_RANKED = (select(_SOURCE.c.id, func.row_number().over(
    partition_by=_SOURCE.c.event_id, order_by=(_SOURCE.c.document_id, _SOURCE.c.passage_id, _SOURCE.c.id))
    .label("rank")).where(_SOURCE.c.event_id.in_(_IDS)).subquery())
_FIRST_SOURCES_OF = (_SOURCES_OF.join(_RANKED, _RANKED.c.id == _SOURCE.c.id)
                     .where(_RANKED.c.rank <= bindparam("limit")))
_SOURCE_COUNTS = (select(_SOURCE.c.event_id, func.count()).where(_SOURCE.c.event_id.in_(_IDS))
                  .group_by(_SOURCE.c.event_id))
_EVENT_BY_SLUG = select(*EVENT_COLUMNS).where(_event.c.slug == bindparam("slug"))


def core(session: Session):
    """The session's connection (its transaction, so its snapshot), to execute the
    statements built once below: Session.execute passes each through the ORM's
    hooks, which these column selects do not use (40 of a query's 70 µs with a
    list of ids)."""
    return session.connection()


def event_view(row) -> EventView:
    """An EventView (no entities or sources yet) of a row with EVENT_COLUMNS."""
    return EventView(row.slug, row.title, row.date_start, row.date_end, row.precision, row.basis,
                     row.reported, row.disputed, row.corroboration, id=row.id)


def _attach(session: Session, events, with_sources: bool, source_limit: int | None = None) -> list[EventView]:
    """EventViews of `events` (rows with EVENT_COLUMNS), with their entities and,
    if `with_sources`, the passages that tell them: all of them, or the first
    `source_limit` of each (`source_count` says how many there are)."""
    views = {e.id: event_view(e) for e in events}
    ids = list(views)
    if not ids:
        return []
    for event_id, entity_id, name, slug, kind, is_weapon in core(session).execute(_ENTITIES_OF, {"ids": ids}):
        ref = EntityRef(name, slug, kind, entity_id)
        (views[event_id].weapons if is_weapon else views[event_id].actors).append(ref)
    if not with_sources:
        return [views[i] for i in ids]
    if source_limit is None:
        rows = core(session).execute(_SOURCES_OF, {"ids": ids})
    else:
        rows = core(session).execute(_FIRST_SOURCES_OF, {"ids": ids, "limit": source_limit})
    for row in rows:
        views[row.event_id].sources.append(
            SourceView(row.document_id, row.document_title, row.idx, row.text,
                       row.sentence_start, row.sentence_end,
                       row.timex_start, row.timex_end, row.timex_text, row.claim,
                       [tuple(m) for m in json.loads(row.mentions)],
                       row.date_start, row.date_end, row.precision, row.basis)
        )
    if source_limit is not None:
        for event_id, count in core(session).execute(_SOURCE_COUNTS, {"ids": ids}):
            views[event_id].source_count = count
    return [views[i] for i in ids]


_EVENTS_BY_ID = select(*EVENT_COLUMNS).where(_event.c.id.in_(_IDS))
# A search's matches come from the full-text indexes in no useful order; putting
# them in date order reads every matching event (at 1,000,000 events a common
# word's 10,000 matches took 12 ms, on every page). The order is kept per store
# version, as totals and facets are: the total and every page come from it, and
# "load more" costs a page, not a search. A word matching more than this many
# events is ordered by the database on each page instead.
SEARCH_ORDER_LIMIT = 200_000


def _search_order(session: Session, flt: EventFilter) -> array | None:
    """The ids of the events matching `flt`, chronological; None if there are
    more than SEARCH_ORDER_LIMIT."""
    rows = session.execute(
        with_where(select(models.Event.id), filter_where(session, flt))
        .order_by(*CHRONOLOGICAL).limit(SEARCH_ORDER_LIMIT + 1)
    )
    ids = array("q", (row[0] for row in rows))
    return ids if len(ids) <= SEARCH_ORDER_LIMIT else None


def list_events(session: Session, flt: EventFilter, page_size: int = PAGE_SIZE,
                with_sources: bool = False, source_limit: int | None = None) -> tuple[int, list[EventView]]:
    """The events matching `flt`, chronological, one page of them, and their total
    (with their sources, or the first `source_limit` of each: `_attach`)."""
    whole = replace(flt, page=1)
    offset = (flt.page - 1) * page_size
    if flt.q:
        order = cached_aggregate(session, "search-order", whole, lambda: _search_order(session, flt),
                                 weight=lambda ids: len(ids) if ids is not None else 1)
        if order is not None:
            page_ids = order[offset:offset + page_size].tolist()
            rows = {row.id: row for row in core(session).execute(_EVENTS_BY_ID, {"ids": page_ids})} \
                if page_ids else {}
            return len(order), _attach(session, [rows[i] for i in page_ids], with_sources, source_limit)

    def count() -> int:
        return session.exec(with_where(select(func.count()).select_from(models.Event), filter_where(session, flt))).one()

    total = cached_aggregate(session, "total", whole, count)
    events = core(session).execute(
        with_where(select(*EVENT_COLUMNS), filter_where(session, flt, drive=False))
        .order_by(*CHRONOLOGICAL)
        .offset(offset)
        .limit(page_size)
    ).all()
    return total, _attach(session, events, with_sources, source_limit)


def iter_events(session: Session, flt: EventFilter, batch: int = 500) -> Iterator[EventView]:
    """Every event matching `flt` (all pages), chronological, with sources.

    Walks the date index in batches (keyset paging), so an export of a large
    store never holds every event at once.
    """
    where = filter_where(session, flt)
    after = None
    while True:
        query = with_where(select(*EVENT_COLUMNS), where)
        if after is not None:
            query = query.where(tuple_(*CHRONOLOGICAL) > tuple_(*after))
        events = session.execute(query.order_by(*CHRONOLOGICAL).limit(batch)).all()
        if not events:
            return
        yield from _attach(session, events, with_sources=True)
        last = events[-1]
        after = (last.date_start, last.date_end, last.id)


def get_event(session: Session, slug: str) -> EventView | str | None:
    """The event at `slug`; the new slug (a str) where it moved; None if unknown."""
    event = core(session).execute(_EVENT_BY_SLUG, {"slug": slug}).first()
    if event is not None:
        return _attach(session, [event], with_sources=True)[0]
    redirect = session.get(models.SlugRedirect, slug)
    return redirect.new_slug if redirect else None


# --- Facets -----------------------------------------------------------------


@dataclass
class Facets:
    actors: list[tuple[EntityRef, int]]
    weapons: list[tuple[EntityRef, int]]
    sources: list[tuple[int, str, int]]  # (document id, title, events)
    dated: int
    reported: int
    disputed: int


def _in_filtered(column_, where):
    if where is None:
        return None
    return column_.in_(select(models.Event.id).where(where))


def entity_facets(session: Session, flt: EventFilter, weapons: bool, limit: int = 30) -> list[tuple[EntityRef, int]]:
    """Actors (or weapons) of the events matching `flt`, with their event counts, most first."""
    restrict = _in_filtered(models.EventEntity.event_id, filter_where(session, flt))
    n = func.count(models.EventEntity.event_id)
    query = (
        select(models.Entity, n)
        .join(models.EventEntity, models.EventEntity.entity_id == models.Entity.id)
        .where(models.Entity.is_weapon == weapons)
    )
    rows = session.exec(
        with_where(query, restrict).group_by(models.Entity.id).order_by(n.desc(), models.Entity.name).limit(limit)
    ).all()
    return [(EntityRef(e.name, e.slug, e.kind), count) for e, count in rows]


def source_facets(session: Session, flt: EventFilter, limit: int = 30) -> list[tuple[int, str, int]]:
    """Articles that tell the events matching `flt`, with how many of them each tells."""
    restrict = _in_filtered(models.EventSource.event_id, filter_where(session, flt))
    n = func.count(func.distinct(models.EventSource.event_id))
    query = (
        select(models.Document.id, models.Document.title, n)
        .join(models.EventSource, models.EventSource.document_id == models.Document.id)
        .where(models.EventSource.event_id.is_not(None))
    )
    rows = session.exec(
        with_where(query, restrict).group_by(models.Document.id).order_by(n.desc(), models.Document.title).limit(limit)
    ).all()
    return [(i, title, count) for i, title, count in rows]


def facets(session: Session, flt: EventFilter) -> Facets:
    """Every facet of the timeline page, counted over the events matching `flt`.

    The kind and disputed counts leave their own filter out, so both options stay
    visible with the number each would give.
    """
    kinds = dict(session.exec(
        with_where(select(models.Event.reported, func.count()), filter_where(session, flt, frozenset({"reported"})))
        .group_by(models.Event.reported)
    ).all())
    disputed = session.exec(
        with_where(select(func.count()).select_from(models.Event), filter_where(session, flt, frozenset({"disputed"})))
        .where(models.Event.disputed.is_(True))
    ).one()
    return Facets(
        actors=entity_facets(session, flt, weapons=False),
        weapons=entity_facets(session, flt, weapons=True),
        sources=source_facets(session, flt),
        dated=kinds.get(False, 0),
        reported=kinds.get(True, 0),
        disputed=disputed,
    )


@dataclass
class DocumentView:
    id: int
    title: str
    origin: str
    url: str | None
    source: str | None
    published: date | None
    anchor_date: date | None
    anchor_basis: str | None
    passages: list[tuple[int, str]]
    # passage idx -> [(slug, title, (timex start, end) or None, (sentence start, end))]
    events_by_passage: dict[int, list[tuple[str, str, tuple[int, int] | None, tuple[int, int]]]]


def get_document(session: Session, document_id: int) -> DocumentView | None:
    doc = session.get(models.Document, document_id)
    if doc is None:
        return None
    passages = session.exec(
        select(models.Passage.idx, models.Passage.text)
        .where(models.Passage.document_id == document_id)
        .order_by(models.Passage.idx)
    ).all()
    linked: dict[int, list] = {}
    rows = session.exec(
        select(models.Passage.idx, models.Event.slug, models.Event.title,
               models.EventSource.timex_start, models.EventSource.timex_end,
               models.EventSource.sentence_start, models.EventSource.sentence_end)
        .join(models.EventSource, models.EventSource.passage_id == models.Passage.id)
        .join(models.Event, models.Event.id == models.EventSource.event_id)
        .where(models.Passage.document_id == document_id)
        .order_by(models.Passage.idx, models.EventSource.sentence_start)
    )
    for idx, slug, title, t_start, t_end, s_start, s_end in rows:
        timex = (t_start, t_end) if t_start is not None else None
        if all(slug != known[0] for known in linked.get(idx, [])):
            linked.setdefault(idx, []).append((slug, title, timex, (s_start, s_end)))
    return DocumentView(doc.id, doc.title, doc.origin, doc.url, doc.source, doc.published,
                        doc.anchor_date, doc.anchor_basis, [tuple(p) for p in passages], linked)


# --- Actors and weapon systems ----------------------------------------------


@dataclass
class EntitySummary:
    name: str
    slug: str
    kind: str
    aliases: list[str]
    events: int


def _entity_counts():
    return (
        select(models.EventEntity.entity_id, func.count().label("n"))
        .group_by(models.EventEntity.entity_id)
        .subquery()
    )


def list_entities(session: Session, weapons: bool) -> list[EntitySummary]:
    """Every actor (or weapon system) with its kind, aliases and event count, most events first."""
    counts = _entity_counts()
    n = func.coalesce(counts.c.n, 0)
    rows = session.exec(
        select(models.Entity, n)
        .outerjoin(counts, counts.c.entity_id == models.Entity.id)
        .where(models.Entity.is_weapon == weapons)
        .order_by(n.desc(), models.Entity.name)
    ).all()
    return [EntitySummary(e.name, e.slug, e.kind, json.loads(e.aliases), count) for e, count in rows]
