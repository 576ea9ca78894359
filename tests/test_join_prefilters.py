"""The writer narrows the stored candidates a new one may join before it asks
`same_event`: by shared content words and dates (the word index, app/store.py) and
by `may_be_same`. A narrowing that drops a pair `same_event` accepts would split an
event, so each is checked to be a necessary condition over every pair of candidates
that real news articles (the TempEval-3 training documents, read in place) give,
and through the store on candidates written to join."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from app import models
from app.analyze import analyze_document
from app.db import make_engine, upgrade
from app.entities import load_knowledge
from app.same_event import MERGE_REACH, MIN_SHARED, may_be_same, same_event
from app.records import ANCHOR_PUBLISHED, Anchor, EventCandidate, SourceDocument
from app.store import store_document
from app.tempeval import read_corpus
from app.wording import wording

TRAIN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "tempeval3" / "train" / "TimeBank"


def first_actor(candidate: EventCandidate) -> str | None:
    return candidate.actors[0].key if candidate.actors else None


@pytest.fixture(scope="module")
def news_candidates() -> list[EventCandidate]:
    knowledge = load_knowledge()
    found = []
    for doc in read_corpus(TRAIN)[:120]:
        source = SourceDocument(origin=doc.name, title=doc.name, text=doc.text, published=doc.dct)
        found += analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge).candidates
    return found


def test_every_pair_same_event_accepts_passes_the_writers_prefilters(news_candidates):
    # The same happening told by a second source: the candidates again, some moved a
    # few days or months, so pairs across the date windows are tested too.
    shifted = [replace(c, date_start=c.date_start + timedelta(days=d), date_end=c.date_end + timedelta(days=d))
               for c, d in zip(news_candidates, itertools.cycle((0, 3, 40, 200)))]
    pool = news_candidates + shifted
    words = [wording(c) for c in pool]
    by_word: dict[str, list[int]] = {}
    for i, stems in enumerate(words):
        for w in stems:
            by_word.setdefault(w, []).append(i)
    pairs = {(i, j) for ids in by_word.values() for n, i in enumerate(ids) for j in ids[n + 1:]}
    accepted = 0
    for i, j in pairs:
        a, b = pool[i], pool[j]
        if not same_event(a, b):
            continue
        accepted += 1
        # The word index: enough shared words, dates within the merge's reach.
        assert len(words[i] & words[j]) >= min(MIN_SHARED, len(words[i])), (a.title, b.title)
        assert b.date_start <= a.date_end + MERGE_REACH and b.date_end >= a.date_start - MERGE_REACH
        # may_be_same, both ways round.
        assert may_be_same(a, b.date_start, b.date_end, b.reported, first_actor(b)), (a.title, b.title)
        assert may_be_same(b, a.date_start, a.date_end, a.reported, first_actor(a)), (a.title, b.title)
    assert accepted >= 50  # the check saw real joins, not only rejections


def test_may_be_same_drops_lookalikes_told_with_other_dates(news_candidates):
    dated = [c for c in news_candidates if not c.reported]
    assert dated
    c = dated[0]
    later = c.date_end + timedelta(days=30)
    assert may_be_same(c, c.date_start, c.date_end, False, None)
    assert not may_be_same(c, later, later, False, "someone-else")
    assert may_be_same(c, later, later, True, None)  # a reported statement may join at its anchor


def test_stored_tellings_join_through_the_word_index(tmp_path, news_candidates):
    """Each candidate told again by a second document, a day later in the store's
    order: every one joins its first telling's event, as merging them at once does."""
    url = f"sqlite:///{tmp_path / 'join.db'}"
    upgrade(url)
    engine = make_engine(url)
    knowledge = load_knowledge()
    docs = read_corpus(TRAIN)[:6]

    def analyzed(doc, origin: str):
        source = SourceDocument(origin=origin, title=origin, text=doc.text, published=doc.dct)
        return analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge)

    first = [analyzed(d, f"{d.name}") for d in docs]
    again = [replace(a, content_hash=a.content_hash + "-again",
                     source=replace(a.source, origin=a.source.origin + "-again")) for a in first]
    with Session(engine) as session:
        for a in first:
            store_document(session, a)
        session.commit()
        events_before = session.exec(select(func.count()).select_from(models.Event)).one()
        for a in again:
            store_document(session, a)
        session.commit()
        events_after = session.exec(select(func.count()).select_from(models.Event)).one()
        sources = session.exec(select(func.count()).select_from(models.EventSource)).one()
        words = session.exec(select(func.count()).select_from(models.SourceWord)).one()
    assert events_before > 10
    # A second telling of every candidate adds sources, never events.
    assert events_after == events_before and sources == 2 * sum(len(a.candidates) for a in first)
    assert words > sources  # every source's words are indexed
    engine.dispose()


