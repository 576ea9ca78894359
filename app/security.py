"""Security headers and clean 400s for the HTTP layer, wired by `secure(app)`.

The server is read-only and keeps no sessions or cookies; what it must prevent is
article text running as script in a reader's browser, and bad parameters turning
into server errors.

- Content-Security-Policy allows scripts only from this origin (`script-src 'self'`):
  no inline script, no eval, no third-party script, so a payload that slipped past
  escaping still could not run. `<style>` elements are refused too; style
  *attributes* are allowed (`style-src-attr`), because a layout may position
  elements with them and they cannot run script.
- Framing: event permalinks (`/events/...`) may be embedded by any site, because
  embedding a sourced event in an article is a use we want and a read-only page
  without a session offers nothing to click-jack. Every other page refuses
  framing (`frame-ancestors 'none'` and `X-Frame-Options: DENY`).
- The API documentation page (`/docs`, FastAPI's Swagger UI) is the one exception:
  it is generated from code, holds no article content, and needs its inline
  start-up script and the Swagger UI bundle from its CDN.
- Invalid query or path parameters answer 400 with a message naming the parameter
  (FastAPI would say 422); the OpenAPI schema says so too.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EMBEDDABLE_PREFIXES = ("/events/",)
API_DOCS_PATHS = ("/docs", "/redoc")
_SWAGGER_CDN = "https://cdn.jsdelivr.net"
_API_DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_SWAGGER_CDN}; style-src 'self' {_SWAGGER_CDN}; "
    "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)
_COMMON = {
    b"x-content-type-options": b"nosniff",
    # Links out to news sites carry our origin only, never the filtered view's URL.
    b"referrer-policy": b"strict-origin-when-cross-origin",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def security_headers(path: str) -> dict[bytes, bytes]:
    """The headers every response to `path` gets.

    >>> security_headers("/events/x")[b"content-security-policy"].endswith(b"frame-ancestors *")
    True
    """
    headers = dict(_COMMON)
    if path in API_DOCS_PATHS:
        headers[b"content-security-policy"] = _API_DOCS_POLICY.encode()
        headers[b"x-frame-options"] = b"DENY"
    elif path.startswith(EMBEDDABLE_PREFIXES):
        headers[b"content-security-policy"] = _POLICY.format(ancestors="*").encode()
    else:
        headers[b"content-security-policy"] = _POLICY.format(ancestors="'none'").encode()
        headers[b"x-frame-options"] = b"DENY"
    return headers


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in extra.items() if k not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
    return f"{where}: {error.get('msg', 'invalid value')}"


async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": "; ".join(_describe(e) for e in exc.errors())}, status_code=400)


def _schema_says_400(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = build()
            for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None:
                    responses["400"] = {
                        "description": "A parameter is invalid; `detail` says which and why",
                        "content": {"application/json": {"schema": {
                            "type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}}},
                    }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def secure(app: FastAPI) -> FastAPI:
    """Add the security headers and turn parameter errors into 400s on `app`."""
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, _bad_request)
    _schema_says_400(app)
    return app
