"""Sending one HTTP request: cancellable from another thread, httpx failures as provider errors.

How a cancel interrupts a request in flight: the request runs on a short-lived daemon
thread while the calling (worker) thread waits on it, checking the CancelToken every
``poll_s`` (20 ms). On cancel the caller raises GenerationCancelledError at once and
abandons the request thread; that thread ends on its own when the answer arrives or the
httpx timeout fires, and any response it got is closed. We do not close the shared
httpx client from the cancelling thread: closing a socket another thread is blocked on
does not reliably wake it on Linux, and it would break other requests on the client.
Short read timeouts in a loop are no option either, since httpx cannot resume a request
after a timeout. The service may still finish (and bill) an abandoned request.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import ssl
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from .base import CancelToken
from .errors import GenerationCancelledError, GenerationError, GenerationTimeoutError, one_line
from .retry import RETRYABLE_STATUS

T = TypeVar("T")

POLL_S = 0.02
"""How often a waiting caller looks at its CancelToken, in s."""


def call_cancellable(fn: Callable[[], T], *, cancel: CancelToken | None,
                     cleanup: Callable[[T], None] | None = None, poll_s: float = POLL_S) -> T:
    """Run ``fn()`` so that ``cancel`` can interrupt the wait for it.

    With no token, ``fn`` runs on the calling thread. Otherwise it runs on a daemon
    thread; on cancel the caller stops waiting and ``cleanup(result)`` is applied to
    whatever ``fn`` returns later (e.g. closing a streamed response).

    Raises:
        GenerationCancelledError: cancelled before or while waiting.
        whatever ``fn`` raised.
    """
    if cancel is None:
        return fn()
    cancel.raise_if_cancelled()
    done = threading.Event()
    lock = threading.Lock()
    state: dict[str, bool] = {"abandoned": False, "finished": False}
    values: list[T] = []  # fn's result, once it returned
    errors: list[BaseException] = []  # what fn raised, handed to the caller below

    def runner() -> None:
        try:
            values.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, re-raised there
            errors.append(exc)
        finally:
            with lock:
                state["finished"] = True
                late = state["abandoned"]
            done.set()
            if late:
                _cleanup(values, cleanup)

    threading.Thread(target=runner, name="studio-http-request", daemon=True).start()
    while not done.wait(poll_s):
        if cancel.cancelled:
            with lock:
                state["abandoned"] = True
                finished = state["finished"]
            if finished:
                _cleanup(values, cleanup)
            raise GenerationCancelledError("Cancelled.")
    if cancel.cancelled:
        _cleanup(values, cleanup)
        raise GenerationCancelledError("Cancelled.")
    if errors:
        raise errors[0]
    return values[0]


def _cleanup(values: list[T], cleanup: Callable[[T], None] | None) -> None:
    if cleanup is not None and values:
        with contextlib.suppress(Exception):  # best effort on an abandoned request
            cleanup(values[0])


def transport_error(exc: httpx.HTTPError, service: str) -> GenerationError:
    """A streamer-readable error for an httpx failure that got no HTTP answer.

    Connect and read timeouts are retryable GenerationTimeoutErrors; a refused or
    broken connection is a plain GenerationError (not retried). The message names the
    service and host but never the URL's query or headers (no key can leak).
    """
    host = ""
    with contextlib.suppress(RuntimeError):  # no request attached
        host = exc.request.url.host
    where = f" at {host}" if host else ""
    if isinstance(exc, httpx.ConnectTimeout):
        return GenerationTimeoutError(f"{service}{where} did not accept the connection in time. "
                                      "Check your internet connection.")
    if isinstance(exc, httpx.TimeoutException):
        return GenerationTimeoutError(f"{service}{where} did not answer in time.")
    if isinstance(exc, httpx.ConnectError):
        reason = one_line(str(exc), 120) or "connection refused"
        return GenerationError(f"Could not connect to {service}{where} ({reason}). "
                               "Check the address and your internet connection.")
    reason = type(exc).__name__
    return GenerationError(f"The connection to {service}{where} broke off ({reason}).")


def send_request(client: httpx.Client, request: httpx.Request, *, service: str,
                 cancel: CancelToken | None, stream: bool = False) -> httpx.Response:
    """Send ``request`` on ``client``, cancellably; for ``stream=False`` the body is read too.

    Returns:
        the response, whatever its status (the caller maps error statuses); with
        ``stream=True`` the caller must close it.
    Raises:
        GenerationCancelledError, GenerationTimeoutError, GenerationError (see transport_error).
    """
    def do() -> httpx.Response:
        try:
            return client.send(request, stream=stream)
        except httpx.HTTPError as exc:
            raise transport_error(exc, service) from None

    return call_cancellable(do, cancel=cancel, cleanup=lambda r: r.close())


_SSL_CONTEXT: ssl.SSLContext | None = None
_SSL_LOCK = threading.Lock()


def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context (certifi's CA bundle, as httpx uses by default) for every client.

    Loading the CA bundle costs about 25 ms of CPU; each generation job builds its own
    provider and client, so sharing the context keeps that off every job. SSLContext is
    safe to share between clients and threads.
    """
    global _SSL_CONTEXT
    with _SSL_LOCK:
        if _SSL_CONTEXT is None:
            import certifi

            _SSL_CONTEXT = ssl.create_default_context(cafile=certifi.where())
        return _SSL_CONTEXT


