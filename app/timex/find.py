"""Finding TIMEX3 expressions in text and giving each its type, value and mod.

The rules (`rules_dates`, `rules_relative`, `rules_spans`, registered in that
order) run in windows around anchor words; the longest candidates win; then
neighbouring pieces combine ("5 p.m." + "Tuesday", "early" + "2024") and
expressions that refer back ("a year earlier", "that year") take their period
from the text before them.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import date, datetime

from app.records import Timex
from app.timex import lexicon
from app.timex import rules_dates, rules_relative, rules_spans  # noqa: F401  (importing registers the rules)
from app.timex.grammar import FLAGS, RULES, Context, Found, alternation
from app.timex.normalize import safe_date, shift_value
from app.timex.prefilter import CASE_ODDITIES, is_digits, requirements

# ---- selection and combination --------------------------------------------

# Speed: every expression contains one of these words (or a year, a clock time,
# a slash date), so the rules only run in windows around them. News text is
# mostly other words; scanning it once with a cheap tokenizer is what makes the
# engine fast enough to run on every passage of large corpora.
_ANCHOR_WORDS = frozenset(
    list(lexicon.MONTHS) + list(lexicon.WEEKDAYS) + list(lexicon.SEASONS) + list(lexicon.DAY_PARTS)
    + [w + "s" for w in lexicon.UNITS] + list(lexicon.UNITS) + ["centuries", "nights", "mornings", "afternoons", "evenings"]
    + [w.split()[-1] for w in lexicon.REFERENCE_WORDS] + list(lexicon.FREQUENCY_WORDS)
    + [w.split()[-1].split("'")[0] for w in lexicon.ALL_HOLIDAYS] + ["noon", "midday", "midnight", "overnight", "clock",
                                                 "nineteen", "eighteen", "thousand", "half", "period",
                                                 "while", "time"]
    + [w + "s" for w in lexicon.WEEKDAYS]
    + ["q", "h"]  # "Q4", "H1": the tokenizer splits letter from digit
    + [w + "long" for w in lexicon.UNITS] + [w + "slong" for w in lexicon.UNITS]  # "weeklong", "yearlong"
    + ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties",
       "today", "tomorrow", "yesterday", "tonight"])
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_DIGIT_ANCHOR = re.compile(r"\s?(?:[ap]\.?m\b|[:/]\d|'?s\b)", FLAGS)
_REACH = 40  # characters a rule's match may extend on either side of its anchor word


_DIGITS = re.compile(r"\d+")  # scanning left to right, each match is a whole run of digits
_LOWER_LETTERS = re.compile(r"[a-z]+")
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_LETTER_ANCHORS = frozenset(w for w in _ANCHOR_WORDS if _LOWER_LETTERS.fullmatch(w))
_LETTER_ANCHOR_BYTES = frozenset(w.encode("ascii") for w in _LETTER_ANCHORS)
# every byte but a lowercase ASCII letter becomes a space
_ONLY_LOWER_LETTERS = bytes(b if 97 <= b <= 122 else 32 for b in range(256))


def _is_anchor_number(text: str, m: re.Match) -> bool:
    token = m.group()
    return (len(token) == 4 and "1500" <= token <= "2099") or _DIGIT_ANCHOR.match(text, m.end()) is not None


def _anchor_tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each anchor token, in text order: a run of ASCII letters that
    is an anchor word whatever its case, or a run of digits that looks like a year or
    a clock time."""
    if CASE_ODDITIES.search(text):
        # lowercasing "İ" and the Kelvin sign would shift offsets or make letters
        return [m.span() for m in _TOKEN.finditer(text)
                if (_is_anchor_number(text, m) if m.group()[0].isdigit() else m.group().lower() in _ANCHOR_WORDS)]
    # Most runs of letters are not anchor words: the words present are told by set
    # operations over all runs at once (as bytes, where blanking every other
    # character is one table look-up each), and only those are looked for one by one.
    lowered = text.lower()
    n = len(text)
    spans = [m.span() for m in _DIGITS.finditer(text) if _is_anchor_number(text, m)]
    runs = lowered.encode("ascii", "replace").translate(_ONLY_LOWER_LETTERS).split()
    for word in _LETTER_ANCHOR_BYTES.intersection(runs):
        word = word.decode("ascii")
        i = lowered.find(word)
        while i >= 0:
            j = i + len(word)
            if (i == 0 or lowered[i - 1] not in _ASCII_LOWER) and (j == n or lowered[j] not in _ASCII_LOWER):
                spans.append((i, j))
            i = lowered.find(word, j)
    spans.sort()
    return spans


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of text around anchor words, cut at whitespace."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    for token_start, token_end in _anchor_tokens(text):
        start, end = max(0, token_start - _REACH), min(n, token_end + _REACH)
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


