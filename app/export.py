"""Exports of a timeline view: TimelineJS JSON, CSV, iCalendar and JSON.

Each format is a generator of text chunks over chronological EventViews, so the
web layer can stream a large export and the command writes it to a file without
holding every event. `export_command` is `timeline export`.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone

import click
from markupsafe import escape

from .display import format_event_date
from .pages import describe, filter_names
from .queries import EventFilter, EventView, FilterError, iter_events
from .schema import event_out

FORMATS = {
    # format: (media type, file name)
    "timelinejs": ("application/json", "timeline.json"),
    "csv": ("text/csv; charset=utf-8", "events.csv"),
    "ics": ("text/calendar; charset=utf-8", "events.ics"),
    "json": ("application/json", "events.json"),
}


def _link(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


# --- TimelineJS ---------------------------------------------------------------

_PRECISE_TO = {"day": 3, "month": 2}  # date parts TimelineJS should show


def _tl_date(day, parts: int) -> dict:
    out = {"year": day.year}
    if parts >= 2:
        out["month"] = day.month
    if parts >= 3:
        out["day"] = day.day
    return out


def timelinejs_event(event: EventView, base_url: str = "") -> dict:
    """One event as a TimelineJS slide: the date at its own precision, the title
    linking to the permalink, and the quoted source sentences (HTML, escaped).

    >>> from datetime import date
    >>> slide = timelinejs_event(EventView("s", "A & B", date(2024, 11, 1), date(2024, 11, 30),
    ...                                    "month", "stated", False, False, 1))
    >>> slide["start_date"], slide["display_date"], slide["text"]["headline"]
    ({'year': 2024, 'month': 11}, 'Nov 2024', '<a href="/events/s">A &amp; B</a>')
    """
    parts = _PRECISE_TO.get(event.precision, 2)
    slide = {
        "unique_id": event.slug,
        "start_date": _tl_date(event.date_start, parts),
        "display_date": format_event_date(event),
        "text": {
            "headline": f'<a href="{escape(_link(base_url, "/events/" + event.slug))}">{escape(event.title)}</a>',
            "text": "".join(
                f"<blockquote>{escape(s.quote)}</blockquote>"
                f'<p>— <a href="{escape(_link(base_url, f"/documents/{s.document_id}#p-{s.passage_index}"))}">'
                f"{escape(s.document_title)}</a></p>"
                for s in event.sources
            ),
        },
    }
    if event.precision not in _PRECISE_TO:
        # A part of a year, a season or a year is a span: TimelineJS draws it as one.
        slide["end_date"] = _tl_date(event.date_end, 3)
        slide["start_date"] = _tl_date(event.date_start, 3)
    return slide


def timelinejs_chunks(events: Iterable[EventView], title: str, base_url: str = "") -> Iterator[str]:
    """A TimelineJS JSON document (`{"title": ..., "events": [...]}`), in chunks."""
    head = {"text": {"headline": str(escape(title)), "text": "Exported from the news timeline."}}
    yield '{"title": ' + json.dumps(head, ensure_ascii=False) + ', "events": ['
    for n, event in enumerate(events):
        yield ("," if n else "") + "\n" + json.dumps(timelinejs_event(event, base_url), ensure_ascii=False)
    yield "\n]}\n"


# --- CSV ----------------------------------------------------------------------

CSV_COLUMNS = ("slug", "date_start", "date_end", "precision", "display_date", "basis", "title", "actors",
               "weapons", "corroboration", "disputed", "reported", "url", "sources")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text from articles that starts like a
    formula (`=`, `+`, `-`, `@`, tab, return) gets a leading apostrophe.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("Kursk"), csv_cell(3)
    ("'=HYPERLINK(1)", 'Kursk', 3)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_chunks(events: Iterable[EventView], base_url: str = "") -> Iterator[str]:
    """One row per event; lists are joined with "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow(csv_cell(cell) for cell in [
            event.slug, event.date_start.isoformat(), event.date_end.isoformat(), event.precision,
            format_event_date(event), event.basis, event.title,
            "; ".join(a.name for a in event.actors), "; ".join(w.name for w in event.weapons),
            event.corroboration, str(event.disputed).lower(), str(event.reported).lower(),
            _link(base_url, f"/events/{event.slug}"),
            "; ".join(sorted({s.document_title for s in event.sources})),
        ])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


