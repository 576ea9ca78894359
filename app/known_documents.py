"""Which documents the store holds already, asked by content hash.

An ingest's analysis processes read the files, so they ask before analysing: an
unchanged document costs a look-up, not an analysis. Each process opens its own
connection and only reads (SQLite in WAL mode lets it read beside the writer); a
document stored by the writer but not yet committed is not seen here, and the
writer's own check (app.store) catches it.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from . import driver_sql, models
from .records import Unchanged

_DOCUMENT = models.Document.__table__

KNOWN_DOCUMENT = select(_DOCUMENT.c.id, _DOCUMENT.c.anchor_date).where(
    _DOCUMENT.c.content_hash == bindparam("content_hash"))


def stored_document(db: Connection, content_hash: str):
    """The stored document with this content hash (its id and anchor_date), or None. The
    analysis processes ask it before analysing, the writer before storing (app.store)."""
    found = driver_sql.rows(db, KNOWN_DOCUMENT, {"content_hash": content_hash})
    return found[0] if found else None


class KnownDocuments:
    """`known(content_hash)`: None for a new document, else `Unchanged` with its anchor date."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = None

    def __call__(self, content_hash: str) -> Unchanged | None:
        from sqlalchemy import create_engine

        if self._engine is None:
            # A plain engine of its own: each look-up is one statement on a pooled
            # connection, apart from the snapshots app.word_index reads.
            self._engine = create_engine(self.url)
        with self._engine.connect() as connection:
            found = stored_document(connection, content_hash)
        return None if found is None else Unchanged(found.anchor_date)
