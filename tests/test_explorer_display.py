"""How the explorer words and groups what it shows: pure functions, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.display import bucket_label, group_events, mark_snippet, period_name, quote_passage
from app.pages import describe, describe_range
from app.queries import EventFilter


@dataclass
class Dated:
    title: str
    date_start: date
    date_end: date
    precision: str = "day"


def _shape(groups):
    return [(year, new_year, [(label, new, [e.title for e in events]) for label, new, events in inner])
            for year, new_year, inner in groups]


def test_events_group_by_year_and_month_and_vague_dates_by_their_own_name():
    events = [
        Dated("a", date(2024, 1, 1), date(2024, 12, 31), "year"),
        Dated("b", date(2024, 8, 6), date(2024, 8, 6)),
        Dated("c", date(2024, 8, 20), date(2024, 8, 20)),
        Dated("d", date(2024, 9, 1), date(2024, 12, 31), "part"),
        Dated("e", date(2025, 1, 20), date(2025, 1, 20)),
    ]
    assert _shape(group_events(events)) == [
        (2024, True, [("the whole year", True, ["a"]), ("August", True, ["b", "c"]), ("late 2024", True, ["d"])]),
        (2025, True, [("January", True, ["e"])]),
    ]


def test_a_page_that_continues_a_month_does_not_repeat_its_headings():
    before = Dated("x", date(2024, 8, 1), date(2024, 8, 1))
    page = [Dated("y", date(2024, 8, 9), date(2024, 8, 9)), Dated("z", date(2024, 9, 2), date(2024, 9, 2))]
    assert _shape(group_events(page, previous=before)) == [
        (2024, False, [("August", False, ["y"]), ("September", True, ["z"])])]


def test_quote_marks_the_claim_and_its_spans_and_escapes_the_rest():
    text = "Before <b>. On May 5 troops moved. After."
    start = text.index("On May 5")
    end = text.index(" After")
    timex = text.index("May 5")
    html = str(quote_passage(text, (start, end), [(timex, timex + 5, "timex"), (0, 6, "actor"), (end - 2, end + 3, "x")]))
    assert html == ('<mark class="actor">Before</mark> &lt;b&gt;. <span class="claim">On <mark class="timex">May 5'
                    '</mark> troops moved.</span> After.')
    # A sentence that is the whole passage needs no claim span.
    assert "claim" not in str(quote_passage("On May 5.", (0, 9), []))


def test_snippet_marks_come_from_markers_not_from_the_text():
    assert str(mark_snippet("<mark>x</mark> \x02hit\x03", "\x02", "\x03")) == (
        '&lt;mark&gt;x&lt;/mark&gt; <mark class="hit">hit</mark>')


def test_axis_labels_name_the_larger_period_where_it_changes():
    assert [bucket_label(date(2024, m, 1), "month", m == 11) for m in (11, 12)] == ["Nov 2024", "Dec"]
    assert bucket_label(date(2025, 1, 1), "month", False) == "Jan 2025"
    assert [bucket_label(date(2025, 1, d), "day", d == 20) for d in (20, 21)] == ["20 Jan", "21"]
    assert period_name(date(2024, 8, 6), "day", short=True) == "6 Aug 2024"


def test_headings_say_the_filter_in_words():
    assert describe(EventFilter()) == "All events"
    flt = EventFilter(actors=("a",), weapons=("w",), q="talks", reported=False, disputed=True,
                      date_from=date(2024, 11, 1), date_to=date(2024, 11, 30))
    assert describe(flt, {"a": "Ukraine", "w": "ATACMS"}) == (
        "Dated disputed events involving Ukraine, with ATACMS, matching “talks”, in Nov 2024")
    assert describe_range(date(2024, 1, 1), date(2024, 12, 31)) == "in 2024"
    assert describe_range(date(2024, 8, 6), date(2024, 8, 6)) == "on 6 Aug 2024"
    assert describe_range(None, date(2024, 8, 6)) == "until 6 Aug 2024"
