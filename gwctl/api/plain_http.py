"""A transport for plain http:// over the standard library's http.client.

httpx imports http.client anyway; httpcore and h11 (which httpx's own transport needs) cost about
as much again as starting Python, on every command against an http:// endpoint (Gatekeeper, the
sandbox, an on-premises dashboard). Errors are raised as the httpx exceptions httpx's transport
raises, so retries and messages do not change. HTTPS always goes through httpx's transport.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

_CHUNK = 65536


@contextmanager
def _as_httpx(timeout: type[Exception], failure: type[Exception], protocol: bool = False) -> Iterator[None]:
    """Socket errors of one step (connect, write, read) as the httpx exceptions its transport raises."""
    try:
        yield
    except socket.timeout as exc:
        raise timeout(str(exc) or "timed out") from exc
    except (http.client.HTTPException, ValueError) as exc:
        if not protocol:
            raise
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except OSError as exc:
        raise failure(str(exc) or type(exc).__name__) from exc


class _Body(httpx.SyncByteStream):
    def __init__(self, response: http.client.HTTPResponse, release) -> None:
        self._response = response
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        try:
            while True:
                chunk = self._response.read1(_CHUNK) if hasattr(self._response, "read1") else \
                    self._response.read(_CHUNK)
                if not chunk:
                    if self._response.length:  # read1 ends quietly where read would raise IncompleteRead
                        raise http.client.IncompleteRead(b"", self._response.length)
                    break
                yield chunk
        except socket.timeout as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out") from exc
        except http.client.IncompleteRead as exc:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body") from exc
        except (http.client.HTTPException, ValueError) as exc:
            raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc

    def close(self) -> None:
        self._release()


class PlainHTTPTransport(httpx.BaseTransport):
    """http:// only; keeps idle connections for reuse (thread-safe: a bulk command's workers share it)."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def _connection(self, host: str, port: int, timeout: dict) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get((host, port))
            if idle:
                return idle.pop(), True
        return http.client.HTTPConnection(host, port, timeout=timeout.get("connect")), False

    def _keep(self, key: tuple[str, int], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append(conn)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme != "http":
            raise httpx.UnsupportedProtocol(f"plain transport for http:// only, not {url.scheme}://")
        host, port = url.host, url.port or 80
        timeout = request.extensions.get("timeout", {})
        body = request.read()
        target = url.raw_path.decode("ascii")
        conn, reused = self._connection(host, port, timeout)
        try:
            response = self._send(conn, request, target, body, timeout)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            conn.close()
            # A kept connection the server closed meanwhile: nothing reached it, send again once.
            if not reused or not isinstance(exc.__cause__, (http.client.RemoteDisconnected, ConnectionResetError,
                                                            BrokenPipeError)):
                raise
            conn = http.client.HTTPConnection(host, port, timeout=timeout.get("connect"))
            response = self._send(conn, request, target, body, timeout)
        key = (host, port)

        def release() -> None:
            if response.will_close or not response.isclosed():
                conn.close()
            else:
                self._keep(key, conn)

        headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.getheaders()]
        return httpx.Response(
            response.status, headers=headers, stream=_Body(response, release),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode("latin-1")},
        )

    @staticmethod
    def _send(conn: http.client.HTTPConnection, request: httpx.Request, target: str, body: bytes,
              timeout: dict) -> http.client.HTTPResponse:
        with _as_httpx(httpx.ConnectTimeout, httpx.ConnectError):
            if conn.sock is None:
                conn.connect()
        with _as_httpx(httpx.WriteTimeout, httpx.WriteError):
            conn.sock.settimeout(timeout.get("write"))
            conn.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers.raw:
                if name.lower() == b"transfer-encoding":  # the body was read whole: send its length
                    name, value = b"Content-Length", str(len(body)).encode()
                conn.putheader(name.decode("latin-1"), value.decode("latin-1"))
            conn.endheaders(body or None)
        with _as_httpx(httpx.ReadTimeout, httpx.ReadError, protocol=True):
            conn.sock.settimeout(timeout.get("read"))
            return conn.getresponse()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()
