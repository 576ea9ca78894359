"""Read queries for the web layer and the exports.

`EventFilter` is the whole state of a timeline view: it parses from and renders to
a query string, makes the SQL conditions, and describes itself in English, so the
URL, the query and the page heading cannot disagree.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, select

from . import models

PAGE_SIZE = 50


class FilterError(ValueError):
    """A query parameter that cannot be understood; the message says which and why."""


def _parse_date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True)
class EventFilter:
    actors: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
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
    ) -> "EventFilter":
        if page < 1 or page > 100_000:
            raise FilterError(f"page={page} is out of range (1 to 100000)")
        return cls(
            actors=tuple(sorted({a for a in actor or () if a})),
            weapons=tuple(sorted({w for w in weapon or () if w})),
            q=(q or "").strip()[:200],
            date_from=_parse_date("from", date_from),
            date_to=_parse_date("to", date_to),
            page=page,
        )

    def params(self) -> list[tuple[str, str]]:
        pairs = [("actor", a) for a in self.actors] + [("weapon", w) for w in self.weapons]
        if self.q:
            pairs.append(("q", self.q))
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def query_string(self) -> str:
        return urlencode(self.params())

    def toggle(self, kind: str, slug: str) -> "EventFilter":
        """The filter with one actor or weapon switched on or off (back to page 1)."""
        current = set(getattr(self, kind))
        current ^= {slug}
        return replace(self, **{kind: tuple(sorted(current))}, page=1)

    def conditions(self) -> list:
        conds = []
        for slug in (*self.actors, *self.weapons):
            conds.append(
                exists().where(
                    models.EventEntity.event_id == models.Event.id,
                    models.EventEntity.entity_id == models.Entity.id,
                    models.Entity.slug == slug,
                )
            )
        if self.date_from:
            conds.append(models.Event.date_end >= self.date_from)
        if self.date_to:
            conds.append(models.Event.date_start <= self.date_to)
        if self.q:
            pattern = f"%{self.q}%"
            conds.append(
                or_(
                    models.Event.title.ilike(pattern),
                    exists().where(
                        models.EventSource.event_id == models.Event.id,
                        models.Passage.id == models.EventSource.passage_id,
                        models.Passage.text.ilike(pattern),
                    ),
                )
            )
        return conds

    def describe(self) -> str:
        parts = []
        if self.actors:
            parts.append("involving " + " and ".join(self.actors))
        if self.weapons:
            parts.append("with " + " and ".join(self.weapons))
        if self.q:
            parts.append(f"matching “{self.q}”")
        if self.date_from:
            parts.append(f"from {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to {self.date_to.isoformat()}")
        return "Events " + ", ".join(parts) if parts else "All events"


@dataclass
class EntityRef:
    name: str
    slug: str
    kind: str


@dataclass
class SourceView:
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


def _attach(session: Session, events: list[models.Event], with_sources: bool) -> list[EventView]:
    ids = [e.id for e in events]
    views = {
        e.id: EventView(e.slug, e.title, e.date_start, e.date_end, e.precision, e.basis,
                        e.reported, e.disputed, e.corroboration)
        for e in events
    }
    if not ids:
        return []
    rows = session.exec(
        select(models.EventEntity.event_id, models.Entity)
        .join(models.Entity, models.Entity.id == models.EventEntity.entity_id)
        .where(models.EventEntity.event_id.in_(ids))
        .order_by(models.Entity.name)
    )
    for event_id, entity in rows:
        ref = EntityRef(entity.name, entity.slug, entity.kind)
        (views[event_id].weapons if entity.is_weapon else views[event_id].actors).append(ref)
    if with_sources:
        rows = session.exec(
            select(models.EventSource, models.Passage, models.Document.title)
            .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
            .join(models.Document, models.Document.id == models.EventSource.document_id)
            .where(models.EventSource.event_id.in_(ids))
            .order_by(models.EventSource.document_id, models.Passage.idx)
        )
        for source, passage, title in rows:
            views[source.event_id].sources.append(
                SourceView(source.document_id, title, passage.idx, passage.text,
                           source.sentence_start, source.sentence_end,
                           source.timex_start, source.timex_end, source.timex_text, source.claim,
                           [tuple(m) for m in json.loads(source.mentions)])
            )
    return [views[i] for i in ids]


def list_events(session: Session, flt: EventFilter, page_size: int = PAGE_SIZE,
                with_sources: bool = False) -> tuple[int, list[EventView]]:
    """The events matching `flt`, chronological, one page of them, and their total."""
    where = and_(*flt.conditions()) if flt.conditions() else True
    total = session.exec(select(func.count()).select_from(models.Event).where(where)).one()
    events = session.exec(
        select(models.Event)
        .where(where)
        .order_by(models.Event.date_start, models.Event.date_end, models.Event.id)
        .offset((flt.page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, _attach(session, list(events), with_sources)


def get_event(session: Session, slug: str) -> EventView | str | None:
    """The event at `slug`; the new slug (a str) where it moved; None if unknown."""
    event = session.exec(select(models.Event).where(models.Event.slug == slug)).first()
    if event is not None:
        return _attach(session, [event], with_sources=True)[0]
    redirect = session.get(models.SlugRedirect, slug)
    return redirect.new_slug if redirect else None


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
    events_by_passage: dict[int, list[tuple[str, str]]]  # passage idx -> [(slug, title)]


def get_document(session: Session, document_id: int) -> DocumentView | None:
    doc = session.get(models.Document, document_id)
    if doc is None:
        return None
    passages = session.exec(
        select(models.Passage.idx, models.Passage.text)
        .where(models.Passage.document_id == document_id)
        .order_by(models.Passage.idx)
    ).all()
    linked: dict[int, list[tuple[str, str]]] = {}
    rows = session.exec(
        select(models.Passage.idx, models.Event.slug, models.Event.title)
        .join(models.EventSource, models.EventSource.passage_id == models.Passage.id)
        .join(models.Event, models.Event.id == models.EventSource.event_id)
        .where(models.Passage.document_id == document_id)
    )
    for idx, slug, title in rows:
        if (slug, title) not in linked.setdefault(idx, []):
            linked[idx].append((slug, title))
    return DocumentView(doc.id, doc.title, doc.origin, doc.url, doc.source, doc.published,
                        doc.anchor_date, doc.anchor_basis, [tuple(p) for p in passages], linked)


def entity_facets(session: Session, flt: EventFilter, weapons: bool, limit: int = 30) -> list[tuple[EntityRef, int]]:
    """Actors (or weapons) of the events matching `flt`, with their event counts."""
    where = and_(*flt.conditions()) if flt.conditions() else True
    rows = session.exec(
        select(models.Entity, func.count(models.Event.id))
        .join(models.EventEntity, models.EventEntity.entity_id == models.Entity.id)
        .join(models.Event, models.Event.id == models.EventEntity.event_id)
        .where(models.Entity.is_weapon == weapons)
        .where(where)
        .group_by(models.Entity.id)
        .order_by(func.count(models.Event.id).desc(), models.Entity.name)
        .limit(limit)
    ).all()
    return [(EntityRef(e.name, e.slug, e.kind), n) for e, n in rows]
