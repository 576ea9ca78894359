"""The same code on PostgreSQL: ingestion by one and by two concurrent writers, and
two `timeline serve` processes sharing one database under load.

1. `timeline ingest DIR --workers 2` of a generated corpus folder into a fresh
   PostgreSQL database: documents per second.
2. Two `timeline ingest` processes at once, each on its own folder of the corpus,
   into another fresh database: documents per second together, and a check that
   every stored source row belongs to an event (no half-stored document).
3. Generated copies of the events (as bench/bench_serve.py does for SQLite, here
   with PostgreSQL's SQL) up to `--events`, ANALYZE, then two `timeline serve`
   processes on that database and wrk on both at once for each route.

Usage: python bench/bench_postgres.py --url postgresql+psycopg://user@127.0.0.1:5432/postgres \\
           --corpus /tmp/timeline-bench/corpus-10000 --events 100000
Writes bench/results/postgres.md (and prints it). Loopback only.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_ingest import machine  # noqa: E402
from bench.bench_serve import DISTINCT_LUA, MODES, free_port, routes, start, stop, wrk  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def fresh_database(url: str) -> str:
    name = f"timeline_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{url.rsplit('/', 1)[0]}/{name}"


def ingest(url: str, folder: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen(["timeline", "ingest", str(folder), "--db", url, "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def counts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as c:
        found = {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("document", "event", "event_source")}
        found["orphan_sources"] = c.execute(text("SELECT count(*) FROM event_source WHERE event_id IS NULL")).scalar()
    engine.dispose()
    return found


def duplicate_events(url: str, events: int) -> dict:
    """Generated copies of the events, entity links and source rows (slug `-generated-k`)."""
    engine = create_engine(url)
    start_time = time.perf_counter()
    with engine.begin() as c:
        max_event, count = c.execute(text("SELECT max(id), count(*) FROM event")).one()
        max_source = c.execute(text("SELECT max(id) FROM event_source")).scalar()
        copies = -(-(events - count) // count)
        c.execute(text(
            "INSERT INTO event (id, slug, title, date_start, date_end, precision, basis, reported, disputed, corroboration) "
            "SELECT e.id + k * :me, e.slug || '-generated-' || k, e.title, e.date_start + (k * 37) % 3650, "
            "e.date_end + (k * 37) % 3650, e.precision, e.basis, e.reported, e.disputed, e.corroboration "
            "FROM event e, generate_series(1, :copies) k WHERE e.id <= :me"), {"me": max_event, "copies": copies})
        c.execute(text("INSERT INTO event_entity (event_id, entity_id) SELECT ee.event_id + k * :me, ee.entity_id "
                       "FROM event_entity ee, generate_series(1, :copies) k WHERE ee.event_id <= :me"),
                  {"me": max_event, "copies": copies})
        c.execute(text(
            "INSERT INTO event_source (id, event_id, document_id, passage_id, sentence_start, sentence_end, timex_start, "
            "timex_end, timex_text, timex_value, title, claim, date_start, date_end, precision, basis, reported, "
            "entities, mentions) SELECT s.id + k * :ms, s.event_id + k * :me, document_id, passage_id, sentence_start, "
            "sentence_end, timex_start, timex_end, timex_text, timex_value, title, claim, "
            "date_start + (k * 37) % 3650, date_end + (k * 37) % 3650, precision, basis, reported, entities, mentions "
            "FROM event_source s, generate_series(1, :copies) k WHERE s.id <= :ms AND s.event_id IS NOT NULL"),
            {"me": max_event, "ms": max_source, "copies": copies})
        for table in ("event", "event_source"):
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))
    engine.dispose()
    return {"seconds": time.perf_counter() - start_time, **counts(url)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL URL whose user may create databases")
    parser.add_argument("--corpus", type=Path, required=True, help="a corpus of bench/generate_corpus.py")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32, help="per server")
    parser.add_argument("--search", default="missiles")
    args = parser.parse_args()
    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir())[:2]

    # 1. One writer.
    one = fresh_database(args.url)
    t = time.perf_counter()
    process = ingest(one, folders[0], 2)
    if process.wait() != 0:
        raise SystemExit(process.stderr.read().decode()[-2000:])
    single = {"seconds": time.perf_counter() - t, **counts(one)}
    print("one writer", single, flush=True)

    # 2. Two writers at once, one folder each.
    two = fresh_database(args.url)
    t = time.perf_counter()
    processes = [ingest(two, folder, 1) for folder in folders]
    status = [p.wait() for p in processes]
    double = {"seconds": time.perf_counter() - t, "status": status, **counts(two)}
    print("two writers", double, flush=True)

    # 3. Two servers on one database.
    built = duplicate_events(one, args.events)
    print("copies", built, flush=True)
    engine = create_engine(one)
    with engine.connect() as c:
        actor, actor_id = c.execute(text(
            "SELECT en.slug, en.id FROM event_entity ee JOIN entity en ON en.id = ee.entity_id WHERE NOT en.is_weapon "
            "GROUP BY en.slug, en.id ORDER BY count(*) DESC LIMIT 1")).one()
        weapon = c.execute(text(
            "SELECT en.slug FROM event_entity ee JOIN entity en ON en.id = ee.entity_id WHERE en.is_weapon "
            "GROUP BY en.slug ORDER BY count(*) DESC LIMIT 1")).scalar()
        event_id, slug, day = c.execute(text("SELECT id, slug, date_start FROM event ORDER BY id OFFSET :n LIMIT 1"),
                                        {"n": built["event"] // 2}).one()
    engine.dispose()
    targets = {"actor": actor, "actor_id": actor_id, "weapon": weapon, "from": f"{day.year}-01-01",
               "to": f"{day.year}-12-31", "slug": slug, "event_id": event_id, "search": args.search}
    ports = [free_port(), free_port()]
    servers = [start(["timeline", "serve", "--db", one, "--port", str(p)], f"http://127.0.0.1:{p}/api/actors")
               for p in ports]
    results = []
    distinct = Path(f"/tmp/timeline-bench-distinct-{uuid.uuid4().hex[:8]}.lua")
    distinct.write_text(DISTINCT_LUA)
    try:
        measured = [r for r in routes(targets, "{base}", "", "") if r[0] == "ours"]
        for _, name, url, headers in measured:
            urls = [url.replace("{base}", f"http://127.0.0.1:{p}") for p in ports]
            for mode in MODES:  # the same URL again (kept responses), a new URL each time (rendered)
                lua = distinct if mode == "rendered" else None
                with ThreadPoolExecutor(2) as pool:
                    runs = list(pool.map(lambda u: wrk(u, headers, args.connections, args.seconds, lua), urls))
                results.append((name, mode, runs))
                print(name, mode, runs, flush=True)
    finally:
        distinct.unlink(missing_ok=True)
        for server in servers:
            stop(server)

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# PostgreSQL benchmark", "",
        f"Run {stamp} on {machine()}; PostgreSQL on loopback on the same machine "
        "(scripts/pg_test_cluster settings: fsync off).",
        f"Command: `python bench/bench_postgres.py --url <url> --corpus {args.corpus} --events {args.events}`", "",
        "## Ingestion (generated corpus)", "",
        "| writers | documents | seconds | documents/s | events | source rows without an event |",
        "|---|---:|---:|---:|---:|---:|",
        f"| 1 (`--workers 2`) | {single['document']:,} | {single['seconds']:.0f} | "
        f"{single['document'] / single['seconds']:.1f} | {single['event']:,} | {single['orphan_sources']} |",
        f"| 2 processes at once (`--workers 1` each; exit {double['status']}) | {double['document']:,} | "
        f"{double['seconds']:.0f} | {double['document'] / double['seconds']:.1f} | {double['event']:,} | "
        f"{double['orphan_sources']} |", "",
        f"## Two `timeline serve` processes on one database ({built['event']:,} events, generated copies)", "",
        f"wrk on both servers at once, {args.connections} connections each, {args.seconds} s per route; "
        "each route asked with the same URL (kept: each server keeps a view's response per store version) "
        "and with a new URL each request (rendered).", "",
        "| route | response | server 1 p50 / p99 ms | server 2 p50 / p99 ms | requests/s together | errors |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, mode, (a, b) in results:
        lines.append(f"| {name} | {mode} | {a['p50']:.1f} / {a['p99']:.1f} | {b['p50']:.1f} / {b['p99']:.1f} | "
                     f"{a['rps'] + b['rps']:.1f} | {a['errors'] + b['errors']} |")
    lines.append("")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "postgres.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
