"""Read queries for the web layer and the exports.

`EventFilter` is the whole state of a timeline view: it parses from and renders to
a query string, so the URL, the query and the page heading cannot disagree.
Each page of the site has one function here that gathers everything it shows.

The queries stay index-friendly for large stores: filters on actors, weapons,
sources and words become `event.id IN (...)` over indexed tables (event_entity,
event_source, the FTS index), lists are paged with LIMIT, and the time axis is
drawn from grouped counts, never from every event.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import String, and_, cast, column, func, literal_column, or_, table, text, tuple_, union
from sqlmodel import Session, select

from . import models

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
        return urlencode(self.params())

    def url(self, path: str = "/") -> str:
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path

    def toggle(self, kind: str, value) -> "EventFilter":
        """The filter with one actor, weapon or source switched on or off (back to page 1)."""
        current = set(getattr(self, kind))
        current ^= {value}
        return replace(self, **{kind: tuple(sorted(current))}, page=1)

    def with_(self, **changes) -> "EventFilter":
        """The filter with some fields changed, back to page 1."""
        return replace(self, **{"page": 1, **changes})

    @property
    def is_empty(self) -> bool:
        return not [p for p in self.params() if p[0] != "page"]


# --- Full-text search -------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
_event_fts = table("event_fts", column("rowid"), column("event_fts"))
_passage_fts = table("passage_fts", column("rowid"), column("passage_fts"))


def fts_query(q: str) -> str:
    """The words of `q` as an FTS5 query: every word must occur, as a word prefix.

    User input never reaches FTS5's own syntax (quotes, NEAR, column filters):
    each word is quoted.

    >>> fts_query('Kursk "offensive" OR')
    '"Kursk"* "offensive"* "OR"*'
    """
    return " ".join(f'"{w}"*' for w in _WORD.findall(q))


def search_condition(session: Session, q: str):
    """The condition "the event's title or one of its passages matches `q`".

    This is the one place that knows how each database searches text: SQLite
    matches the FTS5 indexes of revision 0002, PostgreSQL its own full-text
    search over the GIN indexes of revision 0003; other databases fall back to a
    case-insensitive substring match.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _pg_search_condition(q)
    if session.get_bind().dialect.name == "sqlite":
        match = fts_query(q)
        if not match:
            return None
        titles = select(_event_fts.c.rowid).where(_event_fts.c.event_fts.op("MATCH")(match))
        passages = (
            select(models.EventSource.event_id)
            .join(_passage_fts, _passage_fts.c.rowid == models.EventSource.passage_id)
            .where(_passage_fts.c.passage_fts.op("MATCH")(match))
        )
        return models.Event.id.in_(union(titles, passages))
    pattern = f"%{q}%"
    return or_(
        models.Event.title.ilike(pattern),
        models.Event.id.in_(
            select(models.EventSource.event_id)
            .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
            .where(models.Passage.text.ilike(pattern))
        ),
    )


# PostgreSQL (issue 8): the same expressions as revision 0003's indexes, so the
# planner uses them; the configuration is SQL text, not a parameter, for that reason.
_PG_CONFIG = literal_column("'english'")


def pg_tsquery(q: str) -> str:
    """The words of `q` as a to_tsquery() argument: every word, as a prefix.
    Words are \\w+ only, so user input never reaches tsquery operators.

    >>> pg_tsquery("Kursk & offensive!")
    'Kursk:* & offensive:*'
    """
    return " & ".join(f"{w}:*" for w in _WORD.findall(q))


def _pg_search_condition(q: str):
    words = pg_tsquery(q)
    if not words:
        return None
    query = func.to_tsquery(_PG_CONFIG, words)
    titles = select(models.Event.id).where(func.to_tsvector(_PG_CONFIG, models.Event.title).op("@@")(query))
    passages = (
        select(models.EventSource.event_id)
        .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
        .where(func.to_tsvector(_PG_CONFIG, models.Passage.text).op("@@")(query))
    )
    return models.Event.id.in_(union(titles, passages))


def _pg_snippets(session: Session, q: str, event_ids: list[int]) -> dict[int, str]:
    words = pg_tsquery(q)
    if not words:
        return {}
    query = func.to_tsquery(_PG_CONFIG, words)
    options = f"StartSel={MATCH_OPEN}, StopSel={MATCH_CLOSE}, MaxWords=24, MinWords=12, FragmentDelimiter=…"
    rows = session.execute(
        select(models.EventSource.event_id, func.ts_headline(_PG_CONFIG, models.Passage.text, query, options))
        .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
        .where(models.EventSource.event_id.in_(event_ids),
               func.to_tsvector(_PG_CONFIG, models.Passage.text).op("@@")(query))
    )
    snippets: dict[int, str] = {}
    for event_id, snippet in rows:
        snippets.setdefault(event_id, snippet)
    return snippets


