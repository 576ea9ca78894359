"""Word tables the temporal grammar is built from.

Plain data: extending the engine to a new word (a holiday, a unit, a number word)
means adding an entry here, not a code path.
"""
from __future__ import annotations

# Month names as newspapers print them; matched case-sensitively (capitalised or
# all caps) so that "may" and "march" the verbs never read as months.
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# Month names that are also common English words; alone they need a temporal
# preposition or determiner before them ("in May", "last March").
AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "jun", "sep", "dec", "aug"}

WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3,
    "wed": 3, "thursday": 4, "thu": 4, "thurs": 4, "friday": 5, "fri": 5,
    "saturday": 6, "sat": 6, "sunday": 7, "sun": 7,
}
# Abbreviated weekdays are words too ("sat", "wed", "sun"); they count only with a period.
FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

SEASONS = {
    "spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI",
}
# Parts of a day and their TimeML codes.
DAY_PARTS = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dozen": 12,
}
# Phrases that stand for a number on their own, never inside a longer one
# ("a five-hour flight" is five hours, not six).
NUMBER_PHRASES = {
    "a": 1, "an": 1, "a single": 1, "one single": 1, "a dozen": 12, "a hundred": 100,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a pair of": 2,
}
# Quantities that say "some number of": TimeML writes them as X ("PXD").
VAGUE_QUANTITIES = (
    "several", "a few", "few", "many", "some", "a number of", "numerous",
    "dozens of", "hundreds of", "a series of",
)

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
    "7th": 7, "8th": 8, "9th": 9, "10th": 10, "11th": 11, "12th": 12,
    "13th": 13, "14th": 14, "15th": 15, "16th": 16, "17th": 17, "18th": 18,
    "19th": 19, "20th": 20, "21st": 21,
}

# Duration units: TimeML unit letter and whether it is a time (PT...) unit.
UNITS = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True),
    "day": ("D", False), "week": ("W", False), "weekend": ("WE", False),
    "month": ("M", False), "quarter": ("Q", False), "year": ("Y", False),
    "decade": ("DE", False), "century": ("CE", False),
}

# Fixed-date holidays (month, day).
HOLIDAYS = {
    "christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
    "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
    "independence day": (7, 4), "valentine's day": (2, 14),
}

# Adverbs and adjectives that refer to the present, past or future as a whole.
REFERENCE_WORDS = {
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "at present": "PRESENT_REF", "at the moment": "PRESENT_REF",
    "these days": "PRESENT_REF", "current": "PRESENT_REF",
    "recently": "PAST_REF", "formerly": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "the future": "FUTURE_REF",
    "the near future": "FUTURE_REF", "the near term": "FUTURE_REF",
    "the long term": "FUTURE_REF", "a later date": "FUTURE_REF",
    }

# Sets: frequency adverbs and their TimeML values.
FREQUENCY_WORDS = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W",
    "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
    "hourly": "PT1H", "semiannually": "P6M", "biannually": "P6M",
}

# Modifiers in front of a quantity and the TimeML mod they give.
QUANTITY_MODS = {
    "more than": "MORE_THAN", "longer than": "MORE_THAN",
    "less than": "LESS_THAN", "fewer than": "LESS_THAN", "shorter than": "LESS_THAN",
    "nearly": "EQUAL_OR_LESS", "almost": "EQUAL_OR_LESS", "up to": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS", "at least": "EQUAL_OR_MORE", "no less than": "EQUAL_OR_MORE",
    "some": "APPROX",
}
# "about", "over", "around" stay outside the expression in TimeML's training
# data ("over <two years>"), so they are not part of it here either.
# Modifiers of a point or period: "early 2024", "the end of March".
PART_MODS = {
    "early": "START", "the beginning of": "START", "the start of": "START",
    "the early": "START", "beginning of": "START", "start of": "START",
    "late": "END", "the end of": "END", "the late": "END", "end of": "END",
    "the close of": "END",
    "mid": "MID", "the middle of": "MID", "middle of": "MID", "the mid": "MID",
}

# Verbs and auxiliaries that set a sentence's tense, for choosing the year of
# "August 6" or the week of "Friday".
FUTURE_MARKERS = (
    "will", "'ll", "shall", "won't", "going to", "plans to", "plan to",
    "planned for", "scheduled", "expected to", "is to", "are to",
    "upcoming", "next", "intends to", "would",
)
PAST_IRREGULAR = (
    "was", "were", "had", "did", "said", "told", "went", "came", "made", "took",
    "gave", "met", "began", "left", "held", "fell", "rose", "saw", "got", "found",
    "became", "brought", "bought", "sold", "paid", "lost", "won", "put", "set",
    "ran", "spoke", "wrote", "knew", "thought", "felt", "kept", "led", "sent",
    "struck", "shot", "hit", "fought", "broke", "built", "drew", "flew", "froze",
    "hung", "meant", "rode", "sank", "slid", "stood", "swore", "taught", "threw",
    "withdrew", "wore", "ago", "earlier", "last", "yesterday",
)