def make_client(base_url: str, *, read_timeout_s: float, connect_timeout_s: float = 10.0,
                headers: dict[str, str] | None = None,
                transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An httpx client for one service: no redirects, per-read timeout ``read_timeout_s`` (s),
    TLS verified with the shared context."""
    timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
    return httpx.Client(base_url=base_url, timeout=timeout, headers=headers or {},
                        transport=transport, follow_redirects=False, verify=shared_ssl_context())


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    """True for an HTML page (a proxy or load balancer error page instead of JSON)."""
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head


def html_title(text: str) -> str:
    """The ``<title>`` of an HTML page as one line, or ''."""
    match = _TITLE.search(text)
    return one_line(html.unescape(match.group(1)), 120) if match else ""


def status_error(service: str, status: int, detail: str = "", *,
                 retry_after: float | None = None) -> GenerationError:
    """The error for an HTTP status no service-specific rule caught.

    408/500/502/503/504 are retryable; everything else is not. ``detail`` is the
    service's own words (already one line and redacted), quoted when present.
    """
    said = f": {detail}" if detail else ""
    if status == 503:
        text = f"{service} is overloaded right now (HTTP 503{said}). Try again in a minute."
    elif status == 500:
        text = f"{service} had an internal error (HTTP 500{said})."
    elif status in (502, 504):
        text = f"{service} or a gateway on the way did not answer properly (HTTP {status}{said})."
    elif status == 408:
        text = f"{service} timed out waiting for the request (HTTP 408{said})."
    elif status == 404:
        text = f"{service} did not find what was asked for (HTTP 404{said})."
    else:
        text = f"{service} refused the request (HTTP {status}{said})."
    err = GenerationError(text, retryable=status in RETRYABLE_STATUS, status_code=status)
    err.retry_after = retry_after if status in RETRYABLE_STATUS else None
    return err


def unwrapped_object(data: object) -> dict[str, Any] | None:
    """Decoded JSON ``data`` as an object: itself when it is one, the first item of a ``[{...}]``
    wrapper (Gemini answers in that form on some routes), else None."""
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    return data if isinstance(data, dict) else None


def json_object(raw: str | bytes, *, unreadable: str, wrong_shape: str) -> dict[str, Any]:
    """The JSON object in ``raw`` (see unwrapped_object).

    Raises:
        GenerationError: ``unreadable`` when ``raw`` is not JSON; ``wrong_shape`` when it is
            JSON but not an object.
    """
    try:
        data = json.loads(raw)
    except ValueError:
        raise GenerationError(unreadable) from None
    body = unwrapped_object(data)
    if body is None:
        raise GenerationError(wrong_shape)
    return body
