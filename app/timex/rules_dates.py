"""Rules for calendar dates, years, weekdays, "today" and clock times."""
from __future__ import annotations

import re

from app.records import BASIS_RELATIVE, BASIS_STATED, BASIS_YEAR_INFERRED
from app.timex import lexicon
from app.timex.grammar import (
    B, E, FLAGS, MON, MON_BEFORE_NUMBER, WD, DAY, YEAR, PART_OF_DAY, Found, rule, month_number, day_number, day_value,
)
from app.timex.normalize import (
    resolve_month, resolve_month_day, resolve_weekday, safe_date, shift_value,
)


# ---- calendar dates -------------------------------------------------------

@rule(rf"{B}(?:{WD},?\s+)?(?P<mon>{MON_BEFORE_NUMBER})\s*(?P<day>{DAY}),?\s+(?P<year>{YEAR}){E}")
def _month_day_year(m, ctx):
    """"Aug. 7, 1998", "Friday, January 20, 2025": a stated day."""
    value = day_value(int(m["year"]), month_number(m["mon"]), day_number(m["day"]))
    return value and Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(rf"{B}(?:{WD},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MON_BEFORE_NUMBER}),?\s+(?P<year>{YEAR}){E}")
def _day_month_year(m, ctx):
    """"20 January 2025", "the 6th of August 2024": a stated day."""
    value = day_value(int(m["year"]), month_number(m["mon"]), day_number(m["day"]))
    return value and Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(rf"{B}(?:(?P<rel>last|this|next)\s+)?(?:{WD},?\s+)?(?P<mon>{MON_BEFORE_NUMBER})\s*(?P<day>{DAY})(?![\w%]|[.,:/]\d|\s*(?:%|percent))")
def _month_day(m, ctx):
    """"August 6", "last Oct. 23": a day whose year the anchor gives."""
    month, day = month_number(m["mon"]), day_number(m["day"])
    if safe_date(2000, month, day) is None:
        return None
    rel = (m.groupdict().get("rel") or "").lower()
    if rel in ("last", "next") and ctx.anchor is not None:
        # "last Oct. 23" is the one strictly before the anchor, "next March 3" the one after
        step = -1 if rel == "last" else 1
        year = ctx.anchor.year
        while (safe_date(year, month, day) is None or (safe_date(year, month, day) - ctx.anchor).days * step <= 0):
            year += step
        value = f"{year:04d}-{month:02d}-{day:02d}"
    else:
        value = resolve_month_day(ctx.anchor, ctx.direction(m.start(), m.end()), month, day)
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="day")


@rule(rf"{B}(?:{WD},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+(?P<mon>{MON})(?!\s*\d)")
def _day_month(m, ctx):
    """"6 August", "the 6th of August": as `_month_day`."""
    return _month_day(m, ctx)


@rule(rf"{B}(?P<mon>{MON}),?\s+(?:of\s+)?(?:(?P<year>{YEAR}){E}|(?P<rel>this|last|next)\s+year{E})")
def _month_year(m, ctx):
    """"July 1997" (stated), "February this year" (relative to the anchor)."""
    month = month_number(m["mon"])
    if m["year"]:
        return Found(m.start(), m.end(), "DATE", f"{m['year']}-{month:02d}", basis=BASIS_STATED, kind="month")
    year = shift_value(ctx.anchor, "year", {"this": 0, "last": -1, "next": 1}[m["rel"].lower()])
    return Found(m.start(), m.end(), "DATE", f"{year}-{month:02d}", basis=BASIS_RELATIVE, kind="month")


# A bare month name needs a word that introduces a time before it when the name
# is also an ordinary word ("in May", not "may"); others just must not start a
# person's name ("June Carter").
_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|since|until|till|by|during|from|through|to|of|before|after|last|next|this|"
    r"early|late|mid|end|beginning|and|or|between|each|every|since|that|for)[\s-]+)$", FLAGS)


