"""The Alembic head and the SQLModel tables must describe the same schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401


def test_head_matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, type_, _: not (type_ == "table" and app.models.is_full_text_table(name))},
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_is_idempotent_and_creates_every_table(db_url, engine):
    from app.db import upgrade

    upgrade(db_url)  # a second upgrade on an up-to-date database changes nothing
    tables = set(inspect(engine).get_table_names())
    assert {"document", "passage", "entity", "event", "event_entity", "event_source", "slug_redirect"} <= tables
