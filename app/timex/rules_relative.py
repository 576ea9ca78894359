"""Rules for dates relative to the anchor or to the text: "last week", "the third
quarter", "this summer", "now", "that year"."""
from __future__ import annotations

import re
from datetime import date, timedelta

from app.records import BASIS_RELATIVE, BASIS_STATED, BASIS_YEAR_INFERRED
from app.timex import lexicon
from app.timex.grammar import (
    B, E, FLAGS, MON, YEAR, SEASON, PART_OF_DAY, Found, rule, alternation,
)
from app.timex.normalize import (
    resolve_weekend, NONE, duration_value, resolve_quarter, resolve_season, season_span, shift_value, choose_occurrence,
    safe_date, week_value,
)


# ---- relative calendar units: last week, this year, the quarter -------------

_REL_SHIFT = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1,
              "coming": 1, "following": 1, "upcoming": 1, "the": 0, "latest": -1, "present": 0}
_PART_OF = re.compile(r"\b(?:end|start|beginning|middle|turn|close)\s+of\s+$", FLAGS)
# "the year ended March 31", and in British reports "the year to March"
_ENDED = re.compile(rf"\s+(?:end(?:ed|ing)\b|to\s+(?:the\s+end\s+of\s+)?{MON})", FLAGS)


@rule(rf"{B}(?:the\s+|this\s+(?=past\b))?(?P<rel>last|past|previous|this|current|next|coming|following|upcoming|latest|present)"
      rf"\s+(?:fiscal\s+|calendar\s+)?(?P<unit>week(?:end)?|month|quarter|year|decade|century|day|period){E}"
      rf"|{B}(?P<the>the)\s+(?:fiscal\s+)?(?P<unit2>week(?:end)?|month|quarter|year|day|decade|century){E}")
def _relative_unit(m, ctx):
    """"last week", "this year", "next month", "the quarter", "the past year"."""
    unit = (m["unit"] or m["unit2"]).lower()
    rel = (m["rel"] or "the").lower()
    if unit == "period":
        if rel not in ("latest", "current"):
            return None
        unit = "quarter"
    if unit == "day" and rel not in ("previous", "following", "next"):
        return None
    if rel == "the" and unit in ("decade", "century") and not _PART_OF.search(ctx.text, max(0, m.start() - 20), m.start()):
        return None  # "the decade" alone is whichever the text is telling of; "the end of the decade" is ours
    if unit == "year" and rel == "the" and _ENDED.match(ctx.text, m.end()):
        # "the year ended March 31" is a twelve-month period, not a calendar year (the training data)
        return Found(m.start(), m.end(), "DURATION", duration_value(1, "year"), kind="duration")
    shift = _REL_SHIFT[rel]
    if rel == "latest" and unit != "quarter":
        shift = 0
    if unit == "quarter" and rel in ("the", "latest"):
        shift = -1  # quarterly results are reported once the quarter is over
    if unit in ("decade", "century") and rel in ("last", "past", "previous"):
        return Found(m.start(), m.end(), "DURATION", duration_value(1, unit), kind="duration")
    if unit == "weekend" and rel == "the" and ctx.anchor is not None:
        value = resolve_weekend(ctx.anchor, ctx.direction(m.start(), m.end()))
    else:
        value = shift_value(ctx.anchor, unit, shift)
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind=unit)


# "the day after his death", "the day before the vote": a determiner opens the event
# the day is counted from ("the day before authorities issued a warrant" is left, as
# the training data leaves it)
_EVENT_AFTER = re.compile(r"\s+(?P<side>before|after)\s+(?:the|his|her|their|its|a|an)\s", FLAGS)
_IN_BEFORE = re.compile(r"\b(?:in|of|during|all)\s+$", FLAGS)


@rule(rf"{B}the\s+day(?:\s+(?P<side>before|after)\s+(?P<word>yesterday|tomorrow))?{E}")
def _day_around(m, ctx):
    """"the day before yesterday" (two days back), "the day after his death" (a DATE
    counted from an event the text tells of; the training data marks 2 of 3)."""
    if m["word"]:
        delta = {"yesterday": -2, "tomorrow": 2}[m["word"].lower()]
        if (m["side"].lower() == "before") != (delta < 0):
            return None  # "the day after yesterday" is today: no one writes it so
        return Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "day", delta), basis=BASIS_RELATIVE,
                     kind="day")
    side = _EVENT_AFTER.match(ctx.text, m.end())
    if _IN_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start()) or not side:
        return None  # "later in the day before returning": the day of the text
    # the day is fixed from the date named before it (see `_combine`)
    return Found(m.start(), m.end(), "DATE", "XXXX-XX-XX", basis=BASIS_RELATIVE,
                 kind="event-day-" + side["side"].lower())


