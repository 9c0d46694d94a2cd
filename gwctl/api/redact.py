"""One redactor for every log line and error message, so secrets never reach stderr."""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
# Shorter "secrets" would mask ordinary words and digits all over the output.
MIN_SECRET_LEN = 4

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-vault-token",
        "x-auth-token",
    }
)
_SCHEME_HEADERS = frozenset({"authorization", "proxy-authorization"})
_SECRET_WORDS = ("secret", "token", "passw", "apikey", "jwt", "privatekey", "authorization", "cookie", "credential")
# k=v pairs in form bodies, query strings and free text.
_PAIR = re.compile(r"(?P<key>[^\s&=?;,\"']+)=(?P<value>[^\s&;\"']*)")
# "key": "value" pairs in JSON that does not parse (cut off, or not quite JSON).
_QUOTED_PAIR = re.compile(r'"(?P<key>[^"\\]+)"(?P<sep>\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"')
_USERINFO = re.compile(r"(//[^/@:\s]*:)[^/@\s]*@")


def is_secret_key(name: str) -> bool:
    """True for names like token, key_secret, apiKey, password, x-vault-token; False for key_id, id."""
    norm = re.sub(r"[^a-z0-9]", "", name.lower())
    if norm.endswith(("id", "ids")):
        return False
    return norm.endswith(("key", "keys")) or any(word in norm for word in _SECRET_WORDS)


def _known_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for every secret and the encodings it may appear in (URL, form, JSON string)."""
    variants: set[str] = set()
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_LEN:
            variants |= {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    if not variants:
        return None
    # Longest first so a secret containing another one is masked whole.
    return re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)))


def _replace_known(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(MASK, text) if pattern else text


def _mask_pairs(text: str) -> str:
    text = _QUOTED_PAIR.sub(lambda m: f'"{m["key"]}"{m["sep"]}"{MASK}"' if is_secret_key(m["key"]) else m[0], text)
    return _PAIR.sub(lambda m: f"{m['key']}={MASK}" if is_secret_key(m["key"]) and m["value"] else m[0], text)


def _redact_json(obj: Any, pattern: re.Pattern[str] | None) -> Any:
    if isinstance(obj, dict):
        return {
            key: (
                MASK
                if isinstance(key, str) and is_secret_key(key) and value is not None and not isinstance(value, bool)
                else _redact_json(value, pattern)
            )
            for key, value in obj.items()
        }
    if isinstance(obj, list):
        return [_redact_json(value, pattern) for value in obj]
    if isinstance(obj, str):  # strings may embed a form body or query string
        return _replace_known(_mask_pairs(obj), pattern)
    return obj


def _redact_text(text: str, pattern: re.Pattern[str] | None) -> str:
    if text.lstrip()[:1] in ("{", "["):
        try:
            text = json.dumps(_redact_json(json.loads(text), None), ensure_ascii=False)
        except ValueError:
            text = _mask_pairs(text)
    else:
        text = _mask_pairs(text)
    return _replace_known(text, pattern)


def _redact_url(url: str, pattern: re.Pattern[str] | None) -> str:
    url = _USERINFO.sub(rf"\1{MASK}@", url)
    base, sep, query = url.partition("?")
    return _replace_known(base + sep + _mask_pairs(query), pattern)


def redact_header(name: str, value: str, secret_names: Iterable[str] = SECRET_HEADERS) -> str:
    """The value to show for one header; Authorization keeps its scheme ("Bearer ***")."""
    low = name.lower()
    if low not in secret_names and not is_secret_key(low):
        return value
    scheme, space, _ = value.partition(" ")
    return f"{scheme} {MASK}" if low in _SCHEME_HEADERS and space else MASK


def redact_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """Mask secret header values by name (the defaults in SECRET_HEADERS plus ``extra``)."""
    names = SECRET_HEADERS | {name.lower() for name in extra}
    return {name: redact_header(name, value, names) for name, value in headers.items()}


def redact_json(obj: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of obj with the values of secret-looking keys (and any known secret) masked."""
    return _redact_json(obj, _known_pattern(secrets))


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask a JSON or form-encoded body (or free text), then every literal known secret."""
    return _redact_text(text, _known_pattern(secrets))


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """Mask secret query parameters, a password in the userinfo and any known secret."""
    return _redact_url(url, _known_pattern(secrets))


class Redactor:
    """Secret header names plus the secret values seen so far (tokens, API keys)."""

    def __init__(self, secret_headers: Iterable[str] = ()) -> None:
        self.secret_headers = SECRET_HEADERS | {name.lower() for name in secret_headers}
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if not value or len(value) < MIN_SECRET_LEN:
            return
        with self._lock:
            if value not in self._secrets:
                self._secrets.add(value)
                self._pattern = _known_pattern(self._secrets)

    def add_credential(self, header_value: str) -> None:
        """Learn an Authorization-style value: the whole value, its credential and a Basic password."""
        self.add(header_value)
        scheme, _, credential = header_value.partition(" ")
        self.add(credential.strip())
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credential, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return
            self.add(decoded.partition(":")[2])

    @property
    def secrets(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._secrets)

    def text(self, text: str) -> str:
        return _redact_text(text, self._pattern)

    def url(self, url: str) -> str:
        return _redact_url(url, self._pattern)

    def json(self, obj: Any) -> Any:
        return _redact_json(obj, self._pattern)

    def header(self, name: str, value: str) -> str:
        return _replace_known(redact_header(name, value, self.secret_headers), self._pattern)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {name: self.header(name, value) for name, value in headers.items()}
