"""Whole responses are kept per store version: rendered once, revalidated by ETag,
never served past a write, and a fragment never stands in for its page."""
import asyncio

from click.testing import CliRunner
from fastapi.testclient import TestClient

from app import pages
from app.cli import main
from app.view_cache import SharedVersionRead, ViewCache
from app.web import create_app

ARTICLE = "---\ntitle: {title}\npublished: 2024-11-18\n---\n{body}\n"


def _ingest(folder, db_url, name, body):
    (folder / name).write_text(ARTICLE.format(title=name, body=body), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(folder / name), "--db", db_url])
    assert result.exit_code == 0, result.output


def _counting_timeline(monkeypatch) -> list:
    calls = []
    real = pages.timeline
    monkeypatch.setattr(pages, "timeline", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    return calls


def test_a_view_is_rendered_once_per_version_and_revalidates(tmp_path, db_url, engine, monkeypatch):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    client = TestClient(create_app(engine))
    calls = _counting_timeline(monkeypatch)
    first, second = client.get("/?q=ATACMS"), client.get("/?q=ATACMS")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and len(calls) == 1
    etag = first.headers["etag"]
    assert etag == second.headers["etag"] and etag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache" and "HX-Target" in first.headers["vary"]
    # the security headers are kept with the body
    assert second.headers["content-security-policy"] == first.headers["content-security-policy"]

    not_modified = client.get("/?q=ATACMS", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and len(calls) == 1

    client.get("/?q=Biden")  # another URL is another view
    assert len(calls) == 2


def test_a_write_is_seen_at_once(tmp_path, db_url, engine):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    client = TestClient(create_app(engine))
    before = client.get("/api/events")
    assert before.json()["total"] == 1
    _ingest(tmp_path, db_url, "b.md", "Vladimir Putin met Xi Jinping in Kazan on 22 October 2024.")
    after = client.get("/api/events", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.json()["total"] == 2
    assert after.headers["etag"] != before.headers["etag"]


def test_a_fragment_and_its_page_are_kept_apart(tmp_path, db_url, engine):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    client = TestClient(create_app(engine))
    page = client.get("/?q=ATACMS")
    fragment = client.get("/?q=ATACMS", headers={"HX-Request": "true", "HX-Target": "view"})
    again = client.get("/?q=ATACMS")
    assert "<html" in page.text and "<html" not in fragment.text
    assert again.content == page.content
    assert fragment.headers["etag"] != page.headers["etag"]
    assert fragment.headers["hx-push-url"] == "/?q=ATACMS"  # kept with the fragment


def test_a_permalink_names_the_host_it_was_asked_on(tmp_path, db_url, engine):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    client = TestClient(create_app(engine))
    slug = client.get("/api/events").json()["events"][0]["slug"]
    here = client.get(f"/events/{slug}", headers={"Host": "here.example"}).text
    there = client.get(f"/events/{slug}", headers={"Host": "there.example"}).text
    assert f"http://here.example/events/{slug}" in here and "there.example" not in here
    assert f"http://there.example/events/{slug}" in there


def test_errors_redirects_and_exports_are_not_kept(tmp_path, db_url, engine):
    _ingest(tmp_path, db_url, "a.md", "Joe Biden allowed Ukraine to fire ATACMS into Russia on 17 November 2024.")
    client = TestClient(create_app(engine))
    missing = client.get("/events/nothing-here")
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert "etag" not in client.get("/export/csv").headers


def _run(cache: ViewCache, path: str) -> tuple[int, bytes]:
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "scheme": "http", "path": path, "query_string": b"", "headers": []}
    asyncio.run(cache(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_kept_bytes_are_bounded_and_the_oldest_go_first():
    rendered = []

    async def view(scope, receive, send):
        rendered.append(scope["path"])
        body = scope["path"].encode() * 20  # 180 bytes
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    version = [1]
    cache = ViewCache(view, version=lambda: version[0], max_bytes=1600)  # 8 bodies of 180 bytes
    paths = [f"/events/{letter}" for letter in "abcdefghi"]
    for path in paths:
        _run(cache, path)
    assert cache.size == 8 * 180
    _run(cache, "/events/i")  # the newest is kept
    _run(cache, "/events/a")  # the oldest was dropped
    assert rendered == [*paths, "/events/a"]
    version[0] = 2  # a write: nothing kept before it is served
    status, body = _run(cache, "/events/i")
    assert status == 200 and body == b"/events/i" * 20 and rendered[-1] == "/events/i"
    assert cache.size == 180


def test_a_body_too_large_to_keep_is_served_and_not_kept():
    rendered = []

    async def view(scope, receive, send):
        rendered.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 300, "more_body": True})
        await send({"type": "http.response.body", "body": b"y" * 300})

    cache = ViewCache(view, version=lambda: 1, max_bytes=1600)  # bodies up to 200 bytes
    assert _run(cache, "/actors") == (200, b"x" * 300 + b"y" * 300)
    assert _run(cache, "/actors") == (200, b"x" * 300 + b"y" * 300)
    assert rendered == ["/actors", "/actors"] and cache.size == 0


def _asked_at_once(cache: ViewCache, path: str, times: int) -> list[tuple[int, bytes]]:
    async def ask():
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "scheme": "http", "path": path, "query_string": b"",
                 "headers": []}
        await cache(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    async def all_at_once():
        return await asyncio.gather(*(ask() for _ in range(times)))
    return asyncio.run(all_at_once())


def test_a_view_asked_by_many_at_once_is_rendered_once():
    rendered = []

    async def slow_view(scope, receive, send):
        rendered.append(scope["path"])
        await asyncio.sleep(0.05)  # the others arrive while this renders
        status = 404 if scope["path"] == "/events/gone" else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"view " + scope["path"].encode()})

    cache = ViewCache(slow_view, version=lambda: 1)
    assert _asked_at_once(cache, "/events/a", 5) == [(200, b"view /events/a")] * 5
    assert rendered == ["/events/a"]
    # a response that is not kept (here a 404) is rendered again for each who waited
    assert [status for status, _ in _asked_at_once(cache, "/events/gone", 3)] == [404] * 3
    assert rendered.count("/events/gone") == 3


