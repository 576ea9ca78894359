"""The pure steps of the pipeline over one document, and the pool of processes that
runs them beside the writer.

read -> passages -> temporal expressions -> entities -> event candidates

Nothing here touches the database: analysis processes import this module, not the
store's, so they start in a fraction of the time.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

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


# --- Parallel analysis (issue 8) ---------------------------------------------
# The pure steps run in a pool of processes while this process reads and stores:
# one writer keeps SQLite (and the re-merge) free of lock contention. Jobs go out
# in chunks, and at most a few chunks per worker are in flight, so memory stays
# flat however large the corpus is.
CHUNK = 8
IN_FLIGHT_PER_WORKER = 4
DEFERRED = "deferred"  # no anchor of its own: analyzed after the batch, with the corpus's

_worker_knowledge: Knowledge | None = None


def _start_worker(knowledge: Knowledge, parent: int) -> None:
    global _worker_knowledge
    _worker_knowledge = knowledge
    # A writer killed with SIGKILL cannot shut its pool down: the workers notice that
    # their parent is gone and leave, instead of waiting for work forever.

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch_parent, daemon=True).start()


def _analyze_job(document: SourceDocument, anchor: Anchor | None, own: bool,
                 knowledge: Knowledge) -> AnalyzedDocument | str | Exception:
    """The analysis, DEFERRED when `own` and the document has no anchor, or the
    exception it raised (one bad document must not stop the batch)."""
    try:
        if own:
            anchor = own_anchor(document)
            if anchor is None:
                return DEFERRED
        return analyze_document(document, anchor, knowledge)
    except Exception as exc:
        return exc


def _analyze_chunk(jobs: list[tuple[SourceDocument, Anchor | None, bool]]) -> list:
    return [_analyze_job(*job, _worker_knowledge) for job in jobs]


@dataclass(frozen=True)
class AnalysisPool:
    executor: ProcessPoolExecutor
    workers: int


@contextmanager
def analysis_pool(knowledge: Knowledge, workers: int) -> Iterator[AnalysisPool | None]:
    """`workers` analysis processes for `analyze_all`, or None to analyze in this one.
    One pool serves a whole ingest: starting a process costs about a second."""
    if workers <= 1:
        yield None
        return
    # spawn, not fork: the parent holds database connections a child must not inherit.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(knowledge, os.getpid())) as executor:
        yield AnalysisPool(executor, workers)


def analyze_all(jobs: Iterable[tuple[SourceDocument, Anchor | None, bool]], knowledge: Knowledge,
                pool: AnalysisPool | None = None) -> Iterator[tuple[SourceDocument, AnalyzedDocument | str | Exception]]:
    """(document, outcome of `_analyze_job`) for each job, in the order of `jobs`.

    With a `pool` (`analysis_pool`) the analyses run in its processes; `jobs` is
    consumed lazily, never more than IN_FLIGHT_PER_WORKER chunks per process ahead.
    """
    if pool is None:
        for document, anchor, own in jobs:
            yield document, _analyze_job(document, anchor, own, knowledge)
        return
    ahead = pool.workers * IN_FLIGHT_PER_WORKER
    pending: deque = deque()

    def drain(limit: int) -> Iterator:
        while len(pending) > limit:
            chunk, future = pending.popleft()
            yield from zip((job[0] for job in chunk), future.result())

    chunk: list = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == CHUNK:
            pending.append((chunk, pool.executor.submit(_analyze_chunk, chunk)))
            chunk = []
            yield from drain(ahead)
    if chunk:
        pending.append((chunk, pool.executor.submit(_analyze_chunk, chunk)))
    yield from drain(0)
