"""Anchoring: which occurrence a yearless date means, and anchors inferred from text."""
from __future__ import annotations

from datetime import date

import pytest

from app.records import Timex
from app.timex import anchor_from_dates, anchor_from_text, find_timexes, timex_range
from app.timex.anchor import corpus_anchor, tense_direction
from app.timex.normalize import FUTURE, NONE, PAST, choose_occurrence


def _day(year_offset_to_date):
    return lambda k: (year_offset_to_date(k),) * 2


@pytest.mark.parametrize("anchor,direction,month,day,expected", [
    (date(2025, 1, 20), PAST, 8, 6, 2024),    # far back: the tense decides
    (date(2025, 1, 20), NONE, 8, 6, 2024),    # no tense: the nearest
    (date(2025, 1, 20), FUTURE, 8, 6, 2025),  # far ahead in a future sentence
    (date(2025, 1, 20), PAST, 2, 10, 2025),   # within two months: the nearest beats the tense
    (date(2025, 1, 20), FUTURE, 12, 30, 2024),
    (date(2025, 11, 2), PAST, 3, 1, 2025),
])
def test_choose_occurrence(anchor, direction, month, day, expected):
    k = choose_occurrence(anchor, direction, _day(lambda k: date(anchor.year + k, month, day)))
    assert anchor.year + k == expected


@pytest.mark.parametrize("text,phrase,direction", [
    ("The offensive, which began on August 6, marks a shift.", "August 6", PAST),
    ("The ministers will meet on Friday in Brussels.", "Friday", FUTURE),
    ("The talks are in progress Friday.", "Friday", NONE),
    ("Troops stay until Friday.", "Friday", FUTURE),
    ("Nothing changed since Friday.", "Friday", PAST),
    # the expression's own clause outranks a nearer marker across ", and" / ", but"
    ("The agency will publish its estimate on Tuesday, and growth is expected to slow.", "Tuesday", FUTURE),
    ("The bank will publish the figures on Tuesday, and analysts say growth is weak.", "Tuesday", FUTURE),
    ("Troops withdrew on Tuesday, but the talks will resume.", "Tuesday", PAST),
    # a participle after "be" has no tense of its own: the auxiliary decides
    ("He will be installed at a Mass on March 19.", "March 19", FUTURE),
    ("The talks are being held on Friday in Geneva.", "Friday", NONE),
    ("He was installed on March 19.", "March 19", PAST),
    ("The talks are set for Tuesday.", "Tuesday", NONE),
    ("Growth is expected to slow on Tuesday.", "Tuesday", FUTURE),
    # no break: the nearest marker still wins
    ("He said on Tuesday that the bank will cut rates.", "Tuesday", PAST),
    ("Growth is weak on Tuesday; it will recover.", "Tuesday", NONE),
])
def test_tense_direction(text, phrase, direction):
    start = text.index(phrase)
    assert tense_direction(text, start, start + len(phrase)) == direction


def test_anchor_from_text_takes_latest_date_not_in_future_sentences():
    text = ("Talks began on January 3, 2025. They resumed on January 20, 2025. "
            "A new round will open on March 1, 2025.")
    assert anchor_from_text(text) == date(2025, 1, 20)


def test_anchor_from_text_uses_coarser_dates_when_no_day_is_given():
    assert anchor_from_text("The fighting of March 2024 was the worst.") == date(2024, 3, 31)
    assert anchor_from_text("No dates here, only Friday and August 6.") is None


def test_yearless_dates_move_the_anchor_past_the_latest_stated_one():
    text = "The 2012 harvest failed. Prices rose on March 19, and traders met on Dec. 5."
    assert anchor_from_text(text) == date(2013, 3, 19)


def test_floor_stands_in_for_a_text_without_years():
    text = "Prices rose on March 19 and fell on Friday."
    assert anchor_from_text(text) is None
    assert anchor_from_text(text, floor=date(2012, 12, 31)) == date(2013, 3, 19)
    assert anchor_from_text("Prices fell on Friday.", floor=date(2012, 12, 31)) == date(2012, 12, 31)