def test_a_shared_version_read_sees_every_write_made_before_it_was_asked():
    """Off the event loop (PostgreSQL), one read answers all who asked while the read
    before it ran, and none of them is answered by a read that began before they asked."""
    import threading

    committed = [1]
    started = threading.Event()
    release = threading.Event()
    reads = []

    def read():
        reads.append(committed[0])
        started.set()
        release.wait(5)  # a slow round trip
        return reads[-1]

    shared = SharedVersionRead(read)

    async def scenario():
        first = asyncio.ensure_future(shared())
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        committed[0] = 2  # a write commits while the first read runs
        later = [asyncio.ensure_future(shared()) for _ in range(3)]
        await asyncio.sleep(0.01)
        release.set()
        return await first, await asyncio.gather(*later)

    first, later = asyncio.run(scenario())
    assert first == 1 and later == [2, 2, 2]
    assert reads == [1, 2]  # four requests, two reads


def test_a_failed_shared_read_reaches_its_waiters_and_the_next_read_runs():
    answers = iter([RuntimeError("server gone"), 7])

    def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    shared = SharedVersionRead(read)

    async def twice():
        failed = await asyncio.gather(shared(), return_exceptions=True)
        return failed, await shared()

    failed, then = asyncio.run(twice())
    assert isinstance(failed[0], RuntimeError) and then == 7


def test_a_view_cache_over_a_shared_read_keeps_views_per_version():
    version = [1]
    rendered = []

    async def view(scope, receive, send):
        rendered.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"v%d" % version[0]})

    cache = ViewCache(view, version=SharedVersionRead(lambda: version[0]))
    assert _asked_at_once(cache, "/actors", 1) == [(200, b"v1")]
    assert _asked_at_once(cache, "/actors", 1) == [(200, b"v1")] and len(rendered) == 1
    version[0] = 2
    assert _asked_at_once(cache, "/actors", 1) == [(200, b"v2")] and len(rendered) == 2


def test_docstring_examples_hold():
    import doctest

    from app import view_cache

    result = doctest.testmod(view_cache)
    assert result.attempted > 0 and result.failed == 0
