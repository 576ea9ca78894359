"""An analysis process reads the word index in a snapshot of its own; the writer
completes that answer with the sources it stored after the snapshot (RecentWords).
The completed answer must be the index's answer at the time the writer stores, and
the writer must refuse a snapshot it cannot complete (another writer wrote since)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sqlmodel import Session

from app.analyze import analyze_document
from app.db import make_engine, upgrade
from app.knowledge import load_knowledge
from app.records import ANCHOR_PUBLISHED, Anchor, SourceDocument
from app.source_memory import forget_stored, memory_of
from app.store import store_document
from app.tempeval import read_corpus
from app.word_index import TELLING_COLUMNS, WordIndexReader, sharing_sources
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


def test_a_reader_kept_open_reads_each_snapshot_afresh(tmp_path, monkeypatch):
    # The reader keeps its connection between documents: each look-up must still see
    # what the writer committed before it, and a failed look-up must not leave the
    # connection in a transaction (nor break the next look-up).
    import app.word_index as word_index

    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    first = [d for d in analysed(8) if d.candidates][:2]
    later = [d for d in analysed(8, 2) if d.candidates]
    reader = WordIndexReader(url)
    before = reader(later[0].candidates)
    with Session(engine) as session:
        store_document(session, first[0])
        session.commit()
    after = reader(later[0].candidates)
    assert after.version == before.version + 1 and after.last_source > before.last_source

    real = word_index.read_snapshot
    monkeypatch.setattr(word_index, "read_snapshot", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        reader(later[0].candidates)
    monkeypatch.setattr(word_index, "read_snapshot", real)
    with Session(engine) as session:  # the writer is not held up by a reader left in a transaction
        store_document(session, first[1])
        session.commit()
    again = reader(later[0].candidates)
    assert again.version == after.version + 1 and again.last_source > after.last_source
    engine.dispose()


def test_sqlite_asks_the_index_through_its_driver_with_the_answer_sqlalchemy_gives(tmp_path):
    # sharing_sources runs its statement through the SQLite driver itself (its words
    # spelled out, dates as ISO text): the same rows as the statement through SQLAlchemy.
    from app.word_index import _sharing_values, sharing_statement

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
                assert set(db.execute(sharing_statement(c), _sharing_values(c, words)).scalars()) == ours
                compared, found = compared + 1, found + bool(ours)
    engine.dispose()
    assert compared > 50 and found > 20



def told_again(count: int, outlet: str):
    """The first `count` articles as `outlet` prints them: the same text and date under
    another URL, so that every telling in them is a copy of the first outlet's."""
    knowledge = load_knowledge()
    out = []
    for doc in read_corpus(TRAIN)[:count]:
        source = SourceDocument(origin=f"{doc.name}@{outlet}", title=doc.name, text=doc.text, published=doc.dct,
                                url=f"https://{outlet}.example/{doc.name}")
        out.append(analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge))
    return out


def stored_events(engine) -> list[tuple]:
    """Every event with the sources that tell it (by document and sentence), on any engine."""
    with engine.connect() as db:
        told: dict[int, list[str]] = {}
        for event_id, origin, start in db.exec_driver_sql(
                "SELECT s.event_id, d.origin, s.sentence_start FROM event_source s "
                "JOIN document d ON d.id = s.document_id"):
            told.setdefault(event_id, []).append(f"{origin}:{start}")
        return sorted((slug, title, str(first), str(last), corroboration, bool(disputed), sorted(told.get(i, [])))
                      for i, slug, title, first, last, corroboration, disputed in db.exec_driver_sql(
                          "SELECT id, slug, title, date_start, date_end, corroboration, disputed FROM event"))


def copies_indexed(engine) -> list[tuple[int, int, int]]:
    """For each telling told more than once: its copies, how many are indexed, in how many events."""
    with engine.connect() as db:
        return db.exec_driver_sql(
            "SELECT count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM source_word w WHERE w.source_id = s.id) "
            "THEN 1 ELSE 0 END), count(DISTINCT s.event_id) FROM event_source s GROUP BY "
            + ", ".join(["telling", *TELLING_COLUMNS]) + " HAVING count(*) > 1").fetchall()


def store_all(url: str, *batches) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        for batch in batches:
            for document in batch:
                store_document(session, document)
        session.commit()
    engine.dispose()


def test_one_copy_of_a_telling_stands_in_the_word_index_for_all_with_the_same_events(db_url, tmp_path, monkeypatch):
    batches = told_again(8, "first"), told_again(8, "second"), told_again(8, "third")
    thin, full = db_url, f"sqlite:///{tmp_path / 'full.db'}"
    for url in (thin, full):
        upgrade(url)
    store_all(thin, *batches)
    engine = make_engine(thin)
    tellings = copies_indexed(engine)
    alone = [(copies, indexed, events) for copies, indexed, events in tellings if indexed == 1]
    # A telling that stands for its copies: one indexed copy, all copies in one event.
    assert len(alone) > 30 and all(events == 1 for _, _, events in alone), tellings
    # Any other: every copy indexed, each in an event of its own.
    assert all(indexed == copies == events for copies, indexed, events in tellings if indexed != 1)

    with monkeypatch.context() as patch:  # the store as it was: every copy in the index
        patch.setattr("app.word_index.stands_for_copies", lambda *told: False)
        store_all(full, *batches)
    full_engine = make_engine(full)
    assert all(indexed == copies for copies, indexed, _ in copies_indexed(full_engine))
    assert stored_events(engine) == stored_events(full_engine)
    engine.dispose()
    full_engine.dispose()


