"""The HTTP layer: each route parses its query, calls one query function, renders one template.

A page and the fragments htmx swaps into it come from the same template blocks
(jinja2-fragments), so the two cannot drift apart. htmx names the element it will
swap in the HX-Target header; `_block` maps it to the block to render.
"""

import gc
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
import anyio.to_thread
from anyio import CapacityLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import display, pages, queries
from .aggregate_cache import cached_aggregate, rendering
from .db import PROJECT_ROOT, database_url, make_engine
from .export import FORMATS, export_view
from .queries import EventFilter, FilterError
from .search import MATCH_CLOSE, MATCH_OPEN
from .security import secure
from .view_cache import SharedVersionRead, StoreVersionReader, ViewCache
from .schema import LISTED_SOURCES, EntitySummaryOut, EventList, EventOut, entity_summary_out, event_out

T = TypeVar("T")

READ_THREADS = 4  # one renders at a time (the slot in create_app); the others compute aggregates

templates = Jinja2Blocks(directory=str(PROJECT_ROOT / "templates"))
# Templates are read once: checking every file's date on each render cost a
# permalink three stat() calls. A changed template needs a restart.
templates.env.auto_reload = False
templates.env.filters["event_date"] = display.format_event_date
templates.env.filters["basis_note"] = display.basis_note
templates.env.globals["highlight_passage"] = display.highlight_passage
templates.env.globals["quote_passage"] = display.quote_passage
templates.env.globals["view_link"] = display.view_link
templates.env.globals["entity_chips"] = display.entity_chips
templates.env.globals["group_events"] = display.group_events
templates.env.globals["bucket_label"] = display.bucket_label
templates.env.globals["period_name"] = display.period_name
templates.env.globals["describe"] = pages.describe
templates.env.globals["describe_range"] = pages.describe_range
templates.env.globals["export_formats"] = FORMATS
templates.env.filters["snippet"] = lambda s: display.mark_snippet(s, MATCH_OPEN, MATCH_CLOSE)


def _block(request: Request, blocks: dict[str, str]) -> str | None:
    """The template block htmx asked for (by its target's id); None for a whole page.

    A history restore asks for the whole page, whatever the target.
    """
    if not request.headers.get("HX-Request") or request.headers.get("HX-History-Restore-Request"):
        return None
    return blocks.get(request.headers.get("HX-Target", ""))


