"""Opening the database: the URL, the engine, and bringing the schema to Alembic's head."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.pool import NullPool
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from .database_url import DEFAULT_URL, database_url  # noqa: F401  (app.db names them too)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The driver's own transaction handling starts none for SELECTs; `_begin` does it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the server read while an ingest writes; the busy timeout makes a
    # writer wait for another instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Each stored document is a savepoint; SQLite keeps the pages it would roll back to in a
    # temporary file past 64 KiB, which cost an ingest 250 to 290 write calls a document.
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _begin(connection) -> None:
    # Without an explicit BEGIN each SELECT is its own snapshot, and a page built
    # from several queries could see an ingest commit between two of them (events
    # whose sources were just rewritten). One BEGIN per session gives it a single
    # snapshot, which WAL keeps readable while a writer works. A session that will
    # write passes execution option sqlite_begin="IMMEDIATE" to take the write lock
    # up front, so concurrent writers wait on the busy timeout instead of failing
    # when one tries to upgrade a stale read snapshot.
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite connections get WAL mode, a busy timeout and
    one snapshot per transaction."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str):
    from alembic.config import Config  # Alembic only when migrating: analysis processes open engines too

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    return config


# The advisory lock that lets one process at a time migrate a PostgreSQL database.
MIGRATION_LOCK = 0x74696D656C696E66

# The newest revision in migrations/versions (tests/test_db_open.py holds them to
# each other). A database at it needs nothing from Alembic, whose imports and
# revision scripts cost every command's start 0.08 s.
HEAD_REVISION = "0010"


def _at_head(url: str) -> bool:
    """Whether the database at `url` is at HEAD_REVISION; False when it has no schema
    yet, or cannot be read (Alembic then reports why)."""
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [
                HEAD_REVISION]
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def upgrade(url: str) -> None:
    """Create or upgrade the database at `url` to the newest schema revision.

    On PostgreSQL several servers and ingest processes may start at once: they
    migrate one after the other (an advisory lock), so the later ones find the
    schema at head instead of racing to create the same tables.
    """
    if _at_head(url):
        return
    from alembic import command as alembic_command

    if not url.startswith("postgresql"):
        alembic_command.upgrade(alembic_config(url), "head")
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
            try:
                alembic_command.upgrade(alembic_config(url), "head")
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
    finally:
        engine.dispose()


def open_database(explicit_url: str | None = None) -> Engine:
    """Resolve the URL, migrate the schema to head, and return an engine."""
    url = database_url(explicit_url)
    upgrade(url)
    return make_engine(url)
