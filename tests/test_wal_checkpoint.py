"""WAL checkpoints beside the writer: its connections leave them to a thread, which
copies what was committed into the database file; afterwards connections checkpoint
themselves again."""
from __future__ import annotations

import sqlite3
import time

from sqlalchemy import text

from app.db import make_engine
from app import wal_checkpoint
from app.wal_checkpoint import checkpoints_beside


def autocheckpoint(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def test_writer_connections_leave_checkpoints_to_the_thread_which_copies_the_log(tmp_path):
    path = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
    # A reader holds the database open, so closing the writer's connections does not
    # checkpoint the log on its own.
    reader = sqlite3.connect(path)
    reader.execute("SELECT count(*) FROM sqlite_master").fetchall()
    try:
        with checkpoints_beside(engine, every=0.05):
            assert autocheckpoint(engine) == 0
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "a" * 1000}] * 2000)
            # The log holds the commit, and only a checkpoint copies it into the
            # database file: the writer's connections do not, the thread does.
            deadline = time.monotonic() + 10
            while path.stat().st_size < 2_000_000 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert path.stat().st_size >= 2_000_000
        assert autocheckpoint(engine) == 1000  # SQLite's default, once the block is left
        assert reader.execute("SELECT count(*) FROM t").fetchone() == (2000,)
    finally:
        reader.close()
        engine.dispose()


def test_the_thread_checkpoints_a_database_no_connection_has_put_in_wal_mode_yet(tmp_path):
    # As a migration leaves a new database: a table, a rollback journal, no log file, and
    # the engine's first connection (which sets WAL mode) still to come.
    path = tmp_path / "store.db"
    made = sqlite3.connect(path)
    made.execute("CREATE TABLE t (x TEXT)")
    made.commit()
    made.close()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with checkpoints_beside(engine, every=0.05):
            time.sleep(0.2)  # the thread has opened its connection
            with engine.connect() as connection:
                for _ in range(5):
                    connection.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "a" * 1000}] * 400)
                    connection.commit()
                # This connection stays open, so only a checkpoint copies the log into
                # the database file.
                deadline = time.monotonic() + 10
                while path.stat().st_size < 2_000_000 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert path.stat().st_size >= 2_000_000
    finally:
        engine.dispose()


def test_a_writer_that_never_pauses_still_has_its_log_started_again(tmp_path):
    # A writer that begins its next transaction as soon as it commits never finds the
    # log wholly copied by the thread: without the copy before a connection is lent,
    # the log would hold every transaction of the half second.
    path = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
    log = path.with_name("store.db-wal")
    written, largest = 0, 0
    try:
        with checkpoints_beside(engine, every=0.05, restart_every=0.1):
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                with engine.begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "a" * 1000}] * 50)
                written += 50_000
                largest = max(largest, log.stat().st_size)
    finally:
        engine.dispose()
    assert written > 2_000_000  # else the machine is too slow for the test to mean anything
    assert largest < written / 2


def test_a_reader_holding_an_old_snapshot_costs_the_writer_a_few_copies_not_one_a_transaction(tmp_path, monkeypatch):
    path = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
        connection.execute(text("INSERT INTO t VALUES ('a')"))
    checkpoints = []

    class Counted:
        def __init__(self, connection):
            self.connection = connection

        def execute(self, sql, *args):
            if "wal_checkpoint" in sql:
                checkpoints.append(sql)
            return self.connection.execute(sql, *args)

        def close(self):
            self.connection.close()

    made = wal_checkpoint._wal_connection
    monkeypatch.setattr(wal_checkpoint, "_wal_connection", lambda p: Counted(made(p)))
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchall()  # a snapshot the log cannot restart past
    transactions = 0
    try:
        with checkpoints_beside(engine, every=0.05, restart_every=0.1):
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline:
                with engine.begin() as connection:
                    connection.execute(text("INSERT INTO t VALUES ('b')"))
                transactions += 1
    finally:
        reader.close()
        engine.dispose()
    assert transactions > 200
    # The thread's 10 or so, and at most 4 copies in each of the 5 periods of 0.1 s.
    assert len(checkpoints) <= 10 + 2 + 4 * 5


def test_engines_other_than_a_sqlite_file_are_left_as_they_are():
    engine = make_engine("sqlite://")
    with checkpoints_beside(engine):
        assert autocheckpoint(engine) == 1000
