"""RSS and Atom feeds, read by feedparser: one document per entry."""
from __future__ import annotations

from collections.abc import Iterator

from .fields import Fields
from .markup import html_to_text


class BadFeed(ValueError):
    pass


def _entry_html(entry) -> str:
    contents = entry.get("content") or []
    # Prefer the full content over the summary when the feed has both.
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best if len(best) >= len(entry.get("summary", "")) else entry.get("summary", "")


def read_feed(data: bytes) -> Iterator[Fields]:
    """Fields for each entry of an RSS or Atom feed. Raises BadFeed when `data` is
    not a feed; a feed with some broken markup still gives the entries it has."""
    import feedparser  # here: only a batch with feeds pays for its import

    parsed = feedparser.parse(data)
    texts = [html_to_text(_entry_html(entry)) for entry in parsed.entries]
    broken = parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride)
    # A feed cut off mid-entry parses to entries without text: that is a broken
    # file, not a feed of empty articles.
    if broken and not any(texts):
        raise BadFeed(f"malformed feed ({parsed.get('bozo_exception')})")
    if not parsed.entries:
        if not parsed.get("version"):
            raise BadFeed("not an RSS or Atom feed")
        raise BadFeed("feed has no entries")
    warning = []
    if broken:
        warning = [f"feed is malformed ({parsed.get('bozo_exception')}); its entries were read anyway"]
    source = parsed.feed.get("title") or None
    for entry, text in zip(parsed.entries, texts):
        yield Fields(
            title=entry.get("title") or None,
            text=text,
            url=entry.get("link") or None,
            source=source,
            published=entry.get("published_parsed") or entry.get("updated_parsed"),
            warnings=list(warning),
        )
