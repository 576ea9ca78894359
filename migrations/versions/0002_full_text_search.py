"""full-text search over event titles and passages (SQLite FTS5)

Two external-content FTS5 indexes, `event_fts` over event.title and `passage_fts`
over passage.text, kept in sync by triggers: every write to those tables, from the
store or from anywhere else, updates the index in the same transaction, so the
index can never drift from the rows. External content keeps one copy of the text.
Existing rows are indexed by the `rebuild` command, so an existing database is
upgraded in place.

Only SQLite gets these tables; PostgreSQL will use its own full-text search (a
later revision), and app/queries.py keeps the search SQL in one function.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Porter stemming lets "strikes" find "strike"; remove_diacritics lets "Zelenskyy"
# typed without accents match accented spellings.
_TOKENIZE = "porter unicode61 remove_diacritics 2"

_INDEXES = (
    # (fts table, content table, indexed column)
    ("event_fts", "event", "title"),
    ("passage_fts", "passage", "text"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, table, column in _INDEXES:
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
            f"content_rowid='id', tokenize='{_TOKENIZE}')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, _table, _column in _INDEXES:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
