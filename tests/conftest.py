"""Shared fixtures: paths to the project's data and a fresh migrated database.

Tests that take `db_url` or `engine` run once per database engine: SQLite always,
PostgreSQL too when TIMELINE_TEST_PG_URL names a server (scripts/test starts one).
A test that checks something only SQLite has (FTS5 tables, its query plans, its
files) is marked `sqlite_only`.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.db import open_database

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"
PG_URL = os.environ.get("TIMELINE_TEST_PG_URL")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sqlite_only: checks something only the SQLite engine has")


def pytest_generate_tests(metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        engines = ["sqlite"]
        if PG_URL and not metafunc.definition.get_closest_marker("sqlite_only"):
            engines.append("postgresql")
        metafunc.parametrize("db_url", engines, indirect=True)


@pytest.fixture
def db_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'timeline.db'}"
        return
    # A database of its own for each test, on the one server.
    name = f"timeline_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield f"{PG_URL.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def engine(db_url: str):
    engine = open_database(db_url)
    yield engine
    engine.dispose()