_CAPITAL_WORD = re.compile(r"(?-i:[A-Z][a-z]+)")
_WORD = re.compile(r"[A-Za-z]{4,}")
# a sentence, or the lead after a dateline's dash, starts here
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]|\n|\s[-\u2013\u2014]+)[\s\"'`\u201c\u2018(]*$")
# a name runs on from a capitalised word ("USA Today") or is a quoted title ("60 Minutes")
_NAME_BEFORE = re.compile(r"(?:(?-i:[A-Z][\w.&'-]*)\s+|[\"'`\u201c\u2018])$")


def _in_a_name(text: str, f: Found) -> bool:
    """Whether a time word of `f` is capitalised mid-sentence after a capitalised
    word or an opening quote, so part of a name ("USA Today", "60 Minutes",
    "This Week"), unless the text around is a Title Case headline or the word
    belongs to a holiday ("Election Day").

    >>> _in_a_name('He told USA Today so.', Found(12, 17, "DATE", "PRESENT_REF"))
    True
    """
    for m in _CAPITAL_WORD.finditer(text, f.start, f.end):
        word = m.group().lower()
        if word not in lexicon.NAME_WORDS:
            continue
        named = re.sub(r"\s+", " ", text[f.start:f.end].lower().replace("\u2019", "'"))
        if any(holiday in named for holiday in lexicon.ALL_HOLIDAYS):
            return False
        if _SENTENCE_START.search(text, max(0, m.start() - 12), m.start()):
            continue
        if not (_NAME_BEFORE.search(text, max(0, m.start() - 20), m.start())
                or _NAME_BEFORE.search(text, max(0, f.start - 20), f.start)):
            continue
        around = _WORD.findall(text, max(0, m.start() - 60), min(len(text), m.end() + 60))
        if sum(w[0].islower() for w in around) * 4 < len(around):
            continue  # a headline: every word is capitalised
        return True
    return False


_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s-]+$")


def _a_measure(text: str, f: Found) -> bool:
    """Whether `f` is the time part of a unit of measure: a speed ("60 miles per
    hour"), "500 kilowatt hours", "light years"."""
    if f.type not in ("SET", "DURATION"):
        return False
    m = _WORD_BEFORE.search(text, max(0, f.start - 20), f.start)
    if not m:
        return False
    word = m[1].lower()
    first = text[f.start:f.end].split(None, 1)[0].lower()
    if first in ("per", "a", "an"):
        return word in lexicon.PER_TIME_MEASURES
    return word in lexicon.TIME_MEASURE_PREFIXES


_LETTERS = re.compile(r"[A-Za-z]+")
# Bits of each token seen, and the rules each set of bits lets run: news repeats its
# words, so after the first documents nearly every look-up is found (the 1,000
# generated documents hold 4,921 tokens in windows). Both are emptied when full so
# that a long ingestion does not grow them without end.
_TOKEN_BITS: dict[str, int] = {}
_RULES_FOR_BITS: dict[int, tuple[int, ...]] = {}
_CACHE_LIMIT = 50_000
_RULE_BITS: list[int] = []
_WORD_BITS: dict[str, int] = {}
# The words of _WORD_BITS by where a token must hold them ("^day$": the whole token,
# "^day": its start, "day$": its end, "day": anywhere), without the marks: a token's
# bits are then the look-ups of its substrings, not a `holds` test of every word.
_WHERE = ("whole", "start", "end", "inside")
_WORDS_AT: dict[str, dict[str, int]] = {where: {} for where in _WHERE}
_LONGEST: dict[str, int] = {where: 0 for where in _WHERE}
_DIGIT_BITS: list[int] = []  # by the length of the window's longest run of digits


