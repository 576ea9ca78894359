"""The word tables of the temporal grammar, read once from `lexicon.toml`.

The data lives in the TOML file so that a user can extend the engine (a holiday,
a unit, a number word, a tense marker) without touching code. This module only
gives the tables the shapes the grammar uses.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

_DATA = tomllib.loads((Path(__file__).with_name("lexicon.toml")).read_text(encoding="utf-8"))

MONTHS: dict[str, int] = _DATA["months"]
AMBIGUOUS_MONTHS = frozenset(_DATA["vague"]["ambiguous_months"])
WEEKDAYS: dict[str, int] = _DATA["weekdays"]
# Abbreviated weekdays are words too ("sat", "wed", "sun"); they count only with a period.
FULL_WEEKDAYS = tuple(name for name in WEEKDAYS if name.endswith("day"))
SEASONS: dict[str, str] = _DATA["seasons"]
DAY_PARTS: dict[str, str] = _DATA["day_parts"]
NUMBER_WORDS: dict[str, int] = _DATA["number_words"]
NUMBER_PHRASES: dict[str, int] = _DATA["number_phrases"]
VAGUE_QUANTITIES = tuple(_DATA["vague"]["quantities"])
UNITS = tuple(_DATA["units"]["names"])
HOLIDAYS = {name: (month, day) for name, (month, day) in _DATA["holidays"].items()}
WEEKDAY_HOLIDAYS: dict[str, tuple[int, int, int, int]] = {
    name: tuple(rule) for name, rule in _DATA["weekday_holidays"].items()}
EASTER_HOLIDAYS: dict[str, int] = _DATA["easter_holidays"]
HOLIDAY_WEEKS: dict[str, str] = _DATA["holiday_weeks"]
ALL_HOLIDAYS = tuple(HOLIDAYS) + tuple(WEEKDAY_HOLIDAYS) + tuple(EASTER_HOLIDAYS) + tuple(HOLIDAY_WEEKS)
REFERENCE_WORDS: dict[str, str] = _DATA["reference_words"]
FREQUENCY_WORDS: dict[str, str] = _DATA["frequency_words"]
QUANTITY_MODS: dict[str, str] = _DATA["quantity_mods"]
PART_MODS: dict[str, str] = _DATA["part_mods"]
FUTURE_MARKERS = tuple(_DATA["tense"]["future"])
PAST_IRREGULAR = tuple(_DATA["tense"]["past"])
FORWARD_MARKERS = tuple(_DATA["tense"]["forward"])
GENERIC_AFTER_TODAY = frozenset(_DATA["generic_today"]["nouns"])
NAME_WORDS = frozenset(_DATA["name_words"]["words"])
ORDINAL_DAYS = tuple(_DATA["ordinal_days"]["words"])
PER_TIME_MEASURES = frozenset(_DATA["measures"]["per_time"])
TIME_MEASURE_PREFIXES = frozenset(_DATA["measures"]["before_time"])
