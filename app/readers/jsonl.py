"""JSON Lines (one {"title", "text", "url", "published", "source"} object per line),
and JSON files holding one such object or a list of them, as news exports do."""
from __future__ import annotations

import json
from collections.abc import Iterator

from .fields import Fields

# Exports name the body differently; `text` is the documented key.
_TEXT_KEYS = ("text", "body", "content")


class BadRecord(ValueError):
    pass


def fields_of(record: object) -> Fields:
    """The fields of one JSON object. Raises BadRecord for anything else.

    >>> fields_of({"title": "T", "text": "Body.", "published": "2024-08-07"}).published
    '2024-08-07'
    """
    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {type(record).__name__}")
    text = next((record[k] for k in _TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        raise BadRecord('no "text"')

    def string(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) and value.strip() else None

    return Fields(title=string("title"), text=text, url=string("url") or string("link"),
                  source=string("source"), published=string("published") or string("date"))


def read_json_lines(text: str) -> Iterator[tuple[int, Fields | BadRecord]]:
    """(line number, fields or the error) for each non-blank line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, BadRecord(f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield number, fields_of(record)
        except BadRecord as exc:
            yield number, exc


def read_json_document(text: str) -> list[object] | None:
    """The records of a whole-file JSON object or array; None when the file is
    not one JSON value (it is then read as JSON Lines)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, list) else [value]
