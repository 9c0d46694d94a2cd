"""Error types shared by every layer.

Lower layers raise these; ``EXIT_CODES`` below is the one mapping to exit codes, and only
``gwctl.main`` prints them. Importing this module must stay cheap.
"""

from __future__ import annotations


class GwctlError(Exception):
    """An expected failure with a one-line message and an optional hint."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        details: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.http_status = http_status
        self.request_id = request_id
        self.details = details


class UsageError(GwctlError):
    """Bad flag, argument or input file; confirmation needed but impossible."""


class ConfigError(UsageError):
    """The configuration file or a profile is invalid."""


class NotFoundError(GwctlError):
    """A profile, file or remote resource does not exist."""


class AuthError(GwctlError):
    """No credentials, rejected credentials, or a failed token exchange."""


class PermissionDeniedError(GwctlError):
    """The credentials are valid but not allowed to do this."""


class RejectedError(GwctlError):
    """The server refused the request as invalid or conflicting."""


class RateLimitedError(GwctlError):
    """Still rate limited after the retries."""


class TimeoutError_(GwctlError):
    """The request timed out after the retries."""


class ServerError(GwctlError):
    """The server kept failing (5xx) after the retries."""


class NetworkError(GwctlError):
    """DNS, connection or TLS failure."""


class PartialFailure(GwctlError):
    """Some items of a bulk operation failed."""


class DriftDetected(GwctlError):
    """`config diff --exit-code`: the server differs from the documents."""


class CheckFailed(GwctlError):
    """`gwctl status --check`: a profile failed a check."""


class ExpiringFound(GwctlError):
    """`gwctl expiring --check`: something expires within the window."""


class FleetFailed(GwctlError):
    """A command run across several profiles failed for some (exit 10) or for all of them the
    same way (their own code, in ``exit_code``); ``failures`` holds one record per profile."""

    def __init__(self, message: str, *, exit_code: int, failures: list, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = exit_code
        self.failures = failures


class Cancelled(GwctlError):
    """The user answered no at a confirmation prompt: nothing was changed."""


class SecretStorageError(GwctlError):
    """A secret could not be stored or read back."""


class SecretNotStored(GwctlError):
    """A new secret was minted (the old one may be dead) but not delivered: it waits in a recovery file."""


class LockTimeout(TimeoutError_):
    """Another gwctl process held a lock for longer than this one would wait."""


class ApiError(GwctlError):
    """An HTTP error answer from a product's API, after retries."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        http_status: int | None = None,
        request_id: str | None = None,
        body: object = None,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, hint=hint, http_status=http_status, request_id=request_id, details=body)
        self.method = method
        self.url = url
        self.body = body
        self.retry_after = retry_after


class BadRequest(ApiError, RejectedError):
    pass


class Unauthorized(ApiError, AuthError):
    pass


class Forbidden(ApiError, PermissionDeniedError):
    pass


class NotFound(ApiError, NotFoundError):
    pass


class Conflict(ApiError, RejectedError):
    pass


class Unprocessable(ApiError, RejectedError):
    pass


class RateLimited(ApiError, RateLimitedError):
    pass


class RemoteServerError(ApiError, ServerError):
    pass


class OtherHttpError(ApiError):
    """A status gwctl has no class for (e.g. 405, 418): unexpected."""


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: RateLimited,
    409: Conflict,
    422: Unprocessable,
    429: RateLimited,
}


def shape_error(method: str, path: str, what: str, body: object) -> ServerError:
    """A 2xx answer without the object or list it should carry (empty, or of another shape): exit 8."""
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    got = "an empty body" if body in (None, "", b"") else f"a JSON {kinds.get(type(body), type(body).__name__)}"
    return ServerError(f"{method} {path}: the server answered {got} instead of {what}")


# What a token exchange or login answers when the credential itself is refused (exit 4); any other
# status (429, 5xx) keeps its own meaning.
CREDENTIAL_REFUSALS = frozenset({400, 401, 403, 404, 422})


def error_class_for_status(status: int) -> type[ApiError]:
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return RemoteServerError
    if status in (405, 406, 410, 411, 412, 413, 414, 415, 416, 417, 425):
        return BadRequest
    return OtherHttpError


# Checked in order, so subclasses come before their bases. Class names, resolved
# lazily: `gwctl --version` must not pay for importing anything.
EXIT_CODES: tuple[tuple[str, int], ...] = (
    ("PartialFailure", 10),
    ("DriftDetected", 11),
    ("SecretNotStored", 12),
    ("Cancelled", 13),
    ("CheckFailed", 14),
    ("ExpiringFound", 15),
    ("UsageError", 2),
    ("NotFoundError", 3),
    ("AuthError", 4),
    ("PermissionDeniedError", 5),
    ("RejectedError", 6),
    ("RateLimitedError", 7),
    ("TimeoutError_", 7),
    ("ServerError", 8),
    ("NetworkError", 9),
    ("GwctlError", 1),
)

EXIT_TABLE = (
    (0, "success (an empty list is success)"),
    (1, "unexpected error (a bug: no traceback unless -vvv)"),
    (2, "usage error: bad flag, argument or input file; confirmation needed but no TTY and no --yes"),
    (3, "not found: HTTP 404, unknown profile or resource"),
    (4, "authentication: no credentials, HTTP 401, token exchange failed"),
    (5, "permission denied: HTTP 403"),
    (6, "rejected by the server: HTTP 400, 409, 422"),
    (7, "rate limited or timed out after retries; a lock still busy after --lock-timeout"),
    (8, "server error after retries (5xx)"),
    (9, "network or TLS failure (DNS, refused, certificate)"),
    (10, "partial failure of a bulk operation"),
    (11, "drift: config diff --exit-code found changes"),
    (12, "secret minted but not stored: it is kept in the recovery file the error names (`gwctl auth recover`)"),
    (13, "declined at a confirmation prompt: nothing was changed"),
    (14, "status --check: a profile failed a check (unreachable, not authenticated, unhealthy)"),
    (15, "expiring --check: something expires within the window"),
    (130, "interrupted (Ctrl-C)"),
    (141, "standard output closed early (`gwctl ... | head`): no message"),
)


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, FleetFailed):
        return exc.exit_code
    for name, code in EXIT_CODES:
        if isinstance(exc, globals()[name]):
            return code
    return 1


def default_hint(exc: BaseException) -> str | None:
    """The hint for an error that brings none: how to log in after a 401, what to check when unreachable."""
    if isinstance(exc, AuthError) and exc.http_status == 401:
        return "the server rejected the credentials: see `gwctl auth status -p PROFILE`, then `gwctl auth login -p PROFILE`"
    if isinstance(exc, NetworkError):
        return "check the profile's URL (`gwctl profile show PROFILE`), that the server is up, and the network"
    return None
