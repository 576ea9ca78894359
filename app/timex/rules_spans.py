"""Rules for durations ("two years", "the past 18 months") and sets ("every week")."""
from __future__ import annotations

import re

from app.records import BASIS_RELATIVE
from app.timex import lexicon
from app.timex.grammar import (
    B, E, FLAGS, MON, WD, NUM, UNIT, SEASON, Found, rule, alternation, month_number, parse_number, unit_name,
)
from app.timex.normalize import (
    duration_value, shift_value,
)


# ---- durations and sets ----------------------------------------------------

_RATE_BEFORE = re.compile(r"(?:\btimes|\btwice|\bonce|%|\bpercent|\d|\bcents?|\bdollars?|\bmillion|\bbillion|\bshare)\s*$", FLAGS)


# "hundreds of interviews a day", "four flights a week": a counted plural right before
# "a day" makes it a rate too
_COUNTED_BEFORE = re.compile(
    rf"(?:\d|\b(?:{alternation(lexicon.NUMBER_WORDS)}|hundreds|thousands|millions|dozens|several|many))"
    r"\s+(?:[a-z]+\s+)?(?:[a-z]{2,}s|people|children|men|women)\s+$", FLAGS)
_SPAN_AFTER = re.compile(r"\s+(?:after|before|later|earlier|ago|of|to|in|into|for)\b", FLAGS)


@rule(rf"{B}an?\s+(?P<unit>{UNIT}){E}")
def _rate(m, ctx):
    """"$5 a year", "twice a week", "four flights a week": a SET."""
    if not _RATE_BEFORE.search(ctx.text[max(0, m.start() - 15):m.start()]):
        if (not _COUNTED_BEFORE.search(ctx.text[max(0, m.start() - 40):m.start()])
                or _SPAN_AFTER.match(ctx.text, m.end())):
            return None  # "killed 30 people a day after the vote": an amount of time
    return Found(m.start(), m.end(), "SET", duration_value(1, unit_name(m["unit"])), kind="set")


_QMOD = alternation(lexicon.QUANTITY_MODS)


@rule(rf"{B}(?P<pre>(?:the\s+)?(?:past|last|next|first|coming|previous|following|final|remaining|initial|latest|"
      rf"entire|whole|full|same|other|better\s+part\s+of\s+the|additional)\s+|the\s+)?"
      rf"(?P<qmod>(?:{_QMOD})\s+)?(?:the\s+)?(?:(?P<low>{NUM})(?:\s+(?:to|or)\s+|\s*[-\u2013]\s*(?=\d)))?(?:(?P<num>{NUM})(?P<hy>\s+|-))?(?:(?:more|additional|full|straight|consecutive|long|"
      rf"short|trading|business|working)[\s-]+)?(?P<unit>{UNIT})(?P<pl>s)?(?P<long>-long)?(?!-old)(?P<half>[\s-]+and[\s-]+a[\s-]+half)?(?P<or>\s+or\s+so)?(?:\s+(?P<rel>ago|earlier|later|from\s+now|hence))?{E}")
