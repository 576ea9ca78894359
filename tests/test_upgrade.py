"""A database made by the first schema revision upgrades in place with its data
intact, and the upgraded database serves and ingests like a new one."""
from __future__ import annotations

import sqlite3

from alembic import command
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.db import alembic_config, make_engine, open_database
from app.web import create_app

try:  # tests/ may or may not be a package
    from .synthetic import write_articles
except ImportError:
    from synthetic import write_articles

FIRST_REVISION = "0001"


def rows(path, table: str, columns: list[str]) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()


def test_database_from_the_first_revision_upgrades_with_its_data(tmp_path):
    articles = tmp_path / "articles"
    write_articles(articles, 30, seed=5)
    full, old = tmp_path / "full.db", tmp_path / "old.db"
    assert CliRunner().invoke(main, ["ingest", str(articles), "--db", f"sqlite:///{full}"]).exit_code == 0

    # The same content in a database at the first revision: its tables, its columns.
    command.upgrade(alembic_config(f"sqlite:///{old}"), FIRST_REVISION)
    with sqlite3.connect(old) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name != 'alembic_version'")]
        columns = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        conn.execute("ATTACH DATABASE ? AS full", (str(full),))
        for table in tables:
            names = ", ".join(columns[table])
            conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM full.{table}")
        conn.commit()
        conn.execute("DETACH DATABASE full")
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == FIRST_REVISION
    before = {t: rows(old, t, columns[t]) for t in tables}
    assert before["document"] and before["event"] and before["event_source"]

    engine = open_database(f"sqlite:///{old}")  # what `timeline` does on start
    after = {t: rows(old, t, columns[t]) for t in tables}
    assert after == before
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] != FIRST_REVISION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The writer's word index (revision 0005) is filled from the stored sources as a
    # fresh store fills it while ingesting.
    word_columns = ["source_id", "word", "date_start", "date_end", "wide"]
    indexed = rows(old, "source_word", word_columns)
    assert indexed and indexed == rows(full, "source_word", word_columns)

    # The upgraded database answers like one made at the newest revision, search included.
    new_engine = make_engine(f"sqlite:///{full}")
    for query in ("/api/events", "/api/events?q=officials", "/api/events?actor=ukraine&page=1"):
        upgraded = TestClient(create_app(engine)).get(query).json()
        fresh = TestClient(create_app(new_engine)).get(query).json()
        assert upgraded == fresh and upgraded["total"] > 0, query

    # And it takes new documents.
    write_articles(tmp_path / "more", 5, seed=6)
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "more"), "--db", f"sqlite:///{old}"])
    assert result.exit_code == 0 and "stored 5" in result.output
    engine.dispose()
    new_engine.dispose()
