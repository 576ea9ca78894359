"""How dates and passages are shown to a reader."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from markupsafe import Markup, escape

_PARTS = {(1, 4): "early", (5, 8): "mid", (9, 12): "late"}
_SEASONS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}


def format_event_date(event) -> str:
    """A date as precise as it is known, never more: `6 Aug 2024`, `Nov 2024`, `late 2024`.

    `event` has date_start, date_end and precision.
    """
    return _format_dates(event.date_start, event.date_end, event.precision)


# A page shows the same few dates many times, and strftime is most of the cost of one.
@lru_cache(maxsize=4096)
def _format_dates(start: date, end: date, precision: str) -> str:
    if precision == "day":
        return f"{start.day} {start:%b %Y}"
    if precision == "month":
        return f"{start:%b %Y}"
    if precision == "year":
        return str(start.year)
    if precision == "decade":
        return f"{start.year}s"
    if precision == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if precision == "season" and start.month in _SEASONS:
        return f"{_SEASONS[start.month]} {start.year}"
    if precision == "part":
        for (first, last), word in _PARTS.items():
            if start.month == first and end.month == last and start.year == end.year:
                return f"{word} {start.year}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def highlight_passage(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """Escape `text` and wrap each (start, end, css class) span in a <mark>.

    Overlapping spans keep the first; the text itself is never trusted as HTML.

    >>> str(highlight_passage("On <b>May 5</b>", [(6, 11, "timex")]))
    'On &lt;b&gt;<mark class="timex">May 5</mark>&lt;/b&gt;'
    """
    out: list[str] = []
    position = 0
    for start, end, css in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < position or end > len(text) or start >= end:
            continue
        out.append(str(escape(text[position:start])))
        out.append(f'<mark class="{escape(css)}">{escape(text[start:end])}</mark>')
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def quote_passage(text: str, sentence: tuple[int, int] | None, spans: list[tuple[int, int, str]]) -> Markup:
    """Escape `text`, wrap the `sentence` (start, end) that tells the event in a
    <span class="claim">, and mark each (start, end, css class) span inside it or around it.

    A span that crosses the sentence's edge is dropped rather than broken in two.

    >>> str(quote_passage("A. On May 5 x. B.", (3, 14), [(6, 11, "timex")]))
    'A. <span class="claim">On <mark class="timex">May 5</mark> x.</span> B.'
    """
    if sentence is None or not 0 <= sentence[0] < sentence[1] <= len(text):
        return highlight_passage(text, spans)
    s_start, s_end = sentence
    if not text[:s_start].strip() and not text[s_end:].strip():
        return highlight_passage(text, spans)  # the sentence is the whole passage
    parts = []
    for first, last in ((0, s_start), (s_start, s_end), (s_end, len(text))):
        inside = [(a - first, b - first, css) for a, b, css in spans if first <= a and b <= last]
        parts.append(highlight_passage(text[first:last], inside))
    return Markup(f'{parts[0]}<span class="claim">{parts[1]}</span>{parts[2]}')


def mark_snippet(snippet: str, open_marker: str, close_marker: str) -> Markup:
    """Escape a search snippet and turn the search engine's markers into <mark>.

    >>> str(mark_snippet("a <b> \\x02word\\x03", "\\x02", "\\x03"))
    'a &lt;b&gt; <mark class="hit">word</mark>'
    """
    escaped = str(escape(snippet))
    return Markup(escaped.replace(open_marker, '<mark class="hit">').replace(close_marker, "</mark>"))


_FINE = ("day", "month")
# Group headings name a month per event; strftime each time was a tenth of a page's list.
_MONTH_NAMES = tuple(f"{date(2000, month, 1):%B}" for month in range(1, 13))


def group_events(events: list, previous=None) -> list[tuple[int, bool, list[tuple[str, bool, list]]]]:
    """Events (chronological) in runs by year and, within a year, by month.

    An event known only to a part of a year, a season or the year itself gets a
    group of its own named by its date (`late 2024`), so it never sits under a
    month it does not belong to. Returns [(year, new_year, [(label, new_group,
    events)])]; `previous` is the event shown just before (the end of the page
    before), and a year or group that continues from it is marked not new, so a
    "load more" page does not repeat its headings.
    """
    def key(event) -> tuple[int, str]:
        if event.precision in _FINE:
            return event.date_start.year, _MONTH_NAMES[event.date_start.month - 1]
        label = format_event_date(event)
        return event.date_start.year, "the whole year" if label == str(event.date_start.year) else label

    years: list[tuple[int, bool, list]] = []
    last = key(previous) if previous is not None else None
    for event in events:
        year, label = key(event)
        if not years or years[-1][0] != year:
            years.append((year, last is None or last[0] != year, []))
        groups = years[-1][2]
        if not groups or groups[-1][0] != label:
            groups.append((label, last != (year, label), []))
        groups[-1][2].append(event)
        last = (year, label)
    return years


# "reported" is not here: reported events carry their own flag.
BASIS_NOTES = {
    "year inferred": "year inferred",
    "relative to anchor": "relative date",
}


def basis_note(basis: str) -> str:
    """A short mark for dates the text did not state in full; "" for stated ones."""
    return BASIS_NOTES.get(basis, "")


def bucket_label(start: date, level: str, first: bool) -> str:
    """The short label under an axis bar; the first bar, and a bar that starts a
    new year (or month), also name the larger period.

    >>> bucket_label(date(2025, 1, 1), "month", False), bucket_label(date(2024, 11, 1), "month", False)
    ('Jan 2025', 'Nov')
    >>> bucket_label(date(2025, 1, 20), "day", True)
    '20 Jan'
    """
    if level == "decade":
        return f"{start.year}s"
    if level == "year":
        return str(start.year)
    if level == "month":
        return f"{start:%b %Y}" if first or start.month == 1 else f"{start:%b}"
    return f"{start.day} {start:%b}" if first or start.day == 1 else str(start.day)


def period_name(start: date, level: str, short: bool = False) -> str:
    """The name of the period of `level` that starts on `start`.

    >>> period_name(date(2024, 11, 1), "month"), period_name(date(2024, 11, 1), "month", short=True)
    ('November 2024', 'Nov 2024')
    >>> period_name(date(2020, 1, 1), "decade"), period_name(date(2024, 8, 6), "day")
    ('2020s', '6 August 2024')
    """
    if level == "decade":
        return f"{start.year}s"
    if level == "year":
        return str(start.year)
    if level == "month":
        return f"{start:%b %Y}" if short else f"{start:%B %Y}"
    return f"{start.day} {start:%b %Y}" if short else f"{start.day} {start:%B %Y}"


def view_link(flt, label, cls: str = "", current: bool = False, id: str = "") -> Markup:
    """A link to the view `flt` (anything with `.url()`) that works as a plain link
    without JavaScript and swaps the view with htmx. `label` is escaped unless it
    is already Markup.

    A timeline page holds a few hundred of them (facets, chips, axis bars); as a
    function they cost a tenth of what a template macro did.

    >>> class View:
    ...     def url(self): return "/?q=a+%26+b"
    >>> str(view_link(View(), "<A>", "facet on", True, "f-1"))
    '<a href="/?q=a+%26+b" hx-get="/?q=a+%26+b" class="facet on" id="f-1" aria-current="true">&lt;A&gt;</a>'
    """
    url = escape(flt.url())
    attrs = (f' class="{escape(cls)}"' if cls else "") + (f' id="{escape(id)}"' if id else "")
    if current:
        attrs += ' aria-current="true"'
    return Markup(f'<a href="{url}" hx-get="{url}"{attrs}>{escape(label)}</a>')


def entity_chips(flt, event, linked: bool = True) -> Markup:
    """The actor and weapon chips of `event`: with `linked`, each a view_link that
    toggles the entity in the view `flt`; otherwise a link to the entity's page.

    A page of 50 events draws about 150 chips, mostly of the same few entities:
    each chip is built once per view (a third of a search page's rendering was
    chips built again for every event).

    >>> class Ref:
    ...     slug, name = "ukraine", "Ukraine"
    >>> class Event:
    ...     actors, weapons = [Ref()], []
    >>> str(entity_chips(None, Event(), linked=False))
    '<ul class="chips" aria-label="Actors and weapon systems"><li><a class="chip actor" href="/actors/ukraine">Ukraine</a></li></ul>'
    """
    if not event.actors and not event.weapons:
        return Markup("")
    view = flt if linked else None
    items = [_chip(view, "actors", a.slug, a.name) for a in event.actors]
    items += [_chip(view, "weapons", w.slug, w.name) for w in event.weapons]
    return Markup(f'<ul class="chips" aria-label="Actors and weapon systems">{"".join(items)}</ul>')


@lru_cache(maxsize=4096)
def _chip(flt, kind: str, slug: str, name: str) -> str:
    css = "chip actor" if kind == "actors" else "chip weapon"
    if flt is None:
        return f'<li><a class="{css}" href="/{kind}/{escape(slug)}">{escape(name)}</a></li>'
    return f"<li>{view_link(flt.toggle(kind, slug), name, css, slug in getattr(flt, kind))}</li>"
