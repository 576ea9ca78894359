from dataclasses import dataclass
from datetime import date

import pytest

from app.display import format_event_date, highlight_passage
from app.slugs import event_slug, slugify


@dataclass
class Dated:
    date_start: date
    date_end: date
    precision: str


@pytest.mark.parametrize(
    "start, end, precision, shown",
    [
        (date(2024, 8, 6), date(2024, 8, 6), "day", "6 Aug 2024"),
        (date(2024, 11, 1), date(2024, 11, 30), "month", "Nov 2024"),
        (date(2024, 9, 1), date(2024, 12, 31), "part", "late 2024"),
        (date(2024, 1, 1), date(2024, 12, 31), "year", "2024"),
        (date(1990, 1, 1), date(1999, 12, 31), "decade", "1990s"),
        (date(2024, 7, 1), date(2024, 9, 30), "quarter", "Q3 2024"),
        (date(2024, 6, 1), date(2024, 8, 31), "season", "summer 2024"),
    ],
)
def test_dates_show_their_precision(start, end, precision, shown):
    assert format_event_date(Dated(start, end, precision)) == shown


def test_highlight_escapes_untrusted_text():
    text = "<script>alert(1)</script> on May 5"
    start = text.index("May 5")
    html = str(highlight_passage(text, [(start, start + 5, "timex")]))
    assert "<script>" not in html
    assert '<mark class="timex">May 5</mark>' in html


def test_highlight_skips_overlapping_and_out_of_range_spans():
    html = str(highlight_passage("abcdef", [(0, 3, "a"), (2, 4, "b"), (5, 99, "c")]))
    assert html == '<mark class="a">abc</mark>def'


def test_slugs_are_ascii_and_dated():
    assert slugify("Zelenskyy’s “push” — Kursk!") == "zelenskyys-push-kursk"
    assert event_slug(date(2024, 11, 17), "Biden allows ATACMS strikes") == "2024-11-17-biden-allows-atacms-strikes"


@dataclass(frozen=True)
class Ref:
    slug: str
    name: str


@dataclass
class WithEntities:
    actors: list
    weapons: list


def test_chips_toggle_their_entity_in_the_view_and_escape_names():
    from app.display import entity_chips
    from app.queries import EventFilter

    event = WithEntities([Ref("ukraine", "Ukraine"), Ref("x", "<b>X</b>")], [Ref("atacms", "ATACMS")])
    html = str(entity_chips(EventFilter(actors=("ukraine",)), event))
    # The chip of an entity already in the view takes it out, and says it is current.
    assert '<a href="/" hx-get="/" class="chip actor" aria-current="true">Ukraine</a>' in html
    assert 'href="/?actor=ukraine&amp;actor=x"' in html and "&lt;b&gt;X&lt;/b&gt;" in html
    assert 'href="/?actor=ukraine&amp;weapon=atacms" hx-get="/?actor=ukraine&amp;weapon=atacms" class="chip weapon">' in html
    # The same event in another view links to that view's toggles, not the first one's.
    assert 'href="/?weapon=atacms&amp;q=kursk"' in str(entity_chips(EventFilter(q="kursk"), event))
    unlinked = str(entity_chips(None, event, linked=False))
    assert '<a class="chip weapon" href="/weapons/atacms">ATACMS</a>' in unlinked and "hx-get" not in unlinked
    assert str(entity_chips(EventFilter(), WithEntities([], []))) == ""
