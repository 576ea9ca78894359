"""The processes that read and analyse documents beside the writer.

An ingest's writer stores one document after another; everything that needs no store
(reading a file, the pure steps of app.analyze) runs in a pool of processes beside
it. The writer imports this module, not app.analyze: with a pool it never analyses,
and the analysis modules cost its start a third of a second.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from .knowledge import Knowledge
from .records import AnalyzedDocument, Anchor, SourceDocument, Unchanged

if TYPE_CHECKING:  # the readers (app.read) only when reading: `start_fork_server` comes first
    from .read import Input, ReadError


def default_workers() -> int:
    """Analysis processes by default: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# One writer keeps SQLite (and the re-merge) free of lock contention. Jobs go out in
# chunks, and at most a few chunks per process are in flight, so memory stays flat
# however large the corpus is.
CHUNK = 8
IN_FLIGHT_PER_WORKER = 4
WORKER_NICENESS = 5
DEFERRED = "deferred"  # no anchor of its own: analyzed after the batch, with the corpus's


@dataclass(frozen=True)
class ReadJob:
    """Read one input, and analyze each new document in it with its own anchor."""

    input: Input
    max_size: int
    published: date | None = None  # for documents that carry no publication date


@dataclass(frozen=True)
class AnchoredJob:
    """Analyze one document with a given anchor (the corpus's, for deferred documents)."""

    document: SourceDocument
    anchor: Anchor | None


Outcome = AnalyzedDocument | Unchanged | str | Exception | None  # None: a ReadError has no outcome


@dataclass
class Analysis:
    """What an analysis process holds: the knowledge, and how to ask the store
    whether it holds a document already (content hash -> Unchanged or None)."""

    knowledge: Knowledge
    known: Callable[[str], Unchanged | None]
    # The word index's answer for a document's candidates (app.word_index), read here
    # so that the writer need not; None: the writer reads it.
    sharing: Callable[[list], object] | None = None


def run_job(job: ReadJob | AnchoredJob, analysis: Analysis) -> list[tuple[SourceDocument | ReadError, Outcome]]:
    """Each document (or read error) of a job with its outcome: the analysis, Unchanged
    when the store holds it already, DEFERRED when it has no anchor of its own, or the
    exception the analysis raised (one bad document must not stop the batch)."""
    from .analyze import content_hash, own_anchor
    from .read import ReadError, read_input

    if isinstance(job, AnchoredJob):
        return [(job.document, _analyze(job.document, job.anchor, analysis))]
    results: list[tuple[SourceDocument | ReadError, Outcome]] = []
    for item in read_input(job.input, job.max_size):
        if isinstance(item, ReadError):
            results.append((item, None))
            continue
        if job.published and not item.published:
            item = replace(item, published=job.published)
        try:
            unchanged = analysis.known(content_hash(item))
        except Exception as exc:
            results.append((item, exc))
            continue
        if unchanged is not None:
            results.append((item, unchanged))
            continue
        try:
            anchor = own_anchor(item)
        except Exception as exc:
            results.append((item, exc))
            continue
        results.append((item, DEFERRED if anchor is None else _analyze(item, anchor, analysis)))
    return results


def _analyze(document: SourceDocument, anchor: Anchor | None, analysis: Analysis) -> AnalyzedDocument | Exception:
    from .analyze import analyze_document

    try:
        analyzed = analyze_document(document, anchor, analysis.knowledge)
    except Exception as exc:
        return exc
    if analysis.sharing is not None and analyzed.candidates:
        try:
            analyzed = replace(analyzed, shared=analysis.sharing(analyzed.candidates))
        except Exception:  # the writer reads the index itself
            pass
    return analyzed


_worker_analysis: Analysis | None = None


def _start_worker(knowledge: Knowledge, database_url: str, writer: int) -> None:
    global _worker_analysis
    # The writer is the serial part of an ingest: with more processes than cores, a
    # writer that shares its core evenly with the analyses waits for CPU it needs more,
    # from its own start-up on.
    os.nice(WORKER_NICENESS)
    from . import analyze  # noqa: F401  (the pipeline's imports, before the first job waits on them)
    from .known_documents import KnownDocuments
    from .word_index import WordIndexReader

    _worker_analysis = Analysis(knowledge, KnownDocuments(database_url), WordIndexReader(database_url))
    # A writer killed with SIGKILL cannot shut its pool down: the workers notice that
    # it is gone and leave, instead of waiting for work forever. (Their parent is the
    # fork server, not the writer.)

    def watch_writer() -> None:
        while True:
            try:
                os.kill(writer, 0)
            except ProcessLookupError:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch_writer, daemon=True).start()


