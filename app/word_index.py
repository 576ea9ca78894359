"""The writer's word index (models.SourceWord): which stored sources a new candidate
may tell the same event as.

`same_event` needs two tellings to share title words and to pass `may_be_same`; the
index keeps each stored source's title words with its dates, so that a new
candidate is compared with the few sources sharing its words within the merge's
reach instead of every source. Of a telling printed by many articles that joins its
own copies, the index holds one copy (`index_new_sources`): the others share its
event. The analysis processes ask it too, through a read snapshot of their own
(`read_snapshot`), and the writer completes their answer with the sources it stored
since (`RecentWords`), so the look-up leaves the serial writer.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from hashlib import blake2b

from sqlalchemy import Boolean, and_, bindparam, delete, exists, func, insert, or_, select, union_all
from sqlalchemy.engine import Connection

from . import driver_sql, models
from .same_event import MERGE_REACH, MIN_SHARED, REPORTED_LOOKBACK, REPORTED_WINDOW, may_be_same, same_event
from .records import EventCandidate
from .wording import subject, wording

_WORD = models.SourceWord.__table__
_SOURCE = models.EventSource.__table__

# A source whose dates span more than this is "wide": the word index finds the others
# by a range of start dates, and the few wide ones apart.
WIDE_SPAN = timedelta(days=400)


# What a source's row says of its telling: two sources whose rows agree on these read
# alike to same_event, wording and the merge, whatever their positions and documents.
TELLING_COLUMNS = ("title", "claim", "timex_text", "date_start", "date_end", "reported", "entities", "precision")


def telling_number(values) -> int:
    """A signed 64-bit number of a source's TELLING_COLUMNS (a mapping of them, as stored);
    equal tellings, equal numbers, in every process and on every engine.

    >>> from datetime import date
    >>> row = {"title": "Kyiv was struck", "claim": "", "timex_text": "on Tuesday", "date_start": date(2024, 8, 6),
    ...        "date_end": date(2024, 8, 6), "reported": False, "entities": '["kyiv"]', "precision": "day"}
    >>> telling_number(row) == telling_number(dict(row, reported=0)) != telling_number(dict(row, title="Kyiv struck"))
    True
    """
    spelled = "\x1f".join("\x00" if values[c] is None else str(int(values[c]) if c == "reported" else values[c])
                          for c in TELLING_COLUMNS)
    return int.from_bytes(blake2b(spelled.encode(), digest_size=8).digest(), "big", signed=True)


def stands_for_copies(form: EventCandidate, candidate: EventCandidate, words: frozenset[str]) -> bool:
    """Whether one indexed copy of a telling finds all that its copies would: true when
    the telling tells the same event as its own copy (`same_event` of the new candidate
    and its stored `form`). Its copies then always share one event, and a candidate
    that joins one joins them all; the others are left out of the index. A telling
    that does not join its copy (too vague, no content word) keeps every copy indexed,
    each in an event of its own."""
    return bool(words) and same_event(form, candidate, None, words)


def _same_telling():
    """The clause: a source told as the parameters `telling_values` gives say."""
    return and_(_SOURCE.c.telling == bindparam("telling"),
                *(_SOURCE.c[c].is_not_distinct_from(bindparam(f"told_{c}")) for c in TELLING_COLUMNS))


def telling_values(values: dict) -> dict:
    """The parameters of `_same_telling` for a source's row `values`."""
    return {"telling": values["telling"], **{f"told_{c}": values[c] for c in TELLING_COLUMNS}}


_INDEXED = exists().where(_WORD.c.source_id == _SOURCE.c.id)
INDEXED_COPY = select(_SOURCE.c.id).where(_same_telling(), _INDEXED).limit(1)
# A document's indexed sources, with what `telling_values` reads of them.
INDEXED_OF_DOCUMENT = select(_SOURCE.c.telling, *(_SOURCE.c[c] for c in TELLING_COLUMNS)).where(
    _SOURCE.c.document_id == bindparam("document_id"), _INDEXED)
# The copies of a telling outside one document, first the indexed ones, then by id.
COPIES_OUTSIDE = (select(_SOURCE.c.id, _INDEXED.label("indexed")).where(
    _same_telling(), _SOURCE.c.document_id != bindparam("document_id"))
    .order_by(_INDEXED.desc(), _SOURCE.c.id).limit(1))