@rule(rf"{B}(?:(?P<rel>this\s+past|this|last|next|the\s+past|the\s+coming|the|early|late|mid)[\s-]+)?(?P<season>{SEASON})"
      rf"(?:\s+(?:of\s+)?(?P<year>{YEAR}))?{E}")
def _season(m, ctx):
    """"this summer", "last fall", "the winter of 2012", "in spring"."""
    code = lexicon.SEASONS[m["season"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if m["year"]:
        return Found(m.start(), m.end(), "DATE", f"{m['year']}-{code}", basis=BASIS_STATED, kind="season")
    before = ctx.text[max(0, m.start() - 12):m.start()]
    if not rel and not re.search(r"\b(?:in|during|this|since|until|by|over)\s+$", before, FLAGS):
        return None  # "spring" and "fall" are common words
    if rel in ("last", "next", "the past", "the coming", "this past"):
        if ctx.anchor is None:
            return Found(m.start(), m.end(), "DATE", f"XXXX-{code}", basis=BASIS_RELATIVE, kind="season")
        # "last summer" is the latest one over before the anchor, "next summer" the first
        # to begin after it; the nearest one does not win here, the word is explicit
        step = -1 if rel in ("last", "the past", "this past") else 1
        year = ctx.anchor.year - step
        while True:
            first, last = season_span(year, code)
            if (last < ctx.anchor) if step < 0 else (first > ctx.anchor):
                break
            year += step
        value = f"{year}-{code}"
        return Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="season")
    direction = NONE if rel == "this" else ctx.direction(m.start(), m.end())
    value = resolve_season(ctx.anchor, direction, code)
    mod = {"early": "START", "late": "END", "mid": "MID"}.get(rel)
    return Found(m.start(), m.end(), "DATE", value, mod, BASIS_RELATIVE, kind="season")


_ORD4 = r"first|second|third|fourth|1st|2nd|3rd|4th|final"
_YEAR_REF = rf"{YEAR}|this\s+year|last\s+year|next\s+year|the\s+(?:current\s+|fiscal\s+)?year"


@rule(rf"{B}(?:(?P<yr>{_YEAR_REF})'s\s+)?(?:(?P<det>the|its|a|their|this|that)\s+)?(?P<core>(?:fiscal[\s-]+|(?P<yr3>{YEAR})\s+)?"
      rf"(?P<ord>{_ORD4})(?:[\s-]+fiscal)?(?P<sep>[\s-]+)(?P<what>quarter|half)(?:\s+of\s+(?:fiscal\s+)?(?P<yr2>{_YEAR_REF}))?){E}")
def _quarter(m, ctx):
    """"the third quarter", "third-quarter", "the first half of 1990"."""
    found = _quarter_value(m, ctx)
    # "the third quarter" keeps its article; the adjective in "a third-quarter loss" does not
    if found and m["det"] and not m["yr"] and (m["det"].lower() != "the" or "-" in m["sep"]):
        found.start = m.start("core")
    return found


def _quarter_value(m, ctx):
    number = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
              "fourth": 4, "4th": 4, "final": 4}[m["ord"].lower()]
    half = m["what"].lower() == "half"
    if half and number > 2:
        return None
    if m["det"] and m["det"].lower() == "a" and not half:
        pass
    year_ref = (m["yr"] or m["yr2"] or m["yr3"] or "").lower()
    code = f"H{number}" if half else f"Q{number}"
    if year_ref[:1].isdigit():
        return Found(m.start(), m.end(), "DATE", f"{year_ref}-{code}", basis=BASIS_STATED, kind="quarter")
    if year_ref:
        delta = {"this": 0, "last": -1, "next": 1, "the": 0}[year_ref.split()[0]]
        year = shift_value(ctx.anchor, "year", delta)
        return Found(m.start(), m.end(), "DATE", f"{year}-{code}", basis=BASIS_RELATIVE, kind="quarter")
    if half:
        year = shift_value(ctx.anchor, "year", 0)
        return Found(m.start(), m.end(), "DATE", f"{year}-{code}", basis=BASIS_RELATIVE, kind="quarter")
    value = resolve_quarter(ctx.anchor, ctx.direction(m.start(), m.end()), number)
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="quarter")


