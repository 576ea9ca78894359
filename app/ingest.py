"""The ingestion pipeline as a straight line, and the batch loop around it.

read -> passages -> temporal expressions -> entities -> event candidates -> merge -> store

`analyze_document` is pure (no database); `ingest` streams a batch through it and
stores each document in its own transaction.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from . import models
from .entities import Knowledge, find_mentions
from .events import extract_events
from .passages import split_passages
from .read import DEFAULT_MAX_SIZE, ReadError, read_paths
from .records import (
    ANCHOR_FROM_CORPUS,
    ANCHOR_FROM_DOCUMENT,
    ANCHOR_PUBLISHED,
    AnalyzedDocument,
    Anchor,
    SourceDocument,
)
from .store import find_document, store_document
from .timex import anchor_from_dates, anchor_from_text, find_timexes


def content_hash(document: SourceDocument) -> str:
    """The identity of a document's content: its text and its source URL."""
    digest = hashlib.sha256()
    digest.update((document.url or "").encode())
    digest.update(b"\0")
    digest.update(document.text.encode())
    return digest.hexdigest()


def own_anchor(document: SourceDocument) -> Anchor | None:
    """The publication date, else a date inferred from the dates the text states."""
    if document.published:
        return Anchor(document.published, ANCHOR_PUBLISHED)
    inferred = anchor_from_text(document.text)
    return Anchor(inferred, ANCHOR_FROM_DOCUMENT) if inferred else None


def analyze_document(document: SourceDocument, anchor: Anchor | None, knowledge: Knowledge) -> AnalyzedDocument:
    """Run the pure pipeline steps over one document."""
    passages = split_passages(document.text)
    anchor_date = anchor.date if anchor else None
    timexes = [find_timexes(p.text, anchor_date) for p in passages]
    mentions = find_mentions(passages, knowledge)
    candidates = extract_events(passages, timexes, mentions, anchor)
    return AnalyzedDocument(
        source=document,
        content_hash=content_hash(document),
        anchor=anchor,
        passages=passages,
        candidates=candidates,
    )


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


def _stored_anchor_dates(engine: Engine) -> list[date]:
    with Session(engine) as session:
        return [d for d in session.exec(select(models.Document.anchor_date)) if d is not None]


def ingest(
    paths: Iterable[str | Path],
    engine: Engine,
    knowledge: Knowledge,
    progress: Progress = lambda origin, status: None,
    published: date | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> IngestReport:
    """Ingest every document under `paths`; one transaction per document.

    Documents whose anchor must come from the corpus are held back until every
    other document of the batch has been read, so the corpus anchor can use them.
    """
    report = IngestReport()
    deferred: list[SourceDocument] = []
    anchors: list[date] = []

    def store(document: SourceDocument, anchor: Anchor | None) -> None:
        try:
            analyzed = analyze_document(document, anchor, knowledge)
            with Session(engine) as session:
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})  # a writer: lock up front
                result = store_document(session, analyzed)
                session.commit()
        except Exception as exc:  # one bad document must not stop the batch
            report.failed += 1
            report.errors.append(ReadError(document.origin, f"{type(exc).__name__}: {exc}"))
            progress(document.origin, f"failed: {exc}")
            return
        setattr(report, result.status, getattr(report, result.status) + 1)
        report.events += result.events
        progress(document.origin, result.status)

    for item in read_paths(paths, max_size):
        if isinstance(item, ReadError):
            if item.kind == "skipped":
                report.skipped += 1
                progress(item.origin, f"skipped: {item.reason}")
                continue
            report.failed += 1
            report.errors.append(item)
            progress(item.origin, f"failed: {item.reason}")
            continue
        report.read += 1
        for warning in item.warnings:
            report.warnings.append(ReadError(item.origin, warning, kind="warning"))
            progress(item.origin, f"warning: {warning}")
        if published and not item.published:
            item = SourceDocument(**{**item.__dict__, "published": published})
        with Session(engine) as session:
            known = find_document(session, content_hash(item))
        if known is not None:
            report.unchanged += 1
            if known.anchor_date:
                anchors.append(known.anchor_date)
            progress(item.origin, "unchanged")
            continue
        anchor = own_anchor(item)
        if anchor is None:
            deferred.append(item)
            continue
        anchors.append(anchor.date)
        store(item, anchor)

    if deferred:
        corpus_date = anchor_from_dates(anchors or _stored_anchor_dates(engine))
        corpus_anchor = Anchor(corpus_date, ANCHOR_FROM_CORPUS) if corpus_date else None
        for item in deferred:
            store(item, corpus_anchor)
    return report