def _ready() -> None:
    """Nothing: submitted once per process so that the processes start at once."""


def _run_chunk(jobs: list) -> list:
    return [run_job(job, _worker_analysis) for job in jobs]


# What the fork server imports once for every analysis process it forks.
PRELOAD = ["app.analyze", "app.word_index", "app.known_documents", "app.read"]


def _fork_server_context():
    # Not fork: the parent may hold database connections a child must not inherit. A
    # fork server is a fresh process that imports the pipeline once; each analysis
    # process is forked from it, ready, instead of importing it again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server now; `analysis_pool` then finds it running. Importing
    PRELOAD takes it most of a second, which the caller spends on its own start-up."""
    _fork_server_context()
    # The fork server and the resource tracker it starts write nothing to standard
    # output, but would hold it open until they have unloaded the pipeline, a tenth of
    # a second after this process has ended: a reader of a pipe would wait for them.
    with _standard_output_to_null():
        multiprocessing.forkserver.ensure_running()


@contextmanager
def _standard_output_to_null() -> Iterator[None]:
    """Processes started meanwhile get os.devnull as their standard output."""
    try:
        saved = os.dup(1)
    except OSError:  # this process has none either
        yield
        return
    if sys.stdout is not None:
        sys.stdout.flush()  # what this process wrote goes where it was meant to
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


@dataclass(frozen=True)
class AnalysisPool:
    executor: ProcessPoolExecutor
    workers: int


@contextmanager
def analysis_pool(knowledge: Knowledge, database_url: str, workers: int) -> Iterator[AnalysisPool | None]:
    """`workers` analysis processes for `analyze_all`, or None to analyze in this one.
    One pool serves a whole ingest: starting a process costs about a second. The
    processes ask the store at `database_url` which documents it holds already."""
    if workers <= 1:
        yield None
        return
    start_fork_server()  # if the caller has not (then this finds it running)
    with ProcessPoolExecutor(workers, mp_context=_fork_server_context(), initializer=_start_worker,
                             initargs=(knowledge, database_url, os.getpid())) as executor:
        # Each job starts one process now, not when work first arrives; from a thread,
        # since the first waits for the fork server to import the pipeline, and the
        # writer has its own start-up to do meanwhile.
        starting = threading.Thread(target=lambda: [executor.submit(_ready) for _ in range(workers)], daemon=True)
        starting.start()
        try:
            yield AnalysisPool(executor, workers)
        finally:
            starting.join()


def analyze_all(jobs: Iterable[ReadJob | AnchoredJob], analysis: Analysis, pool: AnalysisPool | None = None,
                ) -> Iterator[tuple[SourceDocument | ReadError, Outcome]]:
    """`run_job`'s (document or read error, outcome) pairs for each job, in the order of `jobs`.

    With a `pool` (`analysis_pool`) the jobs run in its processes; `jobs` is consumed
    lazily, never more than IN_FLIGHT_PER_WORKER chunks per process ahead.
    """
    if pool is None:
        for job in jobs:
            yield from run_job(job, analysis)
        return
    ahead = pool.workers * IN_FLIGHT_PER_WORKER
    pending: deque = deque()

    def drain(limit: int) -> Iterator:
        while len(pending) > limit:
            for results in pending.popleft().result():
                yield from results

    # The first chunks are small (1, 1, 2, 2, 4, 4, ... jobs with two processes): the
    # writer has nothing to store until one returns, and a whole chunk takes CHUNK
    # analyses. Later ones are whole: fewer round trips.
    submitted = 0
    chunk: list = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == min(CHUNK, 2 ** (submitted // pool.workers)):
            pending.append(pool.executor.submit(_run_chunk, chunk))
            submitted += 1
            chunk = []
            yield from drain(ahead)
    if chunk:
        pending.append(pool.executor.submit(_run_chunk, chunk))
    yield from drain(0)
