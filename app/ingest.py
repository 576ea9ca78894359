"""The ingestion pipeline as a straight line, and the batch loop around it.

read -> passages -> temporal expressions -> entities -> event candidates -> merge -> store

`app.analysis_pool` reads the files and runs the pure steps (in processes of their own);
`ingest` streams a batch through it and stores each document whole or not at all (a savepoint each, a transaction per
short batch: `StoreBatch`).
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from . import driver_sql, models
from .analysis_pool import DEFERRED, Analysis, AnalysisPool, AnchoredJob, ReadJob, analysis_pool, analyze_all
from .knowledge import Knowledge
from .read import DEFAULT_MAX_SIZE, ReadError, plan_inputs
from .records import ANCHOR_FROM_CORPUS, AnalyzedDocument, Anchor, SourceDocument, Unchanged
from .source_memory import forget_stored
from .known_documents import stored_document
from .store import StoreResult, refresh_statistics, store_document
from .wal_checkpoint import checkpoints_beside

@dataclass
class IngestReport:
    """What a run did. `stored` counts new documents, `replaced` new versions of
    documents already stored under the same URL; `skipped` files that are no article."""

    read: int = 0
    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    events: int = 0
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[ReadError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"read {self.read}, stored {self.stored + self.replaced} ({self.replaced} replacing an older version), "
            f"unchanged {self.unchanged}, skipped {self.skipped}, failed {self.failed}; "
            f"{self.events} event mentions stored"
        )


Progress = Callable[[str, str], None]  # (origin, what happened)

# A transaction stores up to BATCH_DOCUMENTS documents, or what BATCH_SECONDS brings:
# a commit per document cost the writer more than storing a small one, and a short
# batch keeps the time a concurrent writer waits, and the work a crash undoes, small.
BATCH_DOCUMENTS = 100
BATCH_SECONDS = 0.25
# The writer's heap is large and long-lived (app.source_memory's 150,000 candidates, the
# merge's answers) and holds no reference cycles, yet Python's cyclic collector walked all
# of it every thousand or two documents: 0.9 s of 9.5 s for 1,000 documents at 36,000
# stored. After each batch the writer moves what is alive out of the collector's sight
# (gc.freeze); plain reference counting still frees it. Every UNFREEZE_DOCUMENTS
# documents it is handed back (gc.unfreeze), so a cycle that did form is still collected.
UNFREEZE_DOCUMENTS = 10_000
# The writer's SQLite page cache (the default is 2 MB). A batch dirties pages of every index
# it writes (the word index's, the passages' full-text index's) across a store of a
# gigabyte: with 2 MB, SQLite wrote dirty pages out and read them back within the batch,
# 151 read calls a document at 60,000 documents, 44 with this cache.
WRITER_CACHE_KIB = 128 * 1024


class StoreBatch:
    """Stores documents in shared transactions, each document in a savepoint of its own:
    a document that fails is rolled back alone and the batch goes on. `on_stored` and
    `on_failed` hear of each document once its transaction has committed (or failed)."""

    def __init__(self, engine: Engine, on_stored: Callable[[SourceDocument, StoreResult], None],
                 on_failed: Callable[[SourceDocument, Exception], None]) -> None:
        self.engine, self.on_stored, self.on_failed = engine, on_stored, on_failed
        self.session: Session | None = None
        self.started = 0.0
        self.done: list[tuple[SourceDocument, StoreResult]] = []
        self.frozen_documents = 0  # stored since the collector last saw the whole heap

    def add(self, document: SourceDocument, analyzed: AnalyzedDocument) -> None:
        if self.session is None:
            self.session = Session(self.engine)
            # A writer takes the write lock up front (BEGIN IMMEDIATE, app/db.py): two
            # ingests at once then queue on the busy timeout instead of one failing
            # when it upgrades a read snapshot the other has just made stale.
            self.connection = self.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            if self.engine.dialect.name == "sqlite":
                self.connection.exec_driver_sql(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self.started = time.monotonic()
        try:
            result = self._store_apart(analyzed)
        except Exception as exc:  # one bad document must not stop the batch
            forget_stored(self.connection)
            self.on_failed(document, exc)
            if not driver_sql.transaction_alive(self.connection):
                # The documents stored before it in this transaction went with it.
                self._abandon(exc)
                return
        else:
            self.done.append((document, result))
        if len(self.done) >= BATCH_DOCUMENTS or time.monotonic() - self.started >= BATCH_SECONDS:
            self.commit()

    def _store_apart(self, analyzed: AnalyzedDocument) -> StoreResult:
        """store_document in a savepoint of its own."""
        if self.engine.dialect.name == "sqlite":
            with driver_sql.savepoint(self.connection):
                return store_document(self.session, analyzed)
        with self.session.begin_nested():
            return store_document(self.session, analyzed)

    def _abandon(self, exc: Exception) -> None:
        session, done, self.session, self.done = self.session, self.done, None, []
        session.close()
        for document, _ in done:
            self.on_failed(document, exc)

    def commit(self) -> None:
        if self.session is None:
            return
        session, done, self.session, self.done = self.session, self.done, None, []
        try:
            session.commit()
        except Exception as exc:
            forget_stored(self.connection)
            for document, _ in done:
                self.on_failed(document, exc)
            return
        finally:
            session.close()
            self._hide_from_collector(len(done))
        for document, result in done:
            self.on_stored(document, result)

    def _hide_from_collector(self, documents: int) -> None:
        self.frozen_documents += documents
        if self.frozen_documents >= UNFREEZE_DOCUMENTS:
            gc.unfreeze()
            self.frozen_documents = 0
        else:
            gc.freeze()


def _stored_anchor_dates(engine: Engine) -> list[date]:
    with Session(engine) as session:
        return [d for d in session.exec(select(models.Document.anchor_date)) if d is not None]


def _known_in(engine: Engine) -> Callable[[str], Unchanged | None]:
    def known(content_hash: str) -> Unchanged | None:
        with engine.connect() as connection:
            found = stored_document(connection, content_hash)
        return None if found is None else Unchanged(found.anchor_date)
    return known


def ingest(
    paths: Iterable[str | Path],
    engine: Engine,
    knowledge: Knowledge,
    progress: Progress = lambda origin, status: None,
    published: date | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    workers: int = 1,
    pool: AnalysisPool | None = None,
) -> IngestReport:
    """Ingest every document under `paths`; each document is stored whole or not at all.

    Documents whose anchor must come from the corpus are held back until every
    other document of the batch has been read, so the corpus anchor can use them.
    With `workers` > 1 the files are read and analysed in that many processes while
    this one stores (see `analyze_all`); a caller that started them already (to let
    them start beside its own start-up) passes its `pool`.
    """
    report = IngestReport()
    deferred: list[SourceDocument] = []
    anchors: list[date] = []

    def fail(document: SourceDocument, exc: Exception) -> None:
        report.failed += 1
        report.errors.append(ReadError(document.origin, f"{type(exc).__name__}: {exc}"))
        progress(document.origin, f"failed: {exc}")

    def stored(document: SourceDocument, result: StoreResult) -> None:
        setattr(report, result.status, getattr(report, result.status) + 1)
        report.events += result.events
        progress(document.origin, result.status)

    def refused(error: ReadError) -> None:
        if error.kind == "skipped":
            report.skipped += 1
            progress(error.origin, f"skipped: {error.reason}")
        else:
            report.failed += 1
            report.errors.append(error)
            progress(error.origin, f"failed: {error.reason}")

    def inputs() -> Iterator[ReadJob]:
        for item in plan_inputs(paths, max_size):
            if isinstance(item, ReadError):
                refused(item)
            else:
                yield ReadJob(item, max_size, published)

    batch = StoreBatch(engine, stored, fail)
    analysis = Analysis(knowledge, _known_in(engine))
    with ExitStack() as stack:
        stack.enter_context(checkpoints_beside(engine))
        if pool is None:
            url = engine.url.render_as_string(hide_password=False)
            pool = stack.enter_context(analysis_pool(knowledge, url, workers))
        for item, outcome in analyze_all(inputs(), analysis, pool):
            if isinstance(item, ReadError):
                refused(item)
                continue
            _read(item, report, progress)
            if isinstance(outcome, Unchanged):
                report.unchanged += 1
                if outcome.anchor_date:
                    anchors.append(outcome.anchor_date)
                progress(item.origin, "unchanged")
            elif isinstance(outcome, Exception):
                fail(item, outcome)
            elif outcome == DEFERRED:
                deferred.append(item)
            else:
                if outcome.anchor:
                    anchors.append(outcome.anchor.date)
                batch.add(item, outcome)

        batch.commit()  # the corpus anchor reads the stored documents' anchors
        if deferred:
            from .timex import anchor_from_dates  # the temporal engine, only when some document needs it

            corpus_date = anchor_from_dates(anchors or _stored_anchor_dates(engine))
            corpus_anchor = Anchor(corpus_date, ANCHOR_FROM_CORPUS) if corpus_date else None
            for document, outcome in analyze_all((AnchoredJob(d, corpus_anchor) for d in deferred), analysis, pool):
                if isinstance(outcome, Exception):
                    fail(document, outcome)
                else:
                    batch.add(document, outcome)
            batch.commit()
    if report.stored or report.replaced:
        refresh_statistics(engine)
    return report


def _read(document: SourceDocument, report: IngestReport, progress: Progress) -> None:
    """Count a document read, and pass on the warnings its reader gave."""
    report.read += 1
    for warning in document.warnings:
        report.warnings.append(ReadError(document.origin, warning, kind="warning"))
        progress(document.origin, f"warning: {warning}")
