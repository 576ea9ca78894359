"""Exports of a filtered view: TimelineJS JSON, CSV, iCalendar, JSON; from the web and the command."""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.export import _fold, export_command, ics_chunks, timelinejs_event
from app.queries import EntityRef, EventView, SourceView
from app.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import DISPUTED_TITLE, EVENTS, store_story  # noqa: E402


@pytest.fixture
def client(engine):
    store_story(engine)
    return TestClient(create_app(engine))


def _view(title="A & <B>", start=date(2021, 3, 3), end=date(2021, 3, 3), precision="day"):
    source = SourceView(1, "Doc, one", 0, "On 3 March, A met B; then C.", 0, 20, 3, 10, "3 March", "", [],
                        start, end, precision, "stated")
    return EventView("s-1", title, start, end, precision, "stated", False, False, 1,
                     actors=[EntityRef("Dock Workers Union", "dock-union", "organisation")], sources=[source])


def test_timelinejs_slides_keep_precision_and_escape_html():
    day = timelinejs_event(_view())
    assert day["start_date"] == {"year": 2021, "month": 3, "day": 3} and "end_date" not in day
    assert day["text"]["headline"] == '<a href="/events/s-1">A &amp; &lt;B&gt;</a>'
    assert "<blockquote>On 3 March, A met B;</blockquote>" in day["text"]["text"]
    assert day["unique_id"] == "s-1"
    part = timelinejs_event(_view(start=date(2020, 9, 1), end=date(2020, 12, 31), precision="part"))
    assert part["display_date"] == "late 2020"
    assert part["end_date"] == {"year": 2020, "month": 12, "day": 31}
    month = timelinejs_event(_view(start=date(2021, 6, 1), end=date(2021, 6, 30), precision="month"),
                             base_url="https://t.example")
    assert month["start_date"] == {"year": 2021, "month": 6}
    assert 'href="https://t.example/events/s-1"' in month["text"]["headline"]


def test_timelinejs_file_of_the_filtered_view(client):
    response = client.get("/export/timelinejs", params={"actor": "dock-union"})
    assert response.headers["content-type"].startswith("application/json")
    assert 'filename="timeline.json"' in response.headers["content-disposition"]
    doc = response.json()
    assert doc["title"]["text"]["headline"] == "Events involving Dock Workers Union"
    assert [e["text"]["headline"].split(">")[1].split("<")[0] for e in doc["events"]] == [
        "Similar stoppage lasted a week", "Dispute over night shifts began", "Dock workers walked out"]
    ids = [e["unique_id"] for e in doc["events"]]
    assert len(set(ids)) == len(ids)
    for event in doc["events"]:
        assert isinstance(event["start_date"]["year"], int)
        assert event["text"]["headline"].startswith('<a href="http://testserver/events/')


def test_csv_has_one_row_per_event(client):
    response = client.get("/export/csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["title"] for r in rows] == [t for _, t in EVENTS]
    walked = next(r for r in rows if r["title"] == "Dock workers walked out")
    assert walked["corroboration"] == "2" and walked["display_date"] == "3 Mar 2021"
    assert walked["sources"] == "Dockers strike shuts Valport harbour; Harbour dispute: a timeline"
    disputed = next(r for r in rows if r["title"] == DISPUTED_TITLE)
    assert disputed["disputed"] == "true" and disputed["weapons"] == "Water cannon"


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_icalendar_is_folded_escaped_and_all_day(client):
    text = client.get("/export/ics", params={"from": "2020-01-01"}).text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == len(EVENTS) - 1  # 2015 is before the range
    assert "DTSTART;VALUE=DATE:20200901" in lines and "DTEND;VALUE=DATE:20210101" in lines  # late 2020
    assert "DTSTART;VALUE=DATE:20210303" in lines and "DTEND;VALUE=DATE:20210304" in lines
    assert any(line.startswith("URL:http://testserver/events/") for line in lines)
    assert len({line for line in lines if line.startswith("UID:")}) == len(EVENTS) - 1


def test_icalendar_escapes_text_and_folds_on_characters():
    stamp = datetime(2026, 1, 1, tzinfo=timezone.utc)
    text = "".join(ics_chunks([_view(title="Talks; then a vote, at last")], "T", stamp=stamp))
    assert "SUMMARY:Talks\\; then a vote\\, at last" in _unfold(text)
    assert "DTSTAMP:20260101T000000Z" in _unfold(text)
    folded = _fold("X:" + "é" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == "X:" + "é" * 60


def test_json_export_has_every_page(client, monkeypatch):
    from app import queries
    monkeypatch.setattr(queries.iter_events, "__defaults__", (2,))  # batches of two: keyset paging
    doc = client.get("/export/json", params={"reported": "false"}).json()
    assert doc["filters"] == "reported=false"
    assert [e["title"] for e in doc["events"]] == [t for _, t in EVENTS if t != "Fishing boats allowed to leave"]
    assert doc["events"][2]["corroboration"] == 2


def test_export_command_writes_the_filtered_view(engine, db_url, tmp_path):
    store_story(engine)
    out = tmp_path / "timeline.json"
    result = CliRunner().invoke(export_command, ["--format", "timelinejs", "--weapon", "water-cannon",
                                                 "--db", db_url, "-o", str(out)])
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text())["events"]
    assert [e["unique_id"].split("-", 3)[3] for e in events] == ["port-authority-used-water-cannon"]

    result = CliRunner().invoke(export_command, ["--format", "csv", "-q", "quays", "--db", db_url])
    assert result.exit_code == 0
    assert [r["title"] for r in csv.DictReader(io.StringIO(result.output))] == ["Dock workers walked out"]

    bad = CliRunner().invoke(export_command, ["--format", "ics", "--from", "March", "--db", db_url])
    assert bad.exit_code == 2 and "from='March'" in bad.output


def test_export_is_registered_on_the_timeline_command():
    from app.cli import main
    assert main.get_command(None, "export") is export_command