def withdrawn(documents):
    """The same URLs holding other text: the outlet withdrew its articles."""
    return [analyze_document(replace(d.source, text="This article was withdrawn by its publisher."), d.anchor,
                             load_knowledge()) for d in documents]


def stored_thin_and_full(db_url, tmp_path, monkeypatch, *batches):
    """Engines on the batches stored as the writer stores them (one copy of a telling that
    stands for its copies indexed) and with every copy indexed, as the store was before."""
    thin, full = db_url, f"sqlite:///{tmp_path / 'full.db'}"
    for url in (thin, full):
        upgrade(url)
    store_all(thin, *batches)
    with monkeypatch.context() as patch:
        patch.setattr("app.word_index.stands_for_copies", lambda *told: False)
        store_all(full, *batches)
    return make_engine(thin), make_engine(full)


def test_a_replaced_document_hands_its_place_in_the_word_index_to_a_copy(db_url, tmp_path, monkeypatch):
    first, second, third = told_again(6, "first"), told_again(6, "second"), told_again(6, "third")
    engine, full_engine = stored_thin_and_full(db_url, tmp_path, monkeypatch, first, second, withdrawn(first), third)
    tellings = copies_indexed(engine)
    assert sum(indexed == 1 and copies == 2 for copies, indexed, _ in tellings) > 20, tellings
    assert all(events == 1 for _, indexed, events in tellings if indexed == 1)
    # The third outlet's copies found the second's though the first's indexed copies went.
    assert stored_events(engine) == stored_events(full_engine)
    assert any(any("@third" in s for s in e[6]) and any("@second" in s for s in e[6]) for e in stored_events(engine))
    engine.dispose()
    full_engine.dispose()


def test_a_telling_whose_only_indexed_copy_was_withdrawn_is_indexed_again(db_url, tmp_path, monkeypatch):
    # A withdrawn article takes the only indexed copies of its tellings with it: told
    # again, they must be indexed again, or their next copies would find nothing.
    first, third, fourth = told_again(6, "first"), told_again(6, "third"), told_again(6, "fourth")
    engine, full_engine = stored_thin_and_full(db_url, tmp_path, monkeypatch, first, withdrawn(first), third, fourth)
    assert stored_events(engine) == stored_events(full_engine)
    # The fourth outlet's copies found the third's, told after the first's were withdrawn.
    assert sum(any("@third" in s for s in e[6]) and any("@fourth" in s for s in e[6])
               for e in stored_events(engine)) > 20
    engine.dispose()
    full_engine.dispose()


def test_revision_0007_numbers_tellings_and_thins_the_index_as_a_new_store_has_it(db_url):
    from alembic import command

    from app.db import alembic_config

    url = db_url
    upgrade(url)
    store_all(url, told_again(6, "first"), told_again(6, "second"))
    engine = make_engine(url)
    with engine.connect() as db:
        before = db.exec_driver_sql("SELECT * FROM source_word ORDER BY source_id, word").fetchall()
        numbers = db.exec_driver_sql("SELECT id, telling FROM event_source ORDER BY id").fetchall()
    engine.dispose()
    command.downgrade(alembic_config(url), "0006")  # a store before 0007: every copy indexed
    engine = make_engine(url)
    with engine.connect() as db:
        assert db.exec_driver_sql("SELECT count(*) FROM source_word").scalar() > len(before)
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.connect() as db:
        assert db.exec_driver_sql("SELECT * FROM source_word ORDER BY source_id, word").fetchall() == before
        assert db.exec_driver_sql("SELECT id, telling FROM event_source ORDER BY id").fetchall() == numbers
    engine.dispose()


def test_a_snapshot_is_completed_past_copies_left_out_of_the_index(tmp_path):
    # Copies the writer leaves out of the index take source ids too: the sources stored
    # after a snapshot are still all known, and the completed answer is the index's.
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    store_all(url, told_again(8, "first"))
    asking = told_again(8, "third")
    snapshots = [WordIndexReader(url)(document.candidates) for document in asking]
    compared = 0
    with Session(engine) as session:
        for document in told_again(8, "second") + analysed(8, 2):
            store_document(session, document)
        db = session.connection()
        for document, snapshot in zip(asking, snapshots):
            new = [(c, wording(c)) for c in document.candidates]
            completed = memory_of(db).recent.complete(snapshot, new)
            assert completed == [sharing_sources(db, c, words) for c, words in new]
            compared += len(new)
        left_out = db.exec_driver_sql("SELECT count(*) FROM event_source s WHERE NOT EXISTS "
                                      "(SELECT 1 FROM source_word w WHERE w.source_id = s.id)").scalar()
        session.commit()
    assert compared > 50 and left_out > 30
    engine.dispose()
