"""The explorer over HTTP: pages, htmx fragments, the JSON API and its schema."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

from app import models
from app.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import DISPUTED_TITLE, EVENTS, slug_of, store_story  # noqa: E402

HTMX = {"HX-Request": "true"}


@pytest.fixture
def site(engine):
    ids = store_story(engine)
    return TestClient(create_app(engine)), ids, engine


def titles_in(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", t) for t in re.findall(r'<a class="title" href="/events/[^"]+">([^<]+)</a>', html)]


def test_timeline_page_lists_events_with_facets_axis_and_exports(site):
    client, _, _ = site
    html = client.get("/").text
    assert titles_in(html) == [t for _, t in EVENTS]
    assert "late 2020" in html and "year inferred" in html  # precision and basis marks
    assert 'class="flag disputed"' in html and 'class="flag reported"' in html
    assert re.search(r'Dock Workers Union</span> <span class="count">3</span>', html)
    assert '<span class="sr-only">2021: 4 events</span>' in html  # the axis bar of 2021
    assert 'class="gap"' in html  # 2016..2019 folded
    for fmt in ("timelinejs", "csv", "ics", "json"):
        assert f'href="/export/{fmt}"' in html


def test_filter_links_work_without_javascript(site):
    client, _, _ = site
    html = client.get("/").text
    # Every htmx link is also a plain link to the same URL.
    for tag in re.findall(r"<a [^>]*hx-get[^>]*>", html):
        href, hx = re.search(r'href="([^"]*)"', tag).group(1), re.search(r'hx-get="([^"]*)"', tag).group(1)
        assert href == hx, tag
    chip = re.search(r'<a href="(/\?actor=port-authority)" hx-get', html).group(1)
    assert titles_in(client.get(chip).text) == [DISPUTED_TITLE, "Fishing boats allowed to leave"]
    form = client.get("/", params={"q": "pickets", "from": "", "to": ""}).text
    assert titles_in(form) == [DISPUTED_TITLE]
    assert '<mark class="hit">pickets</mark>' in form


def test_htmx_gets_the_view_fragment_and_the_canonical_url(site):
    client, _, _ = site
    response = client.get("/", params={"actor": "dock-union", "q": "", "from": ""},
                          headers={**HTMX, "HX-Target": "view"})
    assert response.text.lstrip().startswith('<div id="view"')
    assert "<html" not in response.text
    assert response.headers["HX-Push-Url"] == "/?actor=dock-union"
    assert titles_in(response.text) == ["Similar stoppage lasted a week", "Dispute over night shifts began",
                                        "Dock workers walked out"]
    restore = client.get("/?actor=dock-union", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert restore.text.lstrip().lower().startswith("<!doctype html>")


def test_load_more_appends_the_next_page_without_repeating_headings(site, monkeypatch):
    from app import pages
    monkeypatch.setattr(pages.timeline, "__defaults__", (4, False))
    client, _, _ = site
    first = client.get("/").text
    assert titles_in(first) == [t for _, t in EVENTS[:4]]
    assert 'id="more"' in first and 'href="/?page=2"' in first
    more = client.get("/?page=2", headers={**HTMX, "HX-Target": "pager"}).text
    assert titles_in(more) == [t for _, t in EVENTS[4:]]
    assert '<h2 class="year">' not in more  # 2021 continues from the page before
    assert "Earlier events" not in more and 'id="more"' not in more
    assert "Earlier events" in client.get("/?page=2").text  # without JavaScript: a plain page


def test_bad_filters_are_400(site):
    client, _, _ = site
    assert client.get("/?from=yesterday").status_code == 400
    assert client.get("/api/events?disputed=maybe").status_code == 400


def test_permalink_page_quotes_sources_with_highlights_and_meta(site):
    client, _, engine = site
    slug = slug_of(engine, "Dock workers walked out")
    html = client.get(f"/events/{slug}").text
    assert '<mark class="timex">3 March 2021</mark>' in html
    assert '<mark class="actor">Dock Workers Union</mark>' in html
    assert 'property="og:title" content="Dock workers walked out (3 Mar 2021)"' in html
    assert 'name="twitter:card" content="summary"' in html
    assert re.search(rf'<button type="button" class="copy-link" data-copy="http://testserver/events/{slug}"', html)
    assert "2 independent articles" in html
    assert 'rel="prev"' in html and "Dispute over night shifts began" in html
    assert 'rel="next"' in html and DISPUTED_TITLE in html


def test_disputed_event_is_flagged_on_its_page(site):
    client, _, engine = site
    html = client.get(f"/events/{slug_of(engine, DISPUTED_TITLE)}").text
    assert 'class="flag disputed"' in html
    assert '<mark class="weapon">water cannon</mark>' in html


def test_disputed_event_shows_each_sources_claim_side_by_side(site):
    client, _, engine = site
    slug = slug_of(engine, "Dock workers walked out")
    assert "The sources disagree" not in client.get(f"/events/{slug}").text
    with Session(engine) as session:
        event = session.exec(select(models.Event).where(models.Event.slug == slug)).one()
        event.disputed = True
        session.add(event)
        # The server keeps each view's response per store version: a write outside
        # the store bumps the version as every store write does.
        session.exec(update(models.StoreVersion).values(version=models.StoreVersion.version + 1))
        session.commit()
    html = client.get(f"/events/{slug}").text
    section = html[html.index("The sources disagree"):html.index("What the sources say")]
    assert section.count('<figure class="claim-card">') == 2
    assert "left the quays silent" in section and "closing the harbour" in section
    assert section.count("dates it 3 Mar 2021") == 2


def test_moved_event_redirects_and_unknown_is_404(site):
    client, _, engine = site
    slug = slug_of(engine, "Talks resumed")
    with Session(engine) as session:
        session.add(models.SlugRedirect(old_slug="old-talks", new_slug=slug))
        session.commit()
    response = client.get("/events/old-talks", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == f"/events/{slug}"
    assert client.get("/api/events/old-talks", follow_redirects=False).status_code == 301
    assert client.get("/events/nothing-here").status_code == 404


def test_article_page_marks_passages_and_links_back(site):
    client, ids, engine = site
    html = client.get(f"/documents/{ids['https://example.org/a']}").text
    for n in range(5):
        assert f'id="p-{n}"' in html
    assert re.search(r'id="p-1" class="passage has-events"', html)
    assert 'id="p-3" class="passage"' in html  # no event there
    assert f'href="/events/{slug_of(engine, DISPUTED_TITLE)}"' in html
    assert '<mark class="timex">5 March 2021</mark>' in html


def test_actor_and_weapon_pages(site):
    client, _, _ = site
    html = client.get("/actors/dock-union").text
    assert titles_in(html) == ["Similar stoppage lasted a week", "Dispute over night shifts began",
                               "Dock workers walked out"]
    assert "also named dockers" in html
    assert titles_in(client.get("/weapons/water-cannon").text) == [DISPUTED_TITLE]
    assert client.get("/weapons/dock-union").status_code == 404


def test_api_events_filters_and_fields(site):
    client, ids, _ = site
    body = client.get("/api/events").json()
    assert body["total"] == len(EVENTS) and body["page"] == 1
    walked = next(e for e in body["events"] if e["title"] == "Dock workers walked out")
    assert walked["corroboration"] == 2 and walked["disputed"] is False and walked["basis"] == "stated"
    source = walked["sources"][0]
    assert source["dating_phrase"]["text"] == "3 March 2021"
    phrase = source["dating_phrase"]
    assert source["passage"][phrase["start"]:phrase["end"]] == "3 March 2021"
    assert source["quote"].startswith("Dock workers walked out on 3 March 2021")

    def titles(**params):
        return [e["title"] for e in client.get("/api/events", params=params).json()["events"]]

    assert titles(disputed="true") == [DISPUTED_TITLE]
    assert titles(reported="true") == ["Fishing boats allowed to leave"]
    assert len(titles(reported="false")) == len(EVENTS) - 1
    assert titles(source=[ids["https://example.org/a"], ids["https://example.org/b"]]) == ["Dock workers walked out"]
    assert titles(q="quays", actor="dock-union") == ["Dock workers walked out"]
    reported = client.get("/api/events", params={"reported": "true"}).json()["events"][0]
    assert reported["reported"] is True and reported["sources"][0]["dating_phrase"] is None


def test_api_actors_and_weapons(site):
    client, _, _ = site
    actors = client.get("/api/actors").json()
    assert [(a["slug"], a["kind"], a["events"]) for a in actors] == [
        ("dock-union", "organisation", 3), ("port-authority", "organisation", 2), ("ana-rivas", "person", 1)]
    assert actors[0]["aliases"] == ["dockers"] and actors[0]["url"] == "/actors/dock-union"
    weapons = client.get("/api/weapons").json()
    assert [(w["slug"], w["events"], w["url"]) for w in weapons] == [("water-cannon", 1, "/weapons/water-cannon")]


def test_openapi_describes_every_field(site):
    client, _, _ = site
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("EventOut", "SourceOut", "EventList", "EntitySummaryOut", "SpanOut", "EntityOut"):
        for field, spec in components[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
    params = {p["name"]: p for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "weapon", "source", "q", "from", "to", "disputed", "reported", "page"} <= set(params)
    assert all(p.get("description") for p in params.values())


def test_pages_have_no_inline_script_or_style(site):
    # The security headers allow scripts from 'self' only.
    client, ids, engine = site
    for path in ("/", f"/events/{slug_of(engine, 'Talks resumed')}", f"/documents/{ids['https://example.org/a']}",
                 "/actors/dock-union", "/?q=pickets&actor=port-authority"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r"\sstyle=", html), path


def test_people_get_an_error_page_and_programs_json(site):
    client, _, _ = site
    page = client.get("/events/nothing-here", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "No event at &#39;nothing-here&#39;" in page.text and 'href="/"' in page.text
    api = client.get("/api/events/nothing-here", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"detail": "No event at 'nothing-here'"}
    assert client.get("/documents/999").json() == {"detail": "No document 999"}


def test_actor_and_weapon_lists(site):
    client, _, _ = site
    html = client.get("/actors").text
    names = re.findall(r'<td><a href="/actors/([^"]+)">', html)
    assert names == ["dock-union", "port-authority", "ana-rivas"]
    assert 'href="/?actor=dock-union"' in html and "also dockers" in html
    assert re.findall(r'<td><a href="/weapons/([^"]+)">', client.get("/weapons").text) == ["water-cannon"]


def test_permalink_lists_weapons_apart_from_actors(site):
    client, _, engine = site
    html = client.get(f"/events/{slug_of(engine, 'Port Authority used water cannon')}").text
    facts = html[html.index('<dl class="facts">'):html.index("</dl>")]
    actors = facts[facts.index("<dt>Actors</dt>"):facts.index("<dt>Weapon systems</dt>")]
    assert "Port Authority" in actors and "Water cannon" not in actors
    assert 'href="/weapons/water-cannon">Water cannon</a>' in facts


@pytest.mark.sqlite_only  # a file database the server processes open by URL
def test_serve_with_several_processes_ingests_once_and_every_process_answers(tmp_path):
    import shutil
    import sqlite3
    import subprocess
    import urllib.request

    from live_server import start_server

    root = Path(__file__).resolve().parent.parent
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(sorted((root / "seeds").glob("*.txt"))[0], articles)
    db = tmp_path / "timeline.db"
    process, base = start_server(["--db", f"sqlite:///{db}", "--ingest", str(articles), "--workers", "2"],
                                 ready="/api/actors", within=90)
    try:
        # Two server processes besides the one that started them (uvicorn's workers).
        children = subprocess.run(["pgrep", "-P", str(process.pid), "-f", "spawn_main"],
                                  capture_output=True, text=True).stdout.split()
        assert len(children) == 2
        totals = set()
        for _ in range(20):  # spread over both processes
            with urllib.request.urlopen(base + "/api/events") as response:
                totals.add(json.loads(response.read())["total"])
        assert len(totals) == 1 and totals.pop() > 0
        with sqlite3.connect(db) as conn:  # ingested once, before the processes started
            assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == 1
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_api_listing_gives_the_first_sources_of_each_event_and_their_count(tmp_path, db_url, engine):
    from click.testing import CliRunner

    from app.cli import main
    from app.schema import LISTED_SOURCES

    for n in range(LISTED_SOURCES + 2):  # one event told by more articles than a listing gives
        (tmp_path / f"wire-{n}.md").write_text(
            f"---\ntitle: Wire {n}\npublished: 2024-11-18\n---\n"
            f"Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.\n\nReport number {n}.\n",
            encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", db_url])
    assert result.exit_code == 0, result.output
    client = TestClient(create_app(engine))
    listed = client.get("/api/events").json()["events"]
    told = next(e for e in listed if e["source_count"] > LISTED_SOURCES)
    assert told["source_count"] == LISTED_SOURCES + 2 and len(told["sources"]) == LISTED_SOURCES
    whole = client.get(f"/api/events/{told['slug']}").json()
    assert whole["source_count"] == len(whole["sources"]) == LISTED_SOURCES + 2
    assert told["sources"] == whole["sources"][:LISTED_SOURCES]  # the first ones, in the same order
    exported = json.loads(client.get("/export/json").text)
    exported_told = next(e for e in (exported["events"] if isinstance(exported, dict) else exported)
                         if e["slug"] == told["slug"])
    assert len(exported_told["sources"]) == LISTED_SOURCES + 2
