"""Plain text and Markdown, with optional YAML front matter (title, source, url, published).
Markdown is rendered to plain text by markdown-it (CommonMark), raw HTML in it kept as text.

>>> read_text("---\\ntitle: Kursk\\npublished: 2024-08-07\\n---\\nTroops crossed.").title
'Kursk'
"""
from __future__ import annotations

import frontmatter
import yaml

from .fields import Fields
from .markup import markdown_to_text


class BadFrontMatter(ValueError):
    pass


def read_text(text: str, markdown: bool = False) -> Fields:
    """The fields of a text file; front matter, when present, gives its metadata.
    With `markdown`, the body's markup is rendered away (`**`, links, `#` headings)."""
    body_text = markdown_to_text if markdown else (lambda body: body)
    if not text.lstrip("\ufeff").startswith("---"):
        return Fields(text=body_text(text))
    try:
        meta, body = frontmatter.parse(text.lstrip("\ufeff"))
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0]
        raise BadFrontMatter(f"front matter is not valid YAML ({reason})") from None
    if not isinstance(meta, dict):
        raise BadFrontMatter("front matter is not a mapping of keys to values")

    def value(*keys: str):
        return next((meta[k] for k in keys if meta.get(k) not in (None, "")), None)

    title, source = value("title"), value("source", "publisher")
    return Fields(
        title=str(title) if title is not None else None,
        text=body_text(body),
        url=value("url", "link", "canonical_url"),
        source=str(source) if source is not None else None,
        published=value("published", "date"),
    )