@rule(rf"(?<![\w/-])(?:(?P<y1>{YEAR})[\s-]+)?(?-i:(?P<what>[QH])(?P<n>[1-4]))(?:[\s-]+(?P<y2>{YEAR}))?(?![\w/-])")
def _quarter_code(m, ctx):
    """"Q4 2012", "2013 Q1", "H1": quarters and halves as business news abbreviates them."""
    number = int(m["n"])
    if m["what"] == "H" and number > 2:
        return None
    code = f"{m['what']}{number}"
    year = m["y1"] or m["y2"]
    if year:
        return Found(m.start(), m.end(), "DATE", f"{year}-{code}", basis=BASIS_STATED, kind="quarter")
    if m["what"] == "H":
        return Found(m.start(), m.end(), "DATE", f"{shift_value(ctx.anchor, 'year', 0)}-{code}",
                     basis=BASIS_RELATIVE, kind="quarter")
    return Found(m.start(), m.end(), "DATE", resolve_quarter(ctx.anchor, ctx.direction(m.start(), m.end()), number),
                 basis=BASIS_RELATIVE, kind="quarter")


_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@rule(rf"{B}(?:the\s+)?(?:(?:comparable|corresponding)\s+)?(?P<rel>year-earlier|year-ago|prior-year|year-before)"
      rf"(?:\s+(?P<ord>first|second|third|fourth)(?=\s+quarter))?"
      rf"(?:\s+(?P<what>quarter|period|results|level|(?P<months>three|six|nine)\s+months))?{E}")
def _year_earlier(m, ctx):
    """"year-earlier", "the year-ago quarter", "the year-earlier third quarter": the period a year before;
    "the year-earlier nine months" is the length of that period."""
    what = (m["what"] or "").lower()
    if m["months"]:
        months = {"three": 3, "six": 6, "nine": 9}[m["months"].lower()]
        return Found(m.start(), m.end(), "DURATION", f"P{months}M", kind="duration")
    if m["ord"] and what == "quarter":
        year = shift_value(ctx.anchor, "year", -1)
        return Found(m.start(), m.end(), "DATE", f"{year}-Q{_ORDINAL_QUARTER[m['ord'].lower()]}",
                     basis=BASIS_RELATIVE, kind="years_back")
    if what == "quarter" and ctx.anchor is not None:
        year, quarter = (ctx.anchor.year, (ctx.anchor.month - 1) // 3 + 1)
        index = year * 4 + quarter - 1 - 1 - 4
        value = f"{index // 4}-Q{index % 4 + 1}"
    else:
        value = shift_value(ctx.anchor, "year", -1)
    noun = what in ("quarter", "period")
    end = m.end() if noun else m.start("rel") + len(m["rel"])
    start = m.start() if noun else m.start("rel")  # "the year-earlier results": the article is the noun's
    return Found(start, end, "DATE", value, basis=BASIS_RELATIVE, kind="years_back")


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the computus as Meeus gives it).
    >>> easter_sunday(2013)
    datetime.date(2013, 3, 31)
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    n = h + l - 7 * m + 114
    return date(year, n // 31, n % 31 + 1)


def holiday_day(name: str, year: int) -> date | None:
    """The day a holiday of the lexicon falls on in `year`."""
    if name in lexicon.HOLIDAYS:
        return safe_date(year, *lexicon.HOLIDAYS[name])
    if name in lexicon.EASTER_HOLIDAYS:
        return easter_sunday(year) + timedelta(days=lexicon.EASTER_HOLIDAYS[name])
    if name in lexicon.WEEKDAY_HOLIDAYS:
        month, weekday, n, after = lexicon.WEEKDAY_HOLIDAYS[name]
        if n > 0:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
        else:
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            day = last - timedelta(days=(last.isoweekday() - weekday) % 7)
        return day + timedelta(days=after)
    return holiday_day(lexicon.HOLIDAY_WEEKS[name], year) if name in lexicon.HOLIDAY_WEEKS else None


def _holiday_value(name: str, day: date) -> str:
    return week_value(day) if name in lexicon.HOLIDAY_WEEKS else day.isoformat()


def _kind(name: str) -> str:
    return "week" if name in lexicon.HOLIDAY_WEEKS else "day"


# Holidays are proper names: they start with a capital ("a good Friday for stocks",
# "easter eggs" are none)
_HOLIDAYS = "|".join(
    "(?-i:" + re.escape(name[0].upper()) + ")" + re.escape(name[1:]).replace(r"\ ", r"\s+").replace("'", "['\u2019]")
    for name in sorted(lexicon.ALL_HOLIDAYS, key=len, reverse=True))


@rule(rf"{B}(?:(?P<rel>last|next|this)\s+)?(?P<name>{_HOLIDAYS})(?:,?\s+(?P<year>{YEAR}))?{E}")
def _holiday(m, ctx):
    """"Christmas", "last Thanksgiving", "Good Friday", "Holy Week", "New Year's Day 2024"."""
    name = re.sub(r"\s+", " ", m["name"].lower().replace("\u2019", "'"))
    if m["year"]:
        day = holiday_day(name, int(m["year"]))
        return day and Found(m.start(), m.end(), "DATE", _holiday_value(name, day), basis=BASIS_STATED, kind=_kind(name))
    if ctx.anchor is None:
        fixed = lexicon.HOLIDAYS.get(name)
        month_only = lexicon.WEEKDAY_HOLIDAYS.get(name)
        value = (f"XXXX-{fixed[0]:02d}-{fixed[1]:02d}" if fixed else
                 f"XXXX-{month_only[0]:02d}-XX" if month_only else "XXXX-XX-XX")
        return Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind=_kind(name))
    rel = (m["rel"] or "").lower()

    def occurrence(k):
        day = holiday_day(name, ctx.anchor.year + k)
        return (day, day) if day else None
    if rel == "this":
        k = 0
    elif rel in ("last", "next"):
        # "last Thanksgiving" is the latest one before the anchor, "next Easter" the first after it
        step = -1 if rel == "last" else 1
        k = next(k for k in (0, step, 2 * step)
                 if (day := occurrence(k)) and (day[0] - ctx.anchor).days * step > 0)
    else:
        k = choose_occurrence(ctx.anchor, ctx.direction(m.start(), m.end()), occurrence)
    day = holiday_day(name, ctx.anchor.year + k)
    if day is None:
        return None
    return Found(m.start(), m.end(), "DATE", _holiday_value(name, day),
                 basis=BASIS_RELATIVE if rel else BASIS_YEAR_INFERRED, kind=_kind(name))


