"""The explorer's queries over a small made-up story stored through store_document."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date, timedelta, datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, insert
from sqlmodel import Session, select

from app import models, pages, queries
from app.db import alembic_config, make_engine, upgrade
from app.axis import Bucket, Gap, axis_level, time_axis
from app.queries import EventFilter, FilterError
from app.search import MATCH_OPEN

sys.path.insert(0, str(Path(__file__).parent))
from explorer_story import ARTICLE_A, DISPUTED_TITLE, EVENTS, store_story  # noqa: E402


@pytest.fixture
def story(engine):
    ids = store_story(engine)
    with Session(engine) as session:
        yield session, ids


def titles(session, flt: EventFilter, page_size: int = 50) -> list[str]:
    return [e.title for e in queries.list_events(session, flt, page_size)[1]]


def test_events_are_chronological_and_paged(story):
    session, _ = story
    assert titles(session, EventFilter()) == [t for _, t in EVENTS]
    total, first = queries.list_events(session, EventFilter(), page_size=4)
    _, second = queries.list_events(session, EventFilter(page=2), page_size=4)
    assert total == len(EVENTS)
    assert [e.title for e in first + second] == [t for _, t in EVENTS]
    assert len(first) == 4 and len(second) == 2


def test_filters_combine_with_and(story):
    session, ids = story
    union = titles(session, EventFilter(actors=("dock-union",)))
    assert union == ["Similar stoppage lasted a week", "Dispute over night shifts began", "Dock workers walked out"]
    assert titles(session, EventFilter(weapons=("water-cannon",))) == [DISPUTED_TITLE]
    assert titles(session, EventFilter(actors=("dock-union", "port-authority"))) == []
    assert titles(session, EventFilter(actors=("port-authority",), weapons=("water-cannon",))) == [DISPUTED_TITLE]
    both = EventFilter(sources=(ids["https://example.org/a"], ids["https://example.org/b"]))
    assert titles(session, both) == ["Dock workers walked out"]
    assert titles(session, EventFilter(disputed=True)) == [DISPUTED_TITLE]
    assert titles(session, EventFilter(reported=True)) == ["Fishing boats allowed to leave"]
    assert "Fishing boats allowed to leave" not in titles(session, EventFilter(reported=False))


def test_date_range_keeps_events_that_overlap_it(story):
    session, _ = story
    march = EventFilter(date_from=date(2021, 3, 1), date_to=date(2021, 3, 31))
    assert titles(session, march) == ["Dock workers walked out", DISPUTED_TITLE]
    # "late 2020" (Sep..Dec) reaches into a range that starts in December.
    assert "Dispute over night shifts began" in titles(session, EventFilter(date_from=date(2020, 12, 1),
                                                                           date_to=date(2020, 12, 31)))
    # The year 2015 overlaps a range that starts in June 2015.
    assert titles(session, EventFilter(date_from=date(2015, 6, 1), date_to=date(2015, 6, 30))) == [
        "Similar stoppage lasted a week"]


def test_search_finds_words_of_passages_and_titles(story):
    session, _ = story
    # "pickets" is only in the passage, "Talks" in the title.
    assert titles(session, EventFilter(q="pickets")) == [DISPUTED_TITLE]
    assert titles(session, EventFilter(q="talks")) == ["Talks resumed"]
    # Every word must occur; words match as prefixes and through stemming.
    assert titles(session, EventFilter(q="quays silent")) == ["Dock workers walked out"]
    assert titles(session, EventFilter(q="quays pickets")) == []
    assert titles(session, EventFilter(q="pick")) == [DISPUTED_TITLE]
    assert titles(session, EventFilter(q="stoppages")) == ["Similar stoppage lasted a week"]


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "a:b (c*", "NEAR(x y)", "'; DROP TABLE event; --"])
def test_search_syntax_in_user_input_is_taken_as_words(story, q):
    session, _ = story
    queries.list_events(session, EventFilter(q=q))  # no FTS5 syntax error
    assert session.exec(select(func.count()).select_from(models.Event)).one() == len(EVENTS)


def test_snippets_mark_the_matched_words(story):
    session, _ = story
    view = pages.timeline(session, EventFilter(q="pickets"))
    (snippet,) = view.snippets.values()
    assert f"{MATCH_OPEN}pickets" in snippet


def test_snippets_come_from_words_a_search_word_only_begins(story):
    # "pick" is no word of the story, only the start of "pickets": the excerpt is
    # found by the prefix search that found the event.
    session, _ = story
    view = pages.timeline(session, EventFilter(q="pick"))
    assert view.total == 1
    (snippet,) = view.snippets.values()
    assert f"{MATCH_OPEN}pickets" in snippet


def test_search_index_follows_a_replaced_document(engine, story):
    session, _ = story
    changed = replace(ARTICLE_A, content_hash="hash-a-2", passages=[
        replace(p, text=p.text.replace("pickets", "strikers")) for p in ARTICLE_A.passages])
    changed.candidates = ARTICLE_A.candidates
    with Session(engine) as writer:
        from app.store import store_document
        assert store_document(writer, changed).status == "replaced"
        writer.commit()
    session.rollback()  # end the read snapshot taken before the write
    assert titles(session, EventFilter(q="pickets")) == []
    assert titles(session, EventFilter(q="strikers")) == [DISPUTED_TITLE]


def test_facets_count_the_filtered_events(story):
    session, ids = story
    facets = queries.facets(session, EventFilter())
    assert dict((ref.slug, n) for ref, n in facets.actors) == {
        "dock-union": 3, "port-authority": 2, "ana-rivas": 1}
    assert [(ref.slug, n) for ref, n in facets.weapons] == [("water-cannon", 1)]
    assert (facets.dated, facets.reported, facets.disputed) == (5, 1, 1)
    assert {doc_id: n for doc_id, _, n in facets.sources} == {
        ids["https://example.org/a"]: 4, ids["https://example.org/b"]: 3}

    narrowed = queries.facets(session, EventFilter(actors=("port-authority",)))
    assert dict((ref.slug, n) for ref, n in narrowed.actors) == {"port-authority": 2}
    # The kind facet leaves its own filter out, so both kinds keep their counts.
    reported_only = queries.facets(session, EventFilter(actors=("port-authority",), reported=True))
    assert (reported_only.dated, reported_only.reported) == (1, 1)


def test_axis_levels_follow_the_range():
    assert axis_level(date(1990, 1, 1), date(2025, 1, 1)) == "decade"
    assert axis_level(date(2015, 1, 1), date(2021, 8, 2)) == "year"
    assert axis_level(date(2021, 1, 1), date(2021, 12, 31)) == "month"
    assert axis_level(date(2021, 3, 1), date(2021, 3, 31)) == "day"


def test_axis_counts_periods_and_folds_empty_runs(story):
    session, _ = story
    axis = time_axis(session, EventFilter())
    assert axis.level == "year" and (axis.start, axis.end) == (date(2015, 1, 1), date(2021, 12, 31))
    shape = [(type(i).__name__, i.start.year, getattr(i, "count", getattr(i, "periods", None))) for i in axis.items]
    # 2016..2019 hold nothing: one narrow gap of four periods.
    assert shape == [("Bucket", 2015, 1), ("Gap", 2016, 4), ("Bucket", 2020, 1), ("Bucket", 2021, 4)]
    assert axis.max_count == 4

    year = time_axis(session, EventFilter(date_from=date(2021, 1, 1), date_to=date(2021, 12, 31)))
    assert year.level == "month"
    counts = {i.start.month: i.count for i in year.items if isinstance(i, Bucket)}
    assert counts == {3: 2, 6: 1, 8: 1}
    assert sum(i.periods for i in year.items if isinstance(i, Gap)) == 12 - 3
    assert [label for label, _, _ in year.zoom_out] == ["All time", "decade"]

    month = time_axis(session, EventFilter(date_from=date(2021, 3, 1), date_to=date(2021, 3, 31)))
    assert month.level == "day"
    assert {i.start.day: i.count for i in month.items if isinstance(i, Bucket)} == {3: 1, 5: 1}
    assert time_axis(session, EventFilter(q="nothing-matches-this")) is None


def test_axis_does_not_place_a_vague_date_in_a_finer_bar(story):
    session, _ = story
    # "late 2020" is listed for the year 2020, but no month bar claims it.
    axis = time_axis(session, EventFilter(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)))
    assert axis.level == "month" and axis.coarse == 1
    assert [i for i in axis.items if isinstance(i, Bucket)] == []
    assert titles(session, EventFilter(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31))) == [
        "Dispute over night shifts began"]
    # At year level it is drawn in its year; at decade level everything is.
    assert time_axis(session, EventFilter()).coarse == 0
    decades = time_axis(session, EventFilter(date_from=date(1950, 1, 1), date_to=date(2030, 1, 1)))
    assert decades.level == "decade" and decades.coarse == 0
    assert [(i.start.year, i.count) for i in decades.items if isinstance(i, Bucket)] == [(2010, 1), (2020, 5)]


def test_axis_range_counts_agree_with_grouped_counts(story):
    # The unfiltered axis counts each period over its own range of the date index;
    # the filtered one groups. Both must give the same bars and the same vague events.
    from app.axis import _counts_by_group, _counts_by_range, period_of

    session, _ = story
    for level, start, end in [("decade", date(1950, 1, 1), date(2030, 1, 1)), ("year", date(2015, 1, 1),
                              date(2021, 12, 31)), ("month", date(2020, 1, 1), date(2021, 12, 31)),
                              ("month", date(2020, 3, 15), date(2021, 8, 20)), ("day", date(2021, 3, 1),
                              date(2021, 3, 31))]:
        periods, day = [], period_of(start, level)[0]
        while day <= end:
            periods.append(period_of(day, level))
            day = periods[-1][1] + timedelta(days=1)
        by_range = _counts_by_range(session, periods, level, start, end)
        assert by_range == _counts_by_group(session, None, level, start, end), level
        assert sum(by_range[0].values()) + by_range[1] > 0, level


def test_axis_follows_the_other_filters(story):
    session, _ = story
    axis = time_axis(session, EventFilter(actors=("ana-rivas",)))
    assert [(i.start, i.count) for i in axis.items if isinstance(i, Bucket)] == [(date(2021, 6, 1), 1)]


def test_event_page_has_sources_and_neighbours(engine, story):
    session, _ = story
    walked = next(e for e in queries.list_events(session, EventFilter())[1] if e.title == "Dock workers walked out")
    page = pages.event_page(session, walked.slug)
    assert page.event.corroboration == 2 and len(page.event.sources) == 2
    source = page.event.sources[0]
    assert source.passage[source.timex_start:source.timex_end] == "3 March 2021"
    assert [source.passage[a:b] for a, b, _ in source.mentions] == ["Dock Workers Union"]
    assert page.previous.title == "Dispute over night shifts began"
    assert page.next.title == DISPUTED_TITLE
    assert page.same_actor == []  # the union has no later event
    first = pages.event_page(session, queries.list_events(session, EventFilter())[1][0].slug)
    assert first.previous is None
    assert [r.title for r in first.same_actor[0][1]] == ["Dispute over night shifts began", "Dock workers walked out"]
    assert pages.event_page(session, "no-such-event") is None


def test_search_pages_follow_the_date_order_whether_kept_or_not(story, monkeypatch):
    # A search's order is kept per store version; a word matching more events than
    # SEARCH_ORDER_LIMIT is ordered by the database: the pages are the same.
    # (A word both engines index: PostgreSQL's English configuration drops "the".
    # The second query is the same search under another cache key.)
    session, _ = story
    flt = EventFilter(q="2021")
    kept = [queries.list_events(session, replace(flt, page=p), page_size=1) for p in (1, 2, 3)]
    monkeypatch.setattr(queries, "SEARCH_ORDER_LIMIT", 1)
    ordered = [queries.list_events(session, replace(flt, page=p, q="2021 2021"), page_size=1) for p in (1, 2, 3)]
    assert [(t, [e.slug for e in es]) for t, es in kept] == [(t, [e.slug for e in es]) for t, es in ordered]
    everything = [e.slug for e in queries.iter_events(session, flt)]
    assert kept[0][0] == len(everything) >= 3
    assert [e.slug for _, es in kept for e in es] == everything[:3]


def test_next_events_of_an_actor_beyond_the_window_are_found(story, monkeypatch):
    # An actor's next events are looked for among the next WINDOW events first; one
    # whose events lie further on is read from its own list: both give the same.
    session, _ = story
    first = queries.list_events(session, EventFilter())[1][0]
    within = pages.event_page(session, first.slug).same_actor
    monkeypatch.setattr(pages, "WINDOW", 1)
    beyond = pages.event_page(session, first.slug).same_actor
    assert within and beyond == within
    assert all(len(refs) <= 3 for _, refs in within)


def test_document_links_each_passage_to_its_events(story):
    session, ids = story
    doc = queries.get_document(session, ids["https://example.org/a"])
    assert [idx for idx, _ in doc.passages] == [0, 1, 2, 3, 4]
    assert set(doc.events_by_passage) == {0, 1, 2, 4}
    slug, title, timex, _ = doc.events_by_passage[1][0]
    assert title == DISPUTED_TITLE and doc.passages[1][1][timex[0]:timex[1]] == "5 March 2021"


def test_entities_with_their_event_counts(story):
    session, _ = story
    actors = queries.list_entities(session, weapons=False)
    assert [(a.slug, a.events) for a in actors] == [("dock-union", 3), ("port-authority", 2), ("ana-rivas", 1)]
    assert next(a for a in actors if a.slug == "dock-union").aliases == ["dockers"]
    assert [(w.slug, w.kind, w.events) for w in queries.list_entities(session, weapons=True)] == [
        ("water-cannon", "weapon", 1)]
    page = pages.entity_page(session, "dock-union", weapons=False, page_size=2)
    assert page.total == 3 and len(page.events) == 2 and page.pages == 2
    assert pages.entity_page(session, "dock-union", weapons=True) is None


def test_filter_round_trips_through_the_query_string():
    flt = EventFilter.from_params(["b", "a", "a"], ["w"], "  two  words ", "2021-01-01", "2021-12-31", 2,
                                  ["3", "1"], "true", "false")
    assert flt.query_string() == ("actor=a&actor=b&weapon=w&source=1&source=3&q=two+words&from=2021-01-01"
                                  "&to=2021-12-31&disputed=true&reported=false&page=2")
    assert flt.toggle("actors", "a").actors == ("b",) and flt.toggle("actors", "a").page == 1
    with pytest.raises(FilterError, match="from"):
        EventFilter.from_params(date_from="2021-13-01")
    with pytest.raises(FilterError, match="after"):
        EventFilter.from_params(date_from="2021-02-01", date_to="2021-01-01")
    with pytest.raises(FilterError, match="disputed"):
        EventFilter.from_params(disputed="maybe")
    with pytest.raises(FilterError, match="source"):
        EventFilter.from_params(source=["x"])


def _plan(session, statement) -> str:
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled)).fetchall()
    return " | ".join(row[3] for row in rows)


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN output is SQLite's
@pytest.mark.parametrize("flt", [
    EventFilter(actors=("dock-union",)),
    EventFilter(q="pickets"),
    EventFilter(sources=(1,)),
    EventFilter(date_from=date(2021, 3, 1), date_to=date(2021, 3, 31)),
    EventFilter(actors=("dock-union",), q="quays", weapons=("water-cannon",)),
])
def test_filtered_lists_use_indexes_not_full_scans(story, flt):
    session, _ = story
    where = queries.filter_where(session, flt)
    plan = _plan(session, select(models.Event).where(where).order_by(*queries.CHRONOLOGICAL).limit(50))
    for table in ("event", "passage", "event_source", "event_entity", "entity"):
        assert f"SCAN {table} " not in plan + " " and not plan.endswith(f"SCAN {table}"), plan


def test_revision_0002_indexes_an_existing_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    with Session(engine) as session:
        doc = models.Document(content_hash="h", origin="o", title="t", text="x",
                              ingested_at=datetime(2021, 1, 1, tzinfo=timezone.utc))
        session.add(doc)
        session.flush()
        passage = models.Passage(document_id=doc.id, idx=0, text="The harbour stayed closed.")
        event = models.Event(slug="e", title="Harbour closed", date_start=date(2021, 1, 1),
                             date_end=date(2021, 1, 1), precision="day", basis="stated")
        session.add_all([passage, event])
        session.flush()
        # The columns revision 0001 has (the model's are newer).
        session.execute(insert(models.EventSource.__table__).values(
            event_id=event.id, document_id=doc.id, passage_id=passage.id, sentence_start=0, sentence_end=26,
            title="Harbour closed", date_start=date(2021, 1, 1), date_end=date(2021, 1, 1), precision="day",
            basis="stated", reported=False, claim="", entities="[]", mentions="[]"))
        session.commit()
    upgrade(url)
    with Session(engine) as session:
        assert titles(session, EventFilter(q="stayed")) == ["Harbour closed"]
        assert titles(session, EventFilter(q="harbour closed")) == ["Harbour closed"]
    command.downgrade(alembic_config(url), "0001")
    upgrade(url)
    with Session(engine) as session:
        assert titles(session, EventFilter(q="stayed")) == ["Harbour closed"]
    engine.dispose()