def _index_rules() -> None:
    """Give each clause of each rule's needs (see `prefilter`) a bit, and each needed
    word the bits of the clauses it satisfies: a rule runs in a window whose words
    set all of its bits."""
    # Worked out once a rule: it is most of what importing this module costs, paid by
    # every analysis process's start.
    needs = [requirements(pattern) for pattern, _ in RULES]
    clauses = list(dict.fromkeys(clause for need in needs for clause in need))
    bit_of = {clause: bit for bit, clause in enumerate(clauses)}
    _RULE_BITS[:] = [sum(1 << bit_of[clause] for clause in set(need)) for need in needs]
    _WORD_BITS.clear()
    for bit, clause in enumerate(clauses):
        for word in clause:
            _WORD_BITS[word] = _WORD_BITS.get(word, 0) | 1 << bit
    digits = {len(w): _WORD_BITS.pop(w) for w in list(_WORD_BITS) if is_digits(w)}
    _DIGIT_BITS[:] = [0]
    for size in range(1, max(digits, default=0) + 1):
        _DIGIT_BITS.append(_DIGIT_BITS[-1] | digits.get(size, 0))
    for where in _WHERE:
        _WORDS_AT[where].clear()
    for word, word_bits in _WORD_BITS.items():
        where = _WHERE[(word[0] != "^") * 2 + (word[-1] != "$")]
        bare = word.strip("^$")
        _WORDS_AT[where][bare] = _WORDS_AT[where].get(bare, 0) | word_bits
    for where in _WHERE:
        _LONGEST[where] = max(map(len, _WORDS_AT[where]), default=0)
    _TOKEN_BITS.clear()
    _RULES_FOR_BITS.clear()


_index_rules()


def _token_bits(token: str) -> int:
    if len(_TOKEN_BITS) >= _CACHE_LIMIT:
        _TOKEN_BITS.clear()
    low = token.lower()
    n = len(low)
    bits = _WORDS_AT["whole"].get(low, 0)
    start, end, inside = _WORDS_AT["start"], _WORDS_AT["end"], _WORDS_AT["inside"]
    for i in range(1, min(n, _LONGEST["start"]) + 1):
        bits |= start.get(low[:i], 0)
    for i in range(max(0, n - _LONGEST["end"]), n):
        bits |= end.get(low[i:], 0)
    longest = _LONGEST["inside"]
    for i in range(n):
        for j in range(i + 1, min(n, i + longest) + 1):
            bits |= inside.get(low[i:j], 0)
    _TOKEN_BITS[token] = bits
    return bits


def _rules_for(bits: int) -> tuple[int, ...]:
    if len(_RULES_FOR_BITS) >= _CACHE_LIMIT:
        _RULES_FOR_BITS.clear()
    rules = _RULES_FOR_BITS[bits] = tuple(i for i, need in enumerate(_RULE_BITS) if bits & need == need)
    return rules


