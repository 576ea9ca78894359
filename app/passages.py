"""Split an article's text into passages (paragraphs) and sentences.

Articles copied from web pages often break a sentence after an abbreviation, so
"former U.S." ends one paragraph and "President Donald Trump ..." starts the next.
A paragraph that ends on an abbreviation, or without sentence-final punctuation,
and is followed by one that starts in a way that continues it, is joined back.
"""
from __future__ import annotations

import re

from .records import Passage

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev st jr sr
    u.s u.k u.n e.u u.s.a no vs etc inc corp ltd co jan feb mar apr jun jul aug sep
    sept oct nov dec mt ft approx est dept univ a.m p.m
    """.split()
)

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n")
_LINE_BREAKS = re.compile(r"\n+")
_SENTENCE_END = re.compile(r"[.!?]['’\"”)\]]*(?=\s+|$)")
# Characters a paragraph that ends a sentence, a quotation or a clause ends with.
_CLOSING = tuple(".!?:'’\"”)]—-")


def ends_with_abbreviation(text: str) -> bool:
    """True when `text` ends with a known abbreviation such as `U.S.` or `Dr.`.

    >>> ends_with_abbreviation("the former U.S.")
    True
    """
    # The last word, found from the end: a pattern anchored at "$" is tried from every
    # position of the text.
    words = text.rsplit(None, 1)
    if not words:
        return False
    word = words[-1].lstrip("(\"'“‘").lower()
    if not word.endswith("."):
        return False
    stem = word[:-1]
    # Single capital letters ("John F.") are initials, not sentence ends.
    return stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha())


def _is_continuation(previous: str, following: str) -> bool:
    if not previous or not following:
        return False
    if ends_with_abbreviation(previous):
        return True
    # A paragraph without final punctuation that is followed by one starting in
    # lower case is one sentence cut in two.
    return not previous.rstrip().endswith(_CLOSING) and following[:1].islower()


def _split_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Single newlines also separate paragraphs in plain-text exports; a blank
    # line is only a stronger version of the same break.
    raw = [line.strip() for line in _LINE_BREAKS.split(text)]
    return [line for line in raw if line]


def repair_paragraphs(paragraphs: list[str]) -> list[str]:
    """Join paragraphs that were split inside a sentence.

    >>> repair_paragraphs(["The former U.S.", "President spoke."])
    ['The former U.S. President spoke.']
    """
    repaired: list[str] = []
    for paragraph in paragraphs:
        if repaired and _is_continuation(repaired[-1], paragraph):
            repaired[-1] = f"{repaired[-1]} {paragraph}"
        else:
            repaired.append(paragraph)
    return repaired


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets of the sentences of one paragraph.

    >>> split_sentences("Dr. Petrov spoke. It rained.")
    ((0, 17), (18, 28))
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if ends_with_abbreviation(text[start:end]):
            following = text[end:].lstrip()
            # "the U.S. Army" goes on; "in the U.S. The next day" does not, but
            # telling them apart needs more than a capital letter, so keep going
            # unless the paragraph ends here.
            if following:
                continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return tuple(spans)


def split_passages(text: str) -> list[Passage]:
    """Paragraphs of `text`, repaired, each with its sentence offsets.

    >>> [p.text for p in split_passages("The former U.S.\\n\\nPresident spoke. Then he left.")]
    ['The former U.S. President spoke. Then he left.']
    """
    paragraphs = repair_paragraphs(_split_paragraphs(text))
    return [
        Passage(index=i, text=paragraph, sentences=split_sentences(paragraph))
        for i, paragraph in enumerate(paragraphs)
    ]
