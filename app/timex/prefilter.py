"""Which rules can match in a window of text, told by the words the window holds.

Most windows hold the words of a few rules only, and running a rule's regex over a
window costs about as much whether it matches or not. So every rule gets, from its
own compiled pattern, the words one of which any match must contain (a month for
the dates, a unit for the durations, a digit for the years), and runs only where
they are. Deriving them from the pattern, never typing them per rule, keeps them
right when a rule or the lexicon changes: a pattern part this analysis does not
understand only makes the rule run more often, never less.

A word is a run of ASCII letters, looked for in the window's tokens (its runs of
ASCII letters, lowercased): as part of one ("day" in "Monday"), or, where the
pattern puts no letter before or after it, as the start, end or whole of one
("^day$" is the token "day"; the duration rule's "day" follows a space or the left
edge its look-behind guards, and so does not hold in "Monday"). Lowercasing
equals the regex's case-insensitive matching except for four characters that
IGNORECASE matches with an ASCII letter ("ſ" with "s", the Kelvin sign with "k",
"ı" and "İ" with "i"); a text holding one runs every rule everywhere.
"""
from __future__ import annotations

import re
from re import _constants as C  # noqa: the parse tree's opcodes
from re import _parser

DIGIT = "0"  # the requirement "some character matching \\d"; "0000": a run of four of them
_DIGIT_MARK = "\x00"  # a digit inside the strings the analysis builds
_MAX_STRINGS = 64  # strings a part may spell out before only its words are kept
_MAX_CLAUSES = 4  # requirements kept per rule: the rest would seldom skip more
# Characters other than ASCII letters that IGNORECASE matches with an ASCII letter
# (tests/test_timex_prefilter.py checks the list against every code point).
CASE_ODDITIES = re.compile("[\u0130\u0131\u017f\u212a]")
_ODDITIES = frozenset(map(ord, "\u0130\u0131\u017f\u212a"))
_LETTER_RUN = re.compile(r"[a-z]+")
_DIGIT_RUN = re.compile(_DIGIT_MARK + "+")

Clause = frozenset  # of words: a match contains at least one of them
_ANY = (None, ())  # a part that may match anything: no exact strings, no clause
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
_REPEATS = tuple(op for op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) if op)
_ATOMIC = getattr(C, "ATOMIC_GROUP", None)


def holds(word: str, token: str) -> bool:
    """Whether a lowercased token satisfies a word of a clause.

    >>> holds("day", "monday"), holds("^day", "monday"), holds("^day$", "days"), holds("day$", "monday")
    (True, False, False, True)
    """
    if word[0] == "^":
        return token == word[1:-1] if word[-1] == "$" else token.startswith(word[1:])
    return token.endswith(word[:-1]) if word[-1] == "$" else word in token


def _implies(word: str, other: str) -> bool:
    """Whether every token satisfying `word` satisfies `other` too."""
    if is_digits(word) or is_digits(other):
        return is_digits(word) and is_digits(other) and len(word) >= len(other)
    return holds(other, word.strip("^$")) and (other[0] != "^" or word[0] == "^") and (
        other[-1] != "$" or word[-1] == "$")


# ---- where letters may stand: what keeps a word from running into others ----

def _is_letter(code: int) -> bool:
    """Whether a pattern character may match an ASCII letter of the text."""
    return 65 <= code <= 90 or 97 <= code <= 122 or code in _ODDITIES


def _class_has_letter(items) -> bool:
    for op, arg in items:
        if op is C.LITERAL:
            if _is_letter(arg):
                return True
        elif op is C.RANGE:
            low, high = arg
            if any(_is_letter(c) for c in (65, 90, 97, 122, *_ODDITIES) if low <= c <= high) or (
                    low <= 90 and high >= 65) or (low <= 122 and high >= 97):
                return True
        elif op is C.CATEGORY:
            if arg not in (C.CATEGORY_DIGIT, C.CATEGORY_SPACE, C.CATEGORY_UNI_DIGIT, C.CATEGORY_UNI_SPACE):
                return True
        else:  # NEGATE, ...
            return True
    return False


