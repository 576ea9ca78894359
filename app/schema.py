"""The JSON shape of events, actors and weapon systems, shared by the HTTP API and
the JSON export, with every field described for the OpenAPI schema."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from .queries import EntitySummary, EventView

# Sources given with each event of an /api/events page: an event told by hundreds of
# copies made a page of 50 events 1.4 MB; /api/events/{slug} gives them all.
LISTED_SOURCES = 3


class EntityOut(BaseModel):
    name: str = Field(description="Canonical name")
    slug: str = Field(description="Identifier used in filters (`actor=`, `weapon=`) and URLs")


class SpanOut(BaseModel):
    start: int = Field(description="First character, counted in the passage")
    end: int = Field(description="Character after the last one, counted in the passage")
    text: str = Field(description="The characters of the span")


class SourceOut(BaseModel):
    document_id: int = Field(description="Id of the article, see /documents/{id}")
    document_title: str = Field(description="Title of the article")
    passage: str = Field(description="The paragraph that tells the event")
    quote: str = Field(description="The sentence of the passage that tells the event")
    sentence: SpanOut = Field(description="Where the quoted sentence lies in the passage")
    dating_phrase: SpanOut | None = Field(
        description="Where the phrase that dates the event lies in the passage; null for reported statements")
    date: dt.date = Field(description="First day of the date this source gives")
    date_end: dt.date = Field(description="Last day of the date this source gives")
    precision: str = Field(description="Precision of the date this source gives")
    basis: str = Field(description="How this source's date was obtained")
    url: str = Field(description="Link to the passage inside its article")


class EventOut(BaseModel):
    slug: str = Field(description="Stable permalink identifier; an event that changes keeps answering at its old slug")
    url: str = Field(description="Permalink page of the event")
    date: dt.date = Field(description="First day the event's date covers")
    date_end: dt.date = Field(description="Last day the event's date covers")
    precision: str = Field(description="day, month, part (of a year), season, quarter, year or decade")
    basis: str = Field(description="How the date was obtained: stated, year inferred, relative to anchor, reported")
    title: str = Field(description="Who did what, in the source's words")
    reported: bool = Field(description="True for a statement with no date of its own, placed at its article's date")
    disputed: bool = Field(description="True where the sources disagree (different dates or contradicting claims)")
    corroboration: int = Field(description="Number of independent articles that tell the event")
    actors: list[EntityOut] = Field(description="People, states, organisations and armed forces involved")
    weapons: list[EntityOut] = Field(description="Weapon systems involved")
    source_count: int = Field(description="Number of passages that tell the event")
    sources: list[SourceOut] = Field(
        description="The passages that tell the event, with their claims: every one in /api/events/{slug} and "
                    f"the exports, the first {LISTED_SOURCES} (by article, then passage) in /api/events")


class EventList(BaseModel):
    total: int = Field(description="Number of events matching the filters (all pages)")
    page: int = Field(description="This page's number, from 1")
    page_size: int = Field(description="Events per page")
    events: list[EventOut] = Field(description="This page of the matching events, chronological")


class EntitySummaryOut(BaseModel):
    name: str = Field(description="Canonical name")
    slug: str = Field(description="Identifier used in filters and URLs")
    kind: str = Field(description="person, state, organisation, armed-force or weapon")
    aliases: list[str] = Field(description="Other names the texts use for it")
    events: int = Field(description="Number of events it takes part in")
    url: str = Field(description="Its page, listing its events")


def _span(text: str, start: int | None, end: int | None) -> SpanOut | None:
    if start is None or end is None:
        return None
    return SpanOut(start=start, end=end, text=text[start:end])


def event_out(view: EventView) -> EventOut:
    """The API form of an event.

    >>> import datetime as dt
    >>> event_out(EventView("s", "T", dt.date(2024, 8, 6), dt.date(2024, 8, 6), "day", "stated",
    ...                     False, False, 1)).url
    '/events/s'
    """
    return EventOut(
        slug=view.slug,
        url=f"/events/{view.slug}",
        date=view.date_start,
        date_end=view.date_end,
        precision=view.precision,
        basis=view.basis,
        title=view.title,
        reported=view.reported,
        disputed=view.disputed,
        corroboration=view.corroboration,
        actors=[EntityOut(name=a.name, slug=a.slug) for a in view.actors],
        weapons=[EntityOut(name=w.name, slug=w.slug) for w in view.weapons],
        source_count=len(view.sources) if view.source_count is None else view.source_count,
        sources=[
            SourceOut(
                document_id=s.document_id,
                document_title=s.document_title,
                passage=s.passage,
                quote=s.quote,
                sentence=_span(s.passage, s.sentence_start, s.sentence_end),
                dating_phrase=_span(s.passage, s.timex_start, s.timex_end),
                date=s.date_start or view.date_start,
                date_end=s.date_end or view.date_end,
                precision=s.precision or view.precision,
                basis=s.basis or view.basis,
                url=f"/documents/{s.document_id}#p-{s.passage_index}",
            )
            for s in view.sources
        ],
    )


def entity_summary_out(summary: EntitySummary) -> EntitySummaryOut:
    kind_path = "weapons" if summary.kind == "weapon" else "actors"
    return EntitySummaryOut(name=summary.name, slug=summary.slug, kind=summary.kind, aliases=summary.aliases,
                            events=summary.events, url=f"/{kind_path}/{summary.slug}")
