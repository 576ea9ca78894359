"""Facet counts and the time axis, cached per store version.

On a large store these aggregates cost far more than the page of events they frame
(at 1,000,000 events: about 0.5 s of facet counts and 0.3 s of axis against 10 ms of
events), and they only change when an ingest writes. Every write bumps
`store_version` in its own transaction, and a reader's session sees one snapshot,
so an aggregate cached under the version it read can never be stale for a reader
that reads the same version.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlmodel import Session

from . import models

T = TypeVar("T")

_SIZE = 1024
# Besides the entries, a bound on what they hold: an entry weighs 1 unless the
# caller says more (a search's ordered event ids weigh one per id, 8 bytes each).
_WEIGHT = 2_000_000
_cache: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
_weight = 0
_lock = threading.Lock()

# The server renders one view at a time in a process (app.web: several threads
# rendering at once handed the GIL back and forth at every SQLite call and served
# a third fewer requests). A thread holding the slot gives it up while it computes
# an aggregate, which is mostly SQLite's own work (0.5 s of facet counts at
# 1,000,000 events after a write), so that other views render meanwhile.
_slot = threading.local()


@contextmanager
def rendering(slot: threading.Semaphore) -> Iterator[None]:
    """Hold `slot` for the block; `cached_aggregate` lets it go while it computes.

    >>> slot = threading.Semaphore(1)
    >>> with rendering(slot):
    ...     slot.acquire(blocking=False)
    False
    """
    slot.acquire()
    _slot.held = slot
    try:
        yield
    finally:
        _slot.held = None
        slot.release()


def _compute(compute: Callable[[], T]) -> T:
    """`compute()`, without this thread's render slot (if it holds one)."""
    slot = getattr(_slot, "held", None)
    if slot is None:  # not rendering, or an aggregate computed within another
        return compute()
    _slot.held = None
    slot.release()
    try:
        return compute()
    finally:
        slot.acquire()
        _slot.held = slot


def store_version(session: Session) -> int:
    """The number of writes the store has seen, as this session's snapshot sees it.

    Read once per transaction (one snapshot; a page asks for several aggregates).
    """
    transaction, version = session.info.get("store_version", (None, 0))
    if transaction is None or transaction is not session.get_transaction():
        version = session.execute(models.STORE_VERSION).scalar() or 0
        session.info["store_version"] = (session.get_transaction(), version)
    return version


def cached_aggregate(session: Session, kind: str, args: Hashable, compute: Callable[[], T],
                     weight: Callable[[T], int] | None = None) -> T:
    """`compute()`, or its result from an earlier call with the same database, store
    version, kind and arguments (callers leave the page number out of a filter).
    `weight(value)` says how much a large value holds (default 1).

    >>> # cached_aggregate(session, "facets", replace(flt, page=1), lambda: facets(session, flt))
    """
    global _weight
    key = (str(session.get_bind().url), store_version(session), kind, args)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key][0]  # type: ignore[return-value]
    value = _compute(compute)
    units = max(1, weight(value)) if weight else 1
    with _lock:
        if key not in _cache:
            _cache[key] = (value, units)
            _weight += units
        while len(_cache) > _SIZE or _weight > _WEIGHT:
            _, (_, dropped) = _cache.popitem(last=False)
            _weight -= dropped
    return value
