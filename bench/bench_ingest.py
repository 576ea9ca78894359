"""Ingestion speed and memory at growing corpus sizes, and the temporal step against dateparser.

For each size N: a generated corpus of N articles (bench/generate_corpus.py; every
article is labelled as generated), ingested by the real command,
`timeline ingest DIR --workers W`, into a fresh SQLite database. Reported: documents
per second (wall clock, from the start of the command to its exit), the writer's peak
RSS (its high-water mark, VmHWM), and the peak RSS of the writer and its analysis workers
together (their RSS summed every 0.2 s). A size may be given
a time limit: the run is stopped there and the documents stored so far are counted,
so a size too large for the time available still gives its rate, marked partial.

An archive grows by batches: for each size, `--add` more articles (generated with
another seed, so new to the store) are then ingested into a copy of that size's
store, the way a newsroom adds a day's articles to its archive; reported the same way.

The checkout's modules are compiled to bytecode first, as an installed package's are:
where PYTHONDONTWRITEBYTECODE is set (this machine's environment, the Dockerfile's)
nothing else would, and every process of every run would compile the pipeline again
(0.19 s of each process's start-up here, measured as the median of 7 imports).

The temporal comparison runs in the same process on the same texts: the passages of
the first articles of the corpus, through app.timex.find_timexes and through
dateparser.search.search_dates; median of `--runs` runs.

Usage:
    python bench/bench_ingest.py --sizes 1000 10000 100000 --limit 100000=900 --workers 2 --add 1000
Writes bench/results/ingest.md (and prints it).
"""
from __future__ import annotations

import argparse
import compileall
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate_corpus import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ADDED_SEED = 2  # the generator's seed for the articles added to a store (the stores': 1)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def _status_kb(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of /proc/PID/status, in KB (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler:
    """What a running command and the processes it started use, read from /proc in a
    thread of its own while the caller waits for the command to exit (so the wall time
    is the exit's, not the next sample's): the writer's high-water mark, the largest sum
    of the RSS of the writer and its descendants seen every `every` seconds, and the
    descendants' CPU."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every = pid, every
        self.writer_kb = self.tree_kb = 0
        self.cpu: dict[int, float] = {}  # descendant -> CPU seconds when last seen
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            writer = _status_kb(self.pid)
            self.writer_kb = max(self.writer_kb, _status_kb(self.pid, "VmHWM"))
            descendants = _descendants(self.pid)
            self.tree_kb = max(self.tree_kb, writer + sum(_status_kb(c) for c in descendants))
            for child in descendants:
                self.cpu[child] = max(self.cpu.get(child, 0.0), _cpu_seconds(child))
            self._done.wait(self.every)

    def stop(self) -> tuple[int, int, float]:
        """(writer peak, tree peak) in KB, and the CPU seconds its descendants used (as
        last seen: up to `every` seconds of each, at their end, are not counted)."""
        self._done.set()
        self._thread.join()
        return self.writer_kb, self.tree_kb, sum(self.cpu.values())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process, from /proc (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*") if Path(f"/proc/{current}/task").exists() else ():
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                children = []
            found += children
            todo += children
    return found


def count_documents(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM document").fetchone()[0]
    except sqlite3.Error:
        return 0


def _count_events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM event").fetchone()[0]


def run_ingest(corpus: Path, db: Path, workers: int, limit: float | None, onto: Path | None = None) -> dict:
    """One `timeline ingest` of `corpus` into a fresh database `db`, or into a copy of
    the store `onto` (then the documents and events it added are counted)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    before = {"documents": 0, "events": 0}
    if onto is not None:
        shutil.copyfile(onto, db)
        before = {"documents": count_documents(db), "events": _count_events(db)}
    command = ["timeline", "ingest", str(corpus), "--db", f"sqlite:///{db}", "--workers", str(workers)]
    with tempfile.TemporaryFile() as errors:  # read after the exit: a pipe could fill and stall the command
        reaped = _children_cpu()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = TreeSampler(process.pid)
        partial = False
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            partial = True
            process.terminate()
            process.wait()
        elapsed = time.perf_counter() - start
        writer_peak, tree_peak, others_cpu = sampler.stop()
        # The writer is this process's only child: its CPU whole, as the kernel counted it when
        # it was reaped (its analysis processes are the fork server's children, not counted here).
        writer_cpu = _children_cpu() - reaped
        errors.seek(0)
        error_text = errors.read().decode(errors="replace")
    stored = count_documents(db) - before["documents"]
    # Documents the pipeline failed on are counted, not fatal: the run goes on, as ingest does.
    summary = re.findall(r"failed (\d+);", error_text)
    failed = int(summary[-1]) if summary else 0
    if not partial and process.returncode != 0 and not failed:
        raise SystemExit(f"ingest failed with status {process.returncode}")
    events = _count_events(db) - before["events"]
    return {"stored": stored, "seconds": elapsed, "rate": stored / elapsed, "writer_mb": writer_peak / 1024,
            "tree_mb": tree_peak / 1024, "partial": partial, "events": events, "failed": failed,
            "writer_ms": writer_cpu / max(stored, 1) * 1000, "others_ms": others_cpu / max(stored, 1) * 1000}


