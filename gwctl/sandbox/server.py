"""Serve an emulator on a 127.0.0.1 port from a background thread.

werkzeug's server closes the connection after every response; the fault
injection relies on that (a cut-off body ends with the connection closing).
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Any, Callable

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """Drops the access log line; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class RunningServer:
    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        # A short poll interval keeps stop() fast; tests start and stop many servers.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"sandbox-{server.port}", daemon=True
        )
        self._thread.start()

    @property
    def app(self) -> Callable:
        return self._server.app

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self.port}"

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def serve(app: Callable, host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = False) -> RunningServer:
    """Start ``app`` on ``host:port`` (port 0 picks a free one) in a daemon thread."""
    try:
        loopback = ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the sandbox only listens on a 127.x.x.x address, not {host!r}")
    handler = WSGIRequestHandler if log_requests else _QuietHandler
    return RunningServer(make_server(host, port, app, threaded=True, request_handler=handler))
