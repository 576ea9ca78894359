"""Whole responses of the read-only views, kept per store version, with ETags.

A view (a page, an htmx fragment, an API listing) is a function of its URL, the
headers htmx sends and the store's contents; every write bumps `store_version`.
So the bytes of a view rendered once serve every later request for it until the
next write: a link sent round a newsroom and opened by many is rendered once.
Under 64 connections rendering was the queue (a timeline page is 3 to 5 ms of
Jinja; a kept response is a dictionary look-up and one small query).

The version is read before the view renders, in its own transaction (on SQLite on
the event loop, elsewhere in a thread: `SharedVersionRead`); the view then reads a
snapshot at least that new. A response kept
under version v is therefore never older than v, and a request that reads v
never gets a response older than the one it would have rendered.

The ETag names the version and the request (weak: a write racing a render may
put a newer body under the older name), so a browser that revalidates gets a 304
without any rendering. `Vary` names the htmx headers: a fragment and the full page
of one URL are different responses.
"""
from __future__ import annotations

import asyncio
import hashlib
import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import models

# The request headers a view's bytes depend on besides its URL (`request.url_for`
# in a permalink reads the host; htmx picks the block to render).
VARIES = (b"host", b"hx-request", b"hx-target", b"hx-history-restore-request")
_VARY = b"HX-Request, HX-Target, HX-History-Restore-Request"
CACHED_PREFIXES = ("/events/", "/documents/", "/actors", "/weapons", "/api/events", "/api/actors", "/api/weapons")


def is_cached_path(path: str) -> bool:
    """Whether GETs of `path` are views kept per store version.

    >>> is_cached_path("/"), is_cached_path("/export/csv"), is_cached_path("/static/app.js")
    (True, False, False)
    """
    return path == "/" or path.startswith(CACHED_PREFIXES)


class StoreVersionReader:
    """Reads `store_version` through one DB-API connection of its own, on the event
    loop: one indexed row, about 10 us on SQLite, where a trip to the thread pool
    costs more than the read. Each read is its own transaction, so it sees the
    latest write."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sql = str(models.STORE_VERSION.compile(engine, compile_kwargs={"literal_binds": True}))
        self.connection = None

    def __call__(self) -> int:
        if self.connection is None:
            self.connection = self.engine.raw_connection()
        try:
            cursor = self.connection.cursor()
            cursor.execute(self.sql)
            row = cursor.fetchone()
            cursor.close()
            self.connection.rollback()  # end the read's transaction (a no-op on SQLite)
        except Exception:
            self.connection.invalidate()  # a broken connection is never reused
            self.connection = None
            raise
        return row[0] if row else 0


class SharedVersionRead:
    """`read` (a blocking version read) for coroutines: one read at a time, in a
    thread, and every request that arrives while one runs waits for the next, which
    starts after it arrived and so sees every write committed before it did.

    On PostgreSQL a read is a round trip to the server: on the event loop it held up
    every request behind it (kept responses at 32 connections a server: p99 up to
    352 ms); one round trip per request also kept PostgreSQL busy on the cores the
    servers render on. Shared, a read answers all who came while the last one ran.

    >>> reads = []
    >>> shared = SharedVersionRead(lambda: reads.append(1) or len(reads))
    >>> async def three_at_once():
    ...     return await asyncio.gather(shared(), shared(), shared())
    >>> asyncio.run(three_at_once()), len(reads)  # all three asked before the read began
    ([1, 1, 1], 1)
    """

    def __init__(self, read: Callable[[], int]) -> None:
        self.read = read
        self.waiting: asyncio.Future | None = None  # for the next read, not yet started
        self.reader: asyncio.Task | None = None

    async def __call__(self) -> int:
        loop = asyncio.get_running_loop()
        if self.waiting is None:
            self.waiting = loop.create_future()
        waiting = self.waiting
        if self.reader is None:
            self.reader = loop.create_task(self._read_while_waited())
        return await asyncio.shield(waiting)

    async def _read_while_waited(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting is not None:
                waiting, self.waiting = self.waiting, None
                try:
                    # One thread at a time uses the reader's connection.
                    waiting.set_result(await loop.run_in_executor(None, self.read))
                except Exception as exc:
                    waiting.set_exception(exc)
                    waiting.exception()  # retrieved here too: every waiter may have gone
        finally:
            self.reader = None


class ViewCache:
    """ASGI middleware keeping the 200 responses of `is_cached_path` GETs per store
    version, up to `max_bytes` of bodies (least recently used dropped first; a
    body above `max_bytes // 8` is not kept)."""

    def __init__(self, app: ASGIApp, version: Callable[[], int | Awaitable[int]], max_bytes: int = 64 * 2**20
                 ) -> None:
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, tuple[list, bytes]] = OrderedDict()  # key -> (headers, body) of a 200
        self.size = 0
        self.kept_version = None
        self.rendering: dict[tuple, asyncio.Future] = {}  # views being rendered, by version and key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_cached_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            version = self.version()
            if inspect.isawaitable(version):  # a read off the event loop (SharedVersionRead)
                version = await version
        except Exception:  # the view itself will report what is wrong with the database
            await self.app(scope, receive, send)
            return
        if version != self.kept_version:  # nothing kept for an older version is served again
            self.entries.clear()
            self.size = 0
            self.kept_version = version
        headers = dict(scope["headers"])
        key = (scope["scheme"], scope.get("root_path", ""), scope["path"], scope["query_string"],
               *(headers.get(name) for name in VARIES))
        etag = b'W/"%d-%s"' % (version, hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest().encode())
        validators = [(b"etag", etag), (b"vary", _VARY), (b"cache-control", b"no-cache")]
        if etag in _etags(headers.get(b"if-none-match", b"")):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return
        if key not in self.entries and (version, key) in self.rendering:
            # The same view asked again while it renders (a link opened by many right
            # after a write): wait for that rendering rather than repeat its work.
            await asyncio.shield(self.rendering[version, key])
        kept = self.entries.get(key)
        if kept is not None:
            self.entries.move_to_end(key)
            response_headers, body = kept
            await send({"type": "http.response.start", "status": 200, "headers": response_headers})
            await send({"type": "http.response.body", "body": body})
            return

        start: dict = {}
        chunks: list[bytes] | None = []
        collected = 0

        async def keep(message: Message) -> None:
            nonlocal chunks, collected
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    message["headers"] = [*message.get("headers", []), *validators]
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200 and chunks is not None:
                chunks.append(message.get("body", b""))
                collected += len(chunks[-1])
                if collected > self.max_bytes // 8:
                    chunks = None  # too large to keep: stop collecting it
                elif not message.get("more_body", False):
                    self._keep(key, version, start["headers"], b"".join(chunks))
            await send(message)

        done = self.rendering.setdefault((version, key), asyncio.get_running_loop().create_future())
        try:
            await self.app(scope, receive, keep)
        finally:
            if self.rendering.get((version, key)) is done:
                del self.rendering[version, key]
                done.set_result(None)  # the waiters find the body kept, or render it themselves

    def _keep(self, key: tuple, version: int, headers: list, body: bytes) -> None:
        if version != self.kept_version or key in self.entries:
            return
        self.entries[key] = (headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.size -= len(dropped)


def _etags(header: bytes) -> list[bytes]:
    """The entity tags of an If-None-Match header.

    >>> _etags(b'W/"1-ab", "x"')
    [b'W/"1-ab"', b'"x"']
    """
    return [tag.strip() for tag in header.split(b",") if tag.strip()]
