"""source_word: the content words of every event source, so the writer finds the
sources a new candidate may join by shared words instead of by dates alone; and an
index on document.url, by which the writer finds the older version of a document

Existing sources are indexed here (app.store.index_stored_words), so an existing
database is upgraded in place.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlmodel import Session

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_word",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("word", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_end", sa.Date(), nullable=False),
        sa.Column("wide", sa.Boolean(), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("first_actor", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["event_source.id"]),
        sa.PrimaryKeyConstraint("source_id", "word"),
    )
    op.create_index("ix_source_word_lookup", "source_word",
                    ["wide", "word", "date_start", "date_end", "reported", "first_actor", "source_id"])
    op.create_index("ix_document_url", "document", ["url"])
    from app.store import index_stored_words

    with Session(bind=op.get_bind()) as session:
        index_stored_words(session)


def downgrade() -> None:
    op.drop_index("ix_document_url", table_name="document")
    op.drop_index("ix_source_word_lookup", table_name="source_word")
    op.drop_table("source_word")