def _class_is_all_letters(items) -> bool:
    """Whether a class matches every ASCII letter (a look-around of it bounds a word)."""
    return any(op is C.CATEGORY and arg in (C.CATEGORY_WORD, C.CATEGORY_UNI_WORD) for op, arg in items)


def _nullable(nodes) -> bool:
    return all(_node_nullable(node) for node in nodes)


def _node_nullable(node) -> bool:
    op, arg = node
    if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY):
        return False
    if op is C.SUBPATTERN:
        return _nullable(arg[-1])
    if op is _ATOMIC:
        return _nullable(arg)
    if op is C.BRANCH:
        return any(_nullable(alt) for alt in arg[1])
    if op in _REPEATS:
        return arg[0] == 0 or _nullable(arg[2])
    return True  # zero-width, or not understood: may match nothing


def _edge_is_not_letter(nodes, last: bool) -> bool:
    """Whether every non-empty match of `nodes` starts (ends, if `last`) with a
    character that is not an ASCII letter."""
    for node in (reversed(nodes) if last else nodes):
        if not _node_edge_is_not_letter(node, last):
            return False
        if not _node_nullable(node):
            return True
    return True


def _node_edge_is_not_letter(node, last: bool) -> bool:
    op, arg = node
    if op is C.LITERAL:
        return not _is_letter(arg)
    if op is C.IN:
        return not _class_has_letter(arg)
    if op in _ZERO_WIDTH:
        return True  # no character of its own
    if op is C.SUBPATTERN:
        return _edge_is_not_letter(arg[-1], last)
    if op is _ATOMIC:
        return _edge_is_not_letter(arg, last)
    if op is C.BRANCH:
        return all(_edge_is_not_letter(alt, last) for alt in arg[1])
    if op in _REPEATS:
        return _edge_is_not_letter(arg[2], last)
    return False


def _bounded(nodes, outside: bool, forward: bool) -> bool:
    """Forward: whether no ASCII letter stands right before the end of `nodes`' match,
    given `outside`, whether none may stand before its start. Backward: whether none
    stands right after its start, given whether none may stand after its end."""
    for node in nodes if forward else reversed(nodes):
        outside = _node_bounded(node, outside, forward)
    return outside


# What bounds a match on the side it is read from: a lookbehind and the start anchors
# reading forward, a lookahead and the end anchors reading backward.
_ANCHORS = {True: (C.AT_BEGINNING, C.AT_BEGINNING_STRING), False: (C.AT_END, C.AT_END_STRING)}


def _node_bounded(node, outside: bool, forward: bool) -> bool:
    """`_bounded` of one node."""
    op, arg = node
    looks_outside = op in (C.ASSERT, C.ASSERT_NOT) and (arg[0] < 0) == forward  # at the side read from
    if op is C.ASSERT_NOT and looks_outside:  # (?<![\w...]), (?![\w-]): no letter on that side
        sub = list(arg[1])
        return outside or (len(sub) == 1 and sub[0][0] is C.IN and _class_is_all_letters(sub[0][1]))
    if op is C.ASSERT and looks_outside:  # (?<=-), (?=\s+quarter): what stands there ends (starts) as it does
        sub = list(arg[1])
        return outside or (not _nullable(sub) and _edge_is_not_letter(sub, last=forward))
    if op is C.AT:
        return outside or arg in _ANCHORS[forward]
    if op in _ZERO_WIDTH:
        return outside
    if op is C.SUBPATTERN:
        return _bounded(arg[-1], outside, forward)
    if op is C.BRANCH:
        return all(_bounded(alt, outside, forward) for alt in arg[1])
    return (outside or not _node_nullable(node)) and _node_edge_is_not_letter(node, last=forward)


def _char_set(items) -> set[str] | None:
    """The characters a class matches, digits as one mark, or None when too many."""
    chars: set[str] = set()
    for op, arg in items:
        if op is C.LITERAL:
            if arg in _ODDITIES:
                return None
            chars.add(_char(arg))
        elif op is C.RANGE:
            low, high = arg
            if high - low > 30 or any(low <= c <= high for c in _ODDITIES):
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