def _duration(m, ctx):
    """"two years", "the past 18 months", "nearly a decade", "a year ago" (a DATE)."""
    if not m["num"]:
        # "the last year and a half": the span's own words say how long it is
        if not (m["half"] and m["pre"] and m["pre"].split()[-1].lower() in _SPAN_WORDS):
            return None
        amount = 1.0
    else:
        amount = parse_number(m["num"])
    if amount is not None and m["half"]:
        amount += 0.5
    vague = amount is None
    unit = unit_name(m["unit"])
    if (unit == "day" and (m["num"] or "").lower() == "one" and not m["pre"] and not m["rel"]
            and _MODAL_BEFORE.search(ctx.text, max(0, m.start() - 10), m.start())):
        # "Islam will one day be ...": some day to come, not an amount of one day
        return Found(m.start(), m.end(), "DATE", "FUTURE_REF", basis=BASIS_RELATIVE, kind="ref")
    if unit == "quarter" and re.match(r"\s+of\b", ctx.text[m.end():m.end() + 4]):
        return None  # "three-quarters of": a fraction
    if m["long"] and m["hy"] != "-":
        return None  # "a year-long inquiry": the article is the noun's, `_long` takes the adjective
    if unit == "second" and (m["num"] or "").lower() in ("a", "an"):
        return None  # "a second" is mostly the ordinal
    if _AGE_BEFORE.search(ctx.text, max(0, m.start() - 12), m.start()) or _AGE_AFTER.match(ctx.text, m.end()):
        return None  # an age ("ages 6 months and older", "65 years old"), as the training data leaves them
    start = m.start()
    after_pre = m.start("qmod") if m["qmod"] else m.start("num") if m["num"] else m.start("unit")
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
    if rel == "later" or (rel == "earlier" and re.match(r"\s+than\b", ctx.text[m.end():m.end() + 6])):
        # "a month earlier than usual" compares, and "three days later" counts from an event
        # the text told of, not from the anchor: both name an amount of time, and "later"
        # is the signal linking it (the training data, 4 of 4)
        end = m.start("rel")
        while ctx.text[end - 1].isspace():
            end -= 1
        return Found(start, end, "DURATION", duration_value(amount, unit), mod, kind="duration")
    duration = Found(start, m.end(), "DURATION", duration_value(amount, unit), mod, kind="duration")
    if not rel:
        return duration
    if (rel == "earlier" and unit not in ("year", "quarter")
            and not _COMPARED.search(ctx.text, max(0, start - 25), start)):
        # "A day earlier, trucks crossed": counted back from an event of the text like
        # "a day later" (the training data, 1 of 1); "up 2% from a month earlier" compares
        # with a period as "a year earlier" does
        return duration
    direction = 1 if rel in ("later", "hence") or rel.startswith("from") else -1
    if vague:
        ref = "PAST_REF" if direction < 0 else "FUTURE_REF"
        return Found(start, m.end(), "DATE", ref, mod, BASIS_RELATIVE, kind="ref")
    # "a quarter century ago" is 25 years back
    factor = {"fortnight": 2, "decade": 10, "century": 100}.get(unit, 1)
    if unit in ("second", "minute", "hour") or amount * factor != int(amount * factor):
        return duration
    steps = int(amount * factor)
    unit = {"fortnight": "week", "decade": "year", "century": "year"}.get(unit, unit)
    value = shift_value(ctx.anchor, unit, direction * steps)
    kind = "years_back" if unit == "year" and direction < 0 else unit
    return Found(start, m.end(), "DATE", value, mod, BASIS_RELATIVE, kind=kind)


_MODAL_BEFORE = re.compile(r"(?:\b(?:will|would|could|can|may|might|should|shall|must)|'ll)\s+$", FLAGS)
_COMPARED = re.compile(r"\b(?:from|than|over|versus|vs\.?|with|since)\s+$", FLAGS)
_SPAN_WORDS = frozenset({"past", "last", "next", "first", "coming", "previous", "following", "final", "remaining"})
_AGE_BEFORE = re.compile(r"\b(?:age|ages|aged)\s+$", FLAGS)
_AGE_AFTER = re.compile(r"\s+(?:old|of\s+age)\b", FLAGS)
_AUXILIARY = re.compile(r"\b(?:will|would|to|could|can|may|might|should|must|did|does|do|not|n't)\s+$", FLAGS)
_DURATION_AFTER = re.compile(r"\s+(?:after|before|later|earlier|ago|long|of)\b", FLAGS)
_DURATION_CONTEXT = re.compile(r"\b(?:for|over|within|in|took|take|takes|spent|spend|lasted|lasting|last|after|"
                               r"recent|coming|upcoming|past|next|previous|the|and|or|even|span|spans|spanned|"
                               r"spanning)\s+$", FLAGS)


@rule(rf"{B}(?:(?P<pre>the\s+)?(?P<rel>recent|coming|upcoming|past|last|next|previous|following)\s+)?"
      rf"(?P<unit>second|minute|hour|day|week|month|quarter|year|decade|centurie)s(?P<rel2>\s+ago)?{E}")