def temporal_comparison(corpus: Path, documents: int, runs: int) -> dict:
    """find_timexes vs dateparser's search_dates on the passages of `documents` articles."""
    from dateparser.search import search_dates

    from app.passages import split_passages
    from app.read import read_paths
    from app.timex import find_timexes

    texts: list[tuple[str, date | None]] = []
    for item in read_paths([corpus]):
        if hasattr(item, "text"):
            texts += [(p.text, item.published) for p in split_passages(item.text)]
            documents -= 1
            if documents == 0:
                break
    ours, theirs = [], []
    found_ours = found_theirs = 0
    for _ in range(runs):
        start = time.perf_counter()
        found_ours = sum(len(find_timexes(text, anchor)) for text, anchor in texts)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        found_theirs = 0
        for text, anchor in texts:
            settings = {"RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day)} if anchor else None
            found_theirs += len(search_dates(text, languages=["en"], settings=settings) or [])
        theirs.append(time.perf_counter() - start)
    chars = sum(len(t) for t, _ in texts)
    return {"passages": len(texts), "chars": chars, "ours_s": statistics.median(ours),
            "theirs_s": statistics.median(theirs), "ours_found": found_ours, "theirs_found": found_theirs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 10,000 documents (median)")
    parser.add_argument("--runs-for", action="append", default=[], metavar="SIZE=RUNS",
                        help="runs for SIZE documents (by default --runs below 10,000 documents, else 1)")
    parser.add_argument("--limit", action="append", default=[], metavar="SIZE=SECONDS",
                        help="stop the ingest of SIZE documents after SECONDS (reported as partial)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/timeline-bench"))
    parser.add_argument("--temporal-docs", type=int, default=200)
    parser.add_argument("--add", type=int, default=1000,
                        help="articles then added to a copy of each size's store (0: none)")
    args = parser.parse_args()
    limits = {int(k): float(v) for k, v in (item.split("=") for item in args.limit)}
    runs_for = {int(k): int(v) for k, v in (item.split("=") for item in args.runs_for)}
    args.work.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(ROOT / "app", quiet=1)

    rows, additions = [], []
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}"
        if not (corpus / ".done").exists():
            start = time.perf_counter()
            write_corpus(corpus, size)
            (corpus / ".done").write_text(f"{time.perf_counter() - start:.1f}\n")
        runs = runs_for.get(size, args.runs if size < 10000 else 1)
        results = [run_ingest(corpus, args.work / f"ingest-{size}.db", args.workers, limits.get(size))
                   for _ in range(runs)]
        best = sorted(results, key=lambda r: r["rate"])[len(results) // 2]
        rows.append((size, runs, best))
        print(size, best, flush=True)
        if args.add and not best["partial"]:
            extra = args.work / f"corpus-add-{args.add}"
            if not (extra / ".done").exists():
                write_corpus(extra, args.add, seed=ADDED_SEED)
                (extra / ".done").write_text("\n")
            store = args.work / f"ingest-{size}.db"
            added = [run_ingest(extra, args.work / "ingest-added.db", args.workers, None, onto=store)
                     for _ in range(max(3, runs))]
            additions.append((size, len(added), sorted(added, key=lambda r: r["rate"])[len(added) // 2]))
            print(f"+{args.add} onto {size}", additions[-1][2], flush=True)

    temporal = temporal_comparison(args.work / f"corpus-{args.sizes[0]}", args.temporal_docs, args.runs)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Ingestion benchmark",
        "",
        f"Run {stamp} on {machine()}.",
        f"Command: `python bench/bench_ingest.py --sizes {' '.join(map(str, args.sizes))} --workers {args.workers}"
        f" --runs {args.runs}"
        + "".join(f" --runs-for {k}={v}" for k, v in runs_for.items())
        + "".join(f" --limit {k}={v:g}" for k, v in limits.items()) + f" --add {args.add}`",
        "Corpus: generated by bench/generate_corpus.py from the seeds and TempEval-3 (every article labelled",
        "`[generated]`); `timeline ingest --workers N` into a fresh SQLite database.",
        "",
        "CPU a document: the writer's (its whole run, start-up included) and the analysis processes'",
        "with the fork server (read from /proc every 0.2 s). On this shared machine the same run's",
        "wall time moves by 10-30% from hour to hour, and both CPU figures with it; their ratio",
        "moves less, and says which side a change made cheaper.",
        "",
        "| documents | runs | stored | failed | seconds | documents/s | events | writer peak RSS | writer + workers peak RSS |"
        " writer CPU / document | analysis CPU / document |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, runs, r in rows:
        note = " (stopped at the time limit: partial)" if r["partial"] else ""
        lines.append(f"| {size:,} | {runs} | {r['stored']:,}{note} | {'—' if r['partial'] else r['failed']} | {r['seconds']:.0f} | {r['rate']:.1f} | "
                     f"{r['events']:,} | {r['writer_mb']:.0f} MB | {r['tree_mb']:.0f} MB | {_cpu_cell(r, 'writer_ms')} | "
                     f"{_cpu_cell(r, 'others_ms')} |")
    if additions:
        lines += [
            "",
            f"## Adding {args.add:,} articles to a store",
            "",
            f"{args.add:,} further generated articles (seed {ADDED_SEED}: new to the store, varied from the same",
            "templates) ingested by `timeline ingest --workers N` into a copy of each store above;",
            "counted: what the run added. Each run is a new process, so its writer starts with nothing",
            "remembered of the store (app.source_memory) and reads what it needs back.",
            "",
            "| store documents | runs | stored | failed | seconds | documents/s | events added | writer peak RSS |"
            " writer + workers peak RSS | writer CPU / document | analysis CPU / document |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size, runs, r in additions:
            lines.append(f"| {size:,} | {runs} | {r['stored']:,} | {r['failed']} | {r['seconds']:.1f} | "
                         f"{r['rate']:.1f} | {r['events']:,} | {r['writer_mb']:.0f} MB | {r['tree_mb']:.0f} MB | "
                         f"{_cpu_cell(r, 'writer_ms')} | {_cpu_cell(r, 'others_ms')} |")
    t = temporal
    lines += [
        "",
        "## Temporal step vs dateparser (same texts, same run)",
        "",
        f"{t['passages']:,} passages ({t['chars']:,} characters) of the first {args.temporal_docs} generated articles; "
        f"median of {args.runs} runs.",
        "",
        "| engine | seconds | passages/s | expressions found | speed vs dateparser |",
        "|---|---:|---:|---:|---:|",
        f"| app.timex.find_timexes | {t['ours_s']:.2f} | {t['passages'] / t['ours_s']:,.0f} | {t['ours_found']:,} | "
        f"{t['theirs_s'] / t['ours_s']:.1f}x |",
        f"| dateparser.search.search_dates | {t['theirs_s']:.2f} | {t['passages'] / t['theirs_s']:,.0f} | "
        f"{t['theirs_found']:,} | 1.0x |",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ingest.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


def _cpu_cell(r: dict, key: str) -> str:
    return "—" if r["partial"] else f"{r[key]:.2f} ms"


if __name__ == "__main__":
    main()