# Spelled-out strings map to (left, right): whether no letter can stand right before
# (after) the string where the pattern puts it.
Spelled = dict


def _spelled(strings, left: bool, right: bool) -> Spelled:
    return {s: (left, right) for s in strings}


def _join(a: Spelled, b: Spelled) -> Spelled:
    """The strings of `a` followed by those of `b`; each takes its left bound from the
    part that gives its first character, its right bound from that giving its last."""
    out: Spelled = {}
    for x, (x_left, x_right) in a.items():
        for y, (y_left, y_right) in b.items():
            # an empty string's bounds are those of the place it stands, which is
            # where the other string begins (ends): either's bound holds there
            _add(out, x + y, x_left if x else x_left or y_left, y_right if y else x_right or y_right)
    return out


def _add(out: Spelled, s: str, left: bool, right: bool) -> None:
    if s in out:  # spelled out on two paths: only what holds on both
        left, right = left and out[s][0], right and out[s][1]
    out[s] = (left, right)


def is_digits(word: str) -> bool:
    """Whether a word of a clause is a run of digits ("0", "0000") rather than letters."""
    return word[0] == DIGIT


def _words(s: str, bounded_left: bool, bounded_right: bool) -> list[str]:
    """What a string spelled out by the pattern may require of the text: its longest
    run of letters, marked "^" ("$") where no letter can stand before (after) it,
    and its longest run of digits; none if it holds neither."""
    words = []
    runs = list(_LETTER_RUN.finditer(s))
    if runs:
        longest = max(runs, key=lambda m: len(m.group()))
        start = "^" if longest.start() > 0 or bounded_left else ""
        end = "$" if longest.end() < len(s) or bounded_right else ""
        words.append(start + longest.group() + end)
    digits = max(_DIGIT_RUN.findall(s), key=len, default="")
    if digits:
        words.append(DIGIT * len(digits))
    return words


def _clause(spelled: Spelled) -> Clause | None:
    options = [_words(s, left, right) for s, (left, right) in spelled.items()]
    if not all(options):
        return None  # one way to match that needs no word: the clause tells nothing
    words: set[str] = set()
    for option in sorted(options, key=len):
        # a string whose letters or digits already imply a word of the clause adds
        # nothing ("20th" beside "5"); else it adds the rarer ("1990s": the digits;
        # digits on a tie, as "'s" and "th" are whole words too)
        if not any(_implies(w, v) for w in option for v in words):
            words.add(max(option, key=lambda w: (_rarity(w), is_digits(w))))
    return _weakest(words)


def _weakest(words) -> Clause:
    # a word satisfied only where another of the clause is adds nothing to it
    return frozenset(w for w in words if not any(v != w and _implies(w, v) for v in words))


def _exact_or_clauses(info) -> tuple[Clause, ...]:
    spelled, clauses = info
    if spelled is None:
        return clauses
    clause = _clause(spelled)
    return () if clause is None else (clause,)


def _sequence(nodes, left: bool = False, right: bool = False, spell: bool = True) -> tuple:
    """(spelled-out strings or None, clauses) of parts matched one after another;
    `left` (`right`): whether no letter can stand right before (after) them. With
    `spell` false, strings that spell out the whole are given as a clause instead."""
    nodes = list(nodes)
    # whether no letter can stand right before / after each part
    befores = [left]
    for node in nodes:
        befores.append(_node_bounded(node, befores[-1], forward=True))
    afters = [right]
    for node in reversed(nodes):
        afters.append(_node_bounded(node, afters[-1], forward=False))
    afters.reverse()  # afters[k]: the bound right after the start of part k

    run: Spelled | None = {"": (left, afters[0])}
    clauses: list[Clause] = []
    spelled = True  # every part so far spelled out its strings
    for k, node in enumerate(nodes):
        part, part_clauses = _node(node, befores[k], afters[k + 1])
        if part is not None and run is not None and len(run) * len(part) <= _MAX_STRINGS:
            run = _join(run, part)
            continue
        if run is not None:
            clauses.extend(_exact_or_clauses((run, ())))
        spelled = False
        run = part  # None, or a new run of spelled-out parts
        if part is None:
            clauses.extend(part_clauses)
    if spelled and spell:
        return run, ()
    if run is not None:
        clauses.extend(_exact_or_clauses((run, ())))
    return None, tuple(dict.fromkeys(clauses))