@pytest.mark.parametrize("text,floor,expected", [
    # plans, terms and forecasts say nothing about when the text was written
    ("Profits fell in 1988. The company expects growth in 1990.", None, date(1988, 12, 31)),
    ("It sold notes due March 1, 2011, in 1989.", None, None),
    ("Prices rose in 1988 until the limit expires on Dec. 31, 1990.", None, None),
    ("Prices rose in 1988. The cap ends on Dec. 31, 1990.", None, date(1990, 12, 31)),
    # a weekday fixes the year of the date it goes with, nearest the other evidence
    ("Shares fell in March 1998. The vote was held Friday, Oct. 23.", None, date(1998, 10, 23)),
    ("The vote was held Friday, Oct. 23.", date(1998, 6, 1), date(1998, 10, 23)),
    ("The vote was held Friday, Oct. 23.", None, None),
    # the corpus anchor is a floor for every text, not only for those without years
    ("The dam was finished in 1962.", date(2000, 4, 1), date(2000, 4, 1)),
    ("The dam was finished on May 2, 2001.", date(2000, 4, 1), date(2001, 5, 2)),
])
def test_anchor_from_text_rules(text, floor, expected):
    assert anchor_from_text(text, floor=floor) == expected


@pytest.mark.parametrize("texts,expected", [
    # the year from the documents' own anchors, the day from the days they state
    (["Shares fell in 2012.", "Talks ended on March 19.", "It rained on March 21."], date(2013, 3, 19)),
    (["Shares fell in 2012.", "Rates rose in 2011.", "Rates fell in 2012."], date(2012, 12, 31)),
    (["Talks ended on March 19."], None),
    (["Shares fell in 1989.", "It was held Friday, Oct. 13.", "It closed Oct. 20.", "It fell Oct. 24."],
     date(1989, 10, 20)),
])
def test_corpus_anchor(texts, expected):
    assert corpus_anchor(texts) == expected


@pytest.mark.parametrize("dates,expected", [
    # the latest date of the year holding the most: old wars and far deadlines do not move it
    ([date(2013, 3, 20), date(2013, 3, 22), date(1998, 1, 1), date(2013, 3, 21), date(2030, 1, 1)],
     date(2013, 3, 22)),
    ([date(1988, 12, 31), date(1988, 12, 31), date(1989, 6, 30), date(1995, 12, 31), date(1998, 12, 31)],
     date(1989, 6, 30)),
    ([date(2010, 12, 31), date(2012, 12, 31)], date(2012, 12, 31)),  # a tie: the later year
    ([], None),
])
def test_anchor_from_dates_is_the_latest_of_the_densest_year(dates, expected):
    assert anchor_from_dates(dates) == expected


def test_inferred_anchor_resolves_the_document():
    text = "On January 20, 2025 the envoy said the offensive, which began on August 6, had stalled."
    anchor = anchor_from_text(text)
    values = {t.text: t.value for t in find_timexes(text, anchor)}
    assert values["August 6"] == "2024-08-06"


@pytest.mark.parametrize("value,mod,expected", [
    ("2024-11", None, (date(2024, 11, 1), date(2024, 11, 30), "month")),
    ("2024", "END", (date(2024, 9, 1), date(2024, 12, 31), "part")),
    ("2024", None, (date(2024, 1, 1), date(2024, 12, 31), "year")),
    ("2024-08-06", None, (date(2024, 8, 6), date(2024, 8, 6), "day")),
    ("2024-08-06T17:00", None, (date(2024, 8, 6), date(2024, 8, 6), "day")),
    ("2024-Q3", None, (date(2024, 7, 1), date(2024, 9, 30), "quarter")),
    ("2024-SU", None, (date(2024, 6, 1), date(2024, 8, 31), "season")),
    ("2024-WI", None, (date(2024, 12, 1), date(2025, 2, 28), "season")),
    ("2024-W32", None, (date(2024, 8, 5), date(2024, 8, 11), "part")),
    ("199", None, (date(1990, 1, 1), date(1999, 12, 31), "decade")),
    ("2024-08", "MID", (date(2024, 8, 11), date(2024, 8, 20), "part")),
])
def test_timex_range(value, mod, expected):
    assert timex_range(Timex(0, 1, "x", "DATE", value, mod)) == expected


@pytest.mark.parametrize("type_,value", [
    ("DURATION", "P2Y"), ("SET", "P1W"), ("DATE", "PRESENT_REF"), ("DATE", "PAST_REF"),
    ("DATE", "XXXX-08-06"), ("DATE", "XXXX-WXX-5"),
])
def test_timex_range_none_for_what_is_no_span(type_, value):
    assert timex_range(Timex(0, 1, "x", type_, value)) is None