# "a June agreement", "the March accession": after an article a capitalised month
# that modifies a noun is the month, while "the March of Dimes", "a May to remember"
# name or use the word otherwise.
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the)\s+$", FLAGS)
_NOUN_AFTER = re.compile(r"\s+(?!(?:of|to|for|on|in|at|by|from|with|and|or|as|is|was|be|the|a|an)\b)(?-i:[a-z]{3,})\b")


@rule(rf"{B}(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<mon>{MON})(?!\s+(?-i:[A-Z][a-z])|\s*\d)(?![\w-])")
def _bare_month(m, ctx):
    """"in March", "last November": a month whose year the anchor gives."""
    word = m["mon"].lower().rstrip(".")
    before = ctx.text[max(0, m.start() - 20):m.start()]
    if (word in lexicon.AMBIGUOUS_MONTHS or len(word) <= 4) and not m["rel"]:
        if not (_MONTH_CONTEXT.search(before)
                or (_ARTICLE_BEFORE.search(before) and _NOUN_AFTER.match(ctx.text, m.end()))):
            return None
    rel = (m["rel"] or "").lower()
    if rel == "this" and ctx.anchor is not None:
        # "this September" is the anchor year's, whichever way the sentence points
        return Found(m.start(), m.end(), "DATE", f"{ctx.anchor.year}-{month_number(word):02d}",
                     basis=BASIS_RELATIVE, kind="month")
    shift = -1 if rel in ("last", "past") else 1 if rel in ("next", "coming") else 0
    value = resolve_month(ctx.anchor, ctx.direction(m.start(), m.end()), month_number(word), shift)
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_YEAR_INFERRED, kind="month")


@rule(r"(?<![\w./-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<clock>[0-2]\d:[0-5]\d)(?::[0-5]\d(?:\.\d+)?)?"
      r"(?:Z|[+-]\d\d:?\d\d)?)?(?![\w/-]|\.\d|:\d)")
def _iso_date(m, ctx):
    """"2025-01-20" (DATE), "2025-01-20T10:30:00Z" (TIME)."""
    value = day_value(int(m["y"]), int(m["m"]), int(m["d"]))
    if value and m["clock"]:
        return Found(m.start(), m.end(), "TIME", f"{value}T{m['clock']}", basis=BASIS_STATED, kind="time")
    return value and Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


@rule(r"(?<![\w./-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d\d|\d\d)(?![\w/]|\.\d)")
def _slash_date(m, ctx):
    """1/20/2025 the American way; 20/01/2025 when the first number cannot be a month."""
    year = int(m["y"])
    if year < 100:
        year += 1900 if year >= 50 else 2000
    first, second = int(m["a"]), int(m["b"])
    month, day = (first, second) if first <= 12 else (second, first)
    value = day_value(year, month, day)
    return value and Found(m.start(), m.end(), "DATE", value, basis=BASIS_STATED, kind="day")


# Years: a four-digit number is a year unless it counts something ("1990 troops"),
# is an amount or sits in a name or reference ("page 1990", "F-1990").
_NOT_YEAR_BEFORE = re.compile(
    r"\b(?:page|pages|p|pp|no|nos|number|article|model|flight|route|highway|chapter|section|"
    r"room|rule|resolution|item|vol|volume|about|some|nearly|almost|over|than|around|"
    r"approximately|exactly|only|just)\.?\s+$", FLAGS)
# a plural noun after the number counts it ("1990 troops"); a verb or a word that
# merely ends in s does not ("2012 was", "1996 has been")
_NOT_YEAR_AFTER = re.compile(
    r"^(?:\s*(?:%|percent\b|per\s+cent\b|[-/]\d)|\.\d|:\d|\s+(?-i:GMT|UTC)\b"
    r"|\s+(?!(?:was|is|has|does|as|its|his|this|thus|plus|versus|us|less|unless|across|whereas)\b)[a-z]+s\b)")
