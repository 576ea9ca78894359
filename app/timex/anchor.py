"""Which way a sentence points in time, and the anchor of a document without a date.

The anchor is the publication date, else the latest of the corpus anchor and
the dates the document states outside sentences that look ahead (yearless ones
placed nearest the latest of the others); the corpus anchor is the latest of its
documents' own anchors in the year holding most of them, refined to the median
of the latest days they state. How a yearless date
resolves against the anchor is `normalize.choose_occurrence`.
"""
from __future__ import annotations

import re
from datetime import date
from statistics import median_low
from typing import Iterable

from app.timex import lexicon
from app.timex.normalize import FUTURE, NONE, PAST, safe_date

# How far around an expression tense markers are looked for; a sentence in news
# rarely runs longer, and the nearest marker wins anyway.
_WINDOW = 160
_SENTENCE_END = re.compile(r"[.!?][\"')\u201d\u2019]?\s+(?=[\"'\u201c\u2018(]?[A-Z])|\n\s*\n")

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_FUTURE_WORDS = frozenset(w for w in lexicon.FUTURE_MARKERS if " " not in w)
_FUTURE_PAIRS = frozenset(tuple(w.split()) for w in lexicon.FUTURE_MARKERS if " " in w) | {
    (verb, prep) for verb in ("expected", "scheduled", "slated") for prep in ("to", "for")}
_PAST_WORDS = frozenset(lexicon.PAST_IRREGULAR)
_PRESENT_WORDS = frozenset({"is", "are", "am", "says", "say", "remains", "remain"})
# after these a participle ("will be installed", "are set for") takes its tense from them
_BE = frozenset({"be", "being", "is", "are", "am", "was", "were"})
_NOT_PAST = frozenset({"need", "needed", "speed", "indeed", "hundred", "proceed", "exceed",
                       "succeed", "feed", "seed", "breed", "bleed", "unnamed", "united",
                       "based", "concerned", "related", "involved", "supposed", "used"})


def _tense_markers(text: str, first: int, last: int):
    """(start, end, direction) of each word in text[first:last] that sets a tense."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, first, last)]
    for i, (start, end, word) in enumerate(words):
        low = word.lower()
        following = words[i + 1] if i + 1 < len(words) else None
        if following and (low, following[2].lower()) in _FUTURE_PAIRS:
            yield start, following[1], FUTURE
        elif low in _FUTURE_WORDS or low.endswith("'ll"):
            yield start, end, FUTURE
        elif i and words[i - 1][2].lower() in _BE:
            continue  # "will be installed", "are set for": a participle; its auxiliary has the tense
        elif low in _PAST_WORDS:
            yield start, end, PAST
        elif len(low) >= 5 and low.endswith("ed") and low not in _NOT_PAST:
            if not (word[0].isupper() and start > first):  # mid-sentence capitals are names
                yield start, end, PAST
        elif low in _PRESENT_WORDS:
            yield start, end, NONE


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(first, last) offsets of the sentence around text[start:end], within a window."""
    lo = max(0, start - _WINDOW)
    hi = min(len(text), end + _WINDOW)
    first = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        first = m.end()
    m = _SENTENCE_END.search(text, end, hi)
    last = m.start() + 1 if m else hi
    return first, last


# A preposition right before the expression outranks the verb: "until Tuesday",
# "as soon as Tuesday" look ahead whatever the tense, "since Tuesday" looks back.
_LEAD_IN = re.compile(r"(?:(?P<future>\b(?:until|till|by|as\s+soon\s+as|as\s+early\s+as|no\s+later\s+than|starting|"
                      r"beginning|through)\s+(?:on\s+)?)|(?P<past>\bsince\s+))$", re.IGNORECASE)


