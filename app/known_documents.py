"""Which documents the store holds already, asked by content hash.

An ingest's analysis processes read the files, so they ask before analysing: an
unchanged document costs a look-up, not an analysis. Each process opens its own
connection and only reads (SQLite in WAL mode lets it read beside the writer); a
document stored by the writer but not yet committed is not seen here, and the
writer's own check (app.store) catches it.
"""
from __future__ import annotations

from datetime import date

_KNOWN = "SELECT anchor_date FROM document WHERE content_hash = :content_hash"


class KnownDocuments:
    """`known(content_hash)`: None for a new document, else `Unchanged` with its anchor date."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = None

    def __call__(self, content_hash: str) -> "Unchanged | None":
        from sqlalchemy import create_engine, text

        if self._engine is None:
            # Not app.db's engine: that module brings Alembic, a second an import.
            self._engine = create_engine(self.url)
        with self._engine.connect() as connection:
            row = connection.execute(text(_KNOWN), {"content_hash": content_hash}).first()
        if row is None:
            return None
        anchor = row[0]
        return Unchanged(date.fromisoformat(anchor) if isinstance(anchor, str) else anchor)


class Unchanged:
    """A document stored already, and the anchor date it was stored with."""

    __slots__ = ("anchor_date",)

    def __init__(self, anchor_date: date | None) -> None:
        self.anchor_date = anchor_date
