"""The one HTTP client every product uses: base URL, TLS, retries, typed errors, redacted logging."""

from __future__ import annotations

import email.utils
import os
import re
import ssl
import threading
import time
from collections.abc import Callable, Container
from datetime import timezone
from typing import Any

import httpx

from gwctl import __version__, errors
from gwctl.api.redact import Redactor, is_secret_key

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Whether a request may be sent again once it may have reached the server: set once per request
# (HttpClient.request's ``idempotent``, by method unless declared) and read by every retry decision.
IDEMPOTENT = "gwctl.idempotent"
# After a create or mint failed in a way that does not prove the server did nothing.
APPLIED_HINT = "the request may have been applied: check before repeating it"
# Raised before any byte of the request left, so retrying is safe for every method.
_UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached the server: only idempotent methods are retried.
_SENT_ERRORS = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
_MESSAGE_KEYS = ("message", "error_msg", "error", "errorMessage", "detail")
_MESSAGE_MAX = 200
_STARTED = "gwctl.started"


class ClientConfig:
    """How a product's HttpClient talks to its server. A plain class, not a dataclass: it is on the
    path of every API command, and dataclasses build their methods with exec() at import."""

    def __init__(
        self,
        base_url: str,
        product: str,
        timeout: float = 30.0,  # read timeout (seconds)
        connect_timeout: float = 5.0,
        verify: bool = True,  # False only with --insecure
        ca_bundle: str | None = None,  # else SSL_CERT_FILE / REQUESTS_CA_BUNDLE, else certifi
        max_retries: int = 3,  # retries after the first attempt
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        retry_after_cap: float = 120.0,
        verbosity: int = 0,  # 0 none, 1 request lines, 2 + headers, 3 + bodies
        log: Callable[[str], None] | None = None,  # one line per call; the CLI writes it to stderr
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        secret_headers: tuple[str, ...] = (),
        request_id_header: str | None = None,  # default: X-Request-Id
        error_parser: Callable[[httpx.Response], str | None] | None = None,
        reset_header: Callable[[httpx.Response], float | None] | None = None,  # seconds to wait
        # A vendor whose 429 always means "throttled, not processed" even without a header (OPA): the
        # (min, max) seconds its own clients wait then. Else a create is resent only when the 429 says when.
        throttle_wait: tuple[float, float] | None = None,
        rng: Any = None,  # a random.Random for the jitter
        clock: Callable[[], float] = time.time,
        observe: Callable[[httpx.Response, float], None] | None = None,  # each answer and its round trip (s)
    ) -> None:
        self.base_url = base_url
        self.product = product
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.verify = verify
        self.ca_bundle = ca_bundle
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self.verbosity = verbosity
        self.log = log
        self.sleep = sleep
        self.transport = transport
        self.secret_headers = secret_headers
        self.request_id_header = request_id_header
        self.error_parser = error_parser
        self.reset_header = reset_header
        self.throttle_wait = throttle_wait
        self.rng = rng
        self.clock = clock
        self.observe = observe


def epoch_reset_header(name: str, clock: Callable[[], float] = time.time) -> Callable[[httpx.Response], float | None]:
    """A ``reset_header`` hook for a header holding a Unix time, e.g. OPA's X-RateLimit-Retry-At."""

    def delay(response: httpx.Response) -> float | None:
        try:
            return float(response.headers[name]) - clock()
        except (KeyError, ValueError):
            return None

    return delay


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; HTTP-dates are always UTC
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


def generic_error_message(body: Any) -> str | None:
    """The human message in a JSON error body ({"message": ...}, {"error": {"message": ...}}, ...) or raw text."""
    if isinstance(body, dict):
        for key in _MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, (dict, list)):
                value = generic_error_message(value)
            if value:
                return str(value)
        return None
    if isinstance(body, list):
        return generic_error_message(body[0]) if body else None
    return body if isinstance(body, str) and body else None