_REFERENCE = alternation(lexicon.REFERENCE_WORDS)


@rule(rf"{B}(?P<word>{_REFERENCE}){E}")
def _reference(m, ctx):
    """"now" (PRESENT_REF), "recently" (PAST_REF), "the future" (FUTURE_REF)."""
    word = re.sub(r"\s+", " ", m["word"].lower())
    return Found(m.start(), m.end(), "DATE", lexicon.REFERENCE_WORDS[word], basis=BASIS_RELATIVE, kind="ref")


_IS_BEFORE = re.compile(r"\b(?:is|it's|it\u2019s|today's)\s+(?:the\s+)?$", FLAGS)


@rule(rf"{B}(?:(?P<the>the)\s+)?(?P<ord>{alternation(lexicon.ORDINAL_DAYS)}|\d+(?:st|nd|rd|th))\s+(?:full\s+)?day{E}"
      r"(?=\s+(?:of|in|as|at|on|since|after|for)\b)")
def _ordinal_day(m, ctx):
    """"the second day of talks", "his first day in office": a day counted from the
    start of an event, which only "today is the eighth day" places (on the anchor)."""
    today = _IS_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start())
    if today and ctx.anchor is not None:
        return Found(m.start(), m.end(), "DATE", ctx.anchor.isoformat(), basis=BASIS_RELATIVE, kind="day")
    return Found(m.start(), m.end(), "DATE", "XXXX-XX-XX", basis=BASIS_RELATIVE, kind="ordinal-day")


@rule(rf"{B}the\s+(?P<rel>next|following|previous)\s+(?P<part>{PART_OF_DAY}){E}")
def _next_part_of_day(m, ctx):
    """"the next morning", "the previous evening": that part of the day after (before)
    the anchor, a TIME like "Friday morning" ("the next day" is its DATE)."""
    day = shift_value(ctx.anchor, "day", _REL_SHIFT[m["rel"].lower()])
    code = lexicon.DAY_PARTS[m["part"].lower()]
    return Found(m.start(), m.end(), "TIME", f"{day}T{code}", basis=BASIS_RELATIVE, kind="time")


@rule(rf"{B}(?:the\s+)?(?:year[\s-]end|year's\s+end|end\s+of\s+the\s+year){E}")
def _year_end(m, ctx):
    """"year-end", "year's end": the end of the anchor's year."""
    return Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "year", 0), "END", BASIS_RELATIVE, kind="year")


@rule(rf"{B}(?:(?P<side>earlier|later)\s+)?(?:that|the\s+same)\s+(?:same\s+)?(?P<unit>day|week|month|quarter|year|morning|afternoon|evening|night){E}")
def _that_unit(m, ctx):
    """"that year", "later that day": the period of the date the text last named (see _combine)."""
    mod = {"earlier": "START", "later": "END"}.get((m["side"] or "").lower())
    return Found(m.start(), m.end(), "DATE", "", mod, BASIS_RELATIVE, kind="that-" + m["unit"].lower())


@rule(rf"{B}the\s+full\s+(?:fiscal\s+|calendar\s+)?year{E}(?!\s+(?:ago|earlier|later|before|after))")
def _full_year(m, ctx):
    """"for the full year": in reports and forecasts, the year the text is in."""
    return Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "year", 0), basis=BASIS_RELATIVE, kind="year")