def _rule_windows(text: str, windows: list[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    """The windows each rule (by its index in RULES) is to run in, in text order:
    those holding the words any match of the rule needs, as it matches nothing in
    the others. A rule that is to run nowhere is left out.

    A needed word of letters holds in one of the window's runs of ASCII letters,
    cut at the window's edges as the regex sees them; one of digits is a run of
    that many digits at least.
    """
    if CASE_ODDITIES.search(text):
        return {i: windows for i in range(len(RULES))}
    if len(_RULE_BITS) != len(RULES):
        _index_rules()  # a rule registered after this module was imported
    per_rule: dict[int, list[tuple[int, int]]] = {}
    token_bits = _TOKEN_BITS.get
    rules_for = _RULES_FOR_BITS.get
    for window in windows:
        start, end = window
        longest = max(map(len, _DIGITS.findall(text, start, end)), default=0)
        bits = _DIGIT_BITS[min(longest, len(_DIGIT_BITS) - 1)]
        for token in _LETTERS.findall(text, start, end):
            b = token_bits(token)
            bits |= _token_bits(token) if b is None else b
        rules = rules_for(bits)
        for i in _rules_for(bits) if rules is None else rules:
            if i in per_rule:
                per_rule[i].append(window)
            else:
                per_rule[i] = [window]
    return per_rule


def _candidates(ctx: Context) -> list[Found]:
    found = []
    runs = _rule_windows(ctx.text, _windows(ctx.text))
    for priority in sorted(runs):
        pattern, handler = RULES[priority]
        for start, end in runs[priority]:
            for m in pattern.finditer(ctx.text, start, end):
                f = handler(m, ctx)
                if (f is not None and f.end > f.start and not _in_a_name(ctx.text, f)
                        and not _a_measure(ctx.text, f)):
                    found.append((f, priority))
    found.sort(key=lambda fp: (-(fp[0].end - fp[0].start), fp[1], fp[0].start))
    # chosen spans never overlap, so sorted starts and ends tell with two bisections
    # whether a candidate collides: linear enough for texts with thousands of dates
    starts: list[int] = []
    chosen: list[Found] = []
    for f, _ in found:
        i = bisect.bisect_left(starts, f.end)
        if i and chosen[i - 1].end > f.start:
            continue
        starts.insert(i, f.start)
        chosen.insert(i, f)
    return chosen


_OF_GAP = re.compile(r"^\s+(?:of\s+)?$", FLAGS)
_DAY_AT_GAP = re.compile(r"^,?\s+(?:at|around|about|from|until|by)\s+$", FLAGS)
_DAY_VALUE = re.compile(r"^\d{4}-\d\d-\d\d")
_CLOCK_DAY_GAP = re.compile(r"^(?:,?\s+(?:on\s+)?|\s*,\s*)$", FLAGS)
_PART_PREFIX = re.compile(
    rf"(?:(?<![\w-])(?P<the>the)\s+)?(?<![\w-])(?P<w>{alternation(lexicon.PART_MODS)})"
    r"(?:\s+(?:in|on|of))?(?:\s+|-)$", FLAGS)
_APPROX_PREFIX = re.compile(r"(?<![\w-])(?:around|about|approximately|circa|roughly)\s+$", FLAGS)


_QUARTER_VALUE = re.compile(r"^(\d{4})-(Q[1-4]|H[12])$")


def _same_period_earlier(f: Found, last_period: str | None) -> Found:
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


def _that_period(f: Found, last_date: Found | None, last_period: str | None = None) -> Found | None:
    """"that year" takes the year of the date last named, "that quarter" the quarter last
    named; dropped when none was named or the named one is coarser than the unit
    ("that day" after "in 2010")."""
    unit = f.kind[len("that-"):]
    if unit == "quarter":
        if last_period is None or "Q" not in last_period:
            return None
        return replace(f, value=last_period, kind="quarter")
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


# "weeks or months", "recent weeks and months": vague amounts joined by "or"/"and"
# are one vague span, as the training data marks them (2 of 2), not two durations
_ALTERNATIVE_GAP = re.compile(r"^,?\s+(?:or|and)\s+(?:even\s+|perhaps\s+|possibly\s+)?$", FLAGS)
_VAGUE_UNITS = re.compile(r"^(?:the\s+)?(?:second|minute|hour|day|week|month|quarter|year|decade|centurie)s$", FLAGS)


def _vague_alternative(f: Found, nxt: Found | None, text: str) -> bool:
    """Whether `nxt` is a bare plural unit offered as an alternative to the vague
    amount `f` ("several days or weeks"): it then belongs to `f`'s span."""
    vague = "X" in f.value or f.value in ("PAST_REF", "FUTURE_REF")
    return (nxt is not None and f.kind in ("duration", "ref") and vague
            and nxt.kind == "duration" and _VAGUE_UNITS.match(text[nxt.start:nxt.end]) is not None
            and _ALTERNATIVE_GAP.match(text[f.end:nxt.start]) is not None)


_APPOSITION_GAP = re.compile(r"^\s*,\s*$")


def _event_day(f: Found, before: Found | None, last_date: Found | None, text: str) -> Found:
    """The date of "the day after his death": set beside a date ("Oct. 12, the day
    before the plunge") it is that date; otherwise the day after (before) the day the
    text last named, as the event it is counted from is mostly the one just dated
    (the training data, 1 of 1 each); with no day named it stays XXXX-XX-XX."""
    if not f.kind.startswith("event-day-"):
        return f
    if (before is not None and _DAY_VALUE.match(before.value)
            and _APPOSITION_GAP.match(text[before.end:f.start])):
        return replace(f, value=before.value[:10], basis=before.basis)
    if last_date is None or not _DAY_VALUE.match(last_date.value):
        return f
    day = safe_date(*map(int, last_date.value[:10].split("-")))
    if day is None:
        return f
    return replace(f, value=shift_value(day, "day", 1 if f.kind.endswith("after") else -1))


def _combine(found: list[Found], text: str) -> list[Found]:
    out: list[Found] = []
    last_period = None
    i = 0
    last_date = None
    while i < len(found):
        f = _same_period_earlier(found[i], last_period)
        if f.kind.startswith("that-"):
            f = _that_period(f, last_date, last_period)
            if f is None:
                i += 1
                continue
        elif f.type in ("DATE", "TIME") and f.value[:4].isdigit():
            last_date = f
        if _QUARTER_VALUE.match(f.value) and f.kind != "years_back":
            last_period = f.value
        nxt = found[i + 1] if i + 1 < len(found) else None
        while _vague_alternative(f, nxt, text):
            f = replace(f, end=nxt.end)
            i += 1
            nxt = found[i + 1] if i + 1 < len(found) else None
        # "Tuesday at 9 a.m.": the clock time is on that day, not the anchor's
        if (f.kind in ("day", "weekday") and nxt is not None and nxt.kind == "clock"
                and _DAY_AT_GAP.match(text[f.end:nxt.start]) and _DAY_VALUE.match(f.value)):
            found[i + 1] = nxt = replace(nxt, value=f.value[:10] + "T" + nxt.value.split("T", 1)[1])
        # "5 p.m. Tuesday": a clock time takes the day that follows it
        if (f.kind == "clock" and nxt is not None and nxt.kind in ("day", "weekday")
                and _CLOCK_DAY_GAP.match(text[f.end:nxt.start])):
            clock = f.value.split("T", 1)[1]
            f = Found(f.start, nxt.end, "TIME", nxt.value[:10] + "T" + clock, f.mod, nxt.basis, "time")
            i += 1
        # "the winter of nineteen ninety-four", "January nineteen ninety-seven": broadcast
        # transcripts spell the year that a printed "January 1997" gives in digits
        elif (f.kind in ("month", "season") and nxt is not None and nxt.kind == "year"
              and not text[nxt.start:nxt.start + 1].isdigit() and _OF_GAP.match(text[f.end:nxt.start])):
            code = f.value.split("-", 1)[1] if "-" in f.value else ""
            if code:
                f = Found(f.start, nxt.end, "DATE", f"{nxt.value}-{code}", f.mod, nxt.basis, f.kind)
                i += 1
        if (f.type == "DATE" or f.kind in ("weekday", "time")) and f.mod is None and f.kind not in ("ref",):
            before = text[max(0, f.start - 30):f.start]
            pm = _PART_PREFIX.search(before)
            if pm and not (pm["w"].lower() in ("earlier", "later") and f.kind in ("decade", "century", "weekday")):
                word = re.sub(r"\s+", " ", pm["w"].lower())
                f = replace(f, start=f.start - (len(before) - pm.start()), mod=lexicon.PART_MODS[word])
            elif f.kind != "weekday":
                am = _APPROX_PREFIX.search(before)
                if am:
                    f = replace(f, start=f.start - (len(before) - am.start()), mod="APPROX")
        if out and f.start < out[-1].end:
            i += 1
            continue
        f = _event_day(f, out[-1] if out else None, last_date, text)
        out.append(f)
        second = _second_day(f, text)
        if second is not None and (nxt is None or nxt.start >= second.end):
            out.append(second)
        i += 1
    return out


# "April 24 and 25", "March 16-27": a second day of the same month, ended by
# punctuation or a preposition (not "April 24 and 25 people")
_SECOND_DAY = re.compile(r"(?:\s+(?:and|or|&|to|through|until)\s+|\s*[-\u2013]\s*)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
                         r"(?=\s*(?:[.,;:)\"'\u201d]|$)|\s+(?:in|at|on|for|when|while|with|but)\b)")


def _second_day(f: Found, text: str) -> Found | None:
    """The second day of "April 24 and 25", a DATE of its own, or None."""
    if f.kind != "day" or not re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", f.value):
        return None
    m = _SECOND_DAY.match(text, f.end)
    if not m or not int(f.value[-2:]) < int(m["d"]) <= 31:
        return None
    value = f"{f.value[:-2]}{int(m['d']):02d}"
    if value[:4].isdigit() and safe_date(int(value[:4]), int(value[5:7]), int(value[8:])) is None:
        return None
    return Found(m.start("d"), m.end(), "DATE", value, basis=f.basis, kind="day")


def find_timexes(text: str, anchor: date | None = None) -> list[Timex]:
    """Every TIMEX3 in `text`, sorted by start and non-overlapping.

    Underspecified dates resolve against `anchor` in the direction of the
    sentence's tense; without an anchor they keep X placeholders.
    >>> [t.value for t in find_timexes("It began on August 6.", date(2025, 1, 20))]
    ['2024-08-06']
    """
    if isinstance(anchor, datetime):
        anchor = anchor.date()  # a datetime does not compare with the dates of the calendar arithmetic
    ctx = Context(text, anchor)
    return [Timex(f.start, f.end, text[f.start:f.end], f.type, f.value, f.mod,
                  f.basis if f.type in ("DATE", "TIME") else "")
            for f in _combine(_candidates(ctx), text)]
