"""The temporal expression step: text and an optional anchor date in, TIMEX3s out.

>>> from datetime import date
>>> [(t.text, t.value) for t in find_timexes("Talks resumed on Monday.", date(2025, 1, 22))]
[('Monday', '2025-01-20')]
"""
from app.timex.anchor import anchor_from_dates, anchor_from_text, corpus_anchor
from app.timex.find import find_timexes
from app.timex.normalize import timex_range

__all__ = ["find_timexes", "timex_range", "anchor_from_text", "anchor_from_dates", "corpus_anchor"]
