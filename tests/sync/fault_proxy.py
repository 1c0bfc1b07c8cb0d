"""A fault-injecting HTTP proxy in front of the moto server (moto itself never answers 503
SlowDown, drops a connection mid-body or ignores conditional headers; reliability-and-sync.md §3).

Rules match a method and a path regex and fire a number of times:

* ``slowdown``: answer ``503 SlowDown`` (the S3 XML error) instead of forwarding;
* ``drop``: forward, then send the headers and only half the body and close the socket;
* ``strip_conditional`` (a flag): remove If-Match / If-None-Match before forwarding, like a
  store or proxy that ignores them.

Every request is logged as (method, path) for assertions.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SLOWDOWN_XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                b"<Message>Please reduce your request rate.</Message></Error>")
_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te", "upgrade"}


@dataclass
class Rule:
    method: str
    path: re.Pattern[str]
    action: str
    times: int


class FaultProxy:
    """Loopback proxy to ``upstream`` (``http://127.0.0.1:PORT``); ``endpoint`` is its own URL."""

    def __init__(self, upstream: str) -> None:
        u = urlsplit(upstream)
        self.upstream_host, self.upstream_port = u.hostname, u.port
        self.rules: list[Rule] = []
        self.log: list[tuple[str, str]] = []
        self.fired: list[tuple[str, str, str]] = []
        self.strip_conditional = False
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = proxy._match(self.command, self.path)
                if action == "slowdown":
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOWDOWN_XML)))
                    self.end_headers()
                    self.wfile.write(SLOWDOWN_XML)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                if proxy.strip_conditional:
                    headers = {k: v for k, v in headers.items() if k.lower() not in {"if-match", "if-none-match"}}
                conn = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
                try:
                    conn.request(self.command, self.path, body=body if body or length else None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status, resp.reason)
                    for k, v in resp.getheaders():
                        if k.lower() not in _HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    if action == "drop":
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        with contextlib.suppress(OSError):
                            self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, method: str, path_regex: str, action: str, times: int = 1) -> None:
        """Fire ``action`` on the next ``times`` requests matching ``method`` and ``path_regex``."""
        with self._lock:
            self.rules.append(Rule(method, re.compile(path_regex), action, times))

    def _match(self, method: str, path: str) -> str | None:
        with self._lock:
            self.log.append((method, path))
            for r in self.rules:
                if r.times > 0 and r.method == method and r.path.search(path):
                    r.times -= 1
                    self.fired.append((method, path, r.action))
                    return r.action
        return None

    def count(self, method: str, path_regex: str = "") -> int:
        """Requests seen with ``method`` whose path matches ``path_regex``."""
        rx = re.compile(path_regex)
        with self._lock:
            return sum(1 for m, p in self.log if m == method and rx.search(p))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
