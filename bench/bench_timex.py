"""Throughput of the temporal engine against `dateparser.search.search_dates`.

Both run side by side on the same texts (the TempEval-3 documents, train and
Platinum), pinned to one core; the figure is words per second, the median of
several runs alternating between the engines. dateparser is timed twice: as called naively (it detects the
language of every text) and with `languages=["en"]`, its fastest honest setting.

    python bench/bench_timex.py [--runs 5] [--corpus ../shared/corpora/tempeval3]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.tempeval import read_corpus  # noqa: E402
from app.timex import find_timexes  # noqa: E402


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def time_pass(run, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        run(text)
    return time.perf_counter() - start


def time_interleaved(engines: dict, texts: list[str], runs: int) -> dict[str, float]:
    """Median seconds per engine; runs alternate between engines so that load
    from other processes falls on all of them alike."""
    seconds: dict[str, list[float]] = {label: [] for label in engines}
    for run in engines.values():
        run(texts[0])  # warm-up: compiled patterns, dateparser's language data
    for _ in range(runs):
        for label, run in engines.items():
            seconds[label].append(time_pass(run, texts))
    for label, values in seconds.items():
        print(f"  {label}: runs {', '.join(f'{s:.3f}' for s in values)} s", file=sys.stderr)
    return {label: statistics.median(values) for label, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "tempeval3"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=1,
                        help="runs of dateparser with language detection (slow: ~2 min a run)")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    documents = read_corpus(args.corpus)
    texts = [d.text for d in documents]
    words = sum(len(t.split()) for t in texts)

    import_start = time.perf_counter()
    from dateparser.search import search_dates
    import_seconds = time.perf_counter() - import_start

    medians = time_interleaved({
        "timex engine": lambda t: find_timexes(t, None),
        "dateparser en": lambda t: search_dates(t, languages=["en"]),
    }, texts, args.runs)
    ours, english = medians["timex engine"], medians["dateparser en"]
    naive = time_interleaved({"dateparser naive": search_dates}, texts, args.naive_runs)["dateparser naive"]

    print(f"machine: {cpu_model()}, nproc {os.cpu_count()}, pinned to 1 core; "
          f"Python {platform.python_version()}")
    print(f"texts: {len(texts)} TempEval-3 documents, {words} words; "
          f"median of {args.runs} runs ({args.naive_runs} for naive dateparser); "
          f"dateparser import {import_seconds:.2f} s (not counted)")
    print(f"{'engine':44} {'words/s':>10} {'ours is':>8}")
    for label, seconds in [("app.timex.find_timexes", ours),
                           ("dateparser search_dates(languages=['en'])", english),
                           ("dateparser search_dates (naive)", naive)]:
        print(f"{label:44} {words / seconds:10.0f} {seconds / ours:7.1f}x")


if __name__ == "__main__":
    main()
