"""What a report verb reports: the words said before or after "said", "indicated", "confirmed".

"Bombs exploded outside the embassies, witnesses said Friday": the news is what was said,
so a title takes those words rather than "Witnesses said".

>>> t = "Bombs exploded outside two embassies, witnesses said Friday."
>>> ws = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(t)]
>>> content_before_report(t, ws, 6, 0, [])
'Bombs exploded outside two embassies'
"""
from __future__ import annotations

from app.titles import MAX_PREDICATE, predicate_text
from app.word_classes import REPORTING_VERBS, WORD, Word, inside, is_past

# "..., hospital officials and family members said Wednesday": a speaker of a few words.
MAX_SPEAKER = 6


def content_after_report(text: str, words: list[Word], first: int, end: int, quotes,
                       avoid: tuple[int, int] = (0, 0)) -> str | None:
    """After "Reports indicated ... confirmed", the words of what was reported."""
    last = None
    for i in range(first, len(words)):
        w = words[i]
        if w.start >= end:
            break
        if w.lower in REPORTING_VERBS and not inside(w.start, quotes):
            last = i
    if last is None or last + 1 >= len(words):
        return None
    start = last + 1 + (words[last + 1].lower == "that")
    if start >= len(words) or words[start].start >= end:
        return None
    chosen = [w for w in words[start:] if w.start < end and not avoid[0] <= w.start < avoid[1]][:MAX_PREDICATE]
    # A bare "said Friday." reports nothing after the verb: the news stands before it.
    return text[chosen[0].start:chosen[-1].end] if len(chosen) > 1 else None


def content_before_report(text: str, words: list[Word], trigger: int, s0: int, quotes,
                    avoid: tuple[int, int] = (0, 0)) -> str | None:
    """"Bombs exploded outside the embassies, witnesses said Friday": what was said comes first."""
    comma = text.rfind(",", s0, words[trigger].start)
    if comma < 0 or len(WORD.findall(text[comma:words[trigger].start])) > MAX_SPEAKER:
        return None
    if len([w for w in words if w.start > words[trigger].start and not avoid[0] <= w.start < avoid[1]]) > 3:
        return None  # something follows the verb: that is what was said
    content = [w for w in words if s0 <= w.start < comma and not inside(w.start, quotes)]
    if len(content) < 4 or any(inside(w.start, quotes) for w in words if s0 <= w.start < comma):
        return None
    said = predicate_text(words, text, words.index(content[0]), comma)
    opener = content[0].lower.endswith("ing") or is_past(content[0], True)
    if len(said.split()) >= 3 and not opener:
        return said
    # An opening phrase or a list cut at its first comma: what was said is the last clause
    # ("Tired of being sidelined, Farkas is leaving ..., he said").
    opening = text.rfind(",", s0, comma)
    last = [w for w in content if w.start > opening]
    if len(last) < 3:
        return None
    return predicate_text(words, text, words.index(last[0]), comma)