# after a possessive a number is a year that names a thing ("its 2012 results"): news
# prints a count of that size with a comma ("its 2,000 employees")
_YEAR_CONTEXT = re.compile(r"\b(?:in|since|of|from|by|until|till|through|during|before|after|fiscal|"
                           r"year|the|and|or|to|between|early|late|mid|circa|c\.|its|his|her|their|our)[\s-]+$",
                           FLAGS)


@rule(rf"(?:(?<=mid-)|(?<=\d-)|(?<![\w$£€#@/.,-]))(?:(?P<fiscal>fiscal\s+(?:year\s+)?)|(?P<named>the\s+year\s+))?"
      rf"(?P<year>{YEAR})(?!\w|-[^\d]|,\d|\.\d)")
def _year(m, ctx):
    """"in 1990", "fiscal 1989", "the year 2000", "2009-2010": a year, unless the number counts or names something."""
    before = ctx.text[max(0, m.start() - 20):m.start()]
    after = ctx.text[m.end():m.end() + 20]
    year = int(m["year"])
    if not (m["fiscal"] or m["named"]):
        if _NOT_YEAR_BEFORE.search(before) or (_NOT_YEAR_AFTER.match(after) and not _YEAR_CONTEXT.search(before)):
            return None
        if (year < 1800 or year > 2100) and not _YEAR_CONTEXT.search(before):
            return None
    return Found(m.start(), m.end(), "DATE", m["year"], basis=BASIS_STATED, kind="year")


@rule(rf"{B}(?P<side>pre|post)-(?P<year>{YEAR})(?![\w-])")
def _side_of_year(m, ctx):
    """"post-1959 politics", "pre-2008 levels": the time after (before) a year (training: 1 of 1)."""
    mod = "AFTER" if m["side"].lower() == "post" else "BEFORE"
    return Found(m.start(), m.end(), "DATE", m["year"], mod, BASIS_STATED, kind="year")


_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"


@rule(rf"{B}(?:the\s+year\s+)?(?:(?P<century>nineteen|eighteen)\s+(?:(?P<tens>{_TENS})(?:[\s-]+(?P<ones>{_ONES}))?|(?P<teen>{_TEENS})|hundred)"
      rf"|two\s+thousand(?:\s+and)?(?:\s+(?P<ones2>{_ONES}|{_TEENS}))?){E}")
def _spelled_year(m, ctx):
    """Years as transcripts of broadcasts spell them: "nineteen ninety-six", "the year two thousand"."""
    if (_NOT_YEAR_AFTER.match(ctx.text[m.end():m.end() + 20])
            and not _YEAR_CONTEXT.search(ctx.text[max(0, m.start() - 20):m.start()])):
        return None  # "two thousand troops" counts
    if m["century"]:
        if not (m["tens"] or m["teen"]) and "year" not in m.group().lower():
            return None
        base = lexicon.NUMBER_WORDS[m["century"].lower()] * 100
        rest = lexicon.NUMBER_WORDS.get((m["tens"] or m["teen"] or "").lower(), 0)
        rest += lexicon.NUMBER_WORDS.get((m["ones"] or "").lower(), 0)
    else:
        base, rest = 2000, lexicon.NUMBER_WORDS.get((m["ones2"] or "").lower(), 0)
    return Found(m.start(), m.end(), "DATE", f"{base + rest}", basis=BASIS_STATED, kind="year")


@rule(rf"{B}the\s+(?P<year>{YEAR})\s+(?:period|quarter|season){E}")
def _year_period(m, ctx):
    """"the 1988 period": the year of a reported period."""
    return Found(m.start(), m.end(), "DATE", m["year"], basis=BASIS_STATED, kind="year")