# The word rows of every copy of a telling but one (`number_tellings` leaves them out).
WORDS_OF_OTHER_COPIES = delete(_WORD).where(_WORD.c.source_id.in_(
    select(_SOURCE.c.id).where(_same_telling(), _SOURCE.c.id != bindparam("first"))))


def index_new_sources(db: Connection, sources: list[tuple[int, EventCandidate, frozenset[str], dict, EventCandidate]]
                      ) -> list[tuple[int, EventCandidate, frozenset[str]]]:
    """Index the words of new sources (id, candidate, wording, row values, stored form),
    but of a copy of a telling that `stands_for_copies` and is indexed already; return
    the (id, candidate, wording) of the sources indexed."""
    indexed, here = [], set()
    for source_id, candidate, words, values, form in sources:
        if stands_for_copies(form, candidate, words):
            key = tuple(values[c] for c in TELLING_COLUMNS)
            if key in here or driver_sql.scalar(db, INDEXED_COPY, telling_values(values)) is not None:
                continue
            here.add(key)
        indexed.append((source_id, candidate, words))
    index_words(db, indexed)
    return indexed


def index_words(db: Connection, sources: list[tuple[int, EventCandidate, frozenset[str]]]) -> None:
    """Add the content words of new sources to the word index (models.SourceWord)."""
    rows = [
        {"source_id": source_id, "word": word, "date_start": c.date_start, "date_end": c.date_end,
         "wide": c.date_end - c.date_start > WIDE_SPAN, "reported": c.reported,
         "first_actor": c.actors[0].key if c.actors else None}
        for source_id, c, words in sources for word in sorted(words)
    ]
    driver_sql.execute_many(db, _INSERT_WORD, rows)


_INSERT_WORD = insert(_WORD)


_WORDS = bindparam("words", expanding=True)
# Two dated tellings may be one happening if their dates overlap, or as a date dispute
# by the same subject.
_DATED_MAY_JOIN = (((_WORD.c.date_start <= bindparam("end")) & (_WORD.c.date_end >= bindparam("start")))
                   | (_WORD.c.first_actor == bindparam("subject")))
# same_event.may_be_same in SQL: a source told with dates that exclude the new candidate's
# may join it only if either is reported, or as a date dispute by the same subject.
# Reported statements (dated by their article's anchor) only within their windows:
# parameters "told_*" and "dated_*" are the new candidate's dates moved by those windows.
_MAY_BE_SAME = or_(
    # the new candidate reported: another reported statement anchored close to it,
    # or a telling dated from REPORTED_LOOKBACK before it to REPORTED_WINDOW after it
    bindparam("reported", type_=Boolean) & _WORD.c.reported.is_(True)
    & (_WORD.c.date_start <= bindparam("told_end")) & (_WORD.c.date_end >= bindparam("told_start")),
    bindparam("reported", type_=Boolean) & _WORD.c.reported.is_(False)
    & (_WORD.c.date_start <= bindparam("told_end")) & (_WORD.c.date_end >= bindparam("lookback_start")),
    # the new candidate dated: a reported statement anchored from REPORTED_WINDOW before
    # its dates to REPORTED_LOOKBACK after them
    ~bindparam("reported", type_=Boolean) & _WORD.c.reported.is_(True)
    & (_WORD.c.date_start <= bindparam("lookback_end")) & (_WORD.c.date_end >= bindparam("told_start")),
    # both dated: overlapping dates, or a date dispute by the same subject
    ~bindparam("reported", type_=Boolean) & _WORD.c.reported.is_(False) & _DATED_MAY_JOIN,
)


def _narrow(reported: bool, first: str, last: str, low: str):
    """Narrow sources (dates spanning at most WIDE_SPAN) sharing a word, `reported` or
    not, with start dates from parameter `first` to `last` and end dates from `low` on:
    one range of the covering index ix_source_word_lookup."""
    return select(_WORD.c.source_id).where(
        _WORD.c.wide.is_(False), _WORD.c.word.in_(_WORDS), _WORD.c.reported.is_(reported),
        _WORD.c.date_start >= bindparam(first), _WORD.c.date_start <= bindparam(last),
        _WORD.c.date_end >= bindparam(low))


