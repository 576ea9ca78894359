"""An analysis process reads the word index in a snapshot of its own; the writer
completes that answer with the sources it stored after the snapshot (RecentWords).
The completed answer must be the index's answer at the time the writer stores, and
the writer must refuse a snapshot it cannot complete (another writer wrote since)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from app.analyze import analyze_document
from app.db import make_engine, upgrade
from app.knowledge import load_knowledge
from app.records import ANCHOR_PUBLISHED, Anchor, SourceDocument
from app.source_memory import forget_stored, memory_of
from app.store import store_document
from app.tempeval import read_corpus
from app.word_index import WordIndexReader, sharing_sources
from app.wording import wording

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "tempeval3" / "train" / "TimeBank"


def analysed(count: int, shift_days: int = 0):
    """News articles, and the same articles told again `shift_days` later (so that
    their candidates join the first tellings' sources)."""
    knowledge = load_knowledge()
    out = []
    for doc in read_corpus(TRAIN)[:count]:
        dct = doc.dct + timedelta(days=shift_days)
        source = SourceDocument(origin=f"{doc.name}+{shift_days}", title=doc.name, text=doc.text, published=dct,
                                url=f"https://news.example/{doc.name}/{shift_days}")
        out.append(analyze_document(source, Anchor(dct, ANCHOR_PUBLISHED), knowledge))
    return out


def test_a_snapshot_completed_with_the_sources_stored_since_is_the_index_now(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    first, later, again = analysed(8), analysed(8, 2), analysed(8, 5)
    reader = WordIndexReader(url)
    with Session(engine) as session:
        for document in first:
            store_document(session, document)
        session.commit()
    # The analysis processes read their snapshots now, before the writer stores `later`.
    snapshots = [reader(document.candidates) for document in again]
    compared = joined = 0
    with Session(engine) as session:
        for document in later:
            store_document(session, document)
        db = session.connection()
        memory = memory_of(db)
        for document, snapshot in zip(again, snapshots):
            new = [(c, wording(c)) for c in document.candidates]
            completed = memory.recent.complete(snapshot, new)
            assert completed is not None
            assert completed == [sharing_sources(db, c, words) for c, words in new]
            compared += len(new)
            joined += sum(bool(found - told) for found, told in zip(completed, snapshot.sources))
        session.commit()
    assert compared > 50 and joined > 10, (compared, joined)  # the sources stored after the snapshots were found
    engine.dispose()


def test_a_snapshot_older_than_another_writers_work_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    first = [d for d in analysed(8) if d.candidates][:2]
    later = [d for d in analysed(8, 2) if d.candidates]
    assert len(first) == 2
    snapshot = WordIndexReader(url)(later[0].candidates)
    with Session(engine) as session:  # another writer stores a document
        store_document(session, first[0])
        session.commit()
    with Session(engine) as session:
        forget_stored(session.connection())  # this writer starts with no memory of the store
        last = session.connection().exec_driver_sql("SELECT coalesce(max(id), 0) FROM event_source").scalar()
        store_document(session, first[1])
        new = [(c, wording(c)) for c in later[0].candidates]
        assert memory_of(session.connection()).recent.complete(snapshot, new) is None
        # A snapshot read after the other writer's work is accepted.
        fresh = replace(snapshot, version=memory_of(session.connection()).recent.own_since, last_source=last)
        assert memory_of(session.connection()).recent.complete(fresh, new) is not None
        session.commit()
    engine.dispose()


def test_sqlite_asks_the_index_through_its_driver_with_the_answer_sqlalchemy_gives(tmp_path):
    # sharing_sources runs SHARING_SOURCES through the SQLite driver itself (its words
    # spelled out, dates as ISO text): the same rows as the statement through SQLAlchemy.
    from app.word_index import SHARING_SOURCES, _sharing_values

    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for document in analysed(12) + analysed(12, 40):
            store_document(session, document)
        session.commit()
        db = session.connection()
        compared = found = 0
        for document in analysed(12, 20):
            for c in document.candidates:
                words = wording(c)
                if not words:
                    continue
                ours = sharing_sources(db, c, words)
                assert set(db.execute(SHARING_SOURCES, _sharing_values(c, words)).scalars()) == ours
                compared, found = compared + 1, found + bool(ours)
    engine.dispose()
    assert compared > 50 and found > 20

