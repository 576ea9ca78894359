"""Reading and analysing in the analysis processes gives what reading and analysing in
the writer gives: the same documents, read errors, outcomes, in input order; and the
processes ask the store which documents it holds already."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.analysis_pool import DEFERRED, Analysis, ReadJob, analysis_pool, analyze_all
from app.db import make_engine, upgrade
from app.knowledge import load_knowledge
from app.known_documents import KnownDocuments
from app.records import Unchanged
from app.read import ReadError, plan_inputs
from app.records import AnalyzedDocument
from app.ingest import ingest

try:  # tests/ may or may not be a package
    from .synthetic import write_articles
except ImportError:
    from synthetic import write_articles


def outcomes(folder, url, pool=None):
    knowledge = load_knowledge()
    jobs = [ReadJob(item, 1 << 20) for item in plan_inputs([folder]) if not isinstance(item, ReadError)]
    found = []
    for item, outcome in analyze_all(jobs, Analysis(knowledge, KnownDocuments(url)), pool):
        if isinstance(item, ReadError):
            found.append((item.origin, "error", item.reason))
        elif isinstance(outcome, AnalyzedDocument):
            found.append((item.origin, "analysed", [(c.title, c.date_start) for c in outcome.candidates]))
        elif isinstance(outcome, Unchanged):
            found.append((item.origin, "unchanged", outcome.anchor_date))
        else:
            found.append((item.origin, "other", outcome if outcome == DEFERRED else type(outcome).__name__))
    return found


def test_the_pool_reads_and_analyses_as_this_process_does(tmp_path):
    folder = tmp_path / "articles"
    write_articles(folder, 40, seed=3)
    (folder / "zz-binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "zz-undated.txt").write_text("Nothing here says when. Officials met and talked for hours.\n")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    stored = ingest([folder / "article-3-0001.md"], engine, load_knowledge())
    assert stored.stored == 1

    here = outcomes(folder, url)
    knowledge = load_knowledge()
    with analysis_pool(knowledge, url, 2) as pool:
        there = outcomes(folder, url, pool)
    assert there == here
    kinds = [kind for _, kind, _ in here]
    assert kinds.count("analysed") == 39 and kinds.count("unchanged") == 1 and kinds.count("error") == 1
    assert ("zz-undated.txt", "other", DEFERRED) in [(o.rsplit("/", 1)[1], k, v) for o, k, v in here]
    unchanged = next(v for o, k, v in here if k == "unchanged")
    with Session(engine) as session:
        anchor = session.connection().exec_driver_sql("SELECT anchor_date FROM document").scalar()
    assert isinstance(unchanged, date) and unchanged.isoformat() == str(anchor)
    engine.dispose()


def test_known_documents_answers_none_for_a_new_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    assert KnownDocuments(url)("0" * 64) is None