def tense_direction(text: str, start: int, end: int) -> int:
    """PAST, FUTURE or NONE: the tense marker nearest the expression in its sentence.

    >>> tense_direction("The offensive, which began on August 6, marks a shift", 30, 38)
    -1
    """
    lead = _LEAD_IN.search(text, max(0, start - 25), start)
    if lead:
        return FUTURE if lead["future"] else PAST
    first, last = sentence_bounds(text, start, end)
    clause_first, clause_last = _clause_bounds(text, first, last, start, end)
    best, best_distance, best_outside = NONE, None, True
    for m_start, m_end, direction in _tense_markers(text, first, last):
        if start <= m_start < end:
            continue
        distance = start - m_end if m_end <= start else m_start - end
        outside = m_end <= clause_first or m_start >= clause_last
        # a marker of the expression's own clause outranks a nearer one across
        # ", and" / ", but": "will publish on Tuesday, and growth is slowing"
        if best_distance is None or (outside, distance) < (best_outside, best_distance):
            best_distance, best, best_outside = distance, direction, outside
    return best


_CLAUSE_BREAK = re.compile(r"(?:[,;]\s+(?:and|but|while|whereas|although|though|or)\b|;)", re.IGNORECASE)


def _clause_bounds(text: str, first: int, last: int, start: int, end: int) -> tuple[int, int]:
    """(first, last) offsets of the coordinated clause around text[start:end] within its sentence."""
    clause_first = first
    for m in _CLAUSE_BREAK.finditer(text, first, start):
        clause_first = m.end()
    m = _CLAUSE_BREAK.search(text, end, last)
    return clause_first, m.start() if m else last


def anchor_from_dates(dates: Iterable[date]) -> date | None:
    """The anchor of a corpus from the anchors (or dates) of its documents: the
    latest of them in the year that holds the most of them.

    A document's own anchor is only a lower bound of when it was written, and
    documents ingested together cluster in time while a few recall old wars or
    name distant deadlines: the densest year says when the corpus is, and its
    latest date is the lower bound the cluster shares. Measured on the TempEval-3
    training corpora with the DCT withheld (value F1, against the median):
    AQUAINT 0.370 (0.249), TimeBank 0.545 (0.545), both together 0.449 (0.457).
    >>> anchor_from_dates([date(1998, 1, 1), date(2024, 8, 6), date(2025, 1, 20), date(2025, 1, 22)])
    datetime.date(2025, 1, 22)
    """
    dates = sorted(dates)
    best, best_count, first = None, 0, 0
    for last, day in enumerate(dates):
        while (day - dates[first]).days >= 365:
            first += 1
        if last - first + 1 >= best_count:  # on a tie the later year: lower bounds err early
            best, best_count = day, last - first + 1
    return best


_FORWARD = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in
                                           sorted(lexicon.FORWARD_MARKERS, key=len, reverse=True))
                      + r")\b", re.IGNORECASE)
_FULL_WEEKDAYS = {name: lexicon.WEEKDAYS[name] for name in lexicon.FULL_WEEKDAYS}


def _looks_ahead(text: str, start: int, end: int) -> bool:
    """Whether the sentence around text[start:end] is in the future tense or
    states a plan, term or forecast ("bonds due 2011", "expects growth in 1990")."""
    if tense_direction(text, start, end) == FUTURE:
        return True
    first, last = sentence_bounds(text, start, end)
    return _FORWARD.search(text, first, last) is not None


def _past_dates(text: str) -> tuple[list[tuple[date, date]], list[tuple[int, int, int]]]:
    """(first, last) days of the year-bearing dates a text states, and the (month,
    day, weekday or 0) of its yearless ones, both outside sentences that look ahead."""
    from app.records import BASIS_STATED, BASIS_YEAR_INFERRED
    from app.timex.find import find_timexes
    from app.timex.normalize import timex_range
    stated, yearless = [], []
    for t in find_timexes(text, None):
        if t.basis not in (BASIS_STATED, BASIS_YEAR_INFERRED) or _looks_ahead(text, t.start, t.end):
            continue
        if t.basis == BASIS_YEAR_INFERRED:
            if len(t.value) == 10 and t.value.startswith("XXXX-") and t.value[5:].replace("-", "").isdigit():
                weekday = _FULL_WEEKDAYS.get(t.text.split()[0].rstrip(",").lower(), 0)
                yearless.append((int(t.value[5:7]), int(t.value[8:10]), weekday))
            continue
        span = timex_range(t)
        if span and span[2] != "decade":
            stated.append(span[:2])
    return stated, yearless


