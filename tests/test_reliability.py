"""Reliability, measured: bad inputs, kill -9 in the middle of a batch, and serving
while an ingest writes. Every run counts what it tried; lost documents, duplicated
documents and failed requests must all be zero. The figures are printed at the end
of the module (`python -m pytest tests/test_reliability.py -q`)."""
from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

try:  # tests/ may or may not be a package
    from .bad_inputs import write_bad_inputs
    from .live_server import start_server
    from .synthetic import write_articles
except ImportError:
    from bad_inputs import write_bad_inputs
    from live_server import start_server
    from synthetic import write_articles

TIMELINE = [sys.executable, "-c", "from app.cli import main; main()"]
ROOT = Path(__file__).resolve().parent.parent
FIGURES: dict[str, object] = {}


class _FiguresReport:
    """Prints FIGURES in pytest's closing summary, where output is never captured."""

    @staticmethod
    def pytest_terminal_summary(terminalreporter) -> None:
        if FIGURES:
            terminalreporter.section("reliability figures")
            for key, value in FIGURES.items():
                terminalreporter.write_line(f"{key}: {value}")


@pytest.fixture(scope="module", autouse=True)
def report_figures(request):
    if not request.config.pluginmanager.has_plugin("reliability-figures"):
        request.config.pluginmanager.register(_FiguresReport(), "reliability-figures")
    yield


def timeline(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*TIMELINE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)


def connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def count_documents(db: Path) -> int:
    try:
        with connect(db) as conn:
            return conn.execute("SELECT count(*) FROM document").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or the schema is being migrated
        return 0


