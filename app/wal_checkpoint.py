"""WAL checkpoints beside a writer instead of inside its commits.

SQLite in WAL mode appends each commit to the write-ahead log; by default the
connection that commits past 1,000 pages of log copies the log into the database
file and waits for the disk (a checkpoint). For an ingest that is the writer, the one
serial process: a fifth of its time at 10,000 documents. While `checkpoints_beside`
is open, the engine's connections leave checkpoints to a thread with a connection of
its own, which copies what the writer committed every `every` seconds, without
blocking it or any reader (a PASSIVE checkpoint). Nothing is less durable: committed
transactions are in the log either way, and SQLite replays the log on the next open
should the process die.

A log is written again from its start only by a transaction that begins when every
frame of it has been copied; a writer that begins its next transaction as soon as it
commits never finds it so, and the log would grow by the whole ingest (10.8 GB at
75,000 documents of the generated corpus). So every `restart_every` seconds, before the
engine lends a connection (which then begins a transaction), what the thread has not
copied yet (at most `every` seconds of log) is copied first, until the log has started
again.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

CHECKPOINT_EVERY = 0.5  # seconds
RESTART_EVERY = 10.0  # seconds


def _leave_checkpoints(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


@contextmanager
def checkpoints_beside(engine: Engine, every: float = CHECKPOINT_EVERY, restart_every: float = RESTART_EVERY
                       ) -> Iterator[None]:
    """Within the block, `engine`'s SQLite connections do not checkpoint; a thread does.

    Other engines, and SQLite in memory, are left as they are. After the block, the
    engine opens connections that checkpoint themselves again.

    >>> from app.db import make_engine
    >>> with checkpoints_beside(make_engine("sqlite://")):
    ...     pass
    """
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    event.listen(engine, "connect", _leave_checkpoints)
    restarts = _LogRestarts(path, restart_every)
    event.listen(engine, "checkout", restarts.before_checkout)
    engine.dispose()  # pooled connections opened before would go on checkpointing
    # An engine connection puts a new database in WAL mode (app.db) before the thread's
    # connection reads it. (The thread setting the mode itself raced the engine's first
    # connection doing the same: "database is locked", once in 100 new databases.)
    with engine.connect():
        pass
    stop = threading.Event()
    thread = threading.Thread(target=_checkpoint_until, args=(path, stop, every), name="wal-checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        event.remove(engine, "connect", _leave_checkpoints)
        event.remove(engine, "checkout", restarts.before_checkout)
        restarts.close()
        engine.dispose()


class _LogRestarts:
    """Every `every` seconds, copies the rest of the log before each connection lent,
    up to `tries` copies, until the log has started again (its header's checkpoint
    number changes). A copy does not start it again while a reader still reads an older
    snapshot, as one often does that began while it copied; a reader that holds one for
    long (a server's page) costs a few tries, not a copy before every transaction."""

    def __init__(self, path: str, every: float, tries: int = 4) -> None:
        self.path, self.every, self.tries = path, every, tries
        self.last = time.monotonic()
        self.started: bytes | None = None  # the checkpoint number when the copies began
        self.tried = 0
        self.connection: sqlite3.Connection | None = None

    def before_checkout(self, _dbapi_connection, _record, _proxy) -> None:
        if time.monotonic() - self.last < self.every:
            return
        number = _checkpoint_number(self.path)
        if self.started is None:
            self.started, self.tried = number, 0
        elif number != self.started or self.tried >= self.tries:
            self.last, self.started = time.monotonic(), None
            return
        # A connection of its own, opened once, as the thread's.
        if self.connection is None:
            self.connection = _wal_connection(self.path)
        if _copy_log(self.connection):  # else the thread was copying: not a try
            self.tried += 1

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _copy_log(connection: sqlite3.Connection) -> bool:
    """A PASSIVE checkpoint; False if another checkpoint was running. (sqlite3 lets go of
    the GIL while it copies and syncs.)"""
    try:
        return not connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0]
    except sqlite3.OperationalError:
        return False


def _checkpoint_number(path: str) -> bytes:
    """The checkpoint sequence number in the log's header (bytes 12-15), which SQLite
    changes each time the log starts again."""
    try:
        with open(path + "-wal", "rb") as log:
            return log.read(16)[12:]
    except OSError:
        return b""


def _wal_connection(path: str) -> sqlite3.Connection:
    """A connection for checkpoints, to a database an engine connection has put in WAL
    mode. It reads a page at once: a connection learns the database's mode from the
    first page it reads, and `wal_checkpoint` reads none, so one that never read would
    answer every checkpoint with "not in WAL mode" (-1 frames)."""
    connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
    connection.execute("SELECT count(*) FROM sqlite_master").fetchall()
    return connection


def _checkpoint_until(path: str, stop: threading.Event, every: float) -> None:
    connection = _wal_connection(path)
    try:
        while not stop.wait(every):
            # If another checkpoint runs (the writer's, a second writer's), the next turn catches up.
            _copy_log(connection)
    finally:
        connection.close()
