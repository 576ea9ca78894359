"""Opening a database: one at the newest revision is opened without Alembic; any
other is created or upgraded by it."""
from __future__ import annotations

import sqlite3

import pytest
from alembic.script import ScriptDirectory

import app.db
from app.db import HEAD_REVISION, alembic_config, upgrade


def test_head_revision_is_the_newest_migration(tmp_path):
    scripts = ScriptDirectory.from_config(alembic_config(f"sqlite:///{tmp_path / 'unused.db'}"))
    assert scripts.get_heads() == [HEAD_REVISION]


@pytest.fixture
def alembic_upgrades(monkeypatch) -> list[str]:
    """The URLs Alembic is asked to upgrade (it still does)."""
    from alembic import command

    asked: list[str] = []
    run = command.upgrade

    def recording(config, revision):
        asked.append(config.get_main_option("sqlalchemy.url"))
        run(config, revision)

    monkeypatch.setattr(command, "upgrade", recording)
    return asked


def test_a_database_at_the_newest_revision_is_opened_without_alembic(tmp_path, alembic_upgrades):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)  # new: created by Alembic
    assert alembic_upgrades == [url]
    upgrade(url)  # at head: left as it is
    assert alembic_upgrades == [url]
    with sqlite3.connect(tmp_path / "store.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]


def test_a_database_at_an_older_revision_is_upgraded(tmp_path, alembic_upgrades):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0005")
    alembic_upgrades.clear()
    upgrade(url)
    assert alembic_upgrades == [url]
    with sqlite3.connect(tmp_path / "old.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]


def test_a_database_that_cannot_be_read_is_left_to_alembic(tmp_path):
    # Not at head as far as anyone can tell: Alembic says what is wrong.
    assert not app.db._at_head(f"sqlite:///{tmp_path / 'missing-folder' / 'store.db'}")
