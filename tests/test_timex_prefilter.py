"""The words each temporal rule needs: a rule skipped in a window must have matched nothing there."""
from __future__ import annotations

import doctest
import re
from datetime import date

import pytest

from app.timex import find, find_timexes, grammar, prefilter
from app.timex.grammar import RULES
from app.timex.prefilter import CASE_ODDITIES, holds, is_digits, requirements
from test_timex_phrases import CASES, FALSE_FRIENDS

TEXTS = [case[0] for case in CASES] + FALSE_FRIENDS + [
    "Shares fell 3% in the third quarter of fiscal 2012, a year earlier than the year-ago period.",
    "The weeklong strike, the decades-long feud and a year-long inquiry ended at 5 p.m. Tuesday.",
    "He spoke at nine o\u2019clock on Christmas Eve and again every other week in the 1990s and '80s.",
    "Q4 2012 and H1 results, 2013-01-20T10:30Z, 20/01/2025; the twenties; the 20th century.",
    "Talks last two and a half years; twice a week; in recent months; for some time; the day after his death.",
]


def test_every_match_of_every_rule_holds_the_words_its_rule_needs():
    text = "\n".join(TEXTS)
    tokens = [(m.start(), m.end(), m.group().lower()) for m in re.finditer("[A-Za-z]+", text)]
    for pattern, handler in RULES:
        needs = requirements(pattern)
        for m in pattern.finditer(text):
            touching = [token for start, end, token in tokens if start < m.end() and end > m.start()]
            for clause in needs:
                assert any(re.search(r"\d" * len(w), m.group()) if is_digits(w) else any(holds(w, t) for t in touching)
                           for w in clause), (handler.__name__, m.group(), sorted(clause))


def test_skipping_windows_changes_no_expression(monkeypatch):
    anchors = [date(2025, 1, 20), None]
    fast = [find_timexes(t, a) for t in TEXTS for a in anchors]
    monkeypatch.setattr(find, "_rule_windows", lambda text, windows: {i: windows for i in range(len(RULES))})
    assert [find_timexes(t, a) for t in TEXTS for a in anchors] == fast


def test_a_text_with_a_case_oddity_runs_every_rule():
    # "ſ" is an "s" to a case-insensitive regex but not to str.lower()
    text = "It happened on Auguſt 6 in the ſummer."
    assert find._rule_windows(text, [(0, len(text))]) == {i: [(0, len(text))] for i in range(len(RULES))}


def test_case_oddities_are_every_character_ignorecase_matches_with_an_ascii_letter():
    letter = re.compile("|".join("abcdefghijklmnopqrstuvwxyz"), re.IGNORECASE)
    found = {chr(c) for c in range(0x80, 0x110000) if letter.fullmatch(chr(c))}
    assert found == {c for c in map(chr, range(0x80, 0x2200)) if CASE_ODDITIES.fullmatch(c)}


@pytest.mark.parametrize("pattern,words", [
    (r"(?i)\b(?:last|next)\s+(?:week|month)s?", [["^month", "^week"], ["last$", "next$"]]),
    (r"(?i)\w+day", [["day"]]),  # what the pattern does not spell out needs nothing
    (r"(?i)(?:x|\w)+", []),
    (r"(?i)(?<!\w)(?:week)?end(?![\w-])", [["^end$", "^weekend$"]]),
    (r"(?i)(?<![a-z])day", [["day"]]),  # a class of some letters leaves the others
    (r"(?i)(?<=-)day(?=s)|(?<=\s)days(?=\s)", [["^day"]]),
    (r"(?i)o['\u2019]clock|\d+\s*[ap]m", [["0", "^clock"], ["^am", "^clock", "^pm"]]),
    (r"(?i)(?P<y>19\d\d)s", [["0000"]]),
    (r"(?<![\w/-])(?-i:[QH][1-4])(?![\w/-])", [["^h$", "^q$"]]),  # a whole token, rarer than a digit
])
def test_requirements_spell_out_what_every_match_contains(pattern, words):
    assert sorted(map(sorted, requirements(re.compile(pattern)))) == words


@pytest.mark.parametrize("module", [prefilter, grammar])
def test_docstring_examples_hold(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_a_rule_registered_after_import_runs_too():
    pattern = re.compile(r"(?i)(?<!\w)blue\s+moon(?!\w)")
    RULES.append((pattern, lambda m, ctx: grammar.Found(m.start(), m.end(), "DATE", "XXXX", kind="ref")))
    try:
        assert [t.text for t in find_timexes("Once in a blue moon, in May 2024.", date(2025, 1, 20))] == [
            "blue moon", "May 2024"]
    finally:
        RULES.pop()
        find._index_rules()


def test_a_token_s_bits_are_those_of_every_word_that_holds_in_it():
    # find._token_bits looks up a token's substrings instead of testing each word with
    # `holds`: the same bits for the words themselves, their case variants, and tokens
    # that hold several words or parts of them.
    words = [w.strip("^$") for w in find._WORD_BITS]
    tokens = set(words) | {w.upper() for w in words} | {w.capitalize() for w in words}
    tokens |= {a + b for a in words[:60] for b in words[:60]} | {w[1:] for w in words} | {w[:-1] for w in words}
    tokens |= {"s" + w + "s" for w in words}
    assert any(len(find._WORDS_AT[where]) for where in ("start", "end"))
    for token in sorted(t for t in tokens if t):
        expected = 0
        for word, bits in find._WORD_BITS.items():
            if holds(word, token.lower()):
                expected |= bits
        find._TOKEN_BITS.pop(token, None)
        assert find._token_bits(token) == expected, token