# --- iCalendar ----------------------------------------------------------------


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a character."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def ics_event(event: EventView, stamp: datetime, base_url: str = "") -> str:
    """One event as an all-day VEVENT spanning the days its date covers."""
    description = f"{format_event_date(event)} (date {event.basis}; {event.corroboration} source(s))"
    for s in event.sources:
        description += f"\n“{s.quote}” — {s.document_title}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.slug}@news-timeline",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{event.date_start:%Y%m%d}",
        # DTEND is exclusive: the day after the last day.
        f"DTEND;VALUE=DATE:{event.date_end + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(event.title)}",
        f"DESCRIPTION:{_ics_text(description)}",
    ]
    if base_url:
        lines.append(f"URL:{_link(base_url, '/events/' + event.slug)}")
    names = [e.name for e in (*event.actors, *event.weapons)]
    if names:
        lines.append("CATEGORIES:" + ",".join(_ics_text(n) for n in names))
    lines.append("END:VEVENT")
    return "".join(_fold(line) for line in lines)


def ics_chunks(events: Iterable[EventView], title: str, base_url: str = "",
               stamp: datetime | None = None) -> Iterator[str]:
    stamp = stamp or datetime.now(timezone.utc)
    yield "".join(_fold(line) for line in (
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//news-timeline//export//EN", "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_text(title)}"))
    for event in events:
        yield ics_event(event, stamp, base_url)
    yield "END:VCALENDAR\r\n"


# --- JSON ---------------------------------------------------------------------


def json_chunks(events: Iterable[EventView], flt: EventFilter) -> Iterator[str]:
    """`{"filters": "...", "events": [...]}` with events in the API's shape."""
    yield '{"filters": ' + json.dumps(flt.query_string()) + ', "events": ['
    for n, event in enumerate(events):
        yield ("," if n else "") + "\n" + event_out(event).model_dump_json()
    yield "\n]}\n"


def export_chunks(fmt: str, events: Iterable[EventView], flt: EventFilter, title: str,
                  base_url: str = "") -> Iterator[str]:
    """The export of `events` in `fmt` (one of FORMATS), in chunks."""
    if fmt == "timelinejs":
        return timelinejs_chunks(events, title, base_url)
    if fmt == "csv":
        return csv_chunks(events, base_url)
    if fmt == "ics":
        return ics_chunks(events, title, base_url)
    if fmt == "json":
        return json_chunks(events, flt)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_view(session, flt: EventFilter, fmt: str, base_url: str = "") -> Iterator[str]:
    """Every event matching `flt` (all pages) exported as `fmt`."""
    return export_chunks(fmt, iter_events(session, flt), flt, describe(flt, filter_names(session, flt)), base_url)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="Output format.")
@click.option("--actor", multiple=True, help="Actor slug; repeat to require several.")
@click.option("--weapon", multiple=True, help="Weapon system slug; repeat to require several.")
@click.option("--source", multiple=True, help="Document id that must tell the event; repeatable.")
@click.option("-q", "--query", "q", default=None, help="Words searched in titles and passages.")
@click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD", help="First day.")
@click.option("--to", "date_to", default=None, metavar="YYYY-MM-DD", help="Last day.")
@click.option("--disputed", type=click.Choice(["true", "false"]), default=None, help="Only (un)disputed events.")
@click.option("--reported", type=click.Choice(["true", "false"]), default=None,
              help="Only reported (true) or only dated (false) events.")
@click.option("--base-url", default="", help="Prefix for links, e.g. https://timeline.example.org")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: standard output).")
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Database URL (default: $TIMELINE_DB, else sqlite:///timeline.db).")
def export_command(fmt, actor, weapon, source, q, date_from, date_to, disputed, reported, base_url, output, db_url):
    """Export the events matching the filters as TimelineJS JSON, CSV, iCalendar or JSON."""
    from sqlmodel import Session

    from .db import open_database

    try:
        flt = EventFilter.from_params(list(actor), list(weapon), q, date_from, date_to, 1, list(source),
                                      disputed, reported)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from None
    engine = open_database(db_url)
    with Session(engine) as session:
        # newline="" keeps the CRLF that CSV and iCalendar require.
        stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            for chunk in export_view(session, flt, fmt, base_url):
                stream.write(chunk)
        finally:
            if output:
                stream.close()
    if output:
        click.echo(f"wrote {output}", err=True)
