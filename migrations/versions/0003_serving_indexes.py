"""indexes for every served query; PostgreSQL full-text search

SQLite and PostgreSQL: indexes on event.disputed and event.reported, which the
timeline's facets count by (tests/test_query_plans.py found them scanning the
whole event table).

PostgreSQL only: its own full-text search in place of revision 0002's FTS5 tables:
GIN indexes over to_tsvector('english', ...) of event.title and passage.text.
Expression indexes need no triggers and cannot drift from the rows; the search
in app/queries.py uses the same expressions, so the planner picks them.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (index, table, column) of the PostgreSQL full-text indexes; app/queries.py's
# search must use the same configuration and expression.
TEXT_SEARCH_CONFIG = "english"
_PG_TEXT_INDEXES = (
    ("ix_event_title_tsv", "event", "title"),
    ("ix_passage_text_tsv", "passage", "text"),
)


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_disputed", ["disputed"], unique=False)
        batch_op.create_index("ix_event_reported", ["reported"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for name, table, column in _PG_TEXT_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('{TEXT_SEARCH_CONFIG}', {column}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _column in _PG_TEXT_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_reported")
        batch_op.drop_index("ix_event_disputed")
