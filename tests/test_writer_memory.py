"""The writer remembers the sources it stored (app.source_memory.SourceMemory) only while it alone
writes: another writer's documents, or a document rolled back half-stored, make it read
the store again, so the events come out as if it had remembered nothing."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app import models, store
from app.db import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import ARTICLE_A, ARTICLE_B  # noqa: E402


def at_url(article, content_hash: str, url: str):
    """`article` as another document: its own content hash, found at `url`."""
    return replace(article, content_hash=content_hash, source=replace(article.source, url=url, origin=url))


def copies(article, prefix: str, n: int):
    for i in range(n):
        yield at_url(article, f"{prefix}-{i}", f"https://example.org/{prefix}/{i}")


def documents():
    a, b = list(copies(ARTICLE_A, "a", 4)), list(copies(ARTICLE_B, "b", 4))
    return [d for pair in zip(a, b) for d in pair]


def events(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(models.Event.title, models.Event.date_start, models.Event.corroboration,
                                   models.Event.disputed)).all()
        sources = session.exec(select(models.EventSource.event_id, models.Document.content_hash)
                               .join(models.Document)).all()
    unlinked = [s for s in sources if s[0] is None]
    return sorted(map(tuple, rows)) + [("unlinked", len(unlinked))]


def new_engines(tmp_path, name: str, n: int = 1):
    """`n` engines (as many writers) on one new database."""
    url = f"sqlite:///{tmp_path / name}"
    upgrade(url)
    return [make_engine(url) for _ in range(n)]


def store_in_turn(documents, engines) -> None:
    """Store each document in a transaction of its own, through the engine beside it."""
    for document, engine in zip(documents, engines):
        with Session(engine) as session:
            store.store_document(session, document)
            session.commit()


def test_two_writers_taking_turns_merge_as_one_does(tmp_path):
    (one,) = new_engines(tmp_path, "one.db")
    store_in_turn(documents(), [one] * len(documents()))
    first, second = new_engines(tmp_path, "two.db", 2)
    store_in_turn(documents(), [first if n % 3 else second for n in range(len(documents()))])
    assert events(first) == events(one)
    for engine in (one, first, second):
        engine.dispose()


def test_sources_read_back_in_slices_merge_as_read_at_once(tmp_path, monkeypatch):
    # Two writers taking turns read back the sources of the events they join; an
    # event of more sources than one statement may bind is read in slices.
    from app import source_memory

    (one,) = new_engines(tmp_path, "one.db")
    store_in_turn(documents(), [one] * len(documents()))
    reads = []
    real = source_memory.driver_sql.rows

    def counted(db, statement, params=None):
        if statement is source_memory._SOURCES_BY_ID:
            reads.append(len(params["ids"]))
        return real(db, statement, params)

    monkeypatch.setattr(source_memory, "IDS_READ_AT_ONCE", 2)
    monkeypatch.setattr(source_memory.driver_sql, "rows", counted)
    first, second = new_engines(tmp_path, "two.db", 2)
    store_in_turn(documents(), [first if n % 2 else second for n in range(len(documents()))])
    assert events(first) == events(one)
    assert reads and max(reads) == 2 and reads.count(2) > 3, reads
    for engine in (one, first, second):
        engine.dispose()


def test_a_document_rolled_back_half_stored_is_forgotten(tmp_path, monkeypatch):
    (one,) = new_engines(tmp_path, "one.db")
    docs = documents()
    with Session(one) as session:
        for document in docs:
            store.store_document(session, document)
        session.commit()

    (engine,) = new_engines(tmp_path, "failing.db")
    real = store.index_new_sources

    def fail_once(db, sources):
        real(db, sources)
        raise RuntimeError("disk full")

    with Session(engine) as session:
        for n, document in enumerate(docs):
            if n == 3:  # fails after its sources were stored, merged and remembered
                monkeypatch.setattr(store, "index_new_sources", fail_once)
                with pytest.raises(RuntimeError), session.begin_nested():
                    store.store_document(session, document)
                monkeypatch.setattr(store, "index_new_sources", real)
            with session.begin_nested():
                store.store_document(session, document)
        session.commit()
    assert events(engine) == events(one)
    one.dispose()
    engine.dispose()


def test_a_document_another_writer_replaced_is_read_again(tmp_path):
    """Another writer replaces a document: its sources are deleted and SQLite may give
    their ids to the new ones. A writer that trusted its memory would merge the old
    tellings under the new ids."""
    url = "https://example.org/replaced"
    later = [at_url(ARTICLE_B, f"later-{i}", f"{url}/{i}") for i in range(2)]
    sequence = [at_url(ARTICLE_A, "first", url), at_url(ARTICLE_B, "replacement", url), *later]

    (one,) = new_engines(tmp_path, "one.db")
    store_in_turn(sequence, [one] * len(sequence))
    writer, other = new_engines(tmp_path, "two.db", 2)
    store_in_turn(sequence, (writer, other, writer, writer))
    assert events(writer) == events(one)
    for engine in (one, writer, other):
        engine.dispose()


def test_a_batch_undoes_a_failing_document_alone(tmp_path, monkeypatch):
    # StoreBatch stores each document in a savepoint (on SQLite the driver's own): a
    # document that fails half-stored leaves no row, the documents around it in the
    # same transaction are kept, and the events are those of the batch without it.
    from app.ingest import StoreBatch

    docs = documents()
    (one,) = new_engines(tmp_path, "without.db")
    store_in_turn(docs[:3] + docs[4:], [one] * (len(docs) - 1))

    (engine,) = new_engines(tmp_path, "batch.db")
    real = store.index_new_sources
    stored, failed = [], []
    batch = StoreBatch(engine, lambda d, r: stored.append(d), lambda d, e: failed.append((d, e)))
    for n, document in enumerate(docs):
        if n == 3:  # fails after its rows were written and its events merged
            def fail(db, sources):
                real(db, sources)
                raise RuntimeError("disk full")
            monkeypatch.setattr(store, "index_new_sources", fail)
        batch.add(document.source, document)
        monkeypatch.setattr(store, "index_new_sources", real)
    batch.commit()
    assert [str(e) for _, e in failed] == ["disk full"] and len(stored) == len(docs) - 1
    assert events(engine) == events(one)
    with Session(engine) as session:
        hashes = set(session.exec(select(models.Document.content_hash)))
        words = session.exec(select(models.SourceWord.source_id)).all()
        sources = set(session.exec(select(models.EventSource.id)))
    assert docs[3].content_hash not in hashes and len(hashes) == len(docs) - 1
    assert set(words) <= sources
    one.dispose()
    engine.dispose()


def test_a_batch_whose_transaction_sqlite_ended_reports_its_documents_failed(tmp_path, monkeypatch):
    # On some errors (an I/O error, a full disk) SQLite rolls back the whole transaction,
    # not only the failing document's savepoint: the documents stored before it in the
    # same transaction are gone, so they are reported failed, never stored, and the
    # documents after it are stored in transactions of their own.
    from app import ingest
    from app.ingest import StoreBatch

    monkeypatch.setattr(ingest, "BATCH_SECONDS", 3600)  # one transaction for the first documents
    docs = documents()
    (engine,) = new_engines(tmp_path, "batch.db")
    real = store.index_new_sources
    stored, failed = [], []
    batch = StoreBatch(engine, lambda d, r: stored.append(d.origin), lambda d, e: failed.append(d.origin))
    for n, document in enumerate(docs):
        if n == 3:
            def fail(db, sources):
                db.connection.driver_connection.execute("ROLLBACK")  # as SQLite does on an I/O error
                raise RuntimeError("disk I/O error")
            monkeypatch.setattr(store, "index_new_sources", fail)
        batch.add(document.source, document)
        monkeypatch.setattr(store, "index_new_sources", real)
    batch.commit()
    origins = [d.source.origin for d in docs]
    assert sorted(failed) == sorted(origins[:4]) and stored == origins[4:]
    with Session(engine) as session:
        kept = set(session.exec(select(models.Document.content_hash)))
    assert kept == {d.content_hash for d in docs[4:]}
    (alone,) = new_engines(tmp_path, "alone.db")
    store_in_turn(docs[4:], [alone] * len(docs[4:]))
    assert events(engine) == events(alone)
    engine.dispose()
    alone.dispose()


def test_a_batch_hides_the_heap_from_the_collector_and_hands_it_back(tmp_path, monkeypatch):
    # StoreBatch freezes what is alive after each commit (the writer's heap holds no
    # cycles, and the collector walked all of it), and unfreezes it every
    # UNFREEZE_DOCUMENTS documents so that a cycle formed meanwhile is still collected.
    import gc
    import weakref

    from app import ingest

    class Node:
        pass

    monkeypatch.setattr(ingest, "UNFREEZE_DOCUMENTS", 3)
    (engine,) = new_engines(tmp_path, "gc.db")
    batch = ingest.StoreBatch(engine, lambda d, r: None, lambda d, e: None)
    docs = documents()
    cycle = Node()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    try:
        batch.add(docs[0].source, docs[0])
        batch.commit()
        assert gc.get_freeze_count() > 0
        del cycle
        gc.collect()
        assert gone() is not None  # frozen: out of the collector's sight
        for document in docs[1:3]:
            batch.add(document.source, document)
        batch.commit()
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
        engine.dispose()


def test_a_batch_keeps_its_pages_and_savepoint_journals_in_memory(tmp_path):
    # A batch dirties pages of every index across a large store: with SQLite's default
    # 2 MB cache it wrote them out and read them back within the batch, and each
    # document's savepoint kept its journal in a temporary file (app.ingest, app.db).
    from app import ingest

    (engine,) = new_engines(tmp_path, "cache.db")
    batch = ingest.StoreBatch(engine, lambda d, r: None, lambda d, e: None)
    document = documents()[0]
    batch.add(document.source, document)
    assert batch.connection.exec_driver_sql("PRAGMA cache_size").scalar() == -ingest.WRITER_CACHE_KIB
    assert batch.connection.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
    batch.commit()
    engine.dispose()


def test_new_sources_are_inserted_with_their_events_not_updated_after(tmp_path):
    """The merge gives a document's new sources their events before they are inserted:
    no UPDATE of event_source for them, every one linked, and a replacing document too."""
    (engine,) = new_engines(tmp_path, "linked.db")
    url = "https://example.org/twice"
    sequence = [*documents(), at_url(ARTICLE_A, "first", url), at_url(ARTICLE_B, "replacement", url)]
    statements: list[str] = []
    for document in sequence:
        with Session(engine) as session:
            driver = session.connection().connection.driver_connection
            driver.set_trace_callback(statements.append)
            result = store.store_document(session, document)
            driver.set_trace_callback(None)
            session.commit()
        assert result.events > 0
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE EVENT_SOURCE")]
    # Copies of an article only join events: no source moves, so none is updated.
    assert updates == []
    assert events(engine)[-1] == ("unlinked", 0)
    with Session(engine) as session:
        stored = session.exec(select(models.EventSource.id)).all()
    assert len(stored) == sum(len(d.candidates) for d in sequence[:-2]) + len(ARTICLE_B.candidates)


def test_tallies_read_back_make_a_record_of_each_telling_not_each_copy(tmp_path):
    """A writer new to a store makes the tallies of the events it continues from their
    sources: the same tallies as from a record of every source, with records made of
    each telling and of the copies that sort first, not of every copy."""
    from app.event_tally import EventTally
    from app.source_memory import SourceMemory, read_sources, read_tallies

    (engine,) = new_engines(tmp_path, "copies.db")
    store_in_turn(documents(), [engine] * len(documents()))
    with engine.connect() as db:
        sources = db.execute(select(models.EventSource.id, models.EventSource.event_id)).all()
        event_ids = sorted({e for _, e in sources})
        tallies = read_tallies(db, memory := SourceMemory(), event_ids)
        records_made = len(memory.sources)
        whole = {e: EventTally() for e in event_ids}
        for source_id, (event_id, item) in read_sources(db, SourceMemory(), sorted(i for i, _ in sources)).items():
            whole[event_id].add(item, source_id)
    assert len(event_ids) >= 2 and len(sources) >= 4 * len(event_ids)
    assert records_made < len(sources)
    for e in event_ids:
        mine, theirs = tallies[e], whole[e]
        assert mine.merged() == theirs.merged()
        assert mine.copies() == theirs.copies()
        assert {n: (t.count, t.documents, sorted(t.handles), t.first, t.best) for n, t in mine.tellings.items()} == \
            {n: (t.count, t.documents, sorted(t.handles), t.first, t.best) for n, t in theirs.tellings.items()}
    engine.dispose()
