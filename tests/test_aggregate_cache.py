"""Aggregates are computed once per store version and recomputed after a write."""
import threading

from click.testing import CliRunner
from sqlmodel import Session

from app.aggregate_cache import cached_aggregate, rendering, store_version
from app.cli import main
from app.pages import timeline
from app.queries import EventFilter

ARTICLE = "---\ntitle: {title}\npublished: 2024-11-18\n---\n{body}\n"


def _ingest(folder, db_url, name, body):
    (folder / name).write_text(ARTICLE.format(title=name, body=body), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(folder / name), "--db", db_url])
    assert result.exit_code == 0, result.output


def test_compute_runs_once_per_version(engine):
    calls = []
    with Session(engine) as session:
        for _ in range(2):
            value = cached_aggregate(session, "probe", EventFilter(), lambda: calls.append(1) or len(calls))
            assert value == 1
        assert cached_aggregate(session, "probe", EventFilter(q="other"), lambda: calls.append(1) or len(calls)) == 2
    assert calls == [1, 1]


def test_a_write_bumps_the_version_and_the_facets_follow(tmp_path, db_url, engine):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    with Session(engine) as session:
        before_version = store_version(session)
        before = {ref.slug: n for ref, n in timeline(session, EventFilter()).facets.actors}
    _ingest(tmp_path, db_url, "b.md", "Vladimir Putin met Xi Jinping in Kazan on 22 October 2024.")
    with Session(engine) as session:
        assert store_version(session) == before_version + 1
        after = {ref.slug: n for ref, n in timeline(session, EventFilter()).facets.actors}
    assert "joe-biden" in before and "vladimir-putin" not in before
    assert "vladimir-putin" in after


def test_the_version_is_read_again_in_a_new_transaction(tmp_path, db_url, engine):
    # A session keeps the version of its snapshot; after a commit it reads the new one.
    with Session(engine) as session:
        before = store_version(session)
        _ingest(tmp_path, db_url, "c.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
        assert store_version(session) == before  # same snapshot
        session.commit()
        assert store_version(session) == before + 1


def test_search_excerpts_are_kept_per_version_and_follow_a_write(tmp_path, db_url, engine, monkeypatch):
    from app import pages

    _ingest(tmp_path, db_url, "d.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    calls = []
    real = pages.search_snippets
    monkeypatch.setattr(pages, "search_snippets", lambda *a: calls.append(a) or real(*a))
    with Session(engine) as session:
        first = timeline(session, EventFilter(q="ATACMS")).snippets
    with Session(engine) as session:
        assert timeline(session, EventFilter(q="ATACMS")).snippets == first
    assert len(calls) == 1 and len(first) == 1
    _ingest(tmp_path, db_url, "e.md", "Ukraine fired ATACMS at an airfield in Kursk on 19 November 2024.")
    with Session(engine) as session:
        after = timeline(session, EventFilter(q="ATACMS")).snippets
    assert len(calls) == 2 and len(after) == 2



def test_a_thread_computing_an_aggregate_lets_another_render(engine):
    slot = threading.Semaphore(1)
    taken_meanwhile = []

    def another_thread_renders() -> int:
        def render():
            first, second = slot.acquire(timeout=5), slot.acquire(blocking=False)
            taken_meanwhile.append((first, second))
            for _ in range(first + second):
                slot.release()
        thread = threading.Thread(target=render)
        thread.start()
        thread.join()
        return 7

    with rendering(slot), Session(engine) as session:
        assert not slot.acquire(blocking=False)  # held while rendering
        # an aggregate computed within another gives back no slot it does not hold
        value = cached_aggregate(session, "outer", EventFilter(q="slot"), lambda: cached_aggregate(
            session, "inner", EventFilter(q="nested"), another_thread_renders))
        assert value == 7 and taken_meanwhile == [(True, False)]  # one slot, and the other thread had it
        assert not slot.acquire(blocking=False)  # held again once computed
    assert slot.acquire(blocking=False)  # given back when rendering ends