def _either(alternatives, left: bool, right: bool) -> tuple:
    infos = [_sequence(alt, left, right) for alt in alternatives]
    if all(e is not None for e, _ in infos):
        union: Spelled = {}
        for spelled, _ in infos:
            for s, bounds in spelled.items():
                _add(union, s, *bounds)
        if len(union) <= _MAX_STRINGS:
            return union, ()
    # a clause of each alternative holds, so their union is a clause of the whole:
    # the union of the alternatives' best clauses, then of their second best, ...
    options = [_best_first(_exact_or_clauses(info)) for info in infos]
    if not all(options):
        return _ANY
    clauses = [_weakest(frozenset().union(*(o[min(k, len(o) - 1)] for o in options)))
               for k in range(min(_MAX_CLAUSES, max(map(len, options))))]
    return None, tuple(dict.fromkeys(clauses))


def _rarity(word: str) -> int:
    if is_digits(word):
        return 1 + len(word)
    return len(word.strip("^$")) + word.count("^") + word.count("$")


def _best_first(clauses) -> list[Clause]:
    """The clauses the least likely to hold by chance first: those whose every word is
    long (a run of digits counts as one letter more than its digits; "^", "$" as
    one letter), then those of fewer words."""
    return sorted(clauses, key=lambda c: (-min(map(_rarity, c)), len(c)))


def _node(node, left: bool, right: bool) -> tuple:
    op, arg = node
    if op is C.LITERAL:
        return (_spelled([_char(arg)], left, right), ()) if arg not in _ODDITIES else _ANY
    if op is C.IN:
        chars = _char_set(arg)
        return (_spelled(chars, left, right), ()) if chars is not None else _ANY
    if op in _ZERO_WIDTH:  # matches no characters, but may tell what is around
        return {"": (_node_bounded(node, left, forward=True), _node_bounded(node, right, forward=False))}, ()
    if op is C.SUBPATTERN:
        return _sequence(arg[-1], left, right)
    if op is _ATOMIC:
        return _sequence(arg, left, right)
    if op is C.BRANCH:
        return _either(arg[1], left, right)
    if op is C.GROUPREF_EXISTS:
        _, yes, no = arg
        return _either([yes, no if no is not None else []], left, right)
    if op in _REPEATS:
        low, high, sub = arg
        if high == 0:
            return {"": (left, right)}, ()
        if low == 0 and high == 1:
            inner = _sequence(sub, left, right)
            if inner[0] is None:
                return _ANY
            once = dict(inner[0])
            _add(once, "", left, right)
            return once, ()
        if low == high == 1:
            return _sequence(sub, left, right)
        if low == 0:
            return _ANY
        # holds at least one repetition, whose neighbours may be other repetitions
        return None, _exact_or_clauses(_sequence(sub))
    return _ANY  # ANY, NOT_LITERAL, GROUPREF, ...: no requirement


def requirements(pattern: re.Pattern) -> tuple[Clause, ...]:
    """Clauses of words every match of `pattern` satisfies: for each clause, one of
    the match's tokens satisfies one of its words (see `holds`; "0", "00", ...:
    the match holds a run of that many characters matching \\d).

    >>> sorted(map(sorted, requirements(re.compile(r"(?i)\\b(?:last|next)\\s+(?:week|month)s?(?!\\w)"))))
    [['^month$', '^months$', '^week$', '^weeks$'], ['last$', 'next$']]
    """
    try:
        _, clauses = _sequence(_parser.parse(pattern.pattern, pattern.flags), spell=False)
    except Exception:  # a parse tree of another shape (a future Python): no shortcut
        return ()
    return tuple(_best_first(c for c in clauses if c)[:_MAX_CLAUSES])
