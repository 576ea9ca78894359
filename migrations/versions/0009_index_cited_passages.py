"""the passages' full-text index holds only the passages an event source cites

Search finds events (app.search): a passage matches only through the sources that cite
it, and an excerpt is cut only from a listed event's passages. Yet every passage was
indexed, the uncited too: 52% of the passages and 43% of their text in 100,000
generated documents, and indexing a passage (porter stemming, FTS5's segments) cost
the writer 45 microseconds, against 4 for its row.

`passage_fts` now takes its content from the view `cited_passage` (the passages some
event_source row cites), so FTS5's own `rebuild` makes the same index;
triggers on event_source index a passage when its first source is inserted and remove
it when its last source goes. Searches answer as before.

SQLite only; PostgreSQL's GIN expression index (revision 0003) is left as it is.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TOKENIZE = "porter unicode61 remove_diacritics 2"  # as revision 0002

_CITED = "SELECT 1 FROM event_source WHERE event_source.passage_id = {passage}"
_INDEX = "INSERT INTO passage_fts(rowid, text) SELECT id, text FROM passage WHERE id = {passage}"
_UNINDEX = "INSERT INTO passage_fts(passage_fts, rowid, text) SELECT 'delete', id, text FROM passage WHERE id = {passage}"

_TRIGGERS = {
    # A passage's first source indexes it, its last one gone removes it.
    "passage_fts_cited": (
        "AFTER INSERT ON event_source WHEN NOT EXISTS ("
        + _CITED.format(passage="new.passage_id") + " AND event_source.id <> new.id) "
        "BEGIN " + _INDEX.format(passage="new.passage_id") + "; END"),
    "passage_fts_uncited": (
        "AFTER DELETE ON event_source WHEN NOT EXISTS (" + _CITED.format(passage="old.passage_id") + ") "
        "BEGIN " + _UNINDEX.format(passage="old.passage_id") + "; END"),
    "passage_fts_recited": (
        "AFTER UPDATE OF passage_id ON event_source WHEN old.passage_id <> new.passage_id BEGIN "
        + _UNINDEX.format(passage="old.passage_id")
        + " AND NOT EXISTS (" + _CITED.format(passage="old.passage_id") + "); "
        + _INDEX.format(passage="new.passage_id")
        + " AND NOT EXISTS (" + _CITED.format(passage="new.passage_id") + " AND event_source.id <> new.id); "
        "END"),
    # A cited passage's own text changing, or the passage going while cited (foreign keys off).
    "passage_fts_au": (
        "AFTER UPDATE OF text ON passage WHEN EXISTS (" + _CITED.format(passage="new.id") + ") BEGIN "
        "INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text); END"),
    "passage_fts_ad": (
        "AFTER DELETE ON passage WHEN EXISTS (" + _CITED.format(passage="old.id") + ") BEGIN "
        "INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text); END"),
}

# Revision 0002's: every passage indexed.
_EVERY_PASSAGE = {
    "passage_fts_ai": "AFTER INSERT ON passage BEGIN INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text); END",
    "passage_fts_ad": ("AFTER DELETE ON passage BEGIN "
                       "INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text); END"),
    "passage_fts_au": ("AFTER UPDATE OF text ON passage BEGIN "
                       "INSERT INTO passage_fts(passage_fts, rowid, text) VALUES ('delete', old.id, old.text); "
                       "INSERT INTO passage_fts(rowid, text) VALUES (new.id, new.text); END"),
}


def _replace(triggers_gone: dict, content: str, triggers: dict) -> None:
    for name in triggers_gone:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS passage_fts")
    op.execute(f"CREATE VIRTUAL TABLE passage_fts USING fts5(text, content='{content}', content_rowid='id', "
               f"tokenize='{_TOKENIZE}')")
    for name, body in triggers.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO passage_fts(passage_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIEW cited_passage AS SELECT id, text FROM passage WHERE EXISTS ("
               + _CITED.format(passage="passage.id") + ")")
    _replace(_EVERY_PASSAGE, "cited_passage", _TRIGGERS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _replace(_TRIGGERS, "passage", _EVERY_PASSAGE)
    op.execute("DROP VIEW cited_passage")
