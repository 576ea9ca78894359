"""The passages' full-text index (revision 0009) holds exactly the passages an event
source cites, through ingest, replacement, edits and a downgrade and upgrade; the index
stays consistent by FTS5's own check, and search finds what it found before."""
from __future__ import annotations

import sqlite3

from alembic import command
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.db import alembic_config, make_engine
from app.web import create_app

try:  # tests/ may or may not be a package
    from .synthetic import write_articles
except ImportError:
    from synthetic import write_articles


def indexed(conn) -> set[int]:
    return {r for (r,) in conn.execute("SELECT id FROM passage_fts_docsize")}


def cited(conn) -> set[int]:
    return {r for (r,) in conn.execute("SELECT passage_id FROM event_source")}


def check(conn) -> None:
    """FTS5's check of its index (raises if corrupt). SQLite 3.40's does not compare an
    external-content index with its content: `indexed` and `cited` do."""
    conn.execute("INSERT INTO passage_fts(passage_fts) VALUES ('integrity-check')")


UNDATED = ("Officials said on 6 August 2024 that Ukrainian forces had crossed into the Kursk region.\n\n"
           "Nobody in the village remembered a summer like it.\n\n"
           "The market stayed open, and the buses ran as they always had.\n")


def ingested(tmp_path, n: int = 30):
    write_articles(tmp_path / "articles", n, seed=5)
    (tmp_path / "articles" / "undated.md").write_text(f"---\ntitle: Undated paragraphs\n---\n{UNDATED}")
    path = tmp_path / "store.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "articles"), "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0, result.output
    return path


def test_only_cited_passages_are_indexed(tmp_path):
    path = ingested(tmp_path)
    with sqlite3.connect(path) as conn:
        every = {r for (r,) in conn.execute("SELECT id FROM passage")}
        assert indexed(conn) == cited(conn)
        assert cited(conn) and cited(conn) < every  # some passages cite no event
        check(conn)
        # A word of an uncited passage only: no event to find, nothing indexed.
        uncited = min(every - cited(conn))
        assert conn.execute("SELECT count(*) FROM passage_fts WHERE rowid = ?", (uncited,)).fetchone()[0] == 0


def test_the_index_follows_sources_and_passages(tmp_path):
    path = ingested(tmp_path, 10)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        passage = min(cited(conn))
        conn.execute("UPDATE passage SET text = text || ' Zyxwvut' WHERE id = ?", (passage,))
        assert [r for (r,) in conn.execute("SELECT rowid FROM passage_fts WHERE passage_fts MATCH 'zyxwvut'")] == [
            passage]
        # Its sources move to a passage no source cited: the index moves with them.
        uncited = min({r for (r,) in conn.execute("SELECT id FROM passage")} - cited(conn))
        conn.execute("UPDATE event_source SET passage_id = ? WHERE passage_id = ?", (uncited, passage))
        assert passage not in indexed(conn) and uncited in indexed(conn)
        assert not conn.execute("SELECT rowid FROM passage_fts WHERE passage_fts MATCH 'zyxwvut'").fetchall()
        conn.execute("DELETE FROM event_source WHERE passage_id = ?", (uncited,))
        assert uncited not in indexed(conn)
        assert indexed(conn) == cited(conn)
        check(conn)


def test_a_replaced_document_leaves_the_index_on_the_cited(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    page = articles / "a.md"
    body = ("On 6 August 2024 Ukrainian forces crossed into the Kursk region of Russia.\n\n"
            "The weather was mild that week.\n")
    page.write_text(f"---\ntitle: First\nurl: https://example.org/a\n---\n{body}")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert CliRunner().invoke(main, ["ingest", str(articles), "--db", db]).exit_code == 0
    page.write_text("---\ntitle: Second\nurl: https://example.org/a\n---\n"
                    "On 17 November 2024 Washington allowed Ukraine to fire ATACMS missiles into Russia.\n")
    result = CliRunner().invoke(main, ["ingest", str(articles), "--db", db])
    assert result.exit_code == 0 and "(1 replacing an older version)" in result.output, result.output
    with sqlite3.connect(tmp_path / "store.db") as conn:
        assert indexed(conn) == cited(conn) != set()
        check(conn)
        assert not conn.execute("SELECT rowid FROM passage_fts WHERE passage_fts MATCH 'kursk'").fetchall()
        assert conn.execute("SELECT rowid FROM passage_fts WHERE passage_fts MATCH 'atacms'").fetchall()


def test_downgrade_indexes_every_passage_and_upgrade_the_cited_again(tmp_path):
    path = ingested(tmp_path)
    url = f"sqlite:///{path}"
    before = TestClient(create_app(make_engine(url))).get("/api/events?q=officials").json()
    assert before["total"] > 0
    command.downgrade(alembic_config(url), "0008")
    with sqlite3.connect(path) as conn:
        assert indexed(conn) == {r for (r,) in conn.execute("SELECT id FROM passage")}
        conn.execute("INSERT INTO passage_fts(passage_fts) VALUES ('integrity-check')")
    command.upgrade(alembic_config(url), "head")
    with sqlite3.connect(path) as conn:
        assert indexed(conn) == cited(conn)
        check(conn)
    assert TestClient(create_app(make_engine(url))).get("/api/events?q=officials").json() == before
