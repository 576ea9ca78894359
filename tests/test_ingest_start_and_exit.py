"""What `timeline ingest` does at its start and at its exit, through the real command:
the store is complete and closed when the process has gone, however it started."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

try:  # tests/ may or may not be a package
    from .synthetic import write_articles
except ImportError:
    from synthetic import write_articles

TIMELINE = [sys.executable, "-c", "from app.cli import main; main()"]
ROOT = Path(__file__).resolve().parent.parent


def ingest(folder: Path, db: Path, workers: int) -> subprocess.CompletedProcess:
    return subprocess.run([*TIMELINE, "ingest", str(folder), "--db", f"sqlite:///{db}", "--workers", str(workers)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_a_folder_of_a_few_files_is_ingested_without_the_analysis_processes(tmp_path):
    # The fork server starts early for a folder with --workers 2, before the files are
    # counted; too few to need it, it is left unused, and the command ends as usual.
    write_articles(tmp_path / "articles", 3)
    db = tmp_path / "few.db"
    result = ingest(tmp_path / "articles", db, 2)
    assert result.returncode == 0, result.stderr
    assert "read 3, stored 3 " in result.stdout
    assert not Path(f"{db}-wal").exists()


def test_an_ingest_leaves_its_store_checkpointed_and_closed(tmp_path):
    # 40 articles: enough for the analysis processes (app.cli starts none for a handful).
    write_articles(tmp_path / "articles", 40)
    for workers in (2, 1):
        db = tmp_path / f"w{workers}.db"
        result = ingest(tmp_path / "articles", db, workers)
        assert result.returncode == 0, result.stderr
        assert "read 40, stored 40 " in result.stdout
        # The last connection closed before the process left: it moved the
        # write-ahead log into the database file, and removed the log.
        assert not Path(f"{db}-wal").exists()
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM document").fetchone() == (40,)
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


FORK_SERVER_OUTPUT = """
import os
from app.analysis_pool import start_fork_server

start_fork_server()
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read()
    except FileNotFoundError:  # a process that has ended meanwhile
        continue
    if parent == os.getpid() and b"multiprocessing" in command:
        print(os.readlink(f"/proc/{pid}/fd/1"))
"""


def test_the_fork_server_does_not_hold_the_commands_output_open():
    # A reader of `timeline ingest ... |` sees the end of the output when the command
    # ends, not when the fork server and the resource tracker have unloaded.
    result = subprocess.run([sys.executable, "-c", FORK_SERVER_OUTPUT], cwd=ROOT, capture_output=True, text=True, check=False,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/dev/null", "/dev/null"]  # the resource tracker and the fork server
