"""The whole path: the seed articles through `timeline ingest`, read back over HTTP."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.db import open_database
from app.web import create_app

from conftest import SEEDS

KEY_EVENTS = [
    ("2024-08-06", "offensive"),
    ("2024-11-17", "atacms"),
    ("2025-01-20", "sworn in"),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'timeline.db'}"
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), "--db", url])
    assert result.exit_code == 0, result.output
    engine = open_database(url)
    yield url, TestClient(create_app(engine)), result.output
    engine.dispose()


def _dated(client, **params):
    body = client.get("/api/events", params={**params}).json()
    return body


def _find(events, day, word):
    """The event dated `day` whose title or sources mention `word`."""
    for event in events:
        text = " ".join([event["title"], *(s["passage"] for s in event["sources"])]).lower()
        if event["date"] == day and event["precision"] == "day" and word in text:
            return event
    return None


def test_ingest_reports_what_it_stored(seeded):
    _, _, output = seeded
    assert output.count(": stored") == 5
    assert "stored 5" in output


def test_reingesting_unchanged_files_changes_nothing(seeded):
    url, client, _ = seeded
    before = client.get("/api/events").json()
    result = CliRunner().invoke(main, ["ingest", str(SEEDS), "--db", url])
    assert result.exit_code == 0
    assert result.output.count(": unchanged") == 5
    assert client.get("/api/events").json() == before


def test_the_three_key_events_in_order_with_their_passages(seeded):
    _, client, _ = seeded
    body = client.get("/api/events", params={"page": 1}).json()
    events = body["events"]
    assert body["total"] >= 3
    found = [_find(events, day, word) for day, word in KEY_EVENTS]
    assert all(found), [e and e["title"] for e in found]
    kursk = found[0]
    assert {"ukraine", "russia"} <= {a["slug"] for a in kursk["actors"]}
    positions = [events.index(e) for e in found]
    assert positions == sorted(positions)
    for (day, word), event in zip(KEY_EVENTS, found):
        assert event["slug"].startswith(day)
        assert any(day[5:] in s["passage"] or word in s["passage"].lower() for s in event["sources"])
        for source in event["sources"]:
            assert source["url"].startswith(f"/documents/{source['document_id']}#p-")


def test_inauguration_lists_both_articles_that_date_it(seeded):
    _, client, _ = seeded
    event = _find(client.get("/api/events").json()["events"], "2025-01-20", "sworn in")
    documents = {s["document_id"] for s in event["sources"] if "January 20, 2025" in s["passage"]}
    assert len(documents) == 2
    assert event["basis"] == "stated"


def test_years_of_undated_days_are_inferred_and_say_so(seeded):
    _, client, _ = seeded
    events = client.get("/api/events").json()["events"]
    for day, word in KEY_EVENTS[:2]:
        assert _find(events, day, word)["basis"] == "year inferred"


def test_filters_by_actor_and_weapon_combine(seeded):
    _, client, _ = seeded
    atacms = client.get("/api/events", params={"weapon": "atacms"}).json()
    assert atacms["total"] >= 1
    assert all(any(w["slug"] == "atacms" for w in e["weapons"]) for e in atacms["events"])
    trump = client.get("/api/events", params={"actor": "donald-trump"}).json()
    assert _find(trump["events"], "2025-01-20", "sworn in")
    assert all(any(a["slug"] == "donald-trump" for a in e["actors"]) for e in trump["events"])
    both = client.get("/api/events", params={"actor": "donald-trump", "weapon": "atacms"}).json()
    assert both["total"] == len(
        [e for e in atacms["events"] if any(a["slug"] == "donald-trump" for a in e["actors"])]
    )


def test_date_range_and_text_filters(seeded):
    _, client, _ = seeded
    body = client.get("/api/events", params={"from": "2024-11-01", "to": "2024-11-30"}).json()
    assert _find(body["events"], "2024-11-17", "atacms")
    assert all(e["date"] <= "2024-11-30" and e["date_end"] >= "2024-11-01" for e in body["events"])
    searched = client.get("/api/events", params={"q": "offensive"}).json()
    assert _find(searched["events"], "2024-08-06", "offensive")
    assert not _find(searched["events"], "2025-01-20", "sworn in")
    assert client.get("/api/events", params={"from": "not-a-date"}).status_code == 400


def test_pages_render_and_link_to_passages(seeded):
    _, client, _ = seeded
    events = client.get("/api/events").json()["events"]
    event = _find(events, "2024-11-17", "atacms")
    page = client.get(event["url"])
    assert page.status_code == 200
    assert '<mark class="timex">November 17</mark>' in page.text
    source = event["sources"][0]
    document = client.get(source["url"].split("#")[0])
    assert document.status_code == 200
    assert f'id="{source["url"].split("#")[1]}"' in document.text
    assert client.get("/events/no-such-event").status_code == 404
    timeline = client.get("/")
    assert timeline.status_code == 200 and event["title"] in timeline.text.replace("&#39;", "'").replace("&amp;", "&")


def test_api_single_event_matches_the_list(seeded):
    _, client, _ = seeded
    event = client.get("/api/events").json()["events"][0]
    assert client.get(f"/api/events/{event['slug']}").json() == event
    assert client.get("/api/events/nope").status_code == 404


def test_every_actor_of_a_key_event_is_highlighted_on_its_page(seeded):
    _, client, _ = seeded
    event = _find(client.get("/api/events").json()["events"], "2025-01-20", "sworn in")
    html = client.get(event["url"]).text
    naming = [s for s in event["sources"] if "Donald Trump" in s["passage"]]
    assert naming  # the other source says only "his swearing-in"
    assert html.count('<mark class="actor">Donald Trump</mark>') == len(naming)


def test_a_date_dispute_between_articles_is_kept_as_one_disputed_event(seeded):
    _, client, _ = seeded
    disputed = client.get("/api/events", params={"disputed": "true", "reported": "false"}).json()["events"]
    assert any(len({s["document_id"] for s in e["sources"]}) >= 2 for e in disputed)


def _dated_summary(url):
    engine = open_database(url)
    events = TestClient(create_app(engine)).get("/api/events", params={"reported": "false"}).json()["events"]
    engine.dispose()
    return sorted((e["date"], e["precision"], e["corroboration"], e["disputed"]) for e in events)


def test_merging_one_document_at_a_time_does_not_depend_on_their_order(seeded, tmp_path):
    url, _, _ = seeded
    reverse = f"sqlite:///{tmp_path / 'reverse.db'}"
    paths = [str(p) for p in sorted(SEEDS.iterdir(), reverse=True)]
    assert CliRunner().invoke(main, ["ingest", *paths, "--db", reverse]).exit_code == 0
    assert _dated_summary(reverse) == _dated_summary(url)