@rule(rf"{B}(?:the\s+)?(?:(?P<dec>1[5-9]\d0|20\d0)'?s|'(?P<yy>\d0)s|(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)){E}")
def _decade(m, ctx):
    """"the 1990s" (199), "the '80s" (198), "the 1800s" (18, a century)."""
    if m["dec"]:
        if m["dec"].endswith("00") and m["dec"] != "2000":  # "the 1800s" is a century, "the 2000s" a decade
            return Found(m.start(), m.end(), "DATE", m["dec"][:2], basis=BASIS_STATED, kind="decade")
        return Found(m.start(), m.end(), "DATE", m["dec"][:3], basis=BASIS_STATED, kind="decade")
    if m["yy"]:
        return Found(m.start(), m.end(), "DATE", "19" + m["yy"][0], basis=BASIS_STATED, kind="decade")
    if not m.group().lower().startswith("the"):
        return None  # "in his twenties" is an age
    digit = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
             "seventies": 7, "eighties": 8, "nineties": 9}[m["word"].lower()]
    return Found(m.start(), m.end(), "DATE", f"19{digit}", basis=BASIS_STATED, kind="decade")


@rule(rf"{B}(?:the\s+)?(?P<ord>\d{{1,2}})(?:st|nd|rd|th)[\s-]+century{E}")
def _century(m, ctx):
    """"the 20th century" (19)."""
    return Found(m.start(), m.end(), "DATE", f"{int(m['ord']) - 1:02d}", basis=BASIS_STATED, kind="century")


# ---- weekdays, today, parts of days ----------------------------------------

@rule(rf"{B}(?:(?P<rel>last|next|this|coming|past|previous)\s+)?(?P<wd>{WD})(?P<pl>s)?(?:\s+(?P<part>{PART_OF_DAY})(?P<ppl>s)?)?{E}")
def _weekday(m, ctx):
    """"Friday", "last Friday" (DATE), "Wednesday night" (TIME), "Tuesday nights" (SET)."""
    number = lexicon.WEEKDAYS[m["wd"].lower().rstrip(".")]
    part = lexicon.DAY_PARTS.get((m["part"] or "").lower(), "")
    suffix = "T" + part if part else ""
    if m["pl"] or m["ppl"]:
        return Found(m.start(), m.end(), "SET", f"XXXX-WXX-{number}{suffix}", kind="set")
    rel = (m["rel"] or "").lower()
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    value = resolve_weekday(ctx.anchor, ctx.direction(m.start(), m.end()), number, shift)
    # a part of a day is finer than a day: TIME, as "this morning" is (the guidelines, and
    # TimeBank 10 of 10; the AQUAINT half of the training data calls them DATE)
    return Found(m.start(), m.end(), "TIME" if part else "DATE", value + suffix, basis=BASIS_RELATIVE, kind="weekday")


_TODAY = {"today": 0, "tomorrow": 1, "yesterday": -1, "tonight": 0}
_GENERIC_TODAY = re.compile(r"['\u2019]s\s+(?:[a-z]+\s+)?(?:" + "|".join(sorted(lexicon.GENERIC_AFTER_TODAY)) + r")\b",
                            FLAGS)


@rule(rf"{B}(?P<word>today|tomorrow|yesterday|tonight)(?:\s+(?P<part>{PART_OF_DAY}))?{E}"
      rf"|{B}(?P<this>this|last|tomorrow|yesterday)\s+(?P<part2>{PART_OF_DAY}){E}")
def _today(m, ctx):
    """"today", "yesterday" (DATE), "this morning", "last night", "tonight" (TIME)."""
    word = (m["word"] or m["this"]).lower()
    part = (m["part"] or m["part2"] or ("night" if word == "tonight" else "")).lower()
    delta = _TODAY.get(word, -1 if word == "last" else 0)
    if word == "last" and part != "night":
        return None
    if word == "today" and not part and _GENERIC_TODAY.match(ctx.text, m.end()):
        return None  # "today's world": our times, not the day
    value = shift_value(ctx.anchor, "day", delta)
    if part:
        return Found(m.start(), m.end(), "TIME", value + "T" + lexicon.DAY_PARTS[part],
                      basis=BASIS_RELATIVE, kind="time")
    return Found(m.start(), m.end(), "DATE", value, basis=BASIS_RELATIVE, kind="day")


