"""Precise messages for API errors in the context of one command."""

from __future__ import annotations

from typing import Any, Callable


class explain:
    """Turn an API error status into a precise message for this command.

        with explain({429: "the task has used all its tokens"}):
            client.request_token(...)
    """

    def __init__(self, messages: dict[int, str], hints: dict[int, str] | None = None,
                 when: Callable[[Any], bool] | None = None) -> None:
        self.messages = messages
        self.hints = hints or {}
        # Optional test on the ApiError: e.g. only the product's own error bodies, not a proxy's 503 page.
        self.when = when

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        from gwctl.errors import ApiError

        if isinstance(exc, ApiError) and exc.http_status in self.messages and (self.when is None or self.when(exc)):
            detail = exc.message.split(": ", 2)[-1] if exc.message else ""
            text = self.messages[exc.http_status]
            exc.message = f"{text} (server said: {detail})" if detail and detail not in text else text
            exc.args = (exc.message,)
            if exc.http_status in self.hints:
                exc.hint = self.hints[exc.http_status]
        return False
