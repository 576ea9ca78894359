"""What each page of the site shows, gathered in one call per page, so a route
only parses its query, calls one function here, and renders one template."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from sqlalchemy import bindparam, exists, literal, tuple_, union_all
from sqlmodel import Session, select

from . import models
from .aggregate_cache import cached_aggregate
from .axis import Axis, period_of, time_axis
from .queries import (
    CHRONOLOGICAL, PAGE_SIZE, EntityRef, EntitySummary, EventFilter, EventView, Facets, core, facets,
    get_event, list_events,
)
from .search import search_snippets


@dataclass
class TimelineView:
    flt: EventFilter
    total: int
    events: list[EventView]
    previous: EventView | None  # the last event of the page before, for continuous headings
    facets: Facets | None
    axis: Axis | None
    snippets: dict[int, str]
    names: dict[str, str]  # slug or document id -> name, for the heading
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def timeline(session: Session, flt: EventFilter, page_size: int = PAGE_SIZE, more_only: bool = False) -> TimelineView:
    """Everything the timeline page shows for `flt`; `more_only` skips the facets
    and axis (the "load more" fragment only needs the next events)."""
    total, events = list_events(session, flt, page_size)
    whole = replace(flt, page=1)  # what the aggregates depend on
    previous = None
    if flt.page > 1:
        _, before = list_events(session, replace(flt, page=(flt.page - 1) * page_size), page_size=1)
        previous = before[0] if before else None
    names = filter_names(session, flt)
    snippets = {}
    if flt.q:
        # An excerpt costs a read and a tokenization of its passage; like the search
        # order, a page's excerpts only change when the store does.
        snippets = cached_aggregate(session, "snippets", (flt, page_size),
                                    lambda: search_snippets(session, flt.q, [e.id for e in events]), weight=len)
    return TimelineView(
        flt=flt,
        total=total,
        events=events,
        previous=previous,
        facets=None if more_only else cached_aggregate(session, "facets", whole, lambda: facets(session, flt)),
        axis=None if more_only else cached_aggregate(session, "axis", whole, lambda: time_axis(session, flt)),
        snippets=snippets,
        names=names,
        page_size=page_size,
    )


def filter_names(session: Session, flt: EventFilter) -> dict[str, str]:
    """Names of the actors, weapons (by slug) and documents (by id) the filter names."""
    names: dict[str, str] = {}
    if flt.actors or flt.weapons:
        for slug, name in session.exec(
            select(models.Entity.slug, models.Entity.name).where(models.Entity.slug.in_((*flt.actors, *flt.weapons)))
        ):
            names[slug] = name
    if flt.sources:
        for doc_id, title in session.exec(
            select(models.Document.id, models.Document.title).where(models.Document.id.in_(flt.sources))
        ):
            names[str(doc_id)] = title
    return names


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def describe_range(start: date | None, end: date | None) -> str:
    """A date range in words; a whole period by its name.

    >>> describe_range(date(2025, 1, 1), date(2025, 1, 31))
    'in Jan 2025'
    >>> describe_range(date(2024, 8, 6), date(2024, 11, 17))
    'from 6 Aug 2024 to 17 Nov 2024'
    """
    if start and end:
        for level in ("day", "month", "year", "decade"):
            if period_of(start, level) == (start, end):
                return {"day": f"on {_day(start)}", "month": f"in {start:%b %Y}", "year": f"in {start.year}",
                        "decade": f"in the {start.year}s"}[level]
        return f"from {_day(start)} to {_day(end)}"
    return f"from {_day(start)}" if start else f"until {_day(end)}"


def describe(flt: EventFilter, names: dict[str, str] | None = None) -> str:
    """The filter in words, for the page heading.

    >>> describe(EventFilter(actors=("ukraine",), q="Kursk"), {"ukraine": "Ukraine"})
    'Events involving Ukraine, matching “Kursk”'
    """
    names = names or {}
    parts = []
    if flt.reported is True:
        parts.append("reported")
    elif flt.reported is False:
        parts.append("dated")
    if flt.disputed:
        parts.append("disputed")
    head = " ".join([*parts, "events"]).capitalize() if parts else "Events"
    clauses = []
    if flt.actors:
        clauses.append("involving " + " and ".join(names.get(a, a) for a in flt.actors))
    if flt.weapons:
        clauses.append("with " + " and ".join(names.get(w, w) for w in flt.weapons))
    if flt.sources:
        clauses.append("told by " + " and ".join(f"“{names.get(str(s), s)}”" for s in flt.sources))
    if flt.q:
        clauses.append(f"matching “{flt.q}”")
    if flt.date_from or flt.date_to:
        clauses.append(describe_range(flt.date_from, flt.date_to))
    if flt.disputed is False:
        clauses.append("not disputed")
    if not parts and not clauses:
        return "All events"
    return ", ".join([head + (" " + clauses[0] if clauses else ""), *clauses[1:]])


@dataclass
class EventRef:
    slug: str
    title: str
    date_start: date
    date_end: date
    precision: str


@dataclass
class EventPage:
    event: EventView
    previous: EventRef | None
    next: EventRef | None
    same_actor: list[tuple[EntityRef, list[EventRef]]]


def _refs(rows) -> list[EventRef]:
    return [EventRef(e.slug, e.title, e.date_start, e.date_end, e.precision) for e in rows]


# Built once (see queries.EVENT_COLUMNS): a permalink runs them on every request.
_REF_COLUMNS = (models.Event.id, models.Event.slug, models.Event.title, models.Event.date_start,
                models.Event.date_end, models.Event.precision)
_HERE = tuple_(*CHRONOLOGICAL)
_KEY = tuple_(bindparam("date_start"), bindparam("date_end"), bindparam("id"))
# An actor's next events are looked for among the first WINDOW events after this one
# (a walk of the date index that stops at the actor's third); one whose next events
# lie further on is read from its own list (_NEXT_OF_ENTITY).
WINDOW = 500


def _around(place: str, before: bool, offset=0):
    """The event at `offset` (0: the first) from this one, walking the date index
    backwards (`before`) or forwards, labelled `place`."""
    walk = select(*_REF_COLUMNS, literal(place).label("place"))
    if before:
        walk = walk.where(_HERE < _KEY).order_by(*(c.desc() for c in CHRONOLOGICAL))
    else:
        walk = walk.where(_HERE > _KEY).order_by(*CHRONOLOGICAL)
    return select(walk.limit(1).offset(offset).subquery())


# The events just before and just after in one statement; for an event with actors,
# the last event of their window too.
_NEIGHBOURS = union_all(_around("before", True), _around("after", False))
_NEIGHBOURS_AND_WINDOW_END = union_all(_around("before", True), _around("after", False),
                                       _around("window end", False, bindparam("window_end")))
_WINDOW_END = tuple_(bindparam("end_start"), bindparam("end_end"), bindparam("end_id"))


@lru_cache(maxsize=None)
def _next_of_several(actors: int, bounded: bool):
    """The next :per_actor events of each of `actors` entities (:entity_0, :entity_1...)
    after :date_start, :date_end, :id, within the window if `bounded`.

    One walk of the date index per actor, checking each event's (event, entity) key
    as it goes: it stops at the actor's last wanted event, a few dozen steps for an
    actor named in many events, where reading such an actor's list of events whole
    would read a fifth of the store.
    """
    walks = []
    for k in range(actors):
        names = exists().where(models.EventEntity.event_id == models.Event.id,
                               models.EventEntity.entity_id == bindparam(f"entity_{k}"))
        walk = select(literal(k).label("actor"), *_REF_COLUMNS).where(_HERE > _KEY, names)
        if bounded:
            walk = walk.where(_HERE <= _WINDOW_END)
        walks.append(select(walk.order_by(*CHRONOLOGICAL).limit(bindparam("per_actor")).subquery()))
    both = union_all(*walks).subquery()
    return select(both).order_by(both.c.actor, both.c.date_start, both.c.date_end, both.c.id)


# An actor's own events, read whole: a short list for the rarer actors the window misses.
_NEXT_OF_ENTITY = (
    select(*_REF_COLUMNS)
    .where(models.Event.id.in_(select(models.EventEntity.event_id)
                               .where(models.EventEntity.entity_id == bindparam("entity"))), _HERE > _KEY)
    .order_by(*CHRONOLOGICAL).limit(bindparam("per_actor"))
)


def _next_of_actors(session: Session, event: EventView, actors: list[EntityRef], per_actor: int,
                    window_end) -> dict[int, list[EventRef]]:
    """Entity id -> the next `per_actor` events (after `event`) that name it;
    `window_end` is the last event of the window (None: fewer follow)."""
    key = {"date_start": event.date_start, "date_end": event.date_end, "id": event.id}
    params = {**key, "per_actor": per_actor, **{f"entity_{k}": a.id for k, a in enumerate(actors)}}
    if window_end is not None:
        params.update(end_start=window_end.date_start, end_end=window_end.date_end, end_id=window_end.id)
    rows_of: dict[int, list] = {a.id: [] for a in actors}
    for row in core(session).execute(_next_of_several(len(actors), window_end is not None), params):
        rows_of[actors[row.actor].id].append(row)
    found: dict[int, list[EventRef]] = {}
    for entity_id, rows in rows_of.items():
        if len(rows) < per_actor and window_end is not None:
            # Fewer than asked within the window: the actor's later events, if any, lie beyond it.
            own = {**key, "entity": entity_id, "per_actor": per_actor}
            rows = core(session).execute(_NEXT_OF_ENTITY, own).all()
        found[entity_id] = _refs(rows)
    return found


def event_page(session: Session, slug: str, per_actor: int = 3) -> EventPage | str | None:
    """The event at `slug` with its neighbours in time and the next events of each
    of its actors; the new slug (a str) where it moved; None if unknown."""
    found = get_event(session, slug)
    if not isinstance(found, EventView):
        return found
    key = {"date_start": found.date_start, "date_end": found.date_end, "id": found.id}
    actors = found.actors[:4]
    neighbours = _NEIGHBOURS_AND_WINDOW_END if actors else _NEIGHBOURS
    around = {row.place: row for row in core(session).execute(neighbours, {**key, "window_end": WINDOW - 1})}
    following = _next_of_actors(session, found, actors, per_actor, around.get("window end")) if actors else {}
    same_actor = [(actor, following[actor.id]) for actor in actors if following.get(actor.id)]
    previous, next_ = (_refs([around[place]])[0] if place in around else None for place in ("before", "after"))
    return EventPage(found, previous, next_, same_actor)


@dataclass
class EntityPage:
    entity: EntitySummary
    flt: EventFilter
    total: int
    events: list[EventView]
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def entity_page(session: Session, slug: str, weapons: bool, page: int = 1,
                page_size: int = PAGE_SIZE) -> EntityPage | None:
    """An actor or weapon system and one page of its events; None if unknown."""
    entity = session.exec(
        select(models.Entity).where(models.Entity.slug == slug, models.Entity.is_weapon == weapons)
    ).first()
    if entity is None:
        return None
    flt = EventFilter(weapons=(slug,)) if weapons else EventFilter(actors=(slug,))
    total, events = list_events(session, replace(flt, page=page), page_size)
    summary = EntitySummary(entity.name, entity.slug, entity.kind, json.loads(entity.aliases), total)
    return EntityPage(summary, replace(flt, page=page), total, events, page_size)