def test_the_writers_lookup_reads_only_its_covering_index(tmp_path):
    """EXPLAIN QUERY PLAN of each word-index statement: every part searches the covering
    index by wide, word, reported and a range of start dates, and reads no table row."""
    import sqlite3

    from sqlalchemy.dialects import sqlite

    from app.word_index import SHARING_SOURCES

    path = tmp_path / "plan.db"
    upgrade(f"sqlite:///{path}")
    day = date(2024, 8, 6)
    values = dict(words=["offens", "launch"], need=2, start=day, end=day, subject="ukraine")
    for name, shift in (("narrow_low", -MERGE_REACH - timedelta(days=400)), ("low", -MERGE_REACH),
                        ("high", MERGE_REACH), ("overlap_low", -timedelta(days=400)),
                        ("reported_low", -timedelta(days=431)), ("lookback_low", -timedelta(days=766)),
                        ("told_start", -timedelta(days=31)), ("told_end", timedelta(days=31)),
                        ("lookback_start", -timedelta(days=366)), ("lookback_end", timedelta(days=366))):
        values[name] = day + shift
    for (reported, _), statement in SHARING_SOURCES.items():
        sql = str(statement.params(values, reported=reported).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        with sqlite3.connect(path) as conn:
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        searches = [step for step in plan if step.startswith(("SEARCH", "SCAN source_word"))]
        assert len(searches) == 3, plan
        narrow = [s for s in searches if "wide=? AND word=? AND reported=? AND date_start" in s]
        assert len(narrow) == 2 and all("COVERING INDEX ix_source_word_lookup" in s for s in searches), plan


def test_the_writers_document_lookups_use_an_index(tmp_path):
    """By content hash (unchanged?) and by URL (a new version?): never a scan of the
    documents, whose rows carry the whole text."""
    import sqlite3

    from sqlalchemy.dialects import sqlite

    from app.known_documents import KNOWN_DOCUMENT
    from app.store import _DOCUMENT_BY_URL

    path = tmp_path / "plan.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        for statement, value in ((_DOCUMENT_BY_URL, {"url": "https://example.org/a"}),
                                 (KNOWN_DOCUMENT, {"content_hash": "0" * 64})):
            sql = str(statement.params(value).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert plan.startswith("SEARCH document USING") and "INDEX" in plan, plan


def test_the_word_index_query_applies_may_be_same_as_merge_states_it(tmp_path):
    """The writer no longer tests `may_be_same` in Python: the query must select
    exactly the stored sources that share enough words, lie within the merge's
    reach and pass `may_be_same`, for candidates told again days to months later."""
    from app.word_index import sharing_sources

    url = f"sqlite:///{tmp_path / 'sql.db'}"
    upgrade(url)
    engine = make_engine(url)
    knowledge = load_knowledge()
    stored = []
    with Session(engine) as session:
        for doc in read_corpus(TRAIN)[:8]:
            source = SourceDocument(origin=doc.name, title=doc.name, text=doc.text, published=doc.dct)
            analyzed = analyze_document(source, Anchor(doc.dct, ANCHOR_PUBLISHED), knowledge)
            store_document(session, analyzed)
            stored += analyzed.candidates
        session.commit()
        rows = session.exec(select(models.EventSource).order_by(models.EventSource.id)).all()
        assert len(rows) == len(stored)
        compared = 0
        for c, d in zip(stored, itertools.cycle((0, 40, 200, -90))):
            moved = replace(c, date_start=c.date_start + timedelta(days=d), date_end=c.date_end + timedelta(days=d))
            words = wording(moved)
            if not words:
                continue
            low, high = moved.date_start - MERGE_REACH, moved.date_end + MERGE_REACH
            expected = {
                row.id for row, old in zip(rows, stored)
                if len(words & wording(old)) >= min(MIN_SHARED, len(words))
                and old.date_start <= high and old.date_end >= low
                and may_be_same(moved, old.date_start, old.date_end, old.reported, first_actor(old))
            }
            assert sharing_sources(session.connection(), moved, words) == expected, moved.title
            compared += bool(expected)
    assert compared > 20
    engine.dispose()


def test_the_writers_reads_of_stored_sources_search_by_index(tmp_path):
    """A writer new to a store reads back the members of events by event, then the
    sources it does not remember by id, with their passages and documents by primary
    key: never a scan of the sources, passages or documents."""
    import sqlite3

    from sqlalchemy.dialects import sqlite

    from app.source_memory import MEMBERS_OF_EVENTS, _SOURCES_BY_ID

    path = tmp_path / "plan.db"
    upgrade(f"sqlite:///{path}")

    def plan(statement) -> list[str]:
        sql = str(statement.params(ids=[1, 2, 3]).compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True, "render_postcompile": True}))
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]

    with sqlite3.connect(path) as conn:
        by_id = plan(_SOURCES_BY_ID)
        assert len(by_id) == 3 and all(step.startswith("SEARCH") for step in by_id), by_id
        assert any(step.startswith("SEARCH event_source USING INTEGER PRIMARY KEY") for step in by_id), by_id
        # The members of events: their ids from the index alone.
        assert plan(MEMBERS_OF_EVENTS) == ["SEARCH event_source USING COVERING INDEX ix_event_source_event_id (event_id=?)"]
