"""The pure steps of the pipeline over one document.

read -> passages -> temporal expressions -> entities -> event candidates

Nothing here touches the database: analysis processes (app.analysis_pool) import this
module, not the store's, so they start in a fraction of the time.
"""
from __future__ import annotations

import hashlib

from .entities import Knowledge, find_mentions
from .events import extract_events
from .passages import split_passages
from .records import ANCHOR_FROM_DOCUMENT, ANCHOR_PUBLISHED, AnalyzedDocument, Anchor, SourceDocument
from .timex import anchor_from_text, find_timexes


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
