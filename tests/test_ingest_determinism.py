"""An ingest stores the same events however its work is spread: the analysis processes
read the word index in snapshots of their own that the writer completes
(app.word_index), so their timing must not show in what is stored. Through the real
command, on a generated corpus whose look-alike documents join events stored moments
before."""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_corpus import write_corpus  # noqa: E402

TIMELINE = [sys.executable, "-c", "from app.cli import main; main()"]


def events_fingerprint(db: Path) -> tuple[int, str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT e.slug, e.title, e.date_start, e.date_end, e.corroboration, e.disputed, e.reported, "
            "(SELECT group_concat(s.document_id || ':' || s.sentence_start, ',') FROM "
            " (SELECT document_id, sentence_start FROM event_source WHERE event_id = e.id "
            "  ORDER BY document_id, sentence_start) s) "
            "FROM event e ORDER BY e.slug").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_corpus_gives_the_same_events_with_one_process_or_several(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 400)
    found = []
    for run, workers in enumerate((2, 2, 1)):
        db = tmp_path / f"run{run}.db"
        result = subprocess.run([*TIMELINE, "ingest", str(corpus), "--db", f"sqlite:///{db}",
                                 "--workers", str(workers)],
                                cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr
        assert "stored 400 " in result.stdout
        found.append(events_fingerprint(db))
    events, _ = found[0]
    assert events > 1000
    # Events told by several documents: the merge had work to do.
    with sqlite3.connect(tmp_path / "run0.db") as connection:
        assert connection.execute("SELECT count(*) FROM event WHERE corroboration > 1").fetchone()[0] > 50
    assert found[0] == found[1] == found[2]
