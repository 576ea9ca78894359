"""The SQLite schema, as SQLModel tables. Alembic's revisions describe the same schema
(tests/test_migrations.py checks that they agree)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, select, text
from sqlmodel import Field, SQLModel


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(index=True, unique=True)
    origin: str
    title: str
    # Indexed: the writer looks up the stored version of each new document by its URL.
    url: str | None = Field(default=None, index=True)
    source: str | None = None
    published: date | None = None
    anchor_date: date | None = None
    anchor_basis: str | None = None
    text: str
    ingested_at: datetime


class Passage(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("document_id", "idx"),
        # PostgreSQL's full-text search over passages (revision 0003).
        Index("ix_passage_text_tsv", text("to_tsvector('english', text)"), postgresql_using="gin").ddl_if(
            dialect="postgresql"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    idx: int
    text: str


class Entity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    name: str
    kind: str  # person | state | organisation | armed-force | weapon
    is_weapon: bool = Field(default=False, index=True)
    aliases: str = "[]"  # JSON list


class Event(SQLModel, table=True):
    __table_args__ = (
        # With the precision the time axis counts from the index alone (revision 0010).
        Index("ix_event_date", "date_start", "date_end", "precision"),
        # The disputed and reported facets count by these flags (revision 0003).
        Index("ix_event_disputed", "disputed"),
        Index("ix_event_reported", "reported"),
        # PostgreSQL's full-text search over titles (revision 0003; SQLite has FTS5 from 0002).
        Index("ix_event_title_tsv", text("to_tsvector('english', title)"), postgresql_using="gin").ddl_if(
            dialect="postgresql"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    title: str
    date_start: date
    date_end: date
    precision: str
    basis: str
    reported: bool = False
    disputed: bool = False
    corroboration: int = 1


class EventEntity(SQLModel, table=True):
    __tablename__ = "event_entity"
    __table_args__ = (Index("ix_event_entity_entity", "entity_id", "event_id"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", primary_key=True)


class EventSource(SQLModel, table=True):
    """One passage that tells an event: the stored form of an EventCandidate."""

    __tablename__ = "event_source"
    # Search maps matching passages to their events without reading the rows (revision
    # 0006); the articles facet counts each article's events the same way (0010).
    __table_args__ = (Index("ix_event_source_passage_event", "passage_id", "event_id"),
                      Index("ix_event_source_document_event", "document_id", "event_id"))

    id: int | None = Field(default=None, primary_key=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    document_id: int = Field(foreign_key="document.id")
    passage_id: int = Field(foreign_key="passage.id")
    sentence_start: int
    sentence_end: int
    timex_start: int | None = None
    timex_end: int | None = None
    timex_text: str | None = None
    timex_value: str | None = None
    title: str
    claim: str = ""
    date_start: date
    date_end: date
    precision: str
    basis: str
    reported: bool = False
    entities: str = "[]"  # JSON list of entity slugs the candidate names
    mentions: str = "[]"  # JSON list of [start, end, entity slug] in the passage
    # The number of what the source tells (app.word_index.telling_number): the writer
    # finds a telling's other copies by it (revision 0007).
    telling: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))


class SourceWord(SQLModel, table=True):
    """One content word of an event source's title (app.wording.wording), with the
    source's dates: the writer finds the stored sources a new candidate may join by
    the words they share, within the merge's reach of its dates, instead of reading
    every source of those years."""

    __tablename__ = "source_word"
    # Covers the writer's query (app.word_index): equal `wide`, word and `reported`, a
    # range of start dates, and no table row to read (revision 0008).
    __table_args__ = (
        Index("ix_source_word_lookup", "wide", "word", "reported", "date_start", "date_end", "first_actor",
              "source_id"),
    )

    source_id: int = Field(foreign_key="event_source.id", primary_key=True)
    word: str = Field(primary_key=True)
    date_start: date
    date_end: date
    wide: bool = False
    # What same_event.may_be_same reads of the source, so the database drops look-alikes
    # told with other dates before they are read.
    reported: bool = False
    first_actor: str | None = None


class SlugRedirect(SQLModel, table=True):
    """An event's earlier slug, kept so that shared permalinks never break."""

    __tablename__ = "slug_redirect"

    old_slug: str = Field(primary_key=True)
    new_slug: str = Field(index=True)


class StoreVersion(SQLModel, table=True):
    """One row counting the writes to the store: views computed from the events
    (facet counts, the time axis) stay valid while it is unchanged."""

    __tablename__ = "store_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0


# The version as every reader and writer reads it (the writer, the analysis processes'
# snapshots, the server's caches).
STORE_VERSION = select(StoreVersion.__table__.c.version).where(StoreVersion.__table__.c.id == 1)


# Tables no model describes: revision 0002's full-text indexes (FTS5 virtual tables
# and their shadow tables), written only by triggers. Alembic's comparison skips them.
FULL_TEXT_TABLES = ("event_fts", "passage_fts")


def is_full_text_table(name: str | None) -> bool:
    return bool(name) and name.startswith(FULL_TEXT_TABLES)
