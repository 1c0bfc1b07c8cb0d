"""A scriptable HTTP server on 127.0.0.1 (free port, own thread) for provider tests.

Each test server (Gemini, OpenAI) subclasses LoopbackHandler and speaks its wire
format. Tests script faults with ``server.script(Fault(...), ...)``: each request takes
the next fault whose ``route`` matches its path; with no fault left it gets the normal
answer. Every request is recorded in ``server.requests``; every request the server
rejected as invalid (a 400 the real service would give) in ``server.rejections``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Fault:
    """One scripted deviation from the normal answer.

    Attributes:
        status, body, headers, content_type: when ``body`` is not None this raw answer
            is sent instead of the normal one (dict/list bodies are sent as JSON).
        delay_s: wait before answering (s); interrupted when the server stops.
        route: the fault applies only to request paths containing this text.
        sse_newline: line separator for a streamed answer ("\\n" or "\\r\\n").
        first_event_delay_s: wait after the stream headers, before the first event (s).
        error_after_events: send ``data: {"error": stream_error}`` after this many events.
        stream_error: the error object for that event.
        cut_after_events: close the stream after this many events, with no end marker.
        reply: a 200 JSON answer replacing the normal one (normal answers are still
            validated first, so the request must be valid).
        reply_text: a streamed chat answer's text instead of the "Echo: ..." default.
        event_delay_s: wait between two stream events (s), e.g. to pace tokens.
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"
    delay_s: float = 0.0
    route: str | None = None
    sse_newline: str | None = None
    first_event_delay_s: float = 0.0
    error_after_events: int | None = None
    stream_error: dict[str, Any] | None = None
    cut_after_events: int | None = None
    reply: Any = None
    reply_text: str | None = None
    event_delay_s: float = 0.0


@dataclass
class RecordedRequest:
    """What the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class LoopbackServer:
    """Owns the ThreadingHTTPServer, the fault script and the request log."""

    def __init__(self, handler: type[LoopbackHandler]) -> None:
        self.faults: deque[Fault] = deque()
        self.requests: list[RecordedRequest] = []
        self.rejections: list[str] = []
        self.sent_events: list[tuple[float, str]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{handler.__name__}-server", daemon=True)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        """Serve in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; slow handlers wake up and finish."""
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *faults: Fault) -> None:
        """Queue faults for the next matching requests."""
        with self._lock:
            self.faults.extend(faults)

    def reset(self) -> None:
        """Forget faults, requests and rejections."""
        with self._lock:
            self.faults.clear()
            self.requests.clear()
            self.rejections.clear()
            self.sent_events.clear()

    def next_fault(self, path: str) -> Fault | None:
        """Take the first queued fault that applies to ``path``."""
        with self._lock:
            for i, fault in enumerate(self.faults):
                if fault.route is None or fault.route in path:
                    del self.faults[i]
                    return fault
        return None

    def record(self, request: RecordedRequest) -> None:
        """Log a received request."""
        with self._lock:
            self.requests.append(request)

    def calls(self, route: str) -> list[RecordedRequest]:
        """Recorded requests whose path contains ``route``."""
        with self._lock:
            return [r for r in self.requests if route in r.path]

    def record_event(self, data: str) -> None:
        """Log a stream event the moment it was written (``time.perf_counter()``, data)."""
        stamp = time.perf_counter()
        with self._lock:
            self.sent_events.append((stamp, data))

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` unless the server is stopping."""
        self.stopping.wait(seconds)


class LoopbackHandler(BaseHTTPRequestHandler):
    """Request plumbing shared by the test servers (HTTP/1.0: one request per connection)."""

    server_version = "LoopbackTestServer/1.0"

    @property
    def owner(self) -> LoopbackServer:
        return self.server.owner  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    def read_request(self) -> RecordedRequest:
        """Read and record the request."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        rec = RecordedRequest(self.command, split.path, parse_qs(split.query),
                              {k.lower(): v for k, v in self.headers.items()}, body)
        self.owner.record(rec)
        return rec

    def send_raw(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        """Send a complete answer."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (cancel/timeout tests)

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        """Send ``obj`` as JSON."""
        self.send_raw(status, json.dumps(obj).encode("utf-8"), "application/json; charset=UTF-8", headers)

    def _auth(self, rec: RecordedRequest) -> bool:
        """Whether ``rec`` may be answered; a server that checks keys sends the refusal and says False."""
        return True

    def admit(self, rec: RecordedRequest) -> tuple[bool, Fault | None]:
        """The checks every route makes first: the key (``_auth``), then the next scripted fault for
        the path (``apply_fault``). Returns (answered, fault): ``answered`` is True when a refusal or
        the fault's raw answer was already sent; otherwise ``fault`` (or None) shapes the normal answer."""
        if not self._auth(rec):
            return True, None
        fault = self.owner.next_fault(rec.path)
        return self.apply_fault(fault), fault

    def apply_fault(self, fault: Fault | None) -> bool:
        """Delay, and send the fault's raw answer if it has one; True when answered."""
        if fault is None:
            return False
        if fault.delay_s:
            self.owner.sleep(fault.delay_s)
        if fault.body is None:
            return False
        body = fault.body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = bytes(body)
        self.send_raw(fault.status, data, fault.content_type, fault.headers)
        return True

    def start_sse(self) -> None:
        """Send the headers of an event stream (body ends when the connection closes)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def send_event(self, data: str, newline: str) -> bool:
        """Send one ``data:`` event; False when the client has gone."""
        try:
            self.wfile.write(f"data: {data}{newline}{newline}".encode())
            self.wfile.flush()
            self.owner.record_event(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def stream_events(self, payloads: list[str], newline: str, fault: Fault | None) -> bool:
        """Start an event stream and send ``payloads`` as ``data:`` events under the fault's
        stream script (a delay before the first event and between events, an ``error`` event
        after N events, a cut after N events). True when every event went out."""
        self.start_sse()
        if fault and fault.first_event_delay_s:
            self.owner.sleep(fault.first_event_delay_s)
        for i, data in enumerate(payloads):
            if i and fault and fault.event_delay_s:
                self.owner.sleep(fault.event_delay_s)
            if fault and fault.error_after_events is not None and i == fault.error_after_events:
                self.send_event(json.dumps({"error": fault.stream_error or {}}), newline)
                return False
            if fault and fault.cut_after_events is not None and i == fault.cut_after_events:
                return False
            if not self.send_event(data, newline):
                return False
        return True
