"""Serving under load: our server and Datasette on the same SQLite database, side by side.

1. A database of N events (100,000 and 1,000,000 by default), made from a database
   ingested from the generated corpus (bench/generate_corpus.py) by copying its
   events, their entities and their source rows with SQL: copy k of an event gets
   the slug `<slug>-generated-<k>` and dates moved by a few days to years, so the
   store is generated throughout and says so. The FTS5 triggers index every copy.
   The copy is migrated to the newest revision first, so the server starts at once
   and ANALYZE sees every index. `--reuse` keeps a database of the right size
   from an earlier run.
2. `timeline serve` (this checkout's code, one process, and `--workers N` for each N
   of `--workers`) on loopback; wrk runs each route for `--seconds` at 1 connection
   (the time one request takes) and at 64 (throughput, the tail under load,
   errors): the timeline page, the filtered fragment (actor + weapon + date range,
   as htmx asks for it), a full-text search, a permalink, /api/events. Each route
   twice: the same URL on every request ("kept": the server keeps a view's whole
   response per store version, app/view_cache.py) and a new URL on every request
   ("rendered": an ignored parameter that changes each time, so every response is
   rendered; the aggregates views share stay cached).
3. `datasette serve` (one process) on the same file, and the equivalent queries on
   both: the events filtered by an actor (ours: the htmx fragment; Datasette: its
   SQL page with the same join), full-text search (ours: /?q=; Datasette: its SQL
   page with our search's SQL: the same FTS5 match over titles and passages, in
   date order, 50 rows), a row page (ours: the permalink; Datasette:
   /db/event/<id>). Datasette's own table search (?_search=, titles only, in rowid
   order) is measured too and reported apart: it does less than our search.
   Ratio = our latency / Datasette's (below 1: we are faster). The side-by-side
   table compares one process with one process; our figures with more processes
   follow it. "first request" is the time of the first request for a route on a
   fresh server, before any of its caches (facets, axis, a search's order) hold it.

Usage: python bench/bench_serve.py --base /tmp/timeline-bench/ingest-1000.db --sizes 100000 1000000
Writes bench/results/serve.md (and prints it). Loopback only; every run is bounded.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db import upgrade  # noqa: E402
from app.search import fts_query  # noqa: E402
from bench.bench_ingest import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

RESULTS = Path(__file__).resolve().parent / "results"

_EVENT_COLUMNS = "slug, title, date_start, date_end, precision, basis, reported, disputed, corroboration"
_SOURCE_COLUMNS = ("document_id, passage_id, sentence_start, sentence_end, timex_start, timex_end, timex_text, "
                   "timex_value, title, claim, precision, basis, reported, entities, mentions")


def build_database(base: Path, target: Path, events: int) -> dict:
    """Copy `base` to `target` and add generated copies of its events until it holds `events`."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(base) as source:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(base, target)
    # Before the copies: a migration that rewrites rows then has the base's few.
    upgrade(f"sqlite:///{target}")
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    (max_event, count), = conn.execute("SELECT max(id), count(*) FROM event").fetchall()
    (max_source,), = conn.execute("SELECT max(id) FROM event_source").fetchall()
    copies = max(0, -(-(events - count) // count))
    start = time.perf_counter()
    for k in range(1, copies + 1):
        days = (k * 37) % 3650  # spread the copies over ten years
        remaining = events - conn.execute("SELECT count(*) FROM event").fetchone()[0]
        if remaining <= 0:
            break
        conn.execute(
            f"INSERT INTO event (id, {_EVENT_COLUMNS}) SELECT id + ?, slug || '-generated-' || ?, title, "
            f"date(date_start, ?), date(date_end, ?), precision, basis, reported, disputed, corroboration "
            f"FROM event WHERE id <= ? ORDER BY id LIMIT ?",
            (k * max_event, k, f"+{days} days", f"+{days} days", max_event, remaining))
        conn.execute("INSERT INTO event_entity (event_id, entity_id) SELECT event_id + ?, entity_id FROM event_entity "
                     "WHERE event_id <= ? AND event_id + ? IN (SELECT id FROM event WHERE id > ?)",
                     (k * max_event, max_event, k * max_event, k * max_event))
        conn.execute(
            f"INSERT INTO event_source (id, event_id, date_start, date_end, {_SOURCE_COLUMNS}) "
            f"SELECT id + ?, event_id + ?, date(date_start, ?), date(date_end, ?), {_SOURCE_COLUMNS} "
            f"FROM event_source WHERE id <= ? AND event_id IS NOT NULL AND event_id + ? IN (SELECT id FROM event WHERE id > ?)",
            (k * max_source, k * max_event, f"+{days} days", f"+{days} days", max_source, k * max_event,
             k * max_event))
        conn.commit()
    # As `timeline ingest` does at the end of a batch (app.store.refresh_statistics).
    conn.execute("PRAGMA analysis_limit=1000")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    totals = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("event", "event_source", "event_entity", "passage", "document")}
    conn.close()
    totals["build_seconds"] = time.perf_counter() - start
    return totals


def pick_targets(db: Path, search: str) -> dict:
    """The actor, weapon, date range, event and word the routes are asked for."""
    conn = sqlite3.connect(db)
    # The actor and weapon that share the most events, and a year around one of them.
    actor, weapon, n = conn.execute(
        "SELECT a.entity_id, w.entity_id, count(*) AS n FROM event_entity a JOIN event_entity w "
        "ON a.event_id = w.event_id JOIN entity ea ON ea.id = a.entity_id JOIN entity ew ON ew.id = w.entity_id "
        "WHERE NOT ea.is_weapon AND ew.is_weapon AND a.event_id <= 20000 "
        "GROUP BY a.entity_id, w.entity_id ORDER BY n DESC LIMIT 1").fetchone()
    actor_slug = conn.execute("SELECT slug FROM entity WHERE id = ?", (actor,)).fetchone()[0]
    weapon_slug = conn.execute("SELECT slug FROM entity WHERE id = ?", (weapon,)).fetchone()[0]
    (middle,), = conn.execute(
        "SELECT e.date_start FROM event e JOIN event_entity a ON a.event_id = e.id AND a.entity_id = ? "
        "JOIN event_entity w ON w.event_id = e.id AND w.entity_id = ? ORDER BY e.date_start "
        "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM event_entity WHERE entity_id = ?) / 2",
        (actor, weapon, weapon)).fetchall() or [("2024-01-01",)]
    year = middle[:4]
    total = conn.execute("SELECT count(*) FROM event").fetchone()[0]
    event_id, slug = conn.execute("SELECT id, slug FROM event ORDER BY id LIMIT 1 OFFSET ?", (total // 2,)).fetchone()
    conn.close()
    return {"actor": actor_slug, "actor_id": actor, "weapon": weapon_slug, "from": f"{year}-01-01",
            "to": f"{year}-12-31", "slug": slug, "event_id": event_id, "search": search}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def check(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return len(response.read())


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * _UNIT[unit]


# Makes every request of a wrk run a distinct URL (a parameter the server ignores),
# so that no response kept from an earlier request can serve it: the cost of
# rendering, with the aggregates that views share (facets, axis) still cached.
DISTINCT_LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  local sep = wrk.path:find("?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_r=" .. id .. "-" .. counter)
end
"""

# How our server is asked: the same URL again (its kept response) and a new URL
# each time (rendered).
MODES = ("kept", "rendered")


def wrk(url: str, headers: dict[str, str], connections: int, seconds: int, distinct: Path | None = None) -> dict:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if distinct is not None:
        command += ["-s", str(distinct)]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if requests == 0:  # nothing finished within the run
        return {"p50": 0.0, "p99": 0.0, "rps": 0.0, "requests": 0, "errors": 0, "seconds": seconds}
    return {"seconds": seconds, "p50": _ms(percentiles["50"]), "p99": _ms(percentiles["99"]),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests,
            "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0)}


def start(command: list[str], url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, cwd=ROOT)
    wait_for(url)
    if process.poll() is not None:  # another program answered on the port
        raise SystemExit(f"{command[0]} exited: {process.returncode}")
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def serve_ours(db: Path, port: int, workers: int) -> subprocess.Popen:
    # This checkout's code, whatever `timeline` the environment has installed.
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--db", f"sqlite:///{db}",
               "--port", str(port), "--workers", str(workers)]
    return start(command, f"http://127.0.0.1:{port}/api/actors")


# url -> ms of the first request of a run (fresh server: nothing cached yet).
COLD: dict[str, float] = {}


def warm(url: str, headers: dict[str, str], processes: int) -> int:
    """Ask for `url` until it answers 200 (its size) and every server process has
    cached its aggregates: requests in parallel, so that each process takes some."""
    started = time.perf_counter()
    size = check(url, headers)
    COLD[url] = (time.perf_counter() - started) * 1000
    if processes > 1:
        with ThreadPoolExecutor(4 * processes) as pool:
            for _ in range(2):
                list(pool.map(lambda _: check(url, headers), range(8 * processes)))
    return size


def search_sql(word: str) -> str:
    """The SQL our search runs for its page (app/search.py, app/queries.py), for Datasette's SQL page."""
    match = fts_query(word).replace("'", "''")
    return ("select event.id, event.slug, event.title, event.date_start, event.date_end from event "
            f"where event.id in (select rowid from event_fts where event_fts match '{match}' "
            "union select event_source.event_id from event_source join passage_fts "
            f"on passage_fts.rowid = event_source.passage_id where passage_fts match '{match}') "
            "order by event.date_start, event.date_end, event.id limit 50")


# The side-by-side queries: (group, what each side asks, label in the report).
PAIRS = {
    "pair:actor": "actor",
    "pair:search": "search (Datasette: the same SQL)",
    "pair:table-search": "search (Datasette: its table search, titles only, rowid order)",
    "pair:row": "row",
}


def routes(t: dict, ours: str, theirs: str, db_name: str) -> list[tuple[str, str, str, dict]]:
    """(group, name, url, headers) of every measured request; a name starting with
    "Datasette" is asked of Datasette, every other of our server."""
    hx = {"HX-Request": "true", "HX-Target": "view"}
    q = urllib.parse.quote
    fragment = f"{ours}/?actor={t['actor']}&weapon={t['weapon']}&from={t['from']}&to={t['to']}"
    same_sql = ("select event.id, event.slug, event.title, event.date_start, event.date_end from event "
                f"where event.id in (select event_id from event_entity where entity_id = {t['actor_id']}) "
                "order by event.date_start, event.date_end, event.id limit 50")
    return [
        ("ours", "timeline page /", f"{ours}/", {}),
        ("ours", "filtered fragment (actor+weapon+dates, htmx)", fragment, hx),
        ("ours", f"full-text search /?q={t['search']}", f"{ours}/?q={q(t['search'])}", {}),
        ("ours", "permalink /events/<slug>", f"{ours}/events/{t['slug']}", {}),
        ("ours", "/api/events", f"{ours}/api/events", {}),
        ("pair:actor", "ours: actor filter (htmx fragment)", f"{ours}/?actor={t['actor']}", hx),
        ("pair:actor", "Datasette: same query, SQL page", f"{theirs}/{db_name}?sql={q(same_sql)}", {}),
        ("pair:search", "ours: full-text search", f"{ours}/?q={q(t['search'])}", {}),
        ("pair:search", "Datasette: same search SQL, SQL page",
         f"{theirs}/{db_name}?sql={q(search_sql(t['search']))}", {}),
        ("pair:table-search", "ours: full-text search", f"{ours}/?q={q(t['search'])}", {}),
        ("pair:table-search", "Datasette: event?_search=", f"{theirs}/{db_name}/event?_search={q(t['search'])}", {}),
        ("pair:row", "ours: permalink", f"{ours}/events/{t['slug']}", {}),
        ("pair:row", "Datasette: row page", f"{theirs}/{db_name}/event/{t['event_id']}", {}),
    ]


def measure(url: str, headers: dict, connections: list[int], seconds: int, processes: int = 1,
            distinct: Path | None = None) -> list:
    """wrk on `url` at each of `connections`; with `distinct` (our server), each
    also with every request a new URL."""
    size_bytes = warm(url, headers, processes)
    runs = []
    for mode in (MODES if distinct else ("",)):
        for n in connections:
            r = {**wrk(url, headers, n, seconds, distinct if mode == "rendered" else None),
                 "cold": COLD[url], "mode": mode}
            runs.append((n, size_bytes, r))
            print(url[:100], n, r, flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="a database ingested from the generated corpus")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="process counts of `timeline serve --workers` to measure (1 is compared with Datasette)")
    parser.add_argument("--search", default="missiles")
    parser.add_argument("--work", type=Path, default=Path("/tmp/timeline-bench"))
    parser.add_argument("--only", nargs="+", choices=["routes", *(g.split(":")[1] for g in PAIRS)],
                        help="measure only these: `routes` (our five routes alone) and side-by-side pairs; "
                             "for quicker iterations (the report is then printed, not written to results/)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database of the asked size left by an earlier run instead of building it")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    distinct = args.work / "distinct_urls.lua"
    distinct.write_text(DISTINCT_LUA)
    our_port, their_port = free_port(), free_port()
    ours, theirs = f"http://127.0.0.1:{our_port}", f"http://127.0.0.1:{their_port}"

    sections = []
    for size in args.sizes:
        db = args.work / f"serve_{size}.db"
        totals = (args.reuse and reuse_database(db, size)) or build_database(args.base, db, size)
        print(size, totals, flush=True)
        targets = pick_targets(db, args.search)
        print(targets, flush=True)
        measured = routes(targets, ours, theirs, db.stem)
        if args.only:
            wanted = {"ours" if name == "routes" else f"pair:{name}" for name in args.only}
            measured = [route for route in measured if route[0] in wanted]
        results: dict[int, list] = {}  # processes -> [(group, name, connections, bytes, wrk)]
        datasette = start(["datasette", "serve", str(db), "--port", str(their_port), "--host", "127.0.0.1",
                           "--setting", "sql_time_limit_ms", "20000", "--setting", "suggest_facets", "off"],
                          f"{theirs}/-/versions.json")
        theirs_results = []
        try:
            for group, name, url, headers in measured:
                if name.startswith("Datasette"):
                    theirs_results += [(group, name, n, b, r) for n, b, r in
                                       measure(url, headers, args.connections, args.seconds)]
        finally:
            stop(datasette)
        for processes in args.workers:
            server = serve_ours(db, our_port, processes)
            results[processes] = []
            done: dict[tuple, list] = {}  # a URL asked in several groups is measured once
            try:
                for group, name, url, headers in measured:
                    if not name.startswith("Datasette"):
                        key = (url, tuple(sorted(headers.items())))
                        if key not in done:
                            done[key] = measure(url, headers, args.connections, args.seconds, processes, distinct)
                        results[processes] += [(group, name, n, b, r) for n, b, r in done[key]]
            finally:
                stop(server)
        sections.append((size, totals, targets, results, theirs_results))

    if not args.only:
        (RESULTS / "serve.md").write_text(report(args, sections))
    print(report(args, sections))


def reuse_database(db: Path, events: int) -> dict | None:
    """The totals of `db` if an earlier run left it with `events` events (brought
    to the newest revision); None if it must be built."""
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        if conn.execute("SELECT count(*) FROM event").fetchone()[0] != events:
            return None
    upgrade(f"sqlite:///{db}")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA analysis_limit=1000")
    conn.execute("ANALYZE")
    totals = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("event", "event_source", "event_entity", "passage", "document")}
    conn.close()
    return {**totals, "build_seconds": 0.0, "reused": True}


def _ms_cell(r: dict, key: str) -> str:
    # No request finished within the run: wrk has no latency to give.
    return f"{r[key]:.1f}" if r["requests"] else f"> {r.get('seconds', 0) or 'run'} s"


def _route_table(rows) -> list[str]:
    lines = ["| route | response | connections | p50 ms | p99 ms | requests/s | errors | response bytes "
             "| first request ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    seen = set()
    for group, name, connections, size_bytes, r in rows:
        if group == "ours":
            # The first request of the run, before any cache held this view: once per route.
            first = "" if name in seen else f"{r['cold']:.0f}"
            seen.add(name)
            lines.append(f"| {name} | {r['mode']} | {connections} | {_ms_cell(r, 'p50')} | {_ms_cell(r, 'p99')} | "
                         f"{r['rps']:.1f} | {r['errors']} | {size_bytes:,} | {first} |")
    return lines


def _pair_table(ours_rows, theirs_rows) -> list[str]:
    lines = ["| query | ours | connections | ours p50 ms | Datasette p50 ms | ours p99 ms | Datasette p99 ms | "
             "ours req/s | Datasette req/s | ours errors | ratio ours/Datasette (p50) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    theirs = {(g, n): r for g, _, n, _, r in theirs_rows}
    for group, name, connections, _, a in ours_rows:
        if group not in PAIRS:
            continue
        b = theirs[(group, connections)]
        ratio = f"{a['p50'] / b['p50']:.2f}" if a["requests"] and b["requests"] else "—"
        lines.append(f"| {PAIRS[group]} | {a['mode']} | {connections} | {_ms_cell(a, 'p50')} | {_ms_cell(b, 'p50')} | "
                     f"{_ms_cell(a, 'p99')} | {_ms_cell(b, 'p99')} | {a['rps']:.1f} | {b['rps']:.1f} | "
                     f"{a['errors']} | {ratio} |")
    return lines


def report(args, sections) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Serving benchmark", "", f"Run {stamp} on {machine()}.",
             f"Command: `python bench/bench_serve.py --base {args.base} --sizes {' '.join(map(str, args.sizes))} "
             f"--seconds {args.seconds} --workers {' '.join(map(str, args.workers))}"
             f"{' --reuse' if args.reuse else ''}{' --only ' + ' '.join(args.only) if args.only else ''}`",
             f"wrk {args.seconds} s per route and concurrency, on loopback; Datasette is one process; "
             f"`timeline serve` was run with {', '.join(map(str, args.workers))} process(es) "
             "(`--workers`), each on the same SQLite file. All events are generated (see bench/bench_serve.py).",
             ""]
    for size, totals, targets, results, theirs_rows in sections:
        built = ("reused from an earlier run" if totals.get("reused")
                 else f"copies made in {totals['build_seconds']:.0f} s")
        lines += [f"## {totals['event']:,} events (generated)", "",
                  f"{totals['event_source']:,} event sources, {totals['event_entity']:,} event-entity links, "
                  f"{totals['passage']:,} passages, {totals['document']:,} documents; {built}. "
                  f"Filter: actor `{targets['actor']}`, weapon `{targets['weapon']}`, "
                  f"{targets['from']} to {targets['to']}; search `{targets['search']}`.", ""]
        for processes, rows in results.items():
            lines += [f"### `timeline serve --workers {processes}`", "", *_route_table(rows), "",
                      f"Side by side with Datasette (one process), ours with {processes} "
                      f"process{'es' if processes > 1 else ''}:", "",
                      *_pair_table(rows, theirs_rows), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
