"""The emulator framework: routing, locking, request log, fault injection, stores and JSON bodies.

An emulator is a stateful WSGI app. A subclass sets ``product`` (and
``base_path`` if the vendor mounts its API under a prefix), marks handler
methods with ``@route`` and answers ``error()`` in the vendor's error shape::

    class AcmeEmulator(Emulator):
        product = "acme"
        base_path = "/api/v1"

        def clear_state(self):
            self.items = {}

        def seed(self):
            self.items["a1"] = {"id": "a1"}

        def error(self, status, message):
            return self.json({"message": message}, status)

        @route("/items/<item_id>", "GET")
        def get_item(self, request, item_id):
            if item_id not in self.items:
                self.abort(404, "no such item")
            return self.items[item_id]

Handlers run under the emulator's lock and get ``(request, **path_args)``;
they return a werkzeug ``Response`` or a JSON-able value (sent as 200).
Collections of records are ``store.Store``s made with ``records()``; request
bodies are read with ``json_body()``. Both take the vendor's messages as arguments.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import Any, Callable, NoReturn

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .store import Store

MALFORMED_JSON = b'{"data": [{"id": "1", '


def route(rule: str, *methods: str) -> Callable[[Callable], Callable]:
    """Make an Emulator method the handler of ``methods`` (default GET) on ``rule``.

    ``rule`` uses werkzeug syntax (``/items/<item_id>``) and is relative to the
    class's ``base_path``. Stack the decorator to serve several rules.
    """

    def mark(handler: Callable) -> Callable:
        handler.__dict__.setdefault("_emulator_routes", []).append((rule, methods or ("GET",)))
        return handler

    return mark


def rfc3339(timestamp: float) -> str:
    """UTC RFC 3339 time with trailing zeros of the fraction dropped, as Go's time.Time marshals."""
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def random_id(length: int = 24, prefix: str = "") -> str:
    """An unguessable alphanumeric token or ID."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: MultiDict
    headers: dict[str, str]
    body: bytes
    json: Any = None  # the parsed body, or None when it is empty or not JSON


@dataclass
class Fault:
    kind: str  # "fail" | "delay" | "cut" | "malformed"
    remaining: int
    method: str | None = None
    path: str | None = None  # exact path or fnmatch pattern, e.g. "/v1/teams/*/gateways"
    status: int = 503
    headers: dict[str, str] | None = None
    body: Any = None
    seconds: float = 0.0


def _matches(method: str | None, path: str | None, request_method: str, request_path: str) -> bool:
    return (method is None or method.upper() == request_method) and (
        path is None or fnmatchcase(request_path, path)
    )


class Abort(Exception):
    """Raised by a handler (see ``Emulator.abort``) to answer with ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class Emulator:
    product: str
    base_path: str = ""
    url_map: Map

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        rules = [
            Rule(cls.base_path + rule, endpoint=name, methods=list(methods))
            for name in dir(cls)
            for rule, methods in getattr(getattr(cls, name), "_emulator_routes", ())
        ]
        # A doubled or trailing slash must 404 as at the vendors, not redirect (so write rules without a trailing /).
        cls.url_map = Map(rules, merge_slashes=False)

    def __init__(
        self,
        *,
        seed: bool = True,
        empty: bool = False,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        latency: float = 0.0,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.latency = latency  # seconds every request waits before it is handled (benchmarks: a WAN)
        self.seeded = seed
        # empty: only what a profile needs (credentials, the organization, team or gateway group it
        # is scoped to); no demo configuration. A fresh server to apply documents to.
        self.empty = empty
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._scheduled: list[tuple[float, Callable[[], Any]]] = []
        self._lock = threading.RLock()
        self.reset()

    # -- state: subclasses override clear_state() and seed() --------------------

    def clear_state(self) -> None:
        """Set every store to empty."""

    def seed(self) -> None:
        """Add the demo data (called after clear_state() unless seed=False)."""

    def reset(self) -> None:
        """Back to the initial state; also forgets the request log and pending faults."""
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self._scheduled.clear()
            self.clear_state()
            if self.seeded:
                self.seed()

    # -- what a sandbox profile needs --------------------------------------------

    def fleet_identity(self, n: int) -> dict[str, Any]:
        """Attributes that make the n-th extra instance of a sandbox fleet its own endpoint
        (team, organization, region), set before it seeds."""
        return {}

    @classmethod
    def fleet_member(cls, n: int, **kwargs: Any) -> Emulator:
        """The n-th extra instance (n >= 2) for `gwctl sandbox start --fleet`."""
        member = cls.__new__(cls)
        member.__dict__.update(cls.fleet_identity(member, n))
        member.__init__(**kwargs)  # type: ignore[misc]
        return member

    def credentials(self) -> dict[str, str]:
        """Secrets for a sandbox profile, keyed by the product's SecretSpec names."""
        return {}

    def profile_options(self, server_url: str = "") -> dict[str, Any]:
        """Product options for a sandbox profile, keyed by OptionSpec names (e.g. sg's iam_url)."""
        return {}

    def profile_url(self, server_url: str) -> str:
        return server_url.rstrip("/") + self.base_path

    def start_companions(self, url: str, serve: Any) -> list[Any]:
        """Servers the sandbox runs beside this emulator (served at ``url``); their servers, to stop."""
        return []

    def fixtures(self) -> list[str]:
        """What a newcomer needs to try this emulator (task IDs, users, names), one line each."""
        return []

    def example_values(self) -> dict[str, str]:
        """Values for the {placeholders} of the catalogue's examples (IDs of seeded objects)."""
        return {}

    # -- responses ------------------------------------------------------------------

    def json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status, headers, mimetype="application/json")

    def error(self, status: int, message: str) -> Response:
        """A response in the vendor's error shape."""
        raise NotImplementedError

    def abort(self, status: int, message: str) -> NoReturn:
        """Stop the handler and answer ``error(status, message)``."""
        raise Abort(self.error(status, message))

    def not_found(self, request: Request) -> Response:
        return self.error(404, "Not Found")

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        response = self.error(405, "Method Not Allowed")
        response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    # -- records and bodies -----------------------------------------------------------

    def records(self, missing: str | Callable[[Any], str], new_id: Callable[[], str] | None = None,
                id_field: str = "id") -> Store:
        """An empty Store whose misses answer ``error(404, message)``: ``missing`` is the message,
        with ``{key}`` for the key, or a function of the key."""

        def not_found(key: Any) -> NoReturn:
            self.abort(404, missing(key) if callable(missing) else missing.format(key=key))

        return Store(not_found, new_id, id_field)

    def json_body(self, request: Request, *, invalid: str, empty: Any = None, required: str | None = None,
                  kind: type | None = None, wrong_kind: str = "") -> Any:
        """The request body parsed as JSON, or a 400 in the vendor's words: ``invalid`` when it is
        not JSON, ``required`` (if given) when it is blank, ``wrong_kind`` when it is no ``kind``.
        A blank body is ``empty`` otherwise."""
        raw = request.get_data(as_text=True)
        if not raw.strip():
            if required is not None:
                self.abort(400, required)
            body = empty
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                self.abort(400, invalid)
        if kind is not None and not isinstance(body, kind):
            self.abort(400, wrong_kind)
        return body

    # -- request log ------------------------------------------------------------------

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Logged requests, optionally filtered by method and path (exact or fnmatch pattern)."""
        with self._lock:
            return [r for r in self.requests if _matches(method, path, r.method, r.path)]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- state that changes later (what `wait` waits for) ------------------------------

    def schedule(self, after: float, change: Callable[[], Any]) -> None:
        """Run ``change()`` (under the lock) before the first request that arrives ``after`` seconds
        from now by the emulator's clock: a gateway coming online, a changeset being applied."""
        with self._lock:
            self._scheduled.append((self.clock() + after, change))
            self._scheduled.sort(key=lambda item: item[0])

    def _run_due(self) -> None:
        now = self.clock()
        while self._scheduled and self._scheduled[0][0] <= now:
            _, change = self._scheduled.pop(0)
            change()

    # -- fault injection --------------------------------------------------------------
    # Each call queues one fault for the next n requests matching method/path. A
    # request takes the first matching fault in queue order, at most one.

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 503,
        headers: dict[str, str] | None = None,
        body: Any = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer ``status`` without running the handler. ``body`` defaults to the
        vendor error shape; a str/bytes body is sent as is, anything else as JSON."""
        self._queue(Fault("fail", n, method, path, status=status, headers=headers, body=body))

    def delay_next(self, seconds: float, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """Call ``self.sleep(seconds)`` before handling the request normally."""
        self._queue(Fault("delay", n, method, path, seconds=seconds))

    def cut_next(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """Run the handler (state changes stick) but send only half of its body under the full
        Content-Length, then close. Over a socket the client gets httpx.RemoteProtocolError;
        in-process (httpx.WSGITransport) the body stream raises that same error."""
        self._queue(Fault("cut", n, method, path))

    def malformed_next(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> None:
        """Answer 200 application/json with a body that is not valid JSON, without running the handler."""
        self._queue(Fault("malformed", n, method, path))

    def pending_faults(self) -> list[Fault]:
        """Faults not yet used up (copies); empty when every injected fault fired."""
        with self._lock:
            return [replace(fault) for fault in self._faults]

    def _queue(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if _matches(fault.method, fault.path, method, path):
                fault.remaining -= 1
                if not fault.remaining:
                    self._faults.remove(fault)
                return fault
        return None

    # -- WSGI -------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        with self._lock:
            self._run_due()
            self.requests.append(_record(request))
            fault = self._take_fault(request.method, request.path)
        kind = fault.kind if fault else None
        if self.latency:
            self.sleep(self.latency)  # outside the lock: concurrent requests wait side by side
        if kind == "delay":
            # Outside the lock: a client that timed out may retry while this request sleeps.
            self.sleep(fault.seconds)
        if kind == "fail":
            response = self._failure(fault)
        elif kind == "malformed":
            response = Response(MALFORMED_JSON, 200, mimetype="application/json")
        else:
            response = self._dispatch(request)
        if kind == "cut":
            response = _cut_off(response, environ)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        with self._lock:
            try:
                endpoint, args = adapter.match()
                result = getattr(self, endpoint)(request, **args)
            except NotFound:
                return self.not_found(request)
            except MethodNotAllowed as exc:
                return self.method_not_allowed(request, list(exc.valid_methods or ()))
            except Abort as abort:
                return abort.response
        return result if isinstance(result, Response) else self.json(result)

    def _failure(self, fault: Fault) -> Response:
        if fault.body is None:
            response = self.error(fault.status, HTTP_STATUS_CODES.get(fault.status, "Error"))
        elif isinstance(fault.body, (str, bytes)):
            response = Response(fault.body, fault.status, mimetype="application/json")
        else:
            response = self.json(fault.body, fault.status)
        response.headers.update(fault.headers or {})
        return response


def _record(request: Request) -> RecordedRequest:
    body = request.get_data()  # cached, so the handler can read it again
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return RecordedRequest(request.method, request.path, request.args.copy(), dict(request.headers), body, parsed)


def _cut_off(response: Response, environ: dict) -> Response:
    body = response.get_data()
    sent = body[: len(body) // 2]

    def stream():
        yield sent
        # Over a socket nothing more is needed: werkzeug's server closes the
        # connection after every response, so the client sees a short body.
        if "werkzeug.socket" not in environ:
            import httpx  # only in-process, where the client already imported it

            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    cut = Response(stream(), response.status, response.headers)
    cut.headers["Content-Length"] = str(max(len(body), len(sent) + 1))
    return cut
