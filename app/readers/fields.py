"""The metadata every reader fills, and the checks every document passes on its way out.

Readers collect what a file says about itself into `Fields`; a manifest may fill
what the file leaves empty; `finish` turns the result into a SourceDocument or a
ReadError with one clear reason.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, fields as dataclass_fields, replace
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from ..records import SourceDocument

# Feeds in far time zones and scheduled posts can be a day or so ahead of us;
# anything further is a broken date, not news.
FUTURE_TOLERANCE = timedelta(days=2)
MAX_TITLE = 300
_SPACE = re.compile(r"\s+")
# Control characters other than tab and newline would only break display.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class ReadError:
    """A file, entry or line that gave no document, and why.

    `kind` is "failed" for bad input and "skipped" for files that are not
    articles at all (images and styles beside saved web pages).
    """

    origin: str
    reason: str
    kind: str = "failed"


@dataclass
class Fields:
    """What a reader found; None where the input said nothing."""

    title: str | None = None
    text: str | None = None
    url: str | None = None
    source: str | None = None
    published: object = None  # date, datetime, struct_time or a string, parsed in finish
    warnings: list[str] = field(default_factory=list)

    def filled_from(self, other: "Fields") -> "Fields":
        """These fields, with the empty ones taken from `other` (a manifest's)."""
        merged = {
            f.name: getattr(self, f.name) if getattr(self, f.name) not in (None, "") else getattr(other, f.name)
            for f in dataclass_fields(self)
            if f.name != "warnings"
        }
        return replace(self, **merged, warnings=[*self.warnings, *other.warnings])


def parse_published(value: object) -> date:
    """A publication date from what metadata holds: a date, ISO 8601 or RFC 2822 text,
    or a time.struct_time (feedparser). Only these unambiguous forms are accepted, so
    a stray word is never read as a date. Raises ValueError otherwise.

    >>> parse_published("2024-08-07T10:00:00Z"), parse_published("Wed, 07 Aug 2024 10:00:00 GMT")
    (datetime.date(2024, 8, 7), datetime.date(2024, 8, 7))
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time.struct_time):
        return date(value.tm_year, value.tm_mon, value.tm_mday)
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError):
            pass
    raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)")


# Query parameters that only say who sent the reader: the same article reached
# through two feeds must have one URL, so one identity.
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|cmpid|ocid)$", re.I)


def clean_url(value: object) -> str | None:
    """`value` if it is an absolute http(s) URL, without its fragment and tracking
    parameters; else None: links shown to readers must never be `javascript:` or `data:`.

    >>> clean_url("https://example.org/a?id=3&utm_source=rss#top"), clean_url("javascript:alert(1)")
    ('https://example.org/a?id=3', None)
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    kept = [pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=", 1)[0])]
    return urlunsplit(parts._replace(query="&".join(kept), fragment=""))


def clean_title(value: str) -> str:
    title = _SPACE.sub(" ", _CONTROL.sub("", value)).strip()
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def clean_text(value: str) -> str:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def title_and_body(text: str) -> tuple[str, str]:
    """A plain-text article's first non-empty line is its title when it reads as one.

    >>> title_and_body("A headline\\n\\nThe body.")
    ('A headline', 'The body.')
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # A headline is short and does not end like a sentence.
    if first and len(first) <= 200 and not first.endswith((".", "!", "?")):
        body = text.split(first, 1)[1].lstrip("\n")
        if body.strip():
            return first, body
    words = first.split()
    return (" ".join(words[:12]) + ("…" if len(words) > 12 else "")), text


def finish(origin: str, found: Fields, today: date | None = None) -> SourceDocument | ReadError:
    """The document `found` describes, or the one reason it cannot be one."""
    text = clean_text(found.text or "")
    if not text:
        return ReadError(origin, "no article text")
    warnings = list(found.warnings)
    published = None
    if found.published not in (None, ""):
        try:
            published = parse_published(found.published)
        except ValueError as exc:
            warnings.append(f"publication date ignored: {exc}")
    today = today or date.today()
    if published and published > today + FUTURE_TOLERANCE:
        return ReadError(origin, f"publication date {published.isoformat()} is in the future")
    url = None
    if found.url not in (None, ""):
        url = clean_url(found.url)
        if url is None:
            warnings.append(f"url {str(found.url)[:80]!r} ignored: not an http(s) address")
    title = clean_title(found.title or "")
    if not title:
        title, text = title_and_body(text)
        title = clean_title(title)
    source = clean_title(found.source) if isinstance(found.source, str) and found.source.strip() else None
    return SourceDocument(origin=origin, title=title, text=text, url=url, source=source,
                          published=published, warnings=tuple(warnings))
