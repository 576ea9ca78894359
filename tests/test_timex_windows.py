"""The anchor words the temporal rules run around, found without reading every word in Python."""
from __future__ import annotations

import pytest

from app.timex import find
from test_timex_phrases import CASES, FALSE_FRIENDS


def tokens_one_by_one(text: str) -> list[tuple[int, int]]:
    """The anchor tokens as the tokenizer gives them, each word looked up on its own."""
    spans = []
    for m in find._TOKEN.finditer(text):
        token = m.group()
        if token[0].isdigit():
            if find._is_anchor_number(text, m):
                spans.append(m.span())
        elif token.lower() in find._ANCHOR_WORDS:
            spans.append(m.span())
    return spans


@pytest.mark.parametrize("text", [case[0] for case in CASES] + FALSE_FRIENDS + [
    "MAY mAy may-day mayor Maya 1999s 5pm 12:30 2099 1499 2019",
    "In \u0660\u0661\u0662\u0663 and \uff12\uff10\uff11\uff19, at 5\u00a0p.m., in Tuesday\u2019s vote",  # other digits
    "\u201cThursday\u201d\u2014and Fridays\u2026 caf\u00e9 weekend\u00e9 \u00e9weekend",
    "\u0130stanbul in May",  # lowercases to two characters
    "The \u212aelvin sign, in May",  # lowercases to an ASCII letter
    "may", "", "2019",
])
def test_anchor_tokens_are_those_of_the_tokenizer(text):
    assert find._anchor_tokens(text) == tokens_one_by_one(text)
