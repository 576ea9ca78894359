"""Finding TIMEX3 expressions in text and giving each its type, value and mod.

A small grammar: each rule is a regular expression built from the word tables
in `lexicon` and a function turning its match into a candidate. All rules run
over the text; the longest candidates win; then neighbouring pieces combine
("5 p.m." + "Tuesday", "early" + "2024"). Patterns are compiled once at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Callable

from app.records import BASIS_RELATIVE, BASIS_STATED, BASIS_YEAR_INFERRED, Timex
from app.timex import lexicon
from app.timex.anchor import tense_direction
from app.timex.normalize import (
    FUTURE, NONE, PAST, duration_value, resolve_month, resolve_month_day,
    resolve_quarter, resolve_season, resolve_weekday, safe_date, season_span, shift_value,
)

FLAGS = re.IGNORECASE


def _alternation(words) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _cased(words) -> str:
    """Case-sensitive alternation of Capitalised and UPPER forms."""
    forms = {w.capitalize() for w in words} | {w.upper() for w in words}
    return "(?-i:" + _alternation(forms) + ")"


_abbrev_months = [w for w in lexicon.MONTHS if len(w) <= 4 and w not in ("may", "june", "july")]
_full_months = [w for w in lexicon.MONTHS if w not in _abbrev_months]
# "Aug." / "Aug" / "August"; abbreviations of ambiguous words need their period.
MON = (rf"(?:{_cased(_full_months)}|{_cased(_abbrev_months)}\.|"
       rf"{_cased([w for w in _abbrev_months if w not in lexicon.AMBIGUOUS_MONTHS])}(?!\w))")
WD_FULL = _cased(lexicon.FULL_WEEKDAYS)
WD = rf"(?:{WD_FULL}|{_cased([w for w in lexicon.WEEKDAYS if w not in lexicon.FULL_WEEKDAYS])}\.)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d])"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_num_words = _alternation(lexicon.NUMBER_WORDS)
_num_phrases = _alternation(lexicon.NUMBER_PHRASES)
_vague = _alternation(lexicon.VAGUE_QUANTITIES)
NUM = (rf"(?:\d+(?:\.\d+)?(?:\s+and\s+a\s+half|\s+1/2)?|(?:{_num_words})(?:[\s-]+(?:{_num_words}))*"
       rf"(?:\s+and\s+a\s+half)?|{_vague}|a\s+half|half\s+an?|(?:{_num_phrases})(?:\s+and\s+a\s+half)?)")
UNIT = r"(?:second|minute|hour|day|week(?:end)?|month|quarter|year|decade|centur(?:y|ie))"
PART_OF_DAY = _alternation(lexicon.DAY_PARTS)
SEASON = _alternation(lexicon.SEASONS)
B = r"(?:(?<=mid-)|(?<![\w$£€#@/.-]))"  # left edge: not inside a word, number, amount or model name
E = r"(?![\w-])"


@dataclass
class _Found:
    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    basis: str = ""
    kind: str = ""  # "day", "time", "duration" ... for combining neighbours


class _Context:
    def __init__(self, text: str, anchor: date | None):
        self.text = text
        self.anchor = anchor

    def direction(self, start: int, end: int) -> int:
        return tense_direction(self.text, start, end)


Handler = Callable[[re.Match, _Context], "_Found | None"]
RULES: list[tuple[re.Pattern, Handler]] = []


def rule(pattern: str, flags: int = FLAGS):
    compiled = re.compile(pattern, flags)

    def register(handler: Handler) -> Handler:
        RULES.append((compiled, handler))
        return handler
    return register


def _month(word: str) -> int:
    return lexicon.MONTHS[word.lower().rstrip(".")]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group())


def _number(words: str) -> float | None:
    """Numeric value of "two", "twenty-five", "3.5", "a couple of"; None if vague."""
    words = re.sub(r"\s+", " ", words.lower()).strip()
    half = 0.0
    if words.endswith(" and a half"):
        words, half = words[: -len(" and a half")], 0.5
    if words in ("a half", "half a", "half an"):
        return 0.5
    if words.endswith(" 1/2"):
        words, half = words[:-4], 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words) + half
    if words in lexicon.NUMBER_WORDS:
        return lexicon.NUMBER_WORDS[words] + half
    if words in lexicon.NUMBER_PHRASES:
        return lexicon.NUMBER_PHRASES[words] + half
    total = 0
    for part in re.split(r"[\s-]+", words):
        if part not in lexicon.NUMBER_WORDS:
            return None
        value = lexicon.NUMBER_WORDS[part]
        total = total * value if value == 100 and total else total + value
    return total + half


def _unit(word: str) -> str:
    word = word.lower()
    return "century" if word.startswith("centur") else word


def _day_value(year: int, month: int, day: int) -> str | None:
    return f"{year:04d}-{month:02d}-{day:02d}" if safe_date(year, month, day) else None


# ---- calendar dates -------------------------------------------------------

@rule(rf"{B}(?:{WD},?\s+)?(?P<mon>{MON})\s*(?P<day>{DAY}),?\s+(?P<year>{YEAR}){E}")
def _month_day_year(m, ctx):
    value = _day_value(int(m["year"]), _month(m["mon"]), _day(m["day"]))
    return value and _Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(rf"{B}(?:{WD},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MON}),?\s+(?P<year>{YEAR}){E}")
def _day_month_year(m, ctx):
    value = _day_value(int(m["year"]), _month(m["mon"]), _day(m["day"]))
    return value and _Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(rf"{B}(?:{WD},?\s+)?(?P<mon>{MON})\s*(?P<day>{DAY})(?![\w%]|[.,:/]\d|\s*(?:%|percent))")
def _month_day(m, ctx):
    month, day = _month(m["mon"]), _day(m["day"])
    if safe_date(2000, month, day) is None:
        return None
    value = resolve_month_day(ctx.anchor, ctx.direction(m.start(), m.end()), month, day)
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="day")


@rule(rf"{B}(?:{WD},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MON})(?!\s*\d)")
def _day_month(m, ctx):
    return _month_day(m, ctx)


@rule(rf"{B}(?P<mon>{MON}),?\s+(?:of\s+)?(?P<year>{YEAR}){E}")
def _month_year(m, ctx):
    return _Found(m.start(), m.end(), "DATE", f"{m['year']}-{_month(m['mon']):02d}",
                  basis=BASIS_STATED, kind="month")


# A bare month name needs a word that introduces a time before it when the name
# is also an ordinary word ("in May", not "may"); others just must not start a
# person's name ("June Carter").
_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|since|until|till|by|during|from|through|to|of|before|after|last|next|this|"
    r"early|late|mid|end|beginning|and|or|between|each|every|since|that|for)[\s-]+)$", FLAGS)


@rule(rf"{B}(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<mon>{MON})(?!\s+(?-i:[A-Z][a-z]))(?![\w-])")
def _bare_month(m, ctx):
    word = m["mon"].lower().rstrip(".")
    before = ctx.text[max(0, m.start() - 20):m.start()]
    if (word in lexicon.AMBIGUOUS_MONTHS or len(word) <= 4) and not m["rel"]:
        if not _MONTH_CONTEXT.search(before):
            return None
    rel = (m["rel"] or "").lower()
    shift = -1 if rel in ("last", "past") else 1 if rel in ("next", "coming") else 0
    value = resolve_month(ctx.anchor, ctx.direction(m.start(), m.end()), _month(word), shift)
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="month")


@rule(r"(?<![\w./-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-]|\.\d)")
def _iso_date(m, ctx):
    value = _day_value(int(m["y"]), int(m["m"]), int(m["d"]))
    return value and _Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(r"(?<![\w./-])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>(?:19|20)\d\d|\d\d)(?![\w/]|\.\d)")
def _slash_date(m, ctx):
    year = int(m["y"])
    if year < 100:
        year += 1900 if year >= 50 else 2000
    value = _day_value(year, int(m["m"]), int(m["d"]))
    return value and _Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


# Years: a four-digit number is a year unless it counts something ("1990 troops"),
# is an amount or sits in a name or reference ("page 1990", "F-1990").
_NOT_YEAR_BEFORE = re.compile(
    r"\b(?:page|pages|p|pp|no|nos|number|article|model|flight|route|highway|chapter|section|"
    r"room|rule|resolution|item|vol|volume|about|some|nearly|almost|over|than|around|"
    r"approximately|exactly|only|just)\.?\s+$", FLAGS)
_NOT_YEAR_AFTER = re.compile(r"^(?:\s*(?:%|percent\b|per\s+cent\b|[-/]\d)|\s+[a-z]+s\b(?<!\bas)|\.\d|:\d)")
_YEAR_CONTEXT = re.compile(r"\b(?:in|since|of|from|by|until|till|through|during|before|after|fiscal|"
                           r"year|the|and|or|to|between|early|late|mid|circa|c\.)[\s-]+$", FLAGS)


@rule(rf"(?:(?<=mid-)|(?<=\d-)|(?<![\w$£€#@/.,-]))(?P<fiscal>fiscal\s+(?:year\s+)?)?(?P<year>{YEAR})(?!\w|-[^\d]|,\d|\.\d)")
def _year(m, ctx):
    before = ctx.text[max(0, m.start() - 20):m.start()]
    after = ctx.text[m.end():m.end() + 20]
    year = int(m["year"])
    if not m["fiscal"]:
        if _NOT_YEAR_BEFORE.search(before) or (_NOT_YEAR_AFTER.match(after) and not _YEAR_CONTEXT.search(before)):
            return None
        if (year < 1800 or year > 2100) and not _YEAR_CONTEXT.search(before):
            return None
    return _Found(m.start(), m.end(), "DATE", m["year"], basis=BASIS_STATED, kind="year")


_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"


@rule(rf"{B}(?:the\s+year\s+)?(?:(?P<century>nineteen|eighteen)\s+(?:(?P<tens>{_TENS})(?:[\s-]+(?P<ones>{_ONES}))?|(?P<teen>{_TEENS})|hundred)"
      rf"|two\s+thousand(?:\s+and)?(?:\s+(?P<ones2>{_ONES}|{_TEENS}))?){E}")
def _spelled_year(m, ctx):
    """Years as transcripts of broadcasts spell them: "nineteen ninety-six", "the year two thousand"."""
    if m["century"]:
        if not (m["tens"] or m["teen"]) and "year" not in m.group().lower():
            return None
        base = lexicon.NUMBER_WORDS[m["century"].lower()] * 100
        rest = lexicon.NUMBER_WORDS.get((m["tens"] or m["teen"] or "").lower(), 0)
        rest += lexicon.NUMBER_WORDS.get((m["ones"] or "").lower(), 0)
    else:
        base, rest = 2000, lexicon.NUMBER_WORDS.get((m["ones2"] or "").lower(), 0)
    return _Found(m.start(), m.end(), "DATE", f"{base + rest}", basis=BASIS_STATED, kind="year")


@rule(rf"{B}the\s+(?P<year>{YEAR})\s+(?:period|quarter|season){E}")
def _year_period(m, ctx):
    return _Found(m.start(), m.end(), "DATE", m["year"], basis=BASIS_STATED, kind="year")


@rule(rf"{B}(?:the\s+)?(?:(?P<dec>1[5-9]\d0|20\d0)'?s|'(?P<yy>\d0)s|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)){E}")
def _decade(m, ctx):
    if m["dec"]:
        if m["dec"].endswith("00"):
            return _Found(m.start(), m.end(), "DATE", m["dec"][:2], basis=BASIS_STATED, kind="decade")
        return _Found(m.start(), m.end(), "DATE", m["dec"][:3], basis=BASIS_STATED, kind="decade")
    if m["yy"]:
        return _Found(m.start(), m.end(), "DATE", "19" + m["yy"][0], basis=BASIS_STATED, kind="decade")
    if not m.group().lower().startswith("the"):
        return None  # "in his twenties" is an age
    digit = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
             "seventies": 7, "eighties": 8, "nineties": 9}[m["word"].lower()]
    return _Found(m.start(), m.end(), "DATE", f"19{digit}", basis=BASIS_STATED, kind="decade")


@rule(rf"{B}(?:the\s+)?(?P<ord>\d{{1,2}})(?:st|nd|rd|th)[\s-]+century{E}")
def _century(m, ctx):
    return _Found(m.start(), m.end(), "DATE", f"{int(m['ord']) - 1:02d}", basis=BASIS_STATED, kind="century")


# ---- weekdays, today, parts of days ----------------------------------------

@rule(rf"{B}(?:(?P<rel>last|next|this|coming|past|previous)\s+)?(?P<wd>{WD})(?P<pl>s)?(?:\s+(?P<part>{PART_OF_DAY})(?P<ppl>s)?)?{E}")
def _weekday(m, ctx):
    number = lexicon.WEEKDAYS[m["wd"].lower().rstrip(".")]
    part = lexicon.DAY_PARTS.get((m["part"] or "").lower(), "")
    suffix = "T" + part if part else ""
    if m["pl"] or m["ppl"]:
        return _Found(m.start(), m.end(), "SET", f"XXXX-WXX-{number}{suffix}", kind="set")
    rel = (m["rel"] or "").lower()
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    value = resolve_weekday(ctx.anchor, ctx.direction(m.start(), m.end()), number, shift)
    return _Found(m.start(), m.end(), "DATE", value + suffix, basis=BASIS_RELATIVE, kind="weekday")


_TODAY = {"today": 0, "tomorrow": 1, "yesterday": -1, "tonight": 0}


@rule(rf"{B}(?P<word>today|tomorrow|yesterday|tonight)(?:\s+(?P<part>{PART_OF_DAY}))?{E}"
      rf"|{B}(?P<this>this|last|tomorrow|yesterday)\s+(?P<part2>{PART_OF_DAY}){E}")
def _today(m, ctx):
    word = (m["word"] or m["this"]).lower()
    part = (m["part"] or m["part2"] or ("night" if word == "tonight" else "")).lower()
    delta = _TODAY.get(word, -1 if word == "last" else 0)
    if word == "last" and part != "night":
        return None
    value = shift_value(ctx.anchor, "day", delta)
    if part:
        return _Found(m.start(), m.end(), "TIME", value + "T" + lexicon.DAY_PARTS[part],
                      basis=BASIS_RELATIVE, kind="time")
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="day")


_CLOCK = (r"(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>(?-i:[ap]\.m\.?|[AP]\.M\.?|[ap]m|[AP]M))(?!\w)"
          r"|(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?![\d:])(?=\s+(?:GMT|UTC|local|hours|EST|EDT|ET))"
          r"|(?P<h12>1[0-2]|0?[1-9])(?::(?P<mi12>[0-5]\d))?\s+(?:o'clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening)"
          r"|(?P<named>noon|midday|midnight)")
_ZONE = r"(?:\s+(?-i:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|ET|PT)(?![\w])|\s+local\s+time)?"


@rule(rf"{B}(?P<approx>around\s+|about\s+|approximately\s+)?(?:{_CLOCK}){_ZONE}")
def _clock(m, ctx):
    if m["named"]:
        clock = "12:00" if m["named"].lower() in ("noon", "midday") else "24:00"
    elif m["h12"]:
        hour = int(m["h12"]) % 12 + (0 if m["part"].lower() == "morning" else 12)
        clock = f"{hour:02d}:{m['mi12'] or '00'}"
    elif m["h24"]:
        clock = f"{int(m['h24']):02d}:{m['mi24']}"
    else:
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        clock = f"{hour:02d}:{m['mi'] or '00'}"
    value = shift_value(ctx.anchor, "day", 0) + "T" + clock
    mod = "APPROX" if m["approx"] else None
    return _Found(m.start(), m.end(), "TIME", value, mod, BASIS_RELATIVE, kind="clock")


# ---- relative calendar units: last week, this year, the quarter -------------

_REL_SHIFT = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1,
              "coming": 1, "following": 1, "upcoming": 1, "the": 0, "latest": -1, "present": 0}


@rule(rf"{B}(?:the\s+|this\s+(?=past\b))?(?P<rel>last|past|previous|this|current|next|coming|following|upcoming|latest|present)"
      rf"\s+(?:fiscal\s+|calendar\s+)?(?P<unit>week(?:end)?|month|quarter|year|decade|century|day|period){E}"
      rf"|{B}(?P<the>the)\s+(?:fiscal\s+)?(?P<unit2>week(?:end)?|month|quarter|year|day){E}")
def _relative_unit(m, ctx):
    unit = (m["unit"] or m["unit2"]).lower()
    rel = (m["rel"] or "the").lower()
    if unit == "period":
        if rel not in ("latest", "current"):
            return None
        unit = "quarter"
    if unit == "day" and rel not in ("previous", "following", "next"):
        return None
    shift = _REL_SHIFT[rel]
    if rel == "latest" and unit != "quarter":
        shift = 0
    if unit == "quarter" and rel in ("the", "latest"):
        shift = -1  # quarterly results are reported once the quarter is over
    if unit in ("decade", "century") and rel in ("last", "past", "previous"):
        return _Found(m.start(), m.end(), "DURATION", duration_value(1, unit), kind="duration")
    value = shift_value(ctx.anchor, unit, shift)
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind=unit)


@rule(rf"{B}(?:(?P<rel>this|last|next|the\s+past|the\s+coming|the|early|late|mid)[\s-]+)?(?P<season>{SEASON})"
      rf"(?:\s+(?:of\s+)?(?P<year>{YEAR}))?{E}")
def _season(m, ctx):
    code = lexicon.SEASONS[m["season"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if m["year"]:
        return _Found(m.start(), m.end(), "DATE", f"{m['year']}-{code}", basis=BASIS_STATED, kind="season")
    before = ctx.text[max(0, m.start() - 12):m.start()]
    if not rel and not re.search(r"\b(?:in|during|this|since|until|by|over)\s+$", before, FLAGS):
        return None  # "spring" and "fall" are common words
    if rel in ("last", "next", "the past", "the coming"):
        if ctx.anchor is None:
            return _Found(m.start(), m.end(), "DATE", f"XXXX-{code}", basis=BASIS_RELATIVE, kind="season")
        direction = PAST if rel in ("last", "the past") else FUTURE
        value = resolve_season(ctx.anchor, direction, code)
        first, last = season_span(int(value[:4]), code)
        if first <= ctx.anchor <= last:  # "last summer" said in summer is the one before
            year = int(value[:4]) + (-1 if direction == PAST else 1)
            value = f"{year}-{code}"
        return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="season")
    direction = NONE if rel == "this" else ctx.direction(m.start(), m.end())
    value = resolve_season(ctx.anchor, direction, code)
    mod = {"early": "START", "late": "END", "mid": "MID"}.get(rel)
    return _Found(m.start(), m.end(), "DATE", value, mod, BASIS_RELATIVE, kind="season")


_ORD4 = r"first|second|third|fourth|1st|2nd|3rd|4th|final"
_YEAR_REF = rf"{YEAR}|this\s+year|last\s+year|next\s+year|the\s+(?:current\s+|fiscal\s+)?year"


@rule(rf"{B}(?:(?P<yr>{_YEAR_REF})'s\s+)?(?:(?P<det>the|its|a|their|this|that)\s+)?(?P<core>(?:fiscal[\s-]+|(?P<yr3>{YEAR})\s+)?"
      rf"(?P<ord>{_ORD4})(?:[\s-]+fiscal)?(?P<sep>[\s-]+)(?P<what>quarter|half)(?:\s+of\s+(?:fiscal\s+)?(?P<yr2>{_YEAR_REF}))?){E}")
def _quarter(m, ctx):
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
        return _Found(m.start(), m.end(), "DATE", f"{year_ref}-{code}", basis=BASIS_STATED, kind="quarter")
    if year_ref:
        delta = {"this": 0, "last": -1, "next": 1, "the": 0}[year_ref.split()[0]]
        year = shift_value(ctx.anchor, "year", delta)
        return _Found(m.start(), m.end(), "DATE", f"{year}-{code}", basis=BASIS_RELATIVE, kind="quarter")
    if half:
        year = shift_value(ctx.anchor, "year", 0)
        return _Found(m.start(), m.end(), "DATE", f"{year}-{code}", basis=BASIS_RELATIVE, kind="quarter")
    value = resolve_quarter(ctx.anchor, ctx.direction(m.start(), m.end()), number)
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="quarter")


@rule(rf"{B}(?:the\s+)?(?P<rel>year-earlier|year-ago|prior-year|year-before)(?:\s+(?P<what>quarter|period|results|level))?{E}")
def _year_earlier(m, ctx):
    if m["what"] and m["what"].lower() == "quarter" and ctx.anchor is not None:
        year, quarter = (ctx.anchor.year, (ctx.anchor.month - 1) // 3 + 1)
        index = year * 4 + quarter - 1 - 1 - 4
        value = f"{index // 4}-Q{index % 4 + 1}"
    else:
        value = shift_value(ctx.anchor, "year", -1)
    noun = m["what"] and m["what"].lower() in ("quarter", "period")
    end = m.end() if noun else m.start("rel") + len(m["rel"])
    start = m.start() if noun else m.start("rel")  # "the year-earlier results": the article is the noun's
    return _Found(start, end, "DATE", value, basis=BASIS_RELATIVE, kind="years_back")


_HOLIDAYS = _alternation(lexicon.HOLIDAYS)


@rule(rf"{B}(?P<name>{_HOLIDAYS}|thanksgiving(?:\s+day)?)(?:,?\s+(?P<year>{YEAR}))?{E}")
def _holiday(m, ctx):
    name = re.sub(r"\s+", " ", m["name"].lower())
    if name.startswith("thanksgiving"):
        def thanksgiving(year):
            first = date(year, 11, 1)
            return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        if m["year"]:
            return _Found(m.start(), m.end(), "DATE", thanksgiving(int(m["year"])).isoformat(), basis=BASIS_STATED, kind="day")
        if ctx.anchor is None:
            return _Found(m.start(), m.end(), "DATE", "XXXX-11-XX", basis=BASIS_YEAR_INFERRED, kind="day")
        from app.timex.normalize import choose_occurrence
        k = choose_occurrence(ctx.anchor, ctx.direction(m.start(), m.end()),
                              lambda k: (thanksgiving(ctx.anchor.year + k),) * 2)
        return _Found(m.start(), m.end(), "DATE", thanksgiving(ctx.anchor.year + k).isoformat(),
                      basis=BASIS_YEAR_INFERRED, kind="day")
    month, day = lexicon.HOLIDAYS[name]
    if m["year"]:
        return _Found(m.start(), m.end(), "DATE", _day_value(int(m["year"]), month, day), basis=BASIS_STATED, kind="day")
    value = resolve_month_day(ctx.anchor, ctx.direction(m.start(), m.end()), month, day)
    return _Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="day")


_REFERENCE = _alternation(lexicon.REFERENCE_WORDS)


@rule(rf"{B}(?P<word>{_REFERENCE}){E}")
def _reference(m, ctx):
    word = re.sub(r"\s+", " ", m["word"].lower())
    return _Found(m.start(), m.end(), "DATE", lexicon.REFERENCE_WORDS[word], basis=BASIS_RELATIVE, kind="ref")


# ---- durations and sets ----------------------------------------------------

_RATE_BEFORE = re.compile(r"(?:\btimes|\btwice|\bonce|%|\bpercent|\d|\bcents?|\bdollars?|\bmillion|\bbillion|\bshare)\s*$", FLAGS)


@rule(rf"{B}an?\s+(?P<unit>{UNIT}){E}")
def _rate(m, ctx):
    if not _RATE_BEFORE.search(ctx.text[max(0, m.start() - 15):m.start()]):
        return None
    return _Found(m.start(), m.end(), "SET", duration_value(1, _unit(m["unit"])), kind="set")


_QMOD = _alternation(lexicon.QUANTITY_MODS)


@rule(rf"{B}(?P<pre>(?:the\s+)?(?:past|last|next|first|coming|previous|following|final|remaining|initial|latest|"
      rf"entire|whole|full|same|other|better\s+part\s+of\s+the|additional)\s+|the\s+)?"
      rf"(?P<qmod>(?:{_QMOD})\s+)?(?:the\s+)?(?:(?P<low>{NUM})\s+(?:to|or)\s+)?(?P<num>{NUM})(?P<hy>\s+|-)(?:(?:more|additional|full|straight|consecutive|long|"
      rf"short)[\s-]+)?(?P<unit>{UNIT})(?P<pl>s)?(?!-old)(?P<half>\s+and\s+a\s+half)?(?P<or>\s+or\s+so)?(?:\s+(?P<rel>ago|earlier|later|from\s+now|hence))?{E}")
def _duration(m, ctx):
    """"two years", "the past 18 months", "nearly a decade", "a year ago" (a DATE)."""
    amount = _number(m["num"])
    if amount is not None and m["half"]:
        amount += 0.5
    vague = amount is None
    unit = _unit(m["unit"])
    if unit == "quarter" and re.match(r"\s+of\b", ctx.text[m.end():m.end() + 4]):
        return None  # "three-quarters of": a fraction
    if unit == "second" and m["num"].lower() in ("a", "an"):
        return None  # "a second" is mostly the ordinal
    start = m.start()
    after_pre = m.start("qmod") if m["qmod"] else m.start("num")
    pre = (m["pre"] or "").split()
    if pre and pre[0].lower() == "last" and _AUXILIARY.search(ctx.text, max(0, start - 12), start):
        start = after_pre  # "will last two days": the verb
    if pre == ["the"] or (pre and pre[0].lower() == "the" and len(pre) == 1):
        if m["hy"] == "-" and not m["pl"]:
            start = after_pre  # "the two-week trip": the article belongs to the noun
    qmod = re.sub(r"\s+", " ", m["qmod"].strip().lower()) if m["qmod"] else ""
    mod = lexicon.QUANTITY_MODS.get(qmod) if qmod else None
    if m["or"] or m["low"]:
        mod = "APPROX"
    rel = (m["rel"] or "").lower()
    duration = _Found(start, m.end(), "DURATION", duration_value(amount, unit), mod, kind="duration")
    if not rel:
        return duration
    direction = 1 if rel in ("later", "hence") or rel.startswith("from") else -1
    if vague:
        ref = "PAST_REF" if direction < 0 else "FUTURE_REF"
        return _Found(start, m.end(), "DATE", ref, mod, BASIS_RELATIVE, kind="ref")
    if unit in ("second", "minute", "hour") or amount != int(amount):
        return duration
    steps = int(amount)
    if unit == "decade":
        unit, steps = "year", steps * 10
    elif unit == "century":
        unit, steps = "year", steps * 100
    value = shift_value(ctx.anchor, unit, direction * steps)
    kind = "years_back" if unit == "year" and direction < 0 else unit
    return _Found(start, m.end(), "DATE", value, mod, BASIS_RELATIVE, kind=kind)


_AUXILIARY = re.compile(r"\b(?:will|would|to|could|can|may|might|should|must|did|does|do|not|n't)\s+$", FLAGS)
_DURATION_AFTER = re.compile(r"\s+(?:after|before|later|earlier|ago|long|of)\b", FLAGS)
_DURATION_CONTEXT = re.compile(r"\b(?:for|over|within|in|took|take|takes|spent|spend|lasted|lasting|last|"
                               r"after|recent|coming|upcoming|past|next|previous|the|and|or)\s+$", FLAGS)


@rule(rf"{B}(?:(?P<pre>the\s+)?(?P<rel>recent|coming|upcoming|past|last|next|previous|following)\s+)?"
      rf"(?P<unit>second|minute|hour|day|week|month|quarter|year|decade|centurie)s(?P<rel2>\s+ago)?{E}")
def _plural_units(m, ctx):
    before = ctx.text[max(0, m.start() - 12):m.start()]
    if (not m["rel"] and not m["rel2"] and not _DURATION_CONTEXT.search(before)
            and not _DURATION_AFTER.match(ctx.text, m.end())):
        return None
    unit = _unit(m["unit"])
    rel = (m["rel"] or "").lower()
    if rel == "following" and not m["pre"]:
        # "following months of talks": a preposition, not "the following months"
        if not _DURATION_AFTER.match(ctx.text, m.end()):
            return None
        return _Found(m.start("unit"), m.end(), "DURATION", duration_value(None, unit), kind="duration")
    if m["rel2"]:
        return _Found(m.start(), m.end(), "DATE", "PAST_REF", basis=BASIS_RELATIVE, kind="ref")
    if rel in ("coming", "upcoming") and unit in ("year", "decade", "month"):
        return _Found(m.start(), m.end(), "DATE", "FUTURE_REF", basis=BASIS_RELATIVE, kind="ref")
    return _Found(m.start(), m.end(), "DURATION", duration_value(None, unit), kind="duration")


@rule(rf"{B}(?P<unit>{UNIT})(?P<pl>s)?-?long{E}")
def _long(m, ctx):
    """"a year-long inquiry", "decades-long feud": the adjective is the duration."""
    amount = None if m["pl"] else 1
    return _Found(m.start(), m.end(), "DURATION", duration_value(amount, _unit(m["unit"])), kind="duration")


@rule(rf"{B}overnight{E}")
def _overnight(m, ctx):
    value = shift_value(ctx.anchor, "day", -1)
    return _Found(m.start(), m.end(), "TIME", value + "TNI", basis=BASIS_RELATIVE, kind="time")


@rule(rf"{B}(?:the\s+)?(?:year[\s-]end|year's\s+end|end\s+of\s+the\s+year){E}")
def _year_end(m, ctx):
    return _Found(m.start(), m.end(), "DATE", shift_value(ctx.anchor, "year", 0), "END", BASIS_RELATIVE, kind="year")


@rule(rf"{B}(?:(?P<side>earlier|later)\s+)?(?:that|the\s+same)\s+(?:same\s+)?(?P<unit>day|week|month|year|morning|afternoon|evening|night){E}")
def _that_unit(m, ctx):
    """"that year", "later that day": the period of the date the text last named (see _combine)."""
    mod = {"earlier": "START", "later": "END"}.get((m["side"] or "").lower())
    return _Found(m.start(), m.end(), "DATE", "", mod, BASIS_RELATIVE, kind="that-" + m["unit"].lower())


_FREQ = _alternation(lexicon.FREQUENCY_WORDS)


@rule(rf"{B}(?P<word>{_FREQ}){E}")
def _frequency(m, ctx):
    return _Found(m.start(), m.end(), "SET", lexicon.FREQUENCY_WORDS[m["word"].lower()], kind="set")


@rule(rf"{B}(?P<q>every|each|per)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{NUM})\s+)?"
      rf"(?:(?P<unit>{UNIT})s?|(?P<wd>{WD})|(?P<mon>{MON})|(?P<season>{SEASON})|(?P<part>morning|afternoon|evening|night)){E}")
def _every(m, ctx):
    if m["wd"]:
        value = f"XXXX-WXX-{lexicon.WEEKDAYS[m['wd'].lower().rstrip('.')]}"
    elif m["mon"]:
        value = f"XXXX-{_month(m['mon']):02d}"
    elif m["season"]:
        value = f"XXXX-{lexicon.SEASONS[m['season'].lower()]}"
    elif m["part"]:
        value = "TXX" + lexicon.DAY_PARTS[m["part"].lower()] if False else f"T{lexicon.DAY_PARTS[m['part'].lower()]}"
    else:
        amount = _number(m["num"]) if m["num"] else 1
        if m["other"]:
            amount = 2
        value = duration_value(amount, _unit(m["unit"]))
    return _Found(m.start(), m.end(), "SET", value, kind="set")


# ---- selection and combination --------------------------------------------

# Speed: every expression contains one of these words (or a year, a clock time,
# a slash date), so the rules only run in windows around them. News text is
# mostly other words; scanning it once with a cheap tokenizer is what makes the
# engine fast enough to run on every passage of large corpora.
_ANCHOR_WORDS = frozenset(
    list(lexicon.MONTHS) + list(lexicon.WEEKDAYS) + list(lexicon.SEASONS) + list(lexicon.DAY_PARTS)
    + [w + "s" for w in lexicon.UNITS] + list(lexicon.UNITS) + ["centuries", "nights", "mornings", "evenings"]
    + [w.split()[-1] for w in lexicon.REFERENCE_WORDS] + list(lexicon.FREQUENCY_WORDS)
    + [w.split()[0] for w in lexicon.HOLIDAYS] + ["thanksgiving", "noon", "midday", "midnight", "overnight",
                                                 "nineteen", "eighteen", "thousand", "half", "period"]
    + [w + "s" for w in lexicon.WEEKDAYS]
    + ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties",
       "today", "tomorrow", "yesterday", "tonight"])
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_DIGIT_ANCHOR = re.compile(r"\s?(?:[ap]\.?m\b|[:/]\d|'?s\b)", FLAGS)
_REACH = 40  # characters a rule's match may extend on either side of its anchor word


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of text around anchor words, cut at whitespace."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token[0].isdigit():
            if not ((len(token) == 4 and "1500" <= token <= "2099") or _DIGIT_ANCHOR.match(text, m.end())):
                continue
        elif token.lower() not in _ANCHOR_WORDS:
            continue
        start, end = max(0, m.start() - _REACH), min(n, m.end() + _REACH)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    out = []
    for start, end in spans:
        if start > 0:
            cut = text.rfind(" ", 0, start)
            start = cut if cut >= 0 else 0
        if end < n:
            cut = text.find(" ", end)
            end = cut if cut >= 0 else n
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _candidates(ctx: _Context) -> list[_Found]:
    found = []
    windows = _windows(ctx.text)
    for priority, (pattern, handler) in enumerate(RULES):
        for start, end in windows:
            for m in pattern.finditer(ctx.text, start, end):
                f = handler(m, ctx)
                if f is not None and f.end > f.start:
                    found.append((f, priority))
    found.sort(key=lambda fp: (-(fp[0].end - fp[0].start), fp[1], fp[0].start))
    chosen: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for f, _ in found:
        if any(f.start < e and s < f.end for s, e in taken):
            continue
        chosen.append(f)
        taken.append((f.start, f.end))
    chosen.sort(key=lambda f: f.start)
    return chosen


_CLOCK_DAY_GAP = re.compile(r"^(?:,?\s+(?:on\s+)?|\s*,\s*)$", FLAGS)
_PART_PREFIX = re.compile(
    r"(?:(?<![\w-])(?P<the>the)\s+)?(?<![\w-])(?P<w>early|late|mid|middle\s+of|end\s+of|beginning\s+of|"
    r"start\s+of|close\s+of|turn\s+of|earlier|later)(?:\s+(?:in|on|of))?(?:\s+|-)$", FLAGS)
_PART_MOD = {"early": "START", "beginning of": "START", "start of": "START", "earlier": "START",
             "late": "END", "end of": "END", "close of": "END", "later": "END", "turn of": "START",
             "mid": "MID", "middle of": "MID"}
_APPROX_PREFIX = re.compile(r"(?<![\w-])(?:around|about|approximately|circa|roughly)\s+$", FLAGS)


_QUARTER_VALUE = re.compile(r"^(\d{4})-(Q[1-4]|H[12])$")


def _same_period_earlier(f: _Found, last_period: str | None) -> _Found:
    """"A year earlier" after "the third quarter" is that quarter a year before:
    a comparison refers to the period the text last named."""
    if f.kind != "years_back" or last_period is None or not f.value[:4].isdigit():
        return f
    m = _QUARTER_VALUE.match(last_period)
    years_back = int(last_period[:4]) - int(f.value[:4])
    if not m or years_back not in (1, 0):
        return f
    return replace(f, value=f"{int(m[1]) - 1}-{m[2]}")


_ANAPHOR_WIDTH = {"year": 4, "month": 7, "day": 10, "morning": 10, "afternoon": 10, "evening": 10, "night": 10}


def _that_period(f: _Found, last_date: _Found | None) -> _Found | None:
    """"that year" takes the year of the date last named; dropped when none was named
    or the named one is coarser than the unit ("that day" after "in 2010")."""
    unit = f.kind[len("that-"):]
    if last_date is None:
        return None
    if unit == "week":
        span = None
        from app.timex.normalize import timex_range
        span = timex_range(Timex(0, 0, "", "DATE", last_date.value[:10]))
        if not span or span[2] != "day":
            return None
        from app.timex.normalize import week_value
        return replace(f, value=week_value(span[0]), kind="week")
    width = _ANAPHOR_WIDTH[unit]
    value = last_date.value[:width]
    if len(last_date.value) < width or not re.fullmatch(r"\d{4}(-\d\d){0,2}", value):
        return None
    if unit in ("morning", "afternoon", "evening", "night"):
        value += "T" + lexicon.DAY_PARTS[unit]
    return replace(f, value=value, type="TIME" if "T" in value else "DATE", kind=unit)


def _combine(found: list[_Found], text: str) -> list[_Found]:
    out: list[_Found] = []
    last_period = None
    i = 0
    last_date = None
    while i < len(found):
        f = _same_period_earlier(found[i], last_period)
        if f.kind.startswith("that-"):
            f = _that_period(f, last_date)
            if f is None:
                i += 1
                continue
        elif f.type in ("DATE", "TIME") and f.value[:4].isdigit():
            last_date = f
        if _QUARTER_VALUE.match(f.value) and f.kind != "years_back":
            last_period = f.value
        nxt = found[i + 1] if i + 1 < len(found) else None
        # "5 p.m. Tuesday": a clock time takes the day that follows it
        if (f.kind == "clock" and nxt is not None and nxt.kind in ("day", "weekday")
                and _CLOCK_DAY_GAP.match(text[f.end:nxt.start])):
            clock = f.value.split("T", 1)[1]
            f = _Found(f.start, nxt.end, "TIME", nxt.value[:10] + "T" + clock, f.mod, nxt.basis, "time")
            i += 1
        if f.type == "DATE" and f.mod is None and f.kind not in ("ref",):
            before = text[max(0, f.start - 30):f.start]
            pm = _PART_PREFIX.search(before)
            if pm and not (pm["w"].lower() in ("earlier", "later") and f.kind in ("decade", "century", "weekday")):
                word = re.sub(r"\s+", " ", pm["w"].lower())
                f = replace(f, start=f.start - (len(before) - pm.start()), mod=_PART_MOD[word])
            elif f.kind != "weekday":
                am = _APPROX_PREFIX.search(before)
                if am:
                    f = replace(f, start=f.start - (len(before) - am.start()), mod="APPROX")
        if out and f.start < out[-1].end:
            i += 1
            continue
        out.append(f)
        i += 1
    return out


def find_timexes(text: str, anchor: date | None = None) -> list[Timex]:
    """Every TIMEX3 in `text`, sorted by start and non-overlapping.

    Underspecified dates resolve against `anchor` in the direction of the
    sentence's tense; without an anchor they keep X placeholders.
    >>> [t.value for t in find_timexes("It began on August 6.", date(2025, 1, 20))]
    ['2024-08-06']
    """
    ctx = _Context(text, anchor)
    return [Timex(f.start, f.end, text[f.start:f.end], f.type, f.value, f.mod,
                  f.basis if f.type in ("DATE", "TIME") else "")
            for f in _combine(_candidates(ctx), text)]