_JSON_NAMES = {dict: "a JSON object", list: "a JSON array", str: "a JSON string"}
_MARKUP = re.compile(r"<\s*(!doctype|html|head|body|title|h1|p|div|center)\b", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def readable(text: str) -> str | None:
    """What of a response text may go into a one-line message: plain text as it is; for an HTML
    page (a proxy's 502, a login page) only its <title>, never markup."""
    if not _MARKUP.search(text):
        return text
    import html

    match = _TITLE.search(text)
    title = " ".join(html.unescape(match.group(1)).split()) if match else ""
    return title or None


def _one_line(text: str, limit: int = _MESSAGE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


# One verifying SSL context per CA bundle for the whole process: loading a bundle costs tens of
# milliseconds of CPU, and a command across many profiles builds one client per profile.
_SSL_CONTEXTS: dict[tuple[str, str], ssl.SSLContext] = {}
_SSL_LOCK = threading.Lock()


def _tls_context(config: ClientConfig) -> ssl.SSLContext:
    """The SSL context of HTTPS requests: the profile's CA bundle, else SSL_CERT_FILE /
    REQUESTS_CA_BUNDLE / SSL_CERT_DIR, else certifi's bundle; verification off only with --insecure."""
    if not config.verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    path = config.ca_bundle or os.environ.get("SSL_CERT_FILE") or os.environ.get("REQUESTS_CA_BUNDLE")
    key = (path or "", "" if path else os.environ.get("SSL_CERT_DIR", ""))
    with _SSL_LOCK:
        context = _SSL_CONTEXTS.get(key)
        if context is None:
            try:
                if path:
                    context = ssl.create_default_context(cafile=path)
                elif key[1]:
                    context = ssl.create_default_context(capath=key[1])
                else:
                    import certifi

                    context = ssl.create_default_context(cafile=certifi.where())
            except (OSError, ssl.SSLError) as exc:
                raise errors.ConfigError(f"cannot load CA bundle {path or key[1]}: {exc}") from exc
            _SSL_CONTEXTS[key] = context
    return context


class _LazyTLSTransport(httpx.BaseTransport):
    """Plain http:// goes through a transport without any SSL context; the TLS transport and its
    context (loading a CA bundle costs ~20 ms) are built once, on the first request that needs TLS."""

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._plain: httpx.BaseTransport | None = None
        self._tls: httpx.BaseTransport | None = None
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def context(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = _tls_context(self._config)
                self._tls = httpx.HTTPTransport(verify=self._context)
            return self._context

    def _transport(self, url: httpx.URL) -> httpx.BaseTransport:
        if url.scheme == "http":
            if self._plain is None:
                with self._lock:
                    if self._plain is None:
                        from gwctl.api.plain_http import PlainHTTPTransport

                        self._plain = PlainHTTPTransport()
            return self._plain
        if self._tls is None:
            self.context()
        assert self._tls is not None
        return self._tls

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._transport(request.url).handle_request(request)

    def close(self) -> None:
        for transport in (self._plain, self._tls):
            if transport is not None:
                transport.close()


def _environment_proxies() -> bool:
    import urllib.request

    return any(k in ("http", "https", "all") for k in urllib.request.getproxies())


class _SharedPause:
    """One back-off for every thread of a command: when the server answers 429, no thread sends
    again before the time it named (workers of a bulk command do not each hammer it with retries)."""

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._until = 0.0
        self._lock = threading.Lock()
        self._slept = threading.local()  # the end of the last hold this thread slept through

    def hold(self, seconds: float) -> None:
        """Hold every request back ``seconds`` from now (never shortening a longer hold); the
        calling thread sleeps them itself."""
        with self._lock:
            self._until = max(self._until, self._config.clock() + seconds)
            self._slept.until = self._until

    def wait(self) -> None:
        """Before sending: sleep out a hold that this thread has not slept through yet."""
        with self._lock:
            until = self._until
        if until > getattr(self._slept, "until", 0.0):
            self._slept.until = until
            delay = until - self._config.clock()
            if delay > 0:
                self._config.sleep(delay)


class HttpClient:
    def __init__(self, config: ClientConfig, auth: httpx.Auth | None = None) -> None:
        self.config = config
        self.redactor = Redactor(config.secret_headers)
        self._rng = config.rng  # random.Random() on the first retry: no import on the happy path
        self._pause = _SharedPause(config)
        transport = config.transport
        proxy_verify: Any = False  # only used for proxies from the environment (none: no context at all)
        if transport is None:
            transport = self._tls = _LazyTLSTransport(config)
            if _environment_proxies():
                proxy_verify = self._tls.context()
        self._client = httpx.Client(
            base_url=config.base_url,
            auth=auth,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            headers={"User-Agent": f"gwctl/{__version__} ({config.product})", "Accept": "application/json"},
            verify=proxy_verify,
            trust_env=True,
            follow_redirects=False,
            transport=transport,
            event_hooks={"request": [self._on_request], "response": [self._on_response]},
        )

    # -- public API ---------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json: Any = None,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        headers: Any = None,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        ok: Container[int] | Callable[[httpx.Response], bool] | None = None,
        stream: bool = False,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send with retries; raise a typed error for any status outside 2xx and ``ok`` (redirects included).

        ``url`` is relative to base_url (a leading "/" keeps the base path) or absolute.
        ``ok`` lists statuses that are answers, not errors, or is a predicate on the
        response (e.g. a 503 whose body is a real status report, unlike a proxy's 503).
        ``auth=None`` sends without the client's auth (e.g. a token exchange).
        With ``stream=True`` a successful response is returned unread; the caller closes it.
        ``idempotent`` is the request's resend property, declared once where the call is written:
        None decides by method (GET, HEAD, PUT, DELETE, OPTIONS are idempotent); False marks a call
        that creates or mints (e.g. a PUT that regenerates a token). An idempotent request is
        retried after connect errors, timeouts, cut-off answers and 408/425/429/5xx. Any other is
        sent again only when the answer proves the server did not act: an error raised before a
        byte left, a 429 that says when to come back (Retry-After or the vendor's reset header),
        or a 401 answered by a fresh login (the auth flow's own resend).
        """
        request = self._client.build_request(
            method.upper(), url, params=params, json=json, content=content, data=data, files=files, headers=headers
        )
        request.extensions[IDEMPOTENT] = request.method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        retries = self.config.max_retries
        for attempt in range(retries + 1):
            last = attempt == retries
            self._pause.wait()
            try:
                response = self._send(request, auth, stream)
            except httpx.TransportError as exc:
                if last or not self._may_retry_error(request, exc):
                    raise self._transport_error(request, exc, attempt + 1) from exc
                self._wait(attempt, self._backoff(attempt), type(exc).__name__)
                continue
            if response.is_success or _accepted(ok, response):
                return response
            delay = None if last else self._resend_delay(request, attempt, response)
            if delay is None:
                raise self._status_error(response)
            response.close()
            if response.status_code == 429:  # every thread waits this out, not just this one
                self._pause.hold(delay)
            self._wait(attempt, delay, str(response.status_code))
        raise AssertionError("unreachable")

    def decode(self, response: httpx.Response) -> Any:
        """Parsed JSON body; None when empty; raw text for an accepted error status that is not JSON."""
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            if not response.is_success:
                return response.text
            request = response.request
            path = self.redactor.url(request.url.path)
            page = readable(response.text)
            if page != response.text:  # an HTML page where JSON belongs (a proxy or login page)
                what = f"an HTML page ({_one_line(page, 80)})" if page else "an HTML page"
                detail = f"answered {what} instead of JSON"
            else:
                detail = f"returned invalid JSON ({_one_line(str(exc), 80)})"
            raise errors.ServerError(
                f"{request.method} {path}: {response.status_code} {response.reason_phrase}: {request.url.host} {detail}",
                http_status=response.status_code,
                request_id=self._request_id(response),
            ) from exc

    def decode_as(self, response: httpx.Response, expect: type | tuple[type, ...], what: str | None = None) -> Any:
        """The decoded body, which must be an ``expect`` (e.g. dict): an empty or other answer is a
        ServerError (exit 8), never an AttributeError further on."""
        body = self.decode(response)
        if not isinstance(body, expect):
            request = response.request
            kinds = expect if isinstance(expect, tuple) else (expect,)
            wanted = what or " or ".join(_JSON_NAMES.get(kind, kind.__name__) for kind in kinds)
            raise errors.shape_error(request.method, self.redactor.url(request.url.path), wanted, body)
        return body

    def _call(self, method: str, url: str, expect: type | tuple[type, ...] | None, kw: dict[str, Any]) -> Any:
        response = self.request(method, url, **kw)
        return self.decode(response) if expect is None else self.decode_as(response, expect)

    def get(self, url: str, *, expect: type | tuple[type, ...] | None = None, **kw: Any) -> Any:
        """GET and decode; with ``expect`` the body must be of that type (else exit 8)."""
        return self._call("GET", url, expect, kw)

    def post(self, url: str, *, expect: type | tuple[type, ...] | None = None, **kw: Any) -> Any:
        return self._call("POST", url, expect, kw)

    def put(self, url: str, *, expect: type | tuple[type, ...] | None = None, **kw: Any) -> Any:
        return self._call("PUT", url, expect, kw)

    def patch(self, url: str, *, expect: type | tuple[type, ...] | None = None, **kw: Any) -> Any:
        return self._call("PATCH", url, expect, kw)

    def delete(self, url: str, *, expect: type | tuple[type, ...] | None = None, **kw: Any) -> Any:
        return self._call("DELETE", url, expect, kw)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sending and retrying -----------------------------------------------

    def _send(self, request: httpx.Request, auth: Any, stream: bool) -> httpx.Response:
        response = self._client.send(request, auth=auth, stream=True)
        try:
            # Read inside the retry loop so a body cut off mid-way is retried like a connect error.
            if not stream or response.is_error:
                response.read()
                self._log_body("<", lambda: response.text)
        except BaseException:
            response.close()
            raise
        return response

    @staticmethod
    def _may_retry_error(request: httpx.Request, exc: httpx.TransportError) -> bool:
        if _ssl_cause(exc) is not None:  # a certificate does not get better by retrying
            return False
        if isinstance(exc, _UNSENT_ERRORS):
            return True
        return isinstance(exc, _SENT_ERRORS) and bool(request.extensions.get(IDEMPOTENT))

    def _resend_delay(self, request: httpx.Request, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before sending ``request`` again after the error ``response``, or None."""
        status = response.status_code
        if request.extensions.get(IDEMPOTENT):
            return self._retry_delay(attempt, response) if status in RETRY_STATUSES else None
        if status != 429:  # after a 5xx the server may have acted: a create or mint goes once
            return None
        server = self._server_delay(response)
        if server is None:
            if self.config.throttle_wait is None:
                return None  # a 429 that says nothing may mean "used up" (Gatekeeper), not "slow down"
            server = self._rng.uniform(*self.config.throttle_wait)
        return server if server <= self.config.retry_after_cap else None

    def _backoff(self, attempt: int) -> float:
        # Full jitter: spreads clients that failed together over the whole window.
        if self._rng is None:
            import random

            self._rng = random.Random()
        return self._rng.uniform(0, min(self.config.backoff_cap, self.config.backoff_base * 2**attempt))

    def _server_delay(self, response: httpx.Response) -> float | None:
        delays = [parse_retry_after(response.headers.get("Retry-After"), self.config.clock())]
        if self.config.reset_header is not None:
            delays.append(self.config.reset_header(response))
        known = [delay for delay in delays if delay is not None]
        return max(0.0, *known) if known else None

    def _retry_delay(self, attempt: int, response: httpx.Response) -> float | None:
        """The wait before the next attempt, or None when the server asks for longer than the cap."""
        server = self._server_delay(response)
        if server is None:
            return self._backoff(attempt)
        return server if server <= self.config.retry_after_cap else None

    def _wait(self, attempt: int, delay: float, cause: str) -> None:
        self._log(1, f"retry {attempt + 1}/{self.config.max_retries} in {delay:.1f}s after {cause}")
        self.config.sleep(delay)

    # -- errors ---------------------------------------------------------------

    def _request_id(self, response: httpx.Response) -> str | None:
        value: str | None = response.headers.get(self.config.request_id_header or "X-Request-Id")
        return value

    def _status_error(self, response: httpx.Response) -> errors.ApiError:
        request = response.request
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text or None
        vendor: str | None = None
        if self.config.error_parser is not None:
            try:
                vendor = self.config.error_parser(response)
            except Exception:  # a broken parser must not hide the HTTP error itself
                vendor = None
        vendor = vendor or generic_error_message(body)
        if vendor is not None:
            vendor = readable(str(vendor))
        path = self.redactor.url(request.url.path)
        message = f"{request.method} {path}: {response.status_code} {response.reason_phrase}"
        status_line = {str(response.reason_phrase).lower(), f"{response.status_code} {response.reason_phrase}".lower()}
        if vendor and vendor.strip().lower() not in status_line:
            message += f": {_one_line(vendor)}"
        location = response.headers.get("Location")
        hint = f"the server redirects to {self.redactor.url(location)}; check the profile URL" if location else None
        if hint is None and response.status_code >= 500 and not request.extensions.get(IDEMPOTENT, True):
            hint = APPLIED_HINT
        return errors.error_class_for_status(response.status_code)(
            self.redactor.text(message),
            hint=hint,
            method=request.method,
            url=self.redactor.url(str(request.url)),
            http_status=response.status_code,
            request_id=self._request_id(response),
            body=self.redactor.text(body) if isinstance(body, str) else self.redactor.json(body),
            retry_after=self._server_delay(response),
        )

    def transport_error(self, request: httpx.Request, exc: httpx.TransportError) -> errors.GwctlError:
        """The typed error for a transport failure while reading a streamed answer (after ``request``)."""
        return self._transport_error(request, exc, 1)

    def _transport_error(self, request: httpx.Request, exc: httpx.TransportError, attempts: int) -> errors.GwctlError:
        resendable = request.extensions.get(IDEMPOTENT, request.method in IDEMPOTENT_METHODS)
        host = request.url.netloc.decode("ascii", "replace")
        tls = _ssl_cause(exc)
        if tls is not None:
            what = (
                "TLS verification failed" if isinstance(tls, ssl.SSLCertVerificationError) else "TLS handshake failed"
            )
            reason = getattr(tls, "verify_message", None) or tls.reason or str(tls)
            if "WRONG_VERSION_NUMBER" in str(reason).upper().replace(" ", "_"):
                # A plain-HTTP server answered the TLS handshake: no CA bundle will help.
                return errors.NetworkError(
                    f"cannot reach {host}: {what}: {reason}",
                    hint="the server does not speak TLS there: does the profile URL need http:// instead of https://?",
                )
            return errors.NetworkError(
                f"cannot reach {host}: {what}: {reason}",
                hint="set the profile's CA bundle or SSL_CERT_FILE; --insecure skips verification",
            )
        reason = self.redactor.text(str(exc) or type(exc).__name__)
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            path = self.redactor.url(request.url.path)
            return errors.TimeoutError_(
                f"{request.method} {path}: no answer from {host} after {attempts} attempt(s) ({type(exc).__name__})",
                hint=(f"the read timeout is {self.config.timeout:g}s; raise it with --timeout" if resendable else
                      f"{APPLIED_HINT} (the read timeout is {self.config.timeout:g}s; raise it with --timeout)"),
            )
        if isinstance(exc, _SENT_ERRORS):
            return errors.NetworkError(
                f"lost connection to {host}: {reason}",
                hint=None if resendable else APPLIED_HINT,
            )
        return errors.NetworkError(f"cannot reach {host}: {reason}")

    # -- logging --------------------------------------------------------------

    def _verbose(self, level: int) -> bool:
        return self.config.log is not None and self.config.verbosity >= level

    def _log(self, level: int, line: str) -> None:
        if self.config.log is not None and self.config.verbosity >= level:
            self.config.log(line)

    def _log_headers(self, prefix: str, headers: httpx.Headers) -> None:
        if self._verbose(2):
            # raw keeps the sender's spelling and repeated headers (Set-Cookie) apart
            for raw_name, raw_value in headers.raw:
                name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
                self._log(2, f"{prefix} {name}: {self.redactor.header(name, value)}")

    def _log_body(self, prefix: str, read: Callable[[], str]) -> None:
        if self._verbose(3):  # decoding a large body is not free: only when it will be shown
            for line in self.redactor.text(read()).splitlines():
                self._log(3, f"{prefix} {line}")

    def _on_request(self, request: httpx.Request) -> None:
        # Learn credentials first (the auth flow has set them by now) so no log line can show them.
        for name, value in request.headers.items():
            if name in self.redactor.secret_headers or is_secret_key(name):
                self.redactor.add_credential(value)
        request.extensions[_STARTED] = time.perf_counter()
        if self._verbose(1):
            self._log(1, f"> {request.method} {self.redactor.url(str(request.url))}")
        self._log_headers(">", request.headers)
        self._log_body(">", lambda: _request_text(request))

    def _on_response(self, response: httpx.Response) -> None:
        if self.config.observe is not None:
            self.config.observe(response, time.perf_counter() - response.request.extensions[_STARTED])
        if self._verbose(1):
            elapsed_ms = (time.perf_counter() - response.request.extensions[_STARTED]) * 1000
            self._log(1, f"< {response.status_code} {response.reason_phrase} ({elapsed_ms:.0f} ms)")
        self._log_headers("<", response.headers)


def _accepted(ok: Container[int] | Callable[[httpx.Response], bool] | None, response: httpx.Response) -> bool:
    if ok is None:
        return False
    if callable(ok):
        return bool(ok(response))
    return response.status_code in ok


def _request_text(request: httpx.Request) -> str:
    try:
        return request.content.decode("utf-8", "replace")
    except httpx.RequestNotRead:
        return "<streamed body>"
