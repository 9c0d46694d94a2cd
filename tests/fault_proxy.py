"""A fault-injecting HTTP proxy on 127.0.0.1 for the fault matrix.

It forwards every request to an upstream (a sandbox emulator on loopback) unchanged, except
those matching its rule (method + fnmatch path pattern): for these it injects the fault. Faults
that a real network or proxy produces after the server did its work (5xx, a hang, a reset or
cut-off body, a garbled 200) forward first, so a create really happened upstream; a 429 is
answered without forwarding, as a throttling proxy would. The proxy counts the matching requests
it saw (``attempts``) and those it forwarded (``forwarded``).
"""

from __future__ import annotations

import fnmatch
import http.client
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
             b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
LOGIN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title><script>var x = 1 < 2;</script></head>\n"
              b"<body><form method=post><input name=user></form></body></html>\n")
MALFORMED = b'{"id": "x1", "name": '
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "content-length"}

# The faults of the matrix (see _Handler._handle for what each one sends); "none" only counts.
FAULTS = ("500", "502-html", "503-retry-after", "504", "429", "hang", "reset", "malformed-json", "html-200",
          "truncated", "empty-200")


@dataclass
class Rule:
    method: str
    path: str  # fnmatch pattern on the path (no query)
    fault: str
    times: int | None = None  # None: every matching request
    rate_limit_headers: dict[str, str] = field(default_factory=dict)  # for "429"; values may hold {now+N}
    hang_seconds: float = 5.0


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.rule: Rule | None = None
        self.attempts = 0
        self.forwarded = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def inject(self, rule: Rule) -> None:
        with self.lock:
            self.rule, self.attempts, self.forwarded = rule, 0, 0

    def take(self, method: str, path: str) -> Rule | None:
        with self.lock:
            rule = self.rule
            if rule is None or rule.method != method or not fnmatch.fnmatchcase(path, rule.path):
                return None
            self.attempts += 1
            if rule.times is not None and self.attempts > rule.times:
                return None
            return rule

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.0"  # one request per connection: a fault never leaks into the next

    def log_message(self, format: str, *args) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        rule = self.owner.take(self.command, path)
        if rule is not None and rule.fault == "429":
            headers = {k: _future(v) if v.startswith("{now") else v for k, v in rule.rate_limit_headers.items()}
            self._send(429, b'{"message": "Too Many Requests"}', {"Content-Type": "application/json", **headers})
            return
        status, reason, headers, data = self._forward(body)
        if rule is not None:
            with self.owner.lock:
                self.owner.forwarded += 1
        fault = rule.fault if rule is not None else None
        if fault in (None, "none"):  # "none": only count the matching requests
            self._send(status, data, headers, reason)
        elif fault == "500":
            self._send(500, b'{"message": "internal server error"}', {"Content-Type": "application/json"})
        elif fault == "502-html":
            self._send(502, HTML_PAGE, {"Content-Type": "text/html"})
        elif fault == "503-retry-after":
            self._send(503, b"Service Unavailable\n", {"Content-Type": "text/plain", "Retry-After": "2"})
        elif fault == "504":
            self._send(504, b"", {})
        elif fault == "hang":
            self._hang(rule.hang_seconds)
        elif fault == "reset":
            self._partial(status, reason, headers, data, reset=True)
        elif fault == "truncated":
            self._partial(status, reason, headers, data, reset=False)
        elif fault == "malformed-json":
            self._send(200, MALFORMED, {"Content-Type": "application/json"})
        elif fault == "html-200":
            self._send(200, LOGIN_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        elif fault == "empty-200":
            self._send(200, b"", {"Content-Type": "application/json"})
        else:  # pragma: no cover - a typo in the table
            raise AssertionError(fault)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.owner.upstream_host, self.owner.upstream_port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, response.reason, kept, data
        finally:
            conn.close()

    def _send(self, status: int, data: bytes, headers: dict[str, str] | list[tuple[str, str]],
              reason: str | None = None) -> None:
        self.send_response(status, reason)
        items = headers.items() if isinstance(headers, dict) else headers
        for name, value in items:
            if name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _partial(self, status: int, reason: str, headers: list[tuple[str, str]], data: bytes, *, reset: bool) -> None:
        """Promise the whole body, send half of it, then close (cleanly, or with a TCP reset)."""
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(max(len(data), 2)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] or b"{")
        self.wfile.flush()
        if reset:  # linger 0 + close (no shutdown first): the peer gets a RST, not a FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        self.close_connection = True

    def _hang(self, seconds: float) -> None:
        """Say nothing until the client gives up (closes) or ``seconds`` pass."""
        deadline = time.monotonic() + seconds
        sock = self.connection
        while time.monotonic() < deadline and not self.owner.stopping.is_set():
            ready, _, _ = select.select([sock], [], [], 0.05)
            if ready:
                try:
                    if not sock.recv(1, socket.MSG_PEEK):
                        break  # the client closed the connection
                except OSError:
                    break
        self.close_connection = True


def _future(template: str) -> str:
    """``{now+3}`` -> the Unix time 3 s from now (OPA's X-RateLimit-Retry-At)."""
    inner = template.strip("{}")
    offset = int(inner.split("+", 1)[1]) if "+" in inner else 0
    return str(int(time.time()) + offset)