# Markers FTS5 puts around matched words; display.mark_snippet turns them into <mark>
# after escaping, so passage text is never trusted as HTML.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"


def search_snippets(session: Session, q: str, event_ids: list[int]) -> dict[int, str]:
    """For each of `event_ids` that matches `q` in a passage, a short excerpt with
    the matched words between MATCH_OPEN and MATCH_CLOSE."""
    if event_ids and q and session.get_bind().dialect.name == "postgresql":
        return _pg_snippets(session, q, event_ids)
    if not event_ids or not q or session.get_bind().dialect.name != "sqlite":
        return {}
    match = fts_query(q)
    if not match:
        return {}
    ids = ",".join(str(int(i)) for i in event_ids)
    rows = session.execute(
        text(
            "SELECT event_source.event_id, "
            "snippet(passage_fts, 0, :open, :close, '…', 24) "
            "FROM passage_fts JOIN event_source ON event_source.passage_id = passage_fts.rowid "
            f"WHERE passage_fts MATCH :match AND event_source.event_id IN ({ids})"
        ),
        {"open": MATCH_OPEN, "close": MATCH_CLOSE, "match": match},
    )
    snippets: dict[int, str] = {}
    for event_id, snippet in rows:
        snippets.setdefault(event_id, snippet)
    return snippets


# --- Conditions -------------------------------------------------------------


def _entity_events(slug: str):
    return (
        select(models.EventEntity.event_id)
        .join(models.Entity, models.Entity.id == models.EventEntity.entity_id)
        .where(models.Entity.slug == slug)
    )


def conditions(session: Session, flt: EventFilter, skip: frozenset[str] = frozenset()) -> list:
    """SQL conditions on `event` for `flt`; `skip` names fields to leave out
    (a facet counts its own options without its own filter)."""
    conds = []
    for slug in (*flt.actors, *flt.weapons):
        conds.append(models.Event.id.in_(_entity_events(slug)))
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


def _where(session: Session, flt: EventFilter, skip: frozenset[str] = frozenset()):
    conds = conditions(session, flt, skip)
    return and_(*conds) if conds else None


def _filtered(query, where):
    return query.where(where) if where is not None else query


# --- Event views ------------------------------------------------------------


@dataclass
class EntityRef:
    name: str
    slug: str
    kind: str

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


def _attach(session: Session, events: list[models.Event], with_sources: bool) -> list[EventView]:
    ids = [e.id for e in events]
    views = {
        e.id: EventView(e.slug, e.title, e.date_start, e.date_end, e.precision, e.basis,
                        e.reported, e.disputed, e.corroboration, id=e.id)
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
            .order_by(models.EventSource.document_id, models.Passage.idx, models.EventSource.id)
        )
        for source, passage, title in rows:
            views[source.event_id].sources.append(
                SourceView(source.document_id, title, passage.idx, passage.text,
                           source.sentence_start, source.sentence_end,
                           source.timex_start, source.timex_end, source.timex_text, source.claim,
                           [tuple(m) for m in json.loads(source.mentions)],
                           source.date_start, source.date_end, source.precision, source.basis)
            )
    return [views[i] for i in ids]


_CHRONOLOGICAL = (models.Event.date_start, models.Event.date_end, models.Event.id)