def group_ends(group: int, within: float) -> bool:
    """True once no process of process group `group` is left (zombies aside)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc"))) if _in_group(pid, group)]
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _in_group(pid: int, group: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
    return int(pgrp) == group and state != "Z"


def problems(db: Path) -> list[str]:
    """Every way the database could be inconsistent; empty when it is not."""
    checks = {
        "integrity": "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'",
        "foreign keys": "SELECT count(*) FROM pragma_foreign_key_check",
        "document without passages": "SELECT count(*) FROM document d WHERE NOT EXISTS "
                                     "(SELECT 1 FROM passage p WHERE p.document_id = d.id)",
        "passage without document": "SELECT count(*) FROM passage p WHERE NOT EXISTS "
                                    "(SELECT 1 FROM document d WHERE d.id = p.document_id)",
        "source without document": "SELECT count(*) FROM event_source s WHERE NOT EXISTS "
                                   "(SELECT 1 FROM document d WHERE d.id = s.document_id)",
        "source without event": "SELECT count(*) FROM event_source s WHERE s.event_id IS NULL "
                                "OR NOT EXISTS (SELECT 1 FROM event e WHERE e.id = s.event_id)",
        "event without source": "SELECT count(*) FROM event e WHERE NOT EXISTS "
                                "(SELECT 1 FROM event_source s WHERE s.event_id = e.id)",
        "duplicate url": "SELECT count(*) - count(DISTINCT url) FROM document WHERE url IS NOT NULL",
    }
    with connect(db) as conn:
        return [f"{name}: {n}" for name, sql in checks.items() if (n := conn.execute(sql).fetchone()[0])]


def content(db: Path) -> tuple[Counter, Counter]:
    """(documents by content hash, events by date and title) — what a run produced."""
    with connect(db) as conn:
        documents = Counter(h for (h,) in conn.execute("SELECT content_hash FROM document"))
        events = Counter(conn.execute("SELECT date_start, date_end, title FROM event").fetchall())
    return documents, events


def test_kill_9_mid_batch_leaves_a_consistent_database_and_a_rerun_finishes(tmp_path):
    articles = tmp_path / "articles"
    # A transaction stores up to 100 documents (app.ingest.BATCH_DOCUMENTS): the last kill,
    # once 140 are seen, must still find a batch to land in.
    total = len(write_articles(articles, 300, seed=1))
    reference = tmp_path / "reference.db"
    assert timeline("ingest", str(articles), "--db", f"sqlite:///{reference}").returncode == 0
    want_documents, want_events = content(reference)
    assert sum(want_documents.values()) == total and not problems(reference)

    db = tmp_path / "killed.db"
    rng = random.Random(7)
    kills, seen_after_kill = 0, []
    for target in (15, 75, 140):
        # Its own session, so that whatever the run started can be found after it is killed.
        process = subprocess.Popen([*TIMELINE, "ingest", str(articles), "--db", f"sqlite:///{db}"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            while count_documents(db) < target and process.poll() is None:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.015))  # land anywhere in the next document's work
            process.send_signal(signal.SIGKILL)  # the main process only, as `kill -9 PID` does
            assert process.wait(timeout=30) == -signal.SIGKILL, "the ingest ended before it could be killed"
            kills += 1
            # Helper processes (the analysis pool) must notice and leave, not linger forever.
            assert group_ends(process.pid, within=20), "processes of the killed ingest are still running"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        assert problems(db) == []
        seen_after_kill.append(count_documents(db))
    assert seen_after_kill == sorted(seen_after_kill) and seen_after_kill[-1] < total

    finished = timeline("ingest", str(articles), "--db", f"sqlite:///{db}")
    assert finished.returncode == 0, finished.stderr
    assert f"unchanged {seen_after_kill[-1]}" in finished.stdout
    documents, events = content(db)
    assert problems(db) == []
    lost = sum((want_documents - documents).values())
    duplicated = sum(documents.values()) - len(documents)
    FIGURES["kill -9 mid-batch"] = (f"{kills} kills of a {total}-document ingest (documents stored at each kill: "
                                    f"{seen_after_kill}); processes of killed runs left running: 0")
    FIGURES["documents lost / duplicated after re-run"] = f"{lost} / {duplicated}"
    assert lost == 0 and duplicated == 0 and documents == want_documents
    assert events == want_events  # the re-run ends where an uninterrupted run ends


def test_bad_inputs_through_the_real_command(tmp_path):
    folder = tmp_path / "mixed"
    good = write_articles(folder / "good", 20, seed=2)
    bad = write_bad_inputs(folder, 64 * 1024)
    db = tmp_path / "mixed.db"
    result = timeline("ingest", str(folder), "--db", f"sqlite:///{db}", "--max-size", "64k")
    assert result.returncode == 1
    failed = [b for b in bad if b.outcome == "failed"]
    failure_lines = [line for line in result.stderr.splitlines() if ": failed: " in line]
    assert len(failure_lines) == len(failed)
    documents, _ = content(db)
    with connect(db) as conn:
        stored_good = conn.execute("SELECT count(*) FROM document WHERE origin LIKE ?", (f"%{folder / 'good'}%",)).fetchone()[0]
    assert stored_good == len(good) and problems(db) == []
    files = {b.name.split("#")[0].split(":")[0] for b in bad}
    FIGURES["bad inputs tried"] = (f"{len({b.kind for b in bad})} kinds, {len(files)} files, {len(bad)} inputs "
                                   f"({len(failed)} failed with a reason, "
                                   f"{sum(b.outcome == 'warning' for b in bad)} stored with a warning, "
                                   f"{sum(b.outcome == 'skipped' for b in bad)} skipped); "
                                   f"good documents beside them lost: {len(good) - stored_good}")


def test_serving_while_an_ingest_writes_fails_no_request(tmp_path):
    db = tmp_path / "live.db"
    url = f"sqlite:///{db}"
    assert timeline("ingest", str(tmp_path / "first"), "--db", url).returncode == 1  # missing folder: fails, creates db
    write_articles(tmp_path / "first", 40, seed=3)
    assert timeline("ingest", str(tmp_path / "first"), "--db", url).returncode == 0
    write_articles(tmp_path / "second", 160, seed=4)
    server, base = start_server(["--db", url])
    try:
        stop = threading.Event()
        counts: Counter = Counter()
        failures: list[str] = []
        half_seen: list[str] = []
        slugs: list[str] = []
        document_ids: list[int] = [1]
        lock = threading.Lock()

        def read_load(worker: int) -> None:
            rng = random.Random(worker)
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    choice = rng.randrange(5)
                    if choice == 0:
                        path = f"/api/events?page={rng.randint(1, 4)}"
                    elif choice == 1:
                        path = "/?q=officials"
                    elif choice == 2 and slugs:
                        path = f"/events/{rng.choice(slugs)}"
                    elif choice == 3:
                        path = f"/documents/{rng.choice(document_ids)}"
                    else:
                        path = "/api/events?actor=ukraine"
                    try:
                        response = client.get(path, follow_redirects=True)
                    except httpx.HTTPError as exc:
                        with lock:
                            failures.append(f"{path}: {exc!r}")
                        continue
                    with lock:
                        counts["requests"] += 1
                    # 404 is a right answer for an event merged away meanwhile; a 5xx never is.
                    if response.status_code >= 500:
                        with lock:
                            failures.append(f"{path}: {response.status_code}")
                    elif path.startswith("/documents/") and response.status_code == 200:
                        if 'id="p-' not in response.text:  # a document without its passages
                            with lock:
                                half_seen.append(path)
                    elif path.startswith("/api/events?") and response.status_code == 200:
                        events = response.json()["events"]
                        with lock:
                            slugs.extend(e["slug"] for e in events[:5])
                            document_ids.extend(s["document_id"] for e in events[:5] for s in e["sources"])
                            half_seen.extend(e["slug"] for e in events if not e["sources"])

        workers = [threading.Thread(target=read_load, args=(n,)) for n in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)
        started = time.monotonic()
        ingest = timeline("ingest", str(tmp_path / "second"), "--db", url)
        ingest_seconds = time.monotonic() - started
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert ingest.returncode == 0, ingest.stderr
    assert count_documents(db) == 200 and problems(db) == []
    FIGURES["concurrent load"] = (f"{counts['requests']} requests by 4 readers to the real server while an ingest "
                                  f"wrote 160 documents in {ingest_seconds:.1f} s")
    FIGURES["failed requests / events or documents seen half-stored"] = f"{len(failures)} / {len(half_seen)}"
    assert counts["requests"] > 100
    assert failures == [] and half_seen == []


# --- Identity: the same article once, a changed article replacing its old version ---

KURSK = ("Ukraine launched an offensive into Russia's Kursk region on 6 August 2024, officials said.\n\n"
         "Russia moved reserves from the Donbas front on 9 August 2024.")
KURSK_UPDATED = ("Ukraine launched an offensive into Russia's Kursk region on 6 August 2024, officials said.\n\n"
                 "Ukraine captured the town of Sudzha on 15 August 2024, the army said.")


def rss(title: str, link: str, text: str) -> str:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<item><title>Kursk offensive</title><link>{link}</link>"
            f"<pubDate>Wed, 07 Aug 2024 10:00:00 GMT</pubDate><description>{text}</description></item>"
            f"</channel></rss>")


def ingest_in_process(paths: list[Path], db: str):
    from click.testing import CliRunner

    from app.cli import main

    result = CliRunner().invoke(main, ["ingest", *map(str, paths), "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def test_same_article_under_two_names_and_from_two_feeds_is_stored_once(tmp_path):
    body = KURSK.replace("\n\n", "&lt;br&gt;&lt;br&gt;")
    (tmp_path / "wire.xml").write_text(rss("Wire", "https://n.example/kursk?utm_source=wire", body))
    (tmp_path / "digest.rss").write_text(rss("Digest", "https://n.example/kursk#comments", body))
    (tmp_path / "a.md").write_text(f"---\ntitle: Kursk\n---\n{KURSK}\n")
    (tmp_path / "copy-of-a.md").write_text(f"---\ntitle: Kursk (copy)\n---\n{KURSK}\n")
    db = tmp_path / "once.db"
    output = ingest_in_process([tmp_path], f"sqlite:///{db}")
    assert "read 4, stored 2 " in output and "unchanged 2" in output
    with connect(db) as conn:
        urls = sorted(str(u) for (u,) in conn.execute("SELECT url FROM document"))
    assert urls == ["None", "https://n.example/kursk"]
    assert problems(db) == []


def test_changed_article_replaces_its_old_version_and_events_and_permalinks_survive(tmp_path):
    from fastapi.testclient import TestClient

    from app.db import make_engine
    from app.web import create_app

    article = tmp_path / "kursk.md"
    front = "---\ntitle: Kursk\nurl: https://n.example/kursk\npublished: 2024-08-16\n---\n"
    db = tmp_path / "replace.db"
    article.write_text(front + KURSK)
    ingest_in_process([article], f"sqlite:///{db}")
    engine = make_engine(f"sqlite:///{db}")
    client = TestClient(create_app(engine))
    before = {e["date"]: e["slug"] for e in client.get("/api/events").json()["events"]}
    assert {"2024-08-06", "2024-08-09"} <= set(before)

    article.write_text(front + KURSK_UPDATED)
    output = ingest_in_process([article], f"sqlite:///{db}")
    assert "stored 1 (1 replacing an older version)" in output
    after = {e["date"]: e for e in client.get("/api/events").json()["events"]}
    assert "2024-08-09" not in after and "2024-08-15" in after  # the old version's events went with it
    with connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == 1
    assert problems(db) == []
    # The event both versions tell keeps its permalink (directly or by redirect).
    survivor = client.get(f"/events/{before['2024-08-06']}", follow_redirects=True)
    assert survivor.status_code == 200 and "Kursk" in survivor.text
    # The vanished event's permalink says so instead of failing.
    assert client.get(f"/events/{before['2024-08-09']}").status_code in (404, 410)
    engine.dispose()


def test_two_ingests_at_once_store_every_document_once(tmp_path):
    # Overlapping batches written at the same time (a cron job and a user, say):
    # writers queue on the busy timeout; none fails, nothing is stored twice.
    everything = write_articles(tmp_path / "all", 120, seed=8)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, chosen in ((first, everything[:80]), (second, everything[40:])):
        folder.mkdir()
        for path in chosen:
            (folder / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "shared.db"
    assert timeline("ingest", str(tmp_path / "nothing"), "--db", f"sqlite:///{db}").returncode == 1  # creates the db
    runs = [subprocess.Popen([*TIMELINE, "ingest", str(folder), "--db", f"sqlite:///{db}"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for folder in (first, second)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-2000:]
    documents, _ = content(db)
    FIGURES["two concurrent ingests of overlapping batches"] = (
        f"{len(documents)} of {len(everything)} documents stored, "
        f"{sum(documents.values()) - len(documents)} duplicated, failed lines: "
        f"{sum(err.count(': failed: ') for _, err in outputs)}")
    assert sum(documents.values()) == len(documents) == len(everything)
    assert problems(db) == []
