"""URL slugs for events and entities."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_words: int = 10) -> str:
    """Lower-case ASCII words joined by hyphens.

    >>> slugify("Donald Trump sworn in as president!")
    'donald-trump-sworn-in-as-president'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in _NON_WORD.split(ascii_text.lower()) if w]
    return "-".join(words[:max_words]) or "untitled"


def event_slug(date_start: date, title: str) -> str:
    """A permalink slug from an event's date and title.

    >>> event_slug(date(2025, 1, 20), "Donald Trump sworn in")
    '2025-01-20-donald-trump-sworn-in'
    """
    return f"{date_start.isoformat()}-{slugify(title, max_words=8)}"