# A weekday names the year of a date it goes with once in five to eleven years,
# so the year is searched for this far around the other evidence.
_PIN_YEARS = 6


def _pinned(base: date, month: int, day: int, weekday: int) -> date | None:
    """"Friday, Oct. 23": the date nearest `base` that falls on that weekday."""
    fits = [d for year in range(base.year - _PIN_YEARS, base.year + _PIN_YEARS + 1)
            if (d := safe_date(year, month, day)) and d.isoweekday() == weekday]
    return min(fits, key=lambda d: abs((d - base).days)) if fits else None


def anchor_from_text(text: str, floor: date | None = None) -> date | None:
    """The anchor a text without publication date gets from the dates it states.

    What has happened cannot be later than the writing: the anchor is the latest
    of `floor` (a corpus anchor), of the year-bearing dates the text states
    outside sentences that look ahead (the last day of each; "Friday, Oct. 23"
    bears the year nearest the others in which Oct. 23 is a Friday) and of its
    yearless ones ("March 19") placed in the year nearest the latest of those.
    None if the text states nothing and no floor is given.

    >>> anchor_from_text("Talks began on January 3, 2025 and resumed on January 20, 2025.")
    datetime.date(2025, 1, 20)
    >>> anchor_from_text("The 2012 harvest failed. Prices rose on March 19.")
    datetime.date(2013, 3, 19)
    """
    stated, yearless = _past_dates(text)
    if not stated and floor is None:
        return None
    return _latest(stated, yearless, floor)


def _latest(stated: list[tuple[date, date]], yearless: list[tuple[int, int, int]],
            floor: date | None, near: date | None = None) -> date:
    """The latest of `floor`, the stated dates (the last day of each) and the
    yearless days, placed nearest the latest of the others (and of `near`)."""
    from app.timex.normalize import NONE as NO_TENSE, resolve_month_day
    base = max([last for _, last in stated] + [d for d in (floor, near) if d])
    days = [first for first, last in stated if first == last]
    days += [d for month, day, weekday in yearless if weekday and (d := _pinned(base, month, day, weekday))]
    base = max([base] + days)
    days += [date.fromisoformat(resolve_month_day(base, NO_TENSE, month, day))
             for month, day, weekday in yearless if not weekday and (month, day) != (2, 29)]
    return max(days + [last for _, last in stated] + ([floor] if floor else []))


def _latest_day(text: str, base: date) -> date | None:
    """The latest day a text states, its yearless days placed in the year nearest
    `base`; None if it states no day of the month."""
    stated, yearless = _past_dates(text)
    if not yearless and not any(first == last for first, last in stated):
        return None
    return _latest(stated, yearless, None, near=base)


def corpus_anchor(texts: Iterable[str]) -> date | None:
    """The anchor of documents ingested together, from what they state.

    First the year: `anchor_from_dates` of the documents' own anchors
    (`anchor_from_text`). Then the day: the median, over the documents that
    state days of the month, of the latest day each states, yearless days placed
    in the year nearest that first estimate. Measured on the TempEval-3 training
    documents with the DCT withheld, value F1: 0.441 with the first estimate
    alone, 0.455 with the day step (both when the first was still a median);
    the densest year instead of the median in the day step: 0.391.
    >>> corpus_anchor(["Shares fell in 2012.", "Talks ended on March 19.", "It rained on March 21."])
    datetime.date(2013, 3, 19)
    """
    texts = list(texts)
    year_estimate = anchor_from_dates(a for text in texts if (a := anchor_from_text(text)))
    if year_estimate is None:
        return None
    days = sorted(d for text in texts if (d := _latest_day(text, year_estimate)))
    return median_low(days) if days else year_estimate
