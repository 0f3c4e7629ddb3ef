"""Security for an app that only ever talks to its own machine.

One pure-ASGI middleware, :class:`SecurityMiddleware`, wraps the whole app (the live page's
router included), so no route can forget a check:

- **Host allow-list** against DNS rebinding: ``Host`` must be ``127.0.0.1:<port>`` or
  ``localhost:<port>`` (400 otherwise).
- **Token** on every request: the printed link ``/?token=...`` sets the HttpOnly,
  SameSite=Strict cookie ``hipcoach_token_<port>`` (:func:`cookie_name`; cookies are not
  kept apart by port, so two servers must not share a name) and redirects to the same
  address without the
  token; any request without the cookie gets 401.
- **CSRF** on POST/PUT/PATCH/DELETE: an ``Origin`` (or ``Referer``) on the app's own origin
  and the header ``X-CSRF-Token`` equal to :attr:`WebConfig.csrf_token` (403 otherwise).
- **Upload cap**: a body declared larger than ``max_upload_bytes`` is refused with 413 before
  it is read (the upload route also counts the bytes it actually receives).
- **WebSocket**: Host, cookie and ``Origin`` are checked before the handshake is accepted;
  :func:`require_websocket_origin` is the same Origin check as a FastAPI dependency.
- **Headers** on every response: a strict Content-Security-Policy (:data:`CSP`; no inline
  script), nosniff, no referrer, same-origin opener, camera for this origin only.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection, Mapping
from html import escape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import WebSocket, WebSocketException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hipcoach.web.config import WebConfig

COOKIE_PREFIX = "hipcoach_token_"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; frame-src 'self'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
)
#: Pages and data are never stored by the browser; static files are revalidated (ETag).
NO_STORE = (b"cache-control", b"no-store")
REVALIDATE = (b"cache-control", b"no-cache")
LOGIN_FIX = "open the link that `hipcoach serve` printed in its terminal (it holds the token)"


def origin_allowed(origin: str | None, allowed_hosts: Collection[str]) -> bool:
    """True when ``origin`` (an ``Origin`` header, or a ``Referer`` URL) is this app's own:
    ``http://`` and a host:port from ``allowed_hosts``."""
    if not origin:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme == "http" and parts.netloc in allowed_hosts


async def require_websocket_origin(websocket: WebSocket) -> None:
    """FastAPI dependency for a WebSocket route: refuse (close code 1008) a handshake whose
    ``Origin`` is missing or not this app's own."""
    config: WebConfig = websocket.app.state.config
    if not origin_allowed(websocket.headers.get("origin"), config.allowed_hosts):
        raise WebSocketException(
            code=status.WS_1008_POLICY_VIOLATION, reason="WebSocket from another origin"
        )


def cookie_name(config: WebConfig) -> str:
    """The name of the token cookie of the server on ``config.port``."""
    return f"{COOKIE_PREFIX}{config.port}"


