"""Full-text search over event titles and passages: the one module that knows how
each database searches text.

SQLite matches the FTS5 indexes of revision 0002 (kept in sync by triggers),
PostgreSQL its own full-text search over the GIN indexes of revision 0003; other
databases fall back to a case-insensitive substring match. User input never
reaches either engine's query syntax: it is cut into words first.
"""
from __future__ import annotations

import re

from sqlalchemy import column, func, literal_column, or_, table, text, union
from sqlmodel import Session, select

from . import models

_WORD = re.compile(r"\w+", re.UNICODE)
_event_fts = table("event_fts", column("rowid"), column("event_fts"))
_passage_fts = table("passage_fts", column("rowid"), column("passage_fts"))


def fts_query(q: str) -> str:
    """The words of `q` as an FTS5 query: every word must occur, as a word prefix.

    User input never reaches FTS5's own syntax (quotes, NEAR, column filters):
    each word is quoted.

    >>> fts_query('Kursk "offensive" OR')
    '"Kursk"* "offensive"* "OR"*'
    """
    return " ".join(f'"{w}"*' for w in _WORD.findall(q))


def search_condition(session: Session, q: str):
    """The condition "the event's title or one of its passages matches `q`".

    This is the one place that knows how each database searches text: SQLite
    matches the FTS5 indexes of revision 0002, PostgreSQL its own full-text
    search over the GIN indexes of revision 0003; other databases fall back to a
    case-insensitive substring match.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _pg_search_condition(q)
    if session.get_bind().dialect.name == "sqlite":
        match = fts_query(q)
        if not match:
            return None
        titles = select(_event_fts.c.rowid).where(_event_fts.c.event_fts.op("MATCH")(match))
        passages = (
            select(models.EventSource.event_id)
            .join(_passage_fts, _passage_fts.c.rowid == models.EventSource.passage_id)
            .where(_passage_fts.c.passage_fts.op("MATCH")(match))
        )
        return models.Event.id.in_(union(titles, passages))
    pattern = f"%{q}%"
    return or_(
        models.Event.title.ilike(pattern),
        models.Event.id.in_(
            select(models.EventSource.event_id)
            .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
            .where(models.Passage.text.ilike(pattern))
        ),
    )


# PostgreSQL (issue 8): the same expressions as revision 0003's indexes, so the
# planner uses them; the configuration is SQL text, not a parameter, for that reason.
_PG_CONFIG = literal_column("'english'")


def pg_tsquery(q: str) -> str:
    """The words of `q` as a to_tsquery() argument: every word, as a prefix.
    Words are \\w+ only, so user input never reaches tsquery operators.

    >>> pg_tsquery("Kursk & offensive!")
    'Kursk:* & offensive:*'
    """
    return " & ".join(f"{w}:*" for w in _WORD.findall(q))


def _pg_search_condition(q: str):
    words = pg_tsquery(q)
    if not words:
        return None
    query = func.to_tsquery(_PG_CONFIG, words)
    titles = select(models.Event.id).where(func.to_tsvector(_PG_CONFIG, models.Event.title).op("@@")(query))
    passages = (
        select(models.EventSource.event_id)
        .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
        .where(func.to_tsvector(_PG_CONFIG, models.Passage.text).op("@@")(query))
    )
    return models.Event.id.in_(union(titles, passages))


def _pg_snippets(session: Session, q: str, event_ids: list[int]) -> dict[int, str]:
    words = pg_tsquery(q)
    if not words:
        return {}
    query = func.to_tsquery(_PG_CONFIG, words)
    options = f"StartSel={MATCH_OPEN}, StopSel={MATCH_CLOSE}, MaxWords=24, MinWords=12, FragmentDelimiter=…"
    rows = session.execute(
        select(models.EventSource.event_id, func.ts_headline(_PG_CONFIG, models.Passage.text, query, options))
        .join(models.Passage, models.Passage.id == models.EventSource.passage_id)
        .where(models.EventSource.event_id.in_(event_ids),
               func.to_tsvector(_PG_CONFIG, models.Passage.text).op("@@")(query))
    )
    snippets: dict[int, str] = {}
    for event_id, snippet in rows:
        snippets.setdefault(event_id, snippet)
    return snippets


# Markers FTS5 puts around matched words; display.mark_snippet turns them into <mark>
# after escaping, so passage text is never trusted as HTML.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"


def search_snippets(session: Session, q: str, event_ids: list[int]) -> dict[int, str]:
    """For each of `event_ids` that matches `q` in a passage, a short excerpt of its
    first matching passage (by passage id) with the matched words between
    MATCH_OPEN and MATCH_CLOSE; a passage with the words as typed comes before one
    that only has words they begin.

    The events' passages are listed first (a page's worth) and only those are
    matched: an excerpt costs a read and a tokenization of its passage, so it is
    made once per passage on the page, never for every passage the word occurs in.
    """
    if event_ids and q and session.get_bind().dialect.name == "postgresql":
        return _pg_snippets(session, q, event_ids)
    if not event_ids or not q or session.get_bind().dialect.name != "sqlite":
        return {}
    words = _WORD.findall(q)
    if not words:
        return {}
    ids = ",".join(str(int(i)) for i in event_ids)
    passages_of: dict[int, list[int]] = {}
    for event_id, passage_id in session.execute(
        text(f"SELECT event_id, passage_id FROM event_source WHERE event_id IN ({ids})")
    ):
        passages_of.setdefault(event_id, []).append(passage_id)
    snippets: dict[int, str] = {}
    # The words as typed first: FTS5 answers a prefix query ("the"*) by merging the
    # lists of every word that begins so (then, there, theory, ...), over the whole
    # index whatever the rowids asked: 0.9 s for "the" at 100,000 events, against 6 ms
    # for the word itself. The prefix query is left for the events still without one.
    for match in (" ".join(f'"{w}"' for w in words), fts_query(q)):
        todo = {e: ps for e, ps in passages_of.items() if e not in snippets}
        if not todo:
            break
        passage_ids = ",".join(str(int(p)) for p in sorted({p for ps in todo.values() for p in ps}))
        excerpts = dict(session.execute(
            text(
                "SELECT rowid, snippet(passage_fts, 0, :open, :close, '…', 24) FROM passage_fts "
                f"WHERE passage_fts MATCH :match AND rowid IN ({passage_ids})"
            ),
            {"open": MATCH_OPEN, "close": MATCH_CLOSE, "match": match},
        ).all())
        for event_id, passage_ids_ in todo.items():
            matching = [p for p in passage_ids_ if p in excerpts]
            if matching:
                snippets[event_id] = excerpts[min(matching)]
    return snippets
