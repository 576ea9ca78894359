"""Which rules can match in a window of text, told by the words the window holds.

Most windows hold the words of a few rules only, and running a rule's regex over a
window costs about as much whether it matches or not. So every rule gets, from its
own compiled pattern, the words one of which any match must contain (a month for
the dates, a unit for the durations, a digit for the years), and runs only where
they are. Deriving them from the pattern, never typing them per rule, keeps them
right when a rule or the lexicon changes: a pattern part this analysis does not
understand only makes the rule run more often, never less.

Every word is a run of ASCII letters, looked up in the lowercased window. That
equals the regex's case-insensitive matching except for four characters that
IGNORECASE matches with an ASCII letter ("ſ" with "s", the Kelvin sign with "k",
"ı" and "İ" with "i"); a text holding one runs every rule everywhere.
"""
from __future__ import annotations

import re
from re import _constants as C  # noqa: the parse tree's opcodes
from re import _parser

DIGIT = "0"  # the requirement "some character matching \\d": no word is a digit
_DIGIT_MARK = "\x00"  # a digit inside the strings the analysis builds
_MAX_STRINGS = 64  # strings a part may spell out before only its words are kept
_MAX_CLAUSES = 4  # requirements kept per rule: the rest would seldom skip more
# Characters other than ASCII letters that IGNORECASE matches with an ASCII letter
# (tests/test_timex_prefilter.py checks the list against every code point).
CASE_ODDITIES = re.compile("[\u0130\u0131\u017f\u212a]")
HAS_DIGIT = re.compile(r"\d")
_LETTER_RUN = re.compile(r"[a-z]+")

Clause = frozenset  # of words: a match contains at least one of them
_ANY = (None, ())  # a part that may match anything: no exact strings, no clause


def _char_set(items) -> set[str] | None:
    """The characters a class matches, digits as one mark, or None when too many."""
    chars: set[str] = set()
    for op, arg in items:
        if op is C.LITERAL:
            chars.add(_char(arg))
        elif op is C.RANGE:
            low, high = arg
            if high - low > 30:
                return None
            chars.update(_char(c) for c in range(low, high + 1))
        elif op is C.CATEGORY and arg in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
            chars.add(_DIGIT_MARK)
        else:  # NEGATE, other categories: too many characters to spell out
            return None
    return chars if len(chars) <= 8 else None


def _char(code: int) -> str:
    c = chr(code)
    return _DIGIT_MARK if c.isdecimal() else c.lower()


def _word(s: str) -> str | None:
    """The requirement a string spelled out by the pattern makes of the text: its
    longest run of letters, or a digit where that run is too short to be rare
    ("1990s", "20th"); None if it holds neither."""
    runs = _LETTER_RUN.findall(s)
    longest = max(runs, key=len) if runs else ""
    if _DIGIT_MARK in s and len(longest) < 3:
        return DIGIT
    return longest or None


def _clause(strings: set[str]) -> Clause | None:
    words = set()
    for s in strings:
        w = _word(s)
        if w is None:
            return None  # one way to match that needs no word: the clause tells nothing
        words.add(w)
    return _shortest(words)


def _shortest(words) -> Clause:
    # a word holding a shorter one of the clause is found whenever the shorter is
    return frozenset(w for w in words if not any(v != w and v in w for v in words if v != DIGIT))


def _exact_or_clauses(info) -> tuple[Clause, ...]:
    exact, clauses = info
    if exact is None:
        return clauses
    clause = _clause(exact)
    return () if clause is None else (clause,)


def _sequence(nodes) -> tuple:
    """(exact strings or None, clauses) of parts matched one after another."""
    exact: set[str] | None = {""}
    clauses: list[Clause] = []
    spelled = True  # every part so far spelled out its strings

    def flush():
        nonlocal exact
        if exact is not None:
            clauses.extend(_exact_or_clauses((exact, ())))
        exact = None

    for node in nodes:
        part_exact, part_clauses = _node(node)
        if part_exact is not None and exact is not None and len(exact) * len(part_exact) <= _MAX_STRINGS:
            exact = {a + b for a in exact for b in part_exact}
            continue
        flush()
        spelled = False
        if part_exact is not None:
            exact = set(part_exact)  # starts a new run of spelled-out parts
        else:
            clauses.extend(part_clauses)
    if spelled:
        return exact, ()
    flush()
    return None, tuple(dict.fromkeys(clauses))


def _either(alternatives) -> tuple:
    infos = [_sequence(alt) if isinstance(alt, (list, _parser.SubPattern)) else alt for alt in alternatives]
    if all(e is not None for e, _ in infos):
        union = set().union(*(e for e, _ in infos))
        if len(union) <= _MAX_STRINGS:
            return union, ()
    # a clause of each alternative holds, so their union is a clause of the whole:
    # the union of the alternatives' best clauses, then of their second best, ...
    options = [_best_first(_exact_or_clauses(info)) for info in infos]
    if not all(options):
        return _ANY
    clauses = [_shortest(frozenset().union(*(o[min(k, len(o) - 1)] for o in options)))
               for k in range(min(_MAX_CLAUSES, max(map(len, options))))]
    return None, tuple(dict.fromkeys(clauses))


def _best_first(clauses) -> list[Clause]:
    """The clauses the least likely to hold by chance first: those whose every word is
    long (a digit counts as a word of two letters), then those of fewer words."""
    return sorted(clauses, key=lambda c: (-min(2 if w == DIGIT else len(w) for w in c), len(c)))


def _node(node) -> tuple:
    op, arg = node
    if op is C.LITERAL:
        return {_char(arg)}, ()
    if op is C.IN:
        chars = _char_set(arg)
        return (chars, ()) if chars is not None else _ANY
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}, ()  # matches no characters
    if op is C.SUBPATTERN:
        return _sequence(arg[-1])
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(arg)
    if op is C.BRANCH:
        return _either(arg[1])
    if op is C.GROUPREF_EXISTS:
        _, yes, no = arg
        return _either([yes, no if no is not None else []])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, high, sub = arg
        inner = _sequence(sub)
        if high == 0:
            return {""}, ()
        if low == 0:
            if high == 1 and inner[0] is not None:
                return inner[0] | {""}, ()
            return _ANY
        if low == high == 1:
            return inner
        return None, _exact_or_clauses(inner)  # holds at least one repetition
    return _ANY  # ANY, NOT_LITERAL, GROUPREF, ...: no requirement


def requirements(pattern: re.Pattern) -> tuple[Clause, ...]:
    """Clauses of words every match of `pattern` satisfies: for each clause, the
    lowercased match contains one of its words (DIGIT: a character matching \\d).

    >>> sorted(map(sorted, requirements(re.compile(r"(?i)\\b(?:last|next)\\s+(?:week|month)s?"))))
    [['last', 'next'], ['month', 'week']]
    """
    exact, clauses = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    if exact is not None:
        clauses = _exact_or_clauses((exact, ()))
    return tuple(_best_first(c for c in clauses if c)[:_MAX_CLAUSES])
