"""The pieces the temporal grammar is built from: word patterns, the rule registry.

A rule is a regular expression built from the word tables in `lexicon` and a
function turning its match into a `Found` candidate; `rules_dates`,
`rules_relative` and `rules_spans` register theirs with `@rule`, in priority
order (on equal length the earlier rule wins). Patterns compile once at import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.timex import lexicon
from app.timex.anchor import tense_direction
from app.timex.normalize import NONE, safe_date

FLAGS = re.IGNORECASE


def alternation(words) -> str:
    """Regex alternation of phrases, longest first, spaces matching any whitespace.

    The regex engine tries the phrases one after another at every position it
    reaches; a look-ahead for their first letters turns most positions away with
    one test (it only restates what every phrase begins with).
    >>> alternation(["may", "march", "june"])
    '(?=[jm])(?:march|june|may)'
    """
    ordered = sorted(set(words), key=len, reverse=True)
    firsts = "".join(re.escape(c) for c in sorted({w[0] for w in ordered}))
    return f"(?=[{firsts}])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


def cased(words) -> str:
    """Case-sensitive alternation of Capitalised and UPPER forms."""
    forms = {w.capitalize() for w in words} | {w.upper() for w in words}
    return "(?-i:" + alternation(forms) + ")"


_abbrev_months = [w for w in lexicon.MONTHS if len(w) <= 4 and w not in ("may", "june", "july")]
_full_months = [w for w in lexicon.MONTHS if w not in _abbrev_months]
# "Aug." / "Aug" / "August"; abbreviations of ambiguous words need their period.
MON = (rf"(?:{cased(_full_months)}|{cased(_abbrev_months)}\.|"
       rf"{cased([w for w in _abbrev_months if w not in lexicon.AMBIGUOUS_MONTHS])}(?!\w))")
# With a number after it an abbreviation is a month even without its period ("Jan 20", "20 Jan 2025").
MON_BEFORE_NUMBER = rf"(?:{MON}|{cased(_abbrev_months)}(?=,?\s*\d))"
WD_FULL = cased(lexicon.FULL_WEEKDAYS)
WD = rf"(?:{WD_FULL}|{cased([w for w in lexicon.WEEKDAYS if w not in lexicon.FULL_WEEKDAYS])}\.)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d])"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_num_words = alternation(lexicon.NUMBER_WORDS)
_num_phrases = alternation(lexicon.NUMBER_PHRASES)
_vague = alternation(lexicon.VAGUE_QUANTITIES)
_AND_HALF = r"[\s-]+and[\s-]+a[\s-]+half"  # "two and a half", "six-and-a-half"
NUM = (rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:{_AND_HALF}|\s+1/2)?|(?:{_num_words})(?:[\s-]+(?:{_num_words}))*"
       rf"(?:{_AND_HALF})?|{_vague}|a\s+half|half\s+an?|(?:{_num_phrases})(?:{_AND_HALF})?)")
UNIT = r"(?:second|minute|hour|day|week(?:end)?|fortnight|month|quarter|year|decade|centur(?:y|ie))"
PART_OF_DAY = alternation(lexicon.DAY_PARTS)
SEASON = alternation(lexicon.SEASONS)
B = r"(?:(?<![\w$£€#@/.-])(?<!\d,)|(?<=-)(?:(?<=mid-)|(?<=early-)|(?<=late-)))"  # left edge: not inside a word, number, amount or model name
E = r"(?![\w-])"


@dataclass
class Found:
    """A candidate expression before selection: a `Timex` plus what kind of thing it names."""

    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    basis: str = ""
    kind: str = ""  # "day", "time", "duration" ... for combining neighbours


class Context:
    """The text and anchor the rules resolve against; tense is looked up on demand."""

    def __init__(self, text: str, anchor: date | None):
        self.text = text
        self.anchor = anchor

    def direction(self, start: int, end: int) -> int:
        if self.anchor is None:
            return NONE  # without an anchor there is no occurrence to choose
        return tense_direction(self.text, start, end)


Handler = Callable[[re.Match, Context], "Found | None"]
RULES: list[tuple[re.Pattern, Handler]] = []


def rule(pattern: str, flags: int = FLAGS):
    compiled = re.compile(pattern, flags)

    def register(handler: Handler) -> Handler:
        RULES.append((compiled, handler))
        return handler
    return register


def month_number(word: str) -> int:
    return lexicon.MONTHS[word.lower().rstrip(".")]


def day_number(word: str) -> int:
    return int(re.match(r"\d+", word).group())


def parse_number(words: str) -> float | None:
    """Numeric value of "two", "twenty-five", "3.5", "a couple of"; None if vague."""
    words = re.sub(r"\s+", " ", words.lower()).strip()
    words = re.sub(r"[\s-]+and[\s-]+a[\s-]+half$", " and a half", words)
    half = 0.0
    if words.endswith(" and a half"):
        words, half = words[: -len(" and a half")], 0.5
    if words in ("a half", "half a", "half an"):
        return 0.5
    if words.endswith(" 1/2"):
        words, half = words[:-4], 0.5
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", words):
        return float(words.replace(",", "")) + half
    if words in lexicon.NUMBER_WORDS:
        return lexicon.NUMBER_WORDS[words] + half
    if words in lexicon.NUMBER_PHRASES:
        return lexicon.NUMBER_PHRASES[words] + half
    total = current = 0  # "two thousand five hundred": thousands close a group, hundreds scale it
    for part in re.split(r"[\s-]+", words):
        if part not in lexicon.NUMBER_WORDS:
            return None
        value = lexicon.NUMBER_WORDS[part]
        if value == 100:
            current = (current or 1) * value
        elif value >= 1000:
            total, current = total + (current or 1) * value, 0
        elif current % 100 and (value >= 10 or current % 10):
            return None  # "two-three", "twenty-thirty": a range, not one number
        else:
            current += value
    return total + current + half


def unit_name(word: str) -> str:
    word = word.lower()
    return "century" if word.startswith("centur") else word


def day_value(year: int, month: int, day: int) -> str | None:
    return f"{year:04d}-{month:02d}-{day:02d}" if safe_date(year, month, day) else None


