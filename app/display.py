"""How dates and passages are shown to a reader."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

_PARTS = {(1, 4): "early", (5, 8): "mid", (9, 12): "late"}
_SEASONS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}


def format_event_date(event) -> str:
    """A date as precise as it is known, never more: `6 Aug 2024`, `Nov 2024`, `late 2024`.

    `event` has date_start, date_end and precision.
    """
    start: date = event.date_start
    end: date = event.date_end
    precision = event.precision
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

    >>> str(highlight_passage("On <b>May 5</b>", [(7, 12, "timex")]))
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
