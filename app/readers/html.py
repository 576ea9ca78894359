"""Saved web pages: trafilatura finds the article's main text, title, publication
date and canonical URL, and leaves menus, footers and comments behind.
"""
from __future__ import annotations

from .fields import Fields

# When a page has no article, the extractor falls back to whatever text the page
# has: menu labels, buttons. A page counts as an article only if some line of that
# text reads as prose: a sentence of at least this many words.
MIN_SENTENCE_WORDS = 8


def has_prose(lines: list[str]) -> bool:
    """True when some line is a sentence of MIN_SENTENCE_WORDS words or more.

    >>> has_prose(["Home", "World", "Sport"]), has_prose(["Troops crossed the border at dawn, officials said."])
    (False, True)
    """
    return any(len(line.split()) >= MIN_SENTENCE_WORDS and line.rstrip("\"'”’)").endswith((".", "!", "?"))
               for line in lines)


def read_html(html: str) -> Fields:
    """The article in a web page; `text` is empty when the page has none.

    >>> page = "<html><head><title>T</title></head><body><article><p>" + "Troops crossed the border. " * 8 + "</p></article></body></html>"
    >>> read_html(page).text.startswith("Troops crossed")
    True
    """
    # Imported here: a tenth of a second that a batch without web pages (and the
    # start of every analysis process) need not pay.
    import trafilatura

    found = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Only the page's own metadata: a date guessed from the body text would be
        # an event date posing as the publication date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if found is None:
        return Fields(text="")
    title = found.title or None
    lines = [line.strip() for line in (found.text or "").splitlines() if line.strip()]
    # The page's headline is usually repeated as the first line of the main text.
    if lines and title and lines[0] == title.strip():
        lines = lines[1:]
    return Fields(
        title=title,
        text="\n".join(lines) if has_prose(lines) else "",
        url=found.url or None,
        source=found.sitename or None,
        published=found.date or None,
    )