def _frame(session: Session, view: pages.TimelineView) -> dict[str, Markup]:
    """The axis and the facets of a timeline view, rendered.

    They were two thirds of a search page's rendering (2.1 of 3.4 ms at 100,000
    events) and, like the counts they draw, depend only on the filter without its
    page and on the store version: rendered once per view and version.
    """
    whole = replace(view.flt, page=1)

    def render(name: str) -> Markup:
        return Markup(templates.get_template(f"_{name}.html").render(view=view, flt=view.flt))
    # A weight of one per 8 bytes, as the cache counts a search's ids.
    return {name: cached_aggregate(session, f"{name}-html", whole, lambda: render(name), weight=lambda h: len(h) // 8)
            for name in ("axis", "facets")}


def _reader_pragmas(dbapi_connection, _record) -> None:
    # The server only reads. Mapping the file lets a query read its pages in place
    # instead of copying each through a read() call into a 2 MB page cache that a
    # large store overflows on every request (at 1,000,000 events a third of a
    # search's time was the kernel copying pages).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA mmap_size=4294967296")  # SQLite caps it at its build's limit
    cursor.close()


def create_app(engine: Engine) -> FastAPI:
    """The application over the database behind `engine` (already migrated)."""
    app = FastAPI(
        title="News timeline",
        description="Dated events from news articles, each traced to the passages that tell it. "
                    "Filters combine with AND; every list is chronological and paged.",
    )
    app.mount("/static", StaticFiles(directory=str(PROJECT_ROOT / "static")), name="static")
    secure(app)  # security headers (CSP without inline script) and 400 for bad parameters
    version = StoreVersionReader(engine)  # on SQLite a local read of ~10 us, cheaper than a thread hop
    app.add_middleware(ViewCache, version=version if engine.dialect.name == "sqlite" else SharedVersionRead(version))
    # (outermost: it keeps the headers of the middleware above too)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _reader_pragmas)

    # A few threads, not anyio's 40: rendering holds the GIL and every SQLite call
    # lets it go, so 40 threads handed it round at each call and the server idled
    # under 64 connections (62 requests/s for a search page against 95 with one).
    limiter = CapacityLimiter(READ_THREADS)
    # And of those threads one renders at a time: with four rendering at once a
    # search page at 100,000 events under 64 connections served 165-176 requests/s,
    # with one 210-249. A thread computing an aggregate (SQLite's work) lets it go.
    render_slot = threading.Semaphore(1)

    def read(work: Callable[[Session], T]) -> Awaitable[T]:
        """Run `work` with a session, in one trip to the thread pool.

        Routes are async and do their database work and rendering here in one
        call: a sync route with sync dependencies (the session, the filter) costs
        FastAPI a thread-pool trip for each, and under many connections those
        trips, not the queries, were what queued.
        """
        def run() -> T:
            with rendering(render_slot), Session(engine) as s:
                return work(s)
        return anyio.to_thread.run_sync(run, limiter=limiter)

    @app.exception_handler(StarletteHTTPException)
    async def error_page(request: Request, exc: StarletteHTTPException):
        # A person who follows a dead link gets a page with a way back; programs
        # (the API, the exports, anything not asking for HTML) keep the JSON error.
        wants_html = "text/html" in request.headers.get("accept", "")
        if not wants_html or request.url.path.startswith(("/api/", "/export/", "/static/")):
            return await http_exception_handler(request, exc)
        return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                                          status_code=exc.status_code, headers=getattr(exc, "headers", None))

    async def event_filter(
        actor: Annotated[list[str] | None, Query(description="Actor slug; repeat to require several")] = None,
        weapon: Annotated[list[str] | None, Query(description="Weapon system slug; repeat to require several")] = None,
        source: Annotated[list[str] | None, Query(description="Id of a document that must tell the event; repeatable")] = None,
        q: Annotated[str | None, Query(description="Words searched in titles and passages (each word as a prefix)",
                                       max_length=200)] = None,
        date_from: Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="Last day, YYYY-MM-DD")] = None,
        disputed: Annotated[str | None, Query(description="`true`: only events the sources disagree on; "
                                                          "`false`: only undisputed ones")] = None,
        reported: Annotated[str | None, Query(description="`true`: only reported statements (no date of their own); "
                                                          "`false`: only dated events")] = None,
        page: Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")] = 1,
    ) -> EventFilter:
        # async: parsing touches no database, so it runs on the event loop, not in a thread.
        try:
            return EventFilter.from_params(actor, weapon, q, date_from, date_to, page, source, disputed, reported)
        except FilterError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None

    FilterDep = Annotated[EventFilter, Depends(event_filter)]

    @app.get("/", include_in_schema=False)
    async def timeline_page(request: Request, flt: FilterDep):
        block = _block(request, {"view": "view", "pager": "events"})
        # The canonical URL (no empty fields) is the one htmx pushes to history.
        headers = {"HX-Push-Url": flt.url()} if block == "view" else None

        def render(s: Session):
            view = pages.timeline(s, flt, more_only=block == "events")
            context = {"view": view, "flt": flt, "appended": block == "events",
                       "frame": {} if block == "events" else _frame(s, view)}
            return templates.TemplateResponse(request, "timeline.html", context, block_name=block, headers=headers)
        return await read(render)

    @app.get("/events/{slug}", include_in_schema=False)
    async def event_page(request: Request, slug: str):
        def render(s: Session):
            found = pages.event_page(s, slug)
            if isinstance(found, str):
                return RedirectResponse(f"/events/{found}", status_code=301)
            if found is None:
                raise HTTPException(status_code=404, detail=f"No event at {slug!r}")
            return templates.TemplateResponse(request, "event.html", {"page": found, "event": found.event})
        return await read(render)

    @app.get("/documents/{document_id}", include_in_schema=False)
    async def document_page(request: Request, document_id: Annotated[int, Path(ge=1, le=2**63 - 1)]):  # SQLite's range
        def render(s: Session):
            document = queries.get_document(s, document_id)
            if document is None:
                raise HTTPException(status_code=404, detail=f"No document {document_id}")
            return templates.TemplateResponse(request, "document.html", {"document": document})
        return await read(render)

    def entity_route(weapons: bool):
        async def entity_page(request: Request, slug: str, page: Annotated[int, Query(ge=1, le=100_000)] = 1):
            def render(s: Session):
                found = pages.entity_page(s, slug, weapons, page)
                if found is None:
                    raise HTTPException(status_code=404,
                                        detail=f"No {'weapon system' if weapons else 'actor'} {slug!r}")
                return templates.TemplateResponse(request, "entity.html", {"page": found, "flt": found.flt})
            return await read(render)
        return entity_page

    def entities_route(weapons: bool):
        async def entities_page(request: Request):
            def render(s: Session):
                entities = queries.list_entities(s, weapons)
                return templates.TemplateResponse(request, "entities.html",
                                                  {"entities": entities, "weapons": weapons})
            return await read(render)
        return entities_page

    app.get("/actors", include_in_schema=False)(entities_route(weapons=False))
    app.get("/weapons", include_in_schema=False)(entities_route(weapons=True))
    app.get("/actors/{slug}", include_in_schema=False)(entity_route(weapons=False))
    app.get("/weapons/{slug}", include_in_schema=False)(entity_route(weapons=True))

    @app.get("/export/{fmt}", summary="The events matching the filters, all pages, as a file",
             response_class=StreamingResponse,
             responses={200: {"description": "TimelineJS JSON, CSV, iCalendar or JSON",
                              "content": {"application/json": {}, "text/csv": {}, "text/calendar": {}}}})
    def export(request: Request, flt: FilterDep,
               fmt: Annotated[str, Path(description="timelinejs, csv, ics or json", pattern="^(timelinejs|csv|ics|json)$")]):
        media_type, filename = FORMATS[fmt]
        base_url = str(request.base_url).rstrip("/")

        def chunks() -> Iterator[str]:
            # The stream outlives the request's dependencies, so it opens its own session.
            with Session(engine) as s:
                yield from export_view(s, flt, fmt, base_url)

        return StreamingResponse(chunks(), media_type=media_type,
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @app.get("/api/events", response_model=EventList, summary="Events matching the filters, chronological, paged")
    async def api_events(flt: FilterDep) -> EventList:
        def listing(s: Session) -> EventList:
            total, events = queries.list_events(s, flt, with_sources=True, source_limit=LISTED_SOURCES)
            return EventList(total=total, page=flt.page, page_size=queries.PAGE_SIZE,
                             events=[event_out(e) for e in events])
        return await read(listing)

    @app.get("/api/events/{slug}", response_model=EventOut, summary="One event",
             responses={404: {"description": "No such event"}, 301: {"description": "The event moved to a new slug"}})
    async def api_event(slug: str):
        def one(s: Session):
            found = queries.get_event(s, slug)
            if isinstance(found, str):
                return RedirectResponse(f"/api/events/{found}", status_code=301)
            if found is None:
                return JSONResponse({"detail": f"No event at {slug!r}"}, status_code=404)
            return event_out(found)
        return await read(one)

    @app.get("/api/actors", response_model=list[EntitySummaryOut],
             summary="Every actor with its kind, aliases and event count, most events first")
    async def api_actors() -> list[EntitySummaryOut]:
        return await read(lambda s: [entity_summary_out(e) for e in queries.list_entities(s, weapons=False)])

    @app.get("/api/weapons", response_model=list[EntitySummaryOut],
             summary="Every weapon system with its aliases and event count, most events first")
    async def api_weapons() -> list[EntitySummaryOut]:
        return await read(lambda s: [entity_summary_out(e) for e in queries.list_entities(s, weapons=True)])

    return app


def app_from_environment() -> FastAPI:
    """The application over the database named by $TIMELINE_DB, already migrated:
    what each process of `timeline serve --workers N` runs."""
    app = create_app(make_engine(database_url()))
    settle()
    return app


def settle() -> None:
    """Before serving: compile every template, then put every object alive so far
    (modules, the schema, compiled templates: about 120,000) out of the garbage
    collector's reach. A full collection walked them all, 65 ms, every few
    hundred requests; that pause was the 99th percentile of every page. For a
    server process only: frozen objects are never freed, so a process that makes
    many applications (the tests) would keep their garbage."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    gc.collect()
    gc.freeze()
