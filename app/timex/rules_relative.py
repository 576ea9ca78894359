"""Rules for dates relative to the anchor or to the text: "last week", "the third
quarter", "this summer", "now", "that year"."""
from __future__ import annotations

import re
from datetime import date, timedelta

from app.records import BASIS_RELATIVE, BASIS_STATED, BASIS_YEAR_INFERRED
from app.timex import lexicon
from app.timex.grammar import (
    B, E, FLAGS, YEAR, SEASON, Found, rule, alternation, day_value,
)
from app.timex.normalize import (
    resolve_weekend, FUTURE, NONE, PAST, duration_value, resolve_month_day, resolve_quarter, resolve_season, season_span, shift_value, choose_occurrence,
)


# ---- relative calendar units: last week, this year, the quarter -------------

_REL_SHIFT = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1,
              "coming": 1, "following": 1, "upcoming": 1, "the": 0, "latest": -1, "present": 0}
_ENDED = re.compile(r"\s+end(?:ed|ing)\b", FLAGS)


@rule(rf"{B}(?:the\s+|this\s+(?=past\b))?(?P<rel>last|past|previous|this|current|next|coming|following|upcoming|latest|present)"
      rf"\s+(?:fiscal\s+|calendar\s+)?(?P<unit>week(?:end)?|month|quarter|year|decade|century|day|period){E}"
      rf"|{B}(?P<the>the)\s+(?:fiscal\s+)?(?P<unit2>week(?:end)?|month|quarter|year|day){E}")
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
    if unit == "year" and rel == "the" and _ENDED.match(ctx.text, m.end()):
        # "the year ended March 31" is a twelve-month period, not a calendar year
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


_HOLIDAYS = alternation(lexicon.HOLIDAYS)


@rule(rf"{B}(?P<name>{_HOLIDAYS}|thanksgiving(?:\s+day)?)(?:,?\s+(?P<year>{YEAR}))?{E}")
def _holiday(m, ctx):
    """"Christmas", "Thanksgiving", "New Year's Day 2024"."""
    name = re.sub(r"\s+", " ", m["name"].lower())
    if name.startswith("thanksgiving"):
        def thanksgiving(year):
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        if m["year"]:
            return Found(m.start(), m.end(), "DATE", thanksgiving(int(m["year"])).isoformat(), basis=BASIS_STATED, kind="day")
        if ctx.anchor is None:
            return Found(m.start(), m.end(), "DATE", "XXXX-11-XX", basis=BASIS_YEAR_INFERRED, kind="day")
        k = choose_occurrence(ctx.anchor, ctx.direction(m.start(), m.end()),
                              lambda k: (thanksgiving(ctx.anchor.year + k),) * 2)
        return Found(m.start(), m.end(), "DATE", thanksgiving(ctx.anchor.year + k).isoformat(),
                      basis=BASIS_YEAR_INFERRED, kind="day")
    month, day = lexicon.HOLIDAYS[name]
    if m["year"]:
        return Found(m.start(), m.end(), "DATE", day_value(int(m["year"]), month, day), basis=BASIS_STATED, kind="day")
    value = resolve_month_day(ctx.anchor, ctx.direction(m.start(), m.end()), month, day)
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="day")


_REFERENCE = alternation(lexicon.REFERENCE_WORDS)


@rule(rf"{B}(?P<word>{_REFERENCE}){E}")
def _reference(m, ctx):
    """"now" (PRESENT_REF), "recently" (PAST_REF), "the future" (FUTURE_REF)."""
    word = re.sub(r"\s+", " ", m["word"].lower())
    return Found(m.start(), m.end(), "DATE", lexicon.REFERENCE_WORDS[word], basis=BASIS_RELATIVE, kind="ref")


@rule(rf"{B}(?:the\s+)?(?:year[\s-]end|year's\s+end|end\s+of\s+the\s+year){E}")
def _year_end(m, ctx):
    """"year-end", "year's end": the end of the anchor's year."""
    return Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "year", 0), "END", BASIS_RELATIVE, kind="year")


@rule(rf"{B}(?:(?P<side>earlier|later)\s+)?(?:that|the\s+same)\s+(?:same\s+)?(?P<unit>day|week|month|year|morning|afternoon|evening|night){E}")
def _that_unit(m, ctx):
    """"that year", "later that day": the period of the date the text last named (see _combine)."""
    mod = {"earlier": "START", "later": "END"}.get((m["side"] or "").lower())
    return Found(m.start(), m.end(), "DATE", "", mod, BASIS_RELATIVE, kind="that-" + m["unit"].lower())


@rule(rf"{B}the\s+full\s+(?:fiscal\s+|calendar\s+)?year{E}(?!\s+(?:ago|earlier|later|before|after))")
def _full_year(m, ctx):
    """"for the full year": in reports and forecasts, the year the text is in."""
    return Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "year", 0), basis=BASIS_RELATIVE, kind="year")
