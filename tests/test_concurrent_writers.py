"""Several writers on one database: every document stored, every source row in an event.

Two threads store documents at once, each in its own session and transactions, as
two `timeline ingest` processes do. The documents name the same new entities and
tell overlapping events, so without writers taking turns (PostgreSQL's advisory
lock in store_document, SQLite's write lock) both insert the same entity or
rewrite the same event.
"""
from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

from sqlmodel import Session, func, select

from app import models
from app.store import store_document

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import ARTICLE_A, ARTICLE_B  # noqa: E402


def copies(article, prefix: str, n: int):
    """`n` documents with the article's content under other identities."""
    for i in range(n):
        url = f"https://example.org/{prefix}/{i}"
        yield replace(article, content_hash=f"{prefix}-{i}", source=replace(article.source, url=url, origin=url))


def test_two_writers_at_once_store_everything(engine):
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(documents) -> None:
        start.wait()
        for document in documents:
            try:
                with Session(engine) as session:
                    store_document(session, document)
                    session.commit()
            except BaseException as exc:  # collected: the assertion below names it
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(list(copies(article, prefix, 6)),))
               for article, prefix in ((ARTICLE_A, "a"), (ARTICLE_B, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(models.Document)).one() == 12
        orphans = select(func.count()).select_from(models.EventSource).where(models.EventSource.event_id.is_(None))
        assert session.exec(orphans).one() == 0
        slugs = session.exec(select(models.Entity.slug)).all()
        assert len(slugs) == len(set(slugs))
        # The six copies of one article tell the same events: merged, not duplicated.
        corroborated = session.exec(select(func.max(models.Event.corroboration))).one()
        assert corroborated >= 6