_WIDE = select(_WORD.c.source_id).where(_WORD.c.wide.is_(True), _WORD.c.word.in_(_WORDS),
                                        _WORD.c.date_start <= bindparam("high"),
                                        _WORD.c.date_end >= bindparam("low"), _MAY_BE_SAME)


def _counted(*parts):
    """The sources the parts (no row in two of them) find for enough words."""
    found = union_all(*parts).subquery()
    return select(found.c.source_id).group_by(found.c.source_id).having(func.count() >= bindparam("need"))


# may_be_same in SQL, one statement per kind of candidate, each part one range of the
# covering index (equal wide, word and reported, a range of start dates) with no table row
# read: a dated candidate's look-up at 64,597 documents read 1,013 index rows and took
# 0.30 ms when one range of start dates served every kind of source, 0.18 ms so.
SHARING_SOURCES = {
    # A dated candidate: dated sources whose dates overlap its own, reported statements
    # anchored from REPORTED_WINDOW before its dates to REPORTED_LOOKBACK after them.
    (False, False): _counted(_narrow(False, "overlap_low", "end", "start"),
                             _narrow(True, "reported_low", "lookback_end", "told_start"), _WIDE),
    # With a subject: also the same subject's tellings within the merge's reach (a dispute).
    (False, True): _counted(
        _narrow(False, "narrow_low", "high", "low").where(_DATED_MAY_JOIN),
        _narrow(True, "reported_low", "lookback_end", "told_start"), _WIDE),
    # A reported statement: other statements anchored within REPORTED_WINDOW, tellings
    # dated from REPORTED_LOOKBACK before its anchor to REPORTED_WINDOW after it.
    (True, False): _counted(_narrow(True, "reported_low", "told_end", "told_start"),
                            _narrow(False, "lookback_low", "told_end", "lookback_start"), _WIDE),
}
SHARING_SOURCES[True, True] = SHARING_SOURCES[True, False]


def sharing_statement(candidate: EventCandidate):
    """The statement of SHARING_SOURCES that serves `candidate` (`_sharing_values` its parameters)."""
    return SHARING_SOURCES[candidate.reported, subject(candidate) is not None]


def sharing_sources(db: Connection, candidate: EventCandidate, words: frozenset[str]) -> set[int]:
    """Ids of the stored sources dated within the merge's reach of `candidate` that
    pass `may_be_same` and whose indexed words share as many of `words` as
    `same_event` needs (two, or the one word a one-word title has)."""
    if not words:
        return set()
    # The analysis processes ask this for every candidate: on SQLite, SQLAlchemy's work
    # per execution of this large statement cost more than SQLite's own (app.driver_sql).
    return set(driver_sql.scalars(db, sharing_statement(candidate), _sharing_values(candidate, words)))


def _sharing_values(candidate: EventCandidate, words: frozenset[str]) -> dict:
    """The values of the SHARING_SOURCES statements' parameters for `candidate`. A narrow
    source spans at most WIDE_SPAN, so one whose dates reach a date starts at most
    WIDE_SPAN before it; every range stays within the merge's reach."""
    low, high = candidate.date_start - MERGE_REACH, candidate.date_end + MERGE_REACH
    first = subject(candidate)
    told_start = candidate.date_start - REPORTED_WINDOW
    lookback_start = candidate.date_start - REPORTED_LOOKBACK
    return {
        "words": sorted(words), "narrow_low": low - WIDE_SPAN, "low": low, "high": high,
        "need": min(MIN_SHARED, len(words)), "reported": candidate.reported,
        "start": candidate.date_start, "end": candidate.date_end, "subject": first.key if first else None,
        "told_start": told_start, "told_end": candidate.date_end + REPORTED_WINDOW,
        "lookback_start": lookback_start, "lookback_end": candidate.date_end + REPORTED_LOOKBACK,
        "overlap_low": candidate.date_start - WIDE_SPAN, "reported_low": told_start - WIDE_SPAN,
        "lookback_low": lookback_start - WIDE_SPAN,
    }


@dataclass(frozen=True)
class SharingSnapshot:
    """What `sharing_sources` answered for each candidate of a document, read in one
    snapshot of the store: its version and the last source id it held."""

    version: int
    last_source: int
    sources: tuple[frozenset[int], ...]


_LAST_SOURCE = select(func.max(_SOURCE.c.id))


