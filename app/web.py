"""The HTTP layer: each route parses its query, calls one query function, renders one template.

A page and the fragment htmx swaps into it come from the same template blocks
(jinja2-fragments), so the two cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2_fragments.fastapi import Jinja2Blocks
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session

from . import queries
from .db import PROJECT_ROOT
from .display import format_event_date, highlight_passage
from .queries import EventFilter, EventView, FilterError

templates = Jinja2Blocks(directory=str(PROJECT_ROOT / "templates"))
templates.env.filters["event_date"] = format_event_date
templates.env.globals["highlight_passage"] = highlight_passage


class EntityOut(BaseModel):
    name: str = Field(description="Canonical name")
    slug: str = Field(description="Identifier used in filters and URLs")


class SourceOut(BaseModel):
    document_id: int = Field(description="Id of the article, see /documents/{id}")
    document_title: str = Field(description="Title of the article")
    passage: str = Field(description="The passage that tells the event")
    url: str = Field(description="Link to the passage inside its article")


class EventOut(BaseModel):
    slug: str = Field(description="Stable permalink identifier")
    url: str = Field(description="Permalink page of the event")
    date: date = Field(description="First day the event's date covers")
    date_end: date = Field(description="Last day the event's date covers")
    precision: str = Field(description="day, month, part, season, quarter, year or decade")
    basis: str = Field(description="How the date was obtained: stated, year inferred, relative to anchor, reported")
    title: str = Field(description="Who did what, in the source's words")
    actors: list[EntityOut]
    weapons: list[EntityOut]
    sources: list[SourceOut]


class EventList(BaseModel):
    total: int = Field(description="Number of events matching the filters (all pages)")
    events: list[EventOut]


def event_out(view: EventView) -> EventOut:
    return EventOut(
        slug=view.slug,
        url=f"/events/{view.slug}",
        date=view.date_start,
        date_end=view.date_end,
        precision=view.precision,
        basis=view.basis,
        title=view.title,
        actors=[EntityOut(name=a.name, slug=a.slug) for a in view.actors],
        weapons=[EntityOut(name=w.name, slug=w.slug) for w in view.weapons],
        sources=[
            SourceOut(document_id=s.document_id, document_title=s.document_title, passage=s.passage,
                      url=f"/documents/{s.document_id}#p-{s.passage_index}")
            for s in view.sources
        ],
    )


def create_app(engine: Engine) -> FastAPI:
    """The application over the database behind `engine` (already migrated)."""
    app = FastAPI(title="News timeline", description="Dated events from news articles, traced to their passages.")
    app.mount("/static", StaticFiles(directory=str(PROJECT_ROOT / "static")), name="static")

    def session() -> Iterator[Session]:
        with Session(engine) as s:
            yield s

    SessionDep = Annotated[Session, Depends(session)]

    def event_filter(
        actor: Annotated[list[str] | None, Query(description="Actor slug; repeat to require several")] = None,
        weapon: Annotated[list[str] | None, Query(description="Weapon system slug; repeat to require several")] = None,
        q: Annotated[str | None, Query(description="Words searched in titles and passages", max_length=200)] = None,
        date_from: Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="Last day, YYYY-MM-DD")] = None,
        page: Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")] = 1,
    ) -> EventFilter:
        try:
            return EventFilter.from_params(actor, weapon, q, date_from, date_to, page)
        except FilterError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None

    FilterDep = Annotated[EventFilter, Depends(event_filter)]

    @app.get("/", include_in_schema=False)
    def timeline_page(request: Request, s: SessionDep, flt: FilterDep):
        total, events = queries.list_events(s, flt)
        context = {
            "flt": flt,
            "total": total,
            "events": events,
            "page_size": queries.PAGE_SIZE,
            "actor_facets": queries.entity_facets(s, flt, weapons=False),
            "weapon_facets": queries.entity_facets(s, flt, weapons=True),
        }
        block = "results" if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request") else None
        return templates.TemplateResponse(request, "timeline.html", context, block_name=block)

    @app.get("/events/{slug}", include_in_schema=False)
    def event_page(request: Request, slug: str, s: SessionDep):
        found = queries.get_event(s, slug)
        if isinstance(found, str):
            return RedirectResponse(f"/events/{found}", status_code=301)
        if found is None:
            raise HTTPException(status_code=404, detail=f"No event at {slug!r}")
        return templates.TemplateResponse(request, "event.html", {"event": found})

    @app.get("/documents/{document_id}", include_in_schema=False)
    def document_page(request: Request, document_id: int, s: SessionDep):
        document = queries.get_document(s, document_id)
        if document is None:
            raise HTTPException(status_code=404, detail=f"No document {document_id}")
        return templates.TemplateResponse(request, "document.html", {"document": document})

    @app.get("/api/events", response_model=EventList, summary="Events matching the filters, chronological")
    def api_events(s: SessionDep, flt: FilterDep) -> EventList:
        total, events = queries.list_events(s, flt, with_sources=True)
        return EventList(total=total, events=[event_out(e) for e in events])

    @app.get("/api/events/{slug}", response_model=EventOut, summary="One event",
             responses={404: {"description": "No such event"}, 301: {"description": "The event moved"}})
    def api_event(slug: str, s: SessionDep):
        found = queries.get_event(s, slug)
        if isinstance(found, str):
            return RedirectResponse(f"/api/events/{found}", status_code=301)
        if found is None:
            return JSONResponse({"detail": f"No event at {slug!r}"}, status_code=404)
        return event_out(found)

    return app