def _plural_units(m, ctx):
    """"for years", "in recent months", "the coming weeks": vague durations."""
    before = ctx.text[max(0, m.start() - 12):m.start()]
    if (not m["rel"] and not m["rel2"] and not _DURATION_CONTEXT.search(before)
            and not _DURATION_AFTER.match(ctx.text, m.end())):
        return None
    unit = unit_name(m["unit"])
    rel = (m["rel"] or "").lower()
    if unit == "hour" and re.search(r"\b(?:early|wee|small)\s+$", before, FLAGS):
        return None  # "in the early hours of Thursday": a time of night, not an amount
    if rel == "following" and not m["pre"]:
        # "following months of talks": a preposition, not "the following months"
        if not _DURATION_AFTER.match(ctx.text, m.end()):
            return None
        return Found(m.start("unit"), m.end(), "DURATION", duration_value(None, unit), kind="duration")
    if m["rel2"] or (unit == "year" and rel in ("recent", "past") and not m["pre"]):
        # "in recent years", "in past years": the vague past as a whole, as the
        # training data has it (4 of 5), not an amount of years
        return Found(m.start(), m.end(), "DATE", "PAST_REF", basis=BASIS_RELATIVE, kind="ref")
    if rel in ("coming", "upcoming") and unit in ("year", "decade", "month"):
        return Found(m.start(), m.end(), "DATE", "FUTURE_REF", basis=BASIS_RELATIVE, kind="ref")
    return Found(m.start(), m.end(), "DURATION", duration_value(None, unit), kind="duration")


@rule(rf"{B}the\s+(?P<unit>hour|day|week|month|year|decade)s\s+ahead{E}(?!\s+of\b)")
def _units_ahead(m, ctx):
    """"in the weeks ahead": the vague stretch from now on, as "the coming weeks" (the
    article and "ahead" belong to it)."""
    return Found(m.start(), m.end(), "DURATION", duration_value(None, unit_name(m["unit"])), kind="duration")


@rule(rf"{B}(?P<unit>{UNIT})(?P<pl>s)?-?long{E}")
def _long(m, ctx):
    """"a year-long inquiry", "a weeklong strike", "decades-long feud": the adjective is the duration."""
    amount = None if m["pl"] else 1
    return Found(m.start(), m.end(), "DURATION", duration_value(amount, unit_name(m["unit"])), kind="duration")


_FREQ = alternation(lexicon.FREQUENCY_WORDS)


@rule(rf"{B}(?P<word>{_FREQ}){E}")
def _frequency(m, ctx):
    """"daily", "annually": a SET."""
    return Found(m.start(), m.end(), "SET", lexicon.FREQUENCY_WORDS[m["word"].lower()], kind="set")


@rule(rf"{B}(?P<q>every|each|per)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{NUM})\s+)?"
      rf"(?:(?P<unit>{UNIT})s?|(?P<wd>{WD})|(?P<mon>{MON})|(?P<season>{SEASON})|(?P<part>morning|afternoon|evening|night)){E}")
def _every(m, ctx):
    """"every week" (P1W), "every two years" (P2Y), "each Thursday" (XXXX-WXX-4), "each July"."""
    if m["wd"]:
        value = f"XXXX-WXX-{lexicon.WEEKDAYS[m['wd'].lower().rstrip('.')]}"
    elif m["mon"]:
        value = f"XXXX-{month_number(m['mon']):02d}"
    elif m["season"]:
        value = f"XXXX-{lexicon.SEASONS[m['season'].lower()]}"
    elif m["part"]:
        value = f"XXXX-XX-XXT{lexicon.DAY_PARTS[m['part'].lower()]}"  # "every morning"
    else:
        amount = parse_number(m["num"]) if m["num"] else 1
        if m["other"]:
            amount = 2
        value = duration_value(amount, unit_name(m["unit"]))
    return Found(m.start(), m.end(), "SET", value, kind="set")


@rule(rf"{B}(?:on|at|during|over|in\s+the)\s+(?P<span>weekends|mornings|afternoons|evenings|nights){E}")
def _habitual(m, ctx):
    """"on weekends", "in the mornings": every such part of the week or day, a SET."""
    span = m["span"].lower()
    value = ("XXXX-WXX-WE" if span == "weekends"
             else f"XXXX-XX-XXT{lexicon.DAY_PARTS[span[:-1]]}")
    return Found(m.start("span"), m.end(), "SET", value, kind="set")


@rule(rf"{B}(?:for|after|in)\s+(?P<span>(?:quite\s+)?(?:some\s+time|a\s+(?:long\s+|short\s+|little\s+)?while)){E}")
def _while(m, ctx):
    """"for some time", "for a while": an amount of time of no stated unit (PXX)."""
    return Found(m.start("span"), m.end(), "DURATION", "PXX", kind="duration")