def list_events(session: Session, flt: EventFilter, page_size: int = PAGE_SIZE,
                with_sources: bool = False) -> tuple[int, list[EventView]]:
    """The events matching `flt`, chronological, one page of them, and their total."""
    where = _where(session, flt)
    total = session.exec(_filtered(select(func.count()).select_from(models.Event), where)).one()
    events = session.exec(
        _filtered(select(models.Event), where)
        .order_by(*_CHRONOLOGICAL)
        .offset((flt.page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, _attach(session, list(events), with_sources)


def iter_events(session: Session, flt: EventFilter, batch: int = 500) -> Iterator[EventView]:
    """Every event matching `flt` (all pages), chronological, with sources.

    Walks the date index in batches (keyset paging), so an export of a large
    store never holds every event at once.
    """
    where = _where(session, flt)
    after = None
    while True:
        query = _filtered(select(models.Event), where)
        if after is not None:
            query = query.where(tuple_(*_CHRONOLOGICAL) > tuple_(*after))
        events = session.exec(query.order_by(*_CHRONOLOGICAL).limit(batch)).all()
        if not events:
            return
        yield from _attach(session, list(events), with_sources=True)
        last = events[-1]
        after = (last.date_start, last.date_end, last.id)


def get_event(session: Session, slug: str) -> EventView | str | None:
    """The event at `slug`; the new slug (a str) where it moved; None if unknown."""
    event = session.exec(select(models.Event).where(models.Event.slug == slug)).first()
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
    restrict = _in_filtered(models.EventEntity.event_id, _where(session, flt))
    n = func.count(models.EventEntity.event_id)
    query = (
        select(models.Entity, n)
        .join(models.EventEntity, models.EventEntity.entity_id == models.Entity.id)
        .where(models.Entity.is_weapon == weapons)
    )
    rows = session.exec(
        _filtered(query, restrict).group_by(models.Entity.id).order_by(n.desc(), models.Entity.name).limit(limit)
    ).all()
    return [(EntityRef(e.name, e.slug, e.kind), count) for e, count in rows]


def source_facets(session: Session, flt: EventFilter, limit: int = 30) -> list[tuple[int, str, int]]:
    """Articles that tell the events matching `flt`, with how many of them each tells."""
    restrict = _in_filtered(models.EventSource.event_id, _where(session, flt))
    n = func.count(func.distinct(models.EventSource.event_id))
    query = (
        select(models.Document.id, models.Document.title, n)
        .join(models.EventSource, models.EventSource.document_id == models.Document.id)
        .where(models.EventSource.event_id.is_not(None))
    )
    rows = session.exec(
        _filtered(query, restrict).group_by(models.Document.id).order_by(n.desc(), models.Document.title).limit(limit)
    ).all()
    return [(i, title, count) for i, title, count in rows]


def facets(session: Session, flt: EventFilter) -> Facets:
    """Every facet of the timeline page, counted over the events matching `flt`.

    The kind and disputed counts leave their own filter out, so both options stay
    visible with the number each would give.
    """
    kinds = dict(session.exec(
        _filtered(select(models.Event.reported, func.count()), _where(session, flt, frozenset({"reported"})))
        .group_by(models.Event.reported)
    ).all())
    disputed = session.exec(
        _filtered(select(func.count()).select_from(models.Event), _where(session, flt, frozenset({"disputed"})))
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


# --- The time axis ----------------------------------------------------------

LEVELS = ("decade", "year", "month", "day")


@dataclass
class Bucket:
    """One period of the axis: its first and last day and how many events start in it."""

    start: date
    end: date
    count: int
    level: str


@dataclass
class Gap:
    """A run of empty periods, drawn narrow."""

    start: date
    end: date
    periods: int


@dataclass
class Axis:
    level: str  # the size of one bucket
    start: date
    end: date
    items: list[Bucket | Gap]
    max_count: int
    zoom_out: list[tuple[str, date | None, date | None]]  # (label, from, to) of enclosing periods
    coarse: int = 0  # events in the range known only to a period longer than a bucket


# The precisions an axis of each bucket size can place in one bucket. An event known
# only as "2024" drawn in January's bar would claim a month the text never gave.
_PLACEABLE = {
    "decade": None,  # every precision
    "year": ("day", "month", "part", "season", "quarter", "year"),
    "month": ("day", "month"),
    "day": ("day",),
}


def _period(day: date, level: str) -> tuple[date, date]:
    """The period of `level` that contains `day`: its first and last day."""
    if level == "decade":
        first = day.year - day.year % 10
        return date(first, 1, 1), date(first + 9, 12, 31)
    if level == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if level == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date(day.year, day.month, 1), following - timedelta(days=1)
    return day, day


def axis_level(start: date, end: date) -> str:
    """The bucket size that shows a range in a dozen or two bars.

    >>> axis_level(date(2024, 1, 1), date(2024, 12, 31))
    'month'
    >>> axis_level(date(2024, 11, 1), date(2024, 11, 30))
    'day'
    """
    days = (end - start).days + 1
    if days <= 62:
        return "day"
    if days <= 3 * 366:
        return "month"
    if days <= 25 * 366:
        return "year"
    return "decade"


_KEY_LENGTH = {"decade": 3, "year": 4, "month": 7, "day": 10}


def _bucket_key(day: date, level: str) -> str:
    return day.isoformat()[:_KEY_LENGTH[level]]


def time_axis(session: Session, flt: EventFilter) -> Axis | None:
    """Event counts per period over the filter's date range (or the whole years the
    events span), at a bucket size fitted to the range. None when nothing matches.

    Only events dated at least as finely as a bucket are drawn; `coarse` counts the
    others, which the list still shows."""
    where = _where(session, flt)
    low, high = session.exec(
        _filtered(select(func.min(models.Event.date_start), func.max(models.Event.date_start)), where)
    ).one()
    if low is None:
        return None
    # Without a range of its own the axis spans whole years, so an event known only
    # to its month or year still has a bar to sit in.
    start = flt.date_from or date(low.year, 1, 1)
    end = flt.date_to or max(date(high.year, 12, 31), start)
    level = axis_level(start, end)
    # Dates are stored as ISO text in SQLite and cast to it elsewhere, so a prefix
    # of the text is the period: "2024-11" is the month, "202" the decade.
    key = func.substr(cast(models.Event.date_start, String), 1, _KEY_LENGTH[level])
    placeable = models.Event.precision.in_(_PLACEABLE[level]) if _PLACEABLE[level] else True
    counts: dict[str, int] = {}
    coarse = 0
    for bucket_key, fits, n in session.exec(
        _filtered(select(key, placeable, func.count()), where)
        .where(models.Event.date_start >= start, models.Event.date_start <= end)
        # PostgreSQL refuses a constant in GROUP BY ("non-integer constant").
        .group_by(*((key, placeable) if _PLACEABLE[level] else (key,)))
    ).all():
        if fits:
            counts[bucket_key] = n
        else:
            coarse += n
    items: list[Bucket | Gap] = []
    day = _period(start, level)[0]
    while day <= end:
        first, last = _period(day, level)
        n = counts.get(_bucket_key(first, level), 0)
        if n == 0 and items and isinstance(items[-1], Gap):
            items[-1].end, items[-1].periods = last, items[-1].periods + 1
        elif n == 0:
            items.append(Gap(first, last, 1))
        else:
            items.append(Bucket(first, last, n, level))
        day = last + timedelta(days=1)
    zoom_out = [("All time", None, None)]
    for outer in LEVELS[: LEVELS.index(level)]:
        first, last = _period(start, outer)
        if first <= start and end <= last and (first, last) != (start, end):
            zoom_out.append((outer, first, last))
    return Axis(level, start, end, items, max((b.count for b in items if isinstance(b, Bucket)), default=0), zoom_out,
                coarse)


# --- Pages ------------------------------------------------------------------


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
    previous = None
    if flt.page > 1:
        _, before = list_events(session, replace(flt, page=(flt.page - 1) * page_size), page_size=1)
        previous = before[0] if before else None
    names = filter_names(session, flt)
    return TimelineView(
        flt=flt,
        total=total,
        events=events,
        previous=previous,
        facets=None if more_only else facets(session, flt),
        axis=None if more_only else time_axis(session, flt),
        snippets=search_snippets(session, flt.q, [e.id for e in events]) if flt.q else {},
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
            if _period(start, level) == (start, end):
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


def event_page(session: Session, slug: str, per_actor: int = 3) -> EventPage | str | None:
    """The event at `slug` with its neighbours in time and the next events of each
    of its actors; the new slug (a str) where it moved; None if unknown."""
    found = get_event(session, slug)
    if not isinstance(found, EventView):
        return found
    here = tuple_(*_CHRONOLOGICAL)
    key = tuple_(found.date_start, found.date_end, found.id)
    before = session.exec(
        select(models.Event).where(here < key)
        .order_by(*(c.desc() for c in _CHRONOLOGICAL)).limit(1)
    ).all()
    after = session.exec(select(models.Event).where(here > key).order_by(*_CHRONOLOGICAL).limit(1)).all()
    same_actor = []
    for actor in found.actors[:4]:
        rows = session.exec(
            select(models.Event)
            .where(models.Event.id.in_(_entity_events(actor.slug)), here > key)
            .order_by(*_CHRONOLOGICAL).limit(per_actor)
        ).all()
        if rows:
            same_actor.append((actor, _refs(rows)))
    return EventPage(found, (_refs(before) or [None])[0], (_refs(after) or [None])[0], same_actor)


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