def read_snapshot(db: Connection, candidates: list[EventCandidate]) -> SharingSnapshot:
    """`sharing_sources` of each candidate, in the one snapshot `db`'s transaction reads."""
    version = driver_sql.scalar(db, models.STORE_VERSION) or 0
    last = driver_sql.scalar(db, _LAST_SOURCE) or 0
    return SharingSnapshot(version, last, tuple(frozenset(sharing_sources(db, c, wording(c))) for c in candidates))


class WordIndexReader:
    """An analysis process's `read_snapshot`, through a read-only connection of its own,
    kept open between documents: a Session opened and closed for each document cost a
    fifth of the look-up's time on a small store."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = None
        self._connection = None

    def __call__(self, candidates: list[EventCandidate]) -> SharingSnapshot:
        if self._connection is None:
            if self._engine is None:
                from .db import make_engine

                self._engine = make_engine(self.url)
            connection = self._engine.connect()
            # One snapshot for the version, the last id and the look-ups (SQLite: the
            # BEGIN app.db issues; PostgreSQL: repeatable read).
            if self._engine.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            self._connection = connection
        try:
            transaction = self._connection.begin()
            try:
                return read_snapshot(self._connection, candidates)
            finally:
                transaction.rollback()  # it only read
        except Exception:
            self._connection.invalidate()  # a broken connection is never used again
            self._connection = None  # the next look-up takes another from the engine's pool
            raise


# How many of the sources it stored last the writer keeps in `RecentWords`: more than an
# analysis is ever behind (a few chunks of documents per process).
RECENT_SOURCES = 20_000


class RecentWords:
    """The words of the sources one writer stored since it last saw another writer's
    work, so that a `SharingSnapshot` an analysis process read a moment ago can be
    completed with what was stored after it. `complete` answers None when it cannot
    (another writer wrote since the snapshot, or the sources stored since were
    forgotten); the writer then asks the index itself."""

    def __init__(self) -> None:
        self.own_since: int | None = None  # every store version after this one is this writer's
        self.by_word: dict[str, deque] = {}
        self.order: deque = deque()  # (source id, words), oldest first
        # The last source forgotten: every indexed source this writer stored after it is here.
        self.forgotten = 0

    def restart(self, version: int) -> None:
        """Another writer (or a rolled-back transaction) left the store at `version`."""
        self.own_since, self.forgotten = version, 0
        self.by_word.clear()
        self.order.clear()

    def add(self, sources: list[tuple[int, EventCandidate, frozenset[str]]]) -> None:
        for source_id, c, words in sources:
            entry = (source_id, c.date_start, c.date_end, c.reported, c.actors[0].key if c.actors else None)
            for word in words:
                self.by_word.setdefault(word, deque()).append(entry)
            self.order.append((source_id, words))
        while len(self.order) > RECENT_SOURCES:
            gone, words = self.order.popleft()
            for word in words:
                kept = self.by_word[word]
                kept.popleft()  # entries are added in id order: the oldest is first
                if not kept:
                    del self.by_word[word]
            self.forgotten = gone

    def complete(self, snapshot: SharingSnapshot,
                 new: list[tuple[EventCandidate, frozenset[str]]]) -> list[set[int]] | None:
        """`sharing_sources` of each new candidate now: the snapshot's answer and the
        sources stored after it that share enough words and pass `may_be_same`."""
        if self.own_since is None or snapshot.version < self.own_since or len(snapshot.sources) != len(new):
            return None
        if self.forgotten > snapshot.last_source:
            return None
        found = []
        for (candidate, words), told in zip(new, snapshot.sources):
            shared: dict[int, int] = {}
            entries: dict[int, tuple] = {}
            for word in words:
                for entry in reversed(self.by_word.get(word, ())):
                    if entry[0] <= snapshot.last_source:
                        break
                    shared[entry[0]] = shared.get(entry[0], 0) + 1
                    entries[entry[0]] = entry
            need = min(MIN_SHARED, len(words))
            low, high = candidate.date_start - MERGE_REACH, candidate.date_end + MERGE_REACH
            later = {source_id for source_id, n in shared.items() if n >= need
                     and (e := entries[source_id])[1] <= high and e[2] >= low
                     and may_be_same(candidate, e[1], e[2], e[3], e[4])}
            found.append(set(told) | later)
        return found