def token_matches(given: str | None, config: WebConfig) -> bool:
    """Constant-time comparison of a presented token with the server's."""
    return bool(given) and hmac.compare_digest(str(given).encode(), config.token.encode())


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie(headers: Mapping[str, str], name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed Cookie header is just no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def _page(title: str, message: str, fix: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><link rel='stylesheet' href='/static/css/app.css'>"
        f"</head><body><main class='page'><h1>{escape(title)}</h1>"
        f"<p class='error-message'>{escape(message)}</p><p>{escape(fix)}</p></main></body></html>"
    ).encode()


class SecurityMiddleware:
    """See the module docstring. ``config`` is the running server's :class:`WebConfig`."""

    def __init__(self, app: ASGIApp, config: WebConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        allowed = self.config.allowed_hosts
        if (
            headers.get("host") not in allowed
            or not token_matches(_cookie(headers, cookie_name(self.config)), self.config)
            or not origin_allowed(headers.get("origin"), allowed)
        ):
            await send({"type": "websocket.close", "code": status.WS_1008_POLICY_VIOLATION})
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        await self.app(scope, receive, self._with_headers(send, static=static))

    def _refusal(self, scope: Scope, headers: Mapping[str, str]) -> _Reply | None:
        """The response refusing this request, or None when it may go through."""
        config = self.config
        if headers.get("host") not in config.allowed_hosts:
            return _Reply.error(
                400,
                "Wrong address",
                "this app answers on 127.0.0.1 only",
                f"open {config.url}",
                scope,
            )
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query:
            if not token_matches(query["token"], config):
                return _Reply.error(
                    401,
                    "Wrong token",
                    "this link's token is not valid "
                    "(the server makes a new one each time it starts)",
                    LOGIN_FIX,
                    scope,
                )
            return _Reply.login(scope, query, config)
        if not token_matches(_cookie(headers, cookie_name(config)), config):
            return _Reply.error(
                401,
                "Open the link with the token",
                "this page needs the token from the link",
                LOGIN_FIX,
                scope,
            )
        if scope["method"] in UNSAFE_METHODS:
            return self._unsafe_refusal(scope, headers)
        return None

    def _unsafe_refusal(self, scope: Scope, headers: Mapping[str, str]) -> _Reply | None:
        config = self.config
        origin = headers.get("origin") or headers.get("referer")
        if not origin_allowed(origin, config.allowed_hosts):
            return _Reply.error(
                403,
                "Refused",
                "the request did not come from this app's own pages (Origin check)",
                "use the app's own buttons",
                scope,
            )
        given = headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(given.encode(), config.csrf_token.encode()):
            return _Reply.error(
                403,
                "Refused",
                "the request lacks this page's CSRF token",
                "reload the page and try again",
                scope,
            )
        length = headers.get("content-length", "0")
        if length.isdigit() and int(length) > config.max_upload_bytes:
            limit = f"{config.max_upload_bytes / 1e6:.0f} MB"
            return _Reply.error(
                413,
                "Too large",
                f"the upload is over {limit}",
                "trim the video or film a shorter clip",
                scope,
            )
        return None

    def _with_headers(self, send: Send, *, static: bool) -> Send:
        extra = (*SECURITY_HEADERS, REVALIDATE if static else NO_STORE)

        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        return sender


class _Reply:
    """A small ASGI response the middleware sends itself (before the app runs)."""

    def __init__(self, code: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.code, self.headers, self.body = code, headers, body

    @classmethod
    def error(cls, code: int, title: str, message: str, fix: str, scope: Scope) -> _Reply:
        """HTML for a page load, JSON ``{"error", "fix"}`` for anything else."""
        wants_html = scope["method"] == "GET" and "text/html" in _headers(scope).get("accept", "")
        if wants_html:
            return cls(
                code, [(b"content-type", b"text/html; charset=utf-8")], _page(title, message, fix)
            )
        body = json.dumps({"error": message, "fix": fix}).encode()
        return cls(code, [(b"content-type", b"application/json")], body)

    @classmethod
    def login(cls, scope: Scope, query: dict[str, str], config: WebConfig) -> _Reply:
        """Set the cookie and redirect to the same address without the token."""
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        path = scope.get("path", "/") or "/"
        if not path.startswith("/") or path.startswith("//"):
            path = "/"
        location = path + (f"?{rest}" if rest else "")
        cookie = f"{cookie_name(config)}={config.token}; Path=/; HttpOnly; SameSite=Strict"
        return cls(
            303,
            [
                (b"location", location.encode()),
                (b"set-cookie", cookie.encode()),
                (b"content-length", b"0"),
            ],
            b"",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        csp = (b"content-security-policy", CSP.encode())
        headers = [*self.headers, csp, *SECURITY_HEADERS, NO_STORE]
        if not any(k == b"content-length" for k, _ in headers):
            headers.append((b"content-length", str(len(self.body)).encode()))
        start: dict[str, Any] = {"type": "http.response.start", "status": self.code}
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
