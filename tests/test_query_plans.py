"""Every query the server runs is served by an index: no full scan of event, event_source or passage.

The statements are captured as the server runs them (a before_cursor_execute hook on
the engine) while every page, fragment and API route is requested over a stored
story; each is then explained with EXPLAIN QUERY PLAN with its own parameters.
SQLite reports a full table scan as `SCAN <table>` with no `USING ... INDEX`;
searching an index (`SEARCH`) or walking one (`SCAN t USING INDEX`) is fine.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app import models
from app.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import store_story  # noqa: E402

pytestmark = pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN is SQLite's

LARGE_TABLES = ("event", "event_source", "passage")
_FULL_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?$")

# Every route with the parameters that reach each query: filters alone and together,
# the htmx fragments, search, paging.
HX = {"HX-Request": "true"}


def _requests(slug: str, actor: str, weapon: str, document_id: int) -> list[tuple[str, dict]]:
    return [
        ("/", {}),
        ("/?page=2", {}),
        (f"/?actor={actor}&weapon={weapon}&from=2021-01-01&to=2021-12-31", {**HX, "HX-Target": "view"}),
        (f"/?actor={actor}&page=2", {**HX, "HX-Target": "events"}),
        ("/?q=harbour", {}),
        ("/?q=harbour&disputed=true&reported=false", {**HX, "HX-Target": "view"}),
        (f"/?source={document_id}", {}),
        (f"/events/{slug}", {}),
        (f"/documents/{document_id}", {}),
        (f"/actors/{actor}", {}),
        (f"/weapons/{weapon}", {}),
        ("/api/events", {}),
        (f"/api/events?actor={actor}&weapon={weapon}&from=2021-01-01&to=2021-12-31&q=harbour", {}),
        (f"/api/events/{slug}", {}),
        ("/api/actors", {}),
        ("/api/weapons", {}),
        ("/export/json", {}),
        (f"/export/csv?actor={actor}", {}),
    ]


def served_statements(engine) -> list[tuple[str, object]]:
    """(SQL, parameters) of every SELECT the server ran for the requests above."""
    with Session(engine) as session:
        slug = session.exec(select(models.Event.slug).order_by(models.Event.id)).first()
        actor = session.exec(select(models.Entity.slug).where(models.Entity.is_weapon == False)).first()  # noqa: E712
        weapon = session.exec(select(models.Entity.slug).where(models.Entity.is_weapon == True)).first()  # noqa: E712
        document_id = session.exec(select(models.Document.id)).first()
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        client = TestClient(create_app(engine))
        for path, headers in _requests(slug, actor, weapon, document_id):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def full_scans(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    scans = []
    for row in plan:
        match = _FULL_SCAN.match(row[3])
        if match and match.group(1) in LARGE_TABLES:
            scans.append(row[3])
    return scans


@pytest.fixture
def statements(engine):
    store_story(engine)
    return served_statements(engine)


def test_the_routes_run_queries_on_every_large_table(statements):
    # The check below means something only if the captured queries reach the tables.
    text = " ".join(s for s, _ in statements)
    for table in LARGE_TABLES:
        assert re.search(rf"\b(FROM|JOIN) {table}\b", text), table
    assert len(statements) > 30


def test_no_served_query_scans_a_large_table(engine, statements):
    offenders = {}
    for statement, parameters in statements:
        scans = full_scans(engine, statement, parameters)
        if scans:
            offenders[" ".join(statement.split())[:300]] = scans
    assert offenders == {}


def test_the_check_sees_a_full_scan(engine):
    # An unindexed filter must be reported, or the test above proves nothing.
    assert full_scans(engine, "SELECT id FROM event WHERE title = ?", ("x",)) == ["SCAN event"]
    assert full_scans(engine, "SELECT id FROM event WHERE slug = ?", ("x",)) == []


def test_the_page_aggregates_read_no_row_of_a_large_table(engine, statements):
    # After each write the timeline page counts its facets and axis afresh over every
    # event: at 1,000,000 events a table row read per index entry cost a second. The
    # articles facet and the axis walk indexes that hold every column they read.
    def plan(statement, parameters):
        with engine.connect() as connection:
            return [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]

    unfiltered = [s for s in statements if "IN (SELECT" not in s[0]]
    articles = [s for s in unfiltered if "count(distinct(event_source.event_id))" in s[0]]
    axis = [s for s in unfiltered if "UNION ALL" in s[0] and "FROM event WHERE event.date_start >=" in " ".join(s[0].split())]
    assert articles and axis
    for statement, parameters in articles + axis:
        steps = plan(statement, parameters)
        walks = [step for step in steps if re.match(r"(SCAN|SEARCH) (event|event_source)\b", step)]
        assert walks and all("COVERING INDEX" in step for step in walks), (" ".join(statement.split())[:200], steps)
