"""Throughput of the entity, event and merge steps over the TempEval-3 documents.

Passages and TIMEX3s are computed once beforehand, so the figures are those of
find_mentions, extract_events and merge_events alone: words per second for the first
two, candidates per second for merging, each the median of several runs.

    python bench/bench_events.py [--runs 5] [--corpus ../shared/corpora/tempeval3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.entities import find_mentions, load_knowledge  # noqa: E402
from app.events import extract_events  # noqa: E402
from app.merge import merge_events  # noqa: E402
from app.passages import split_passages  # noqa: E402
from app.records import ANCHOR_PUBLISHED, Anchor, SourcedCandidate  # noqa: E402
from app.tempeval import read_corpus  # noqa: E402
from app.timex import find_timexes  # noqa: E402


def median_seconds(run, runs: int) -> float:
    run()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "tempeval3")
    args = parser.parse_args()

    knowledge = load_knowledge()
    documents = []
    for doc in read_corpus(args.corpus):
        passages = split_passages(doc.text)
        timexes = [find_timexes(p.text, doc.dct) for p in passages]
        anchor = Anchor(doc.dct, ANCHOR_PUBLISHED) if doc.dct else None
        documents.append((doc.name, passages, timexes, anchor))
    words = sum(len(p.text.split()) for _, passages, _, _ in documents for p in passages)

    mentions = [find_mentions(passages, knowledge) for _, passages, _, _ in documents]
    candidates = [
        SourcedCandidate(name, c)
        for (name, passages, timexes, anchor), found in zip(documents, mentions)
        for c in extract_events(passages, timexes, found, anchor)
    ]

    t_mentions = median_seconds(lambda: [find_mentions(p, knowledge) for _, p, _, _ in documents], args.runs)
    t_events = median_seconds(
        lambda: [extract_events(p, t, m, a) for (_, p, t, a), m in zip(documents, mentions)], args.runs)
    t_merge = median_seconds(lambda: merge_events(candidates), args.runs)

    print(f"{len(documents)} documents, {words} words, {len(candidates)} candidates; median of {args.runs} runs")
    print(f"find_mentions   {t_mentions:7.3f} s  {words / t_mentions:>10,.0f} words/s")
    print(f"extract_events  {t_events:7.3f} s  {words / t_events:>10,.0f} words/s")
    print(f"merge_events    {t_merge:7.3f} s  {len(candidates) / t_merge:>10,.0f} candidates/s")


if __name__ == "__main__":
    main()