# A part of a day named on its own belongs to the day the text is telling of: "by mid
# afternoon", "placed orders in the morning". A preposition must lead to it, or
# "morning" is just a noun ("a morning talk show").
_DAY_PART_LEAD = re.compile(r"\b(?:in|during|by|on|until|till|through|throughout|before|after|since|at|from)\s+$", FLAGS)


@rule(rf"{B}(?P<edge>early|mid|late)[\s-]*(?P<part>morning|afternoon|evening)(?:\s+(?P<day>today|yesterday|tomorrow))?{E}"
      rf"|{B}the\s+(?P<part2>morning|afternoon|evening){E}")
def _day_part(m, ctx):
    """"mid-afternoon", "late morning yesterday" (TIME on that day); "in the morning" (TIME
    on the day last named, see `_combine`)."""
    if not _DAY_PART_LEAD.search(ctx.text, max(0, m.start() - 12), m.start()):
        return None
    if m["part2"]:
        return Found(m.start(), m.end(), "TIME", "", basis=BASIS_RELATIVE, kind="that-" + m["part2"].lower())
    value = shift_value(ctx.anchor, "day", _TODAY.get((m["day"] or "today").lower(), 0))
    return Found(m.start(), m.end(), "TIME", value + "T" + lexicon.DAY_PARTS[m["part"].lower()],
                 basis=BASIS_RELATIVE, kind="time")


_CLOCK_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_CLOCK = (r"(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>(?-i:[ap]\.m\.?|[AP]\.M\.?|[ap]m|[AP]M))(?!\w)"
          r"|(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?![\d:])(?=\s+(?:GMT|UTC|local|hours|EST|EDT|ET))"
          r"|(?P<h12>1[0-2]|0?[1-9])(?::(?P<mi12>[0-5]\d))?\s+(?:o'clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening)"
          rf"|(?P<oc>1[0-2]|0?[1-9]|{_CLOCK_WORDS})\s+o['\u2019]clock"
          r"|(?P<named>noon|midday|midnight)")
_ZONE = r"(?:\s+(?-i:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|ET|PT)(?![\w])|\s+local\s+time)?"


@rule(rf"{B}(?P<approx>around\s+|about\s+|approximately\s+)?(?:{_CLOCK}){_ZONE}")
def _clock(m, ctx):
    """"5 p.m.", "10:35 a.m. EST", "noon", "4 in the morning": TIME on the anchor's day."""
    if m["named"]:
        clock = "12:00" if m["named"].lower() in ("noon", "midday") else "24:00"
    elif m["h12"]:
        hour = int(m["h12"]) % 12 + (0 if m["part"].lower() == "morning" else 12)
        clock = f"{hour:02d}:{m['mi12'] or '00'}"
    elif m["oc"]:
        # "nine o'clock" names the hour without its half of the day: kept as written
        hour = m["oc"] if m["oc"].isdigit() else lexicon.NUMBER_WORDS[m["oc"].lower()]
        clock = f"{int(hour):02d}:00"
    elif m["h24"]:
        clock = f"{int(m['h24']):02d}:{m['mi24']}"
    else:
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        clock = f"{hour:02d}:{m['mi'] or '00'}"
    value = shift_value(ctx.anchor, "day", 0) + "T" + clock
    mod = "APPROX" if m["approx"] else None
    return Found(m.start(), m.end(), "TIME", value, mod, BASIS_RELATIVE, kind="clock")


@rule(rf"{B}overnight{E}")
def _overnight(m, ctx):
    """"overnight": the night before the anchor."""
    value = shift_value(ctx.anchor, "day", -1)
    return Found(m.start(), m.end(), "TIME", value + "TNI", basis=BASIS_RELATIVE, kind="time")
