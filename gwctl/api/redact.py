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
# A PEM private key anywhere in a body (a certificate download's file contents, say), whatever its key.
_PRIVATE_KEY = re.compile(r"(-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----).*?(-----END \2PRIVATE KEY-----)", re.S)


def is_secret_key(name: str) -> bool:
    """True for names like token, key_secret, apiKey, password, x-vault-token; False for key_id, id."""
    norm = re.sub(r"[^a-z0-9]", "", name.lower())
    if norm.endswith(("id", "ids")):
        return False
    return norm.endswith(("key", "keys")) or any(word in norm for word in _SECRET_WORDS)


class KnownSecrets:
    """Every secret value seen, in each encoding it may appear in (raw, URL, form, JSON string).

    Secrets live in Aho-Corasick automatons of doubling sizes (the logarithmic method):
    learning one costs O(log n) amortized, and masking a text is one pass per level,
    O(len(text) * log n), however many secrets are known. A list of thousands of setup
    tokens, each learned as its page arrives, stays linear.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._seen: set[str] = set()
        self._pending: set[str] = set()
        self._levels: list[tuple[set[str], Any]] = []
        self._lock = threading.Lock()  # bulk workers mask and learn from several threads
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> bool:
        if not secret or len(secret) < MIN_SECRET_LEN:
            return False
        with self._lock:
            if secret in self._seen:
                return False
            self._seen.add(secret)
            self._pending |= {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
        return True

    def __bool__(self) -> bool:
        return bool(self._seen)

    def _automatons(self) -> list[Any]:
        with self._lock:
            if self._pending:
                words = self._pending
                self._pending = set()
                # Merge equal-or-smaller levels first, so each variant is rebuilt O(log n) times.
                while self._levels and len(self._levels[-1][0]) <= len(words):
                    words = words | self._levels.pop()[0]
                self._levels.append((words, _automaton(words)))
            return [automaton for _, automaton in self._levels]

    def mask(self, text: str) -> str:
        if not self._seen or not text:
            return text
        spans: list[tuple[int, int]] = []
        for automaton in self._automatons():
            # Every occurrence, overlapping ones included: whatever any secret covers is masked.
            spans.extend((end - length + 1, end + 1) for end, length in automaton.iter(text))
        if not spans:
            return text
        spans.sort()
        out: list[str] = []
        last = 0
        start, stop = spans[0]
        for begin, end in spans[1:]:
            if begin <= stop:
                stop = max(stop, end)
                continue
            out += [text[last:start], MASK]
            last, start, stop = stop, begin, end
        out += [text[last:start], MASK, text[stop:]]
        return "".join(out)


def _automaton(words: set[str]) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    return automaton


def _known_pattern(secrets: Iterable[str]) -> KnownSecrets | None:
    known = KnownSecrets(secrets)
    return known if known else None


def _replace_known(text: str, pattern: KnownSecrets | None) -> str:
    return pattern.mask(text) if pattern else text


def _mask_pairs(text: str) -> str:
    text = _PRIVATE_KEY.sub(rf"\1{MASK}\3", text)
    text = _QUOTED_PAIR.sub(lambda m: f'"{m["key"]}"{m["sep"]}"{MASK}"' if is_secret_key(m["key"]) else m[0], text)
    return _PAIR.sub(lambda m: f"{m['key']}={MASK}" if is_secret_key(m["key"]) and m["value"] else m[0], text)


def _redact_json(obj: Any, pattern: KnownSecrets | None) -> Any:
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


def _redact_text(text: str, pattern: KnownSecrets | None) -> str:
    if text.lstrip()[:1] in ("{", "["):
        try:
            text = json.dumps(_redact_json(json.loads(text), None), ensure_ascii=False)
        except ValueError:
            text = _mask_pairs(text)
    else:
        text = _mask_pairs(text)
    return _replace_known(text, pattern)


def _redact_url(url: str, pattern: KnownSecrets | None) -> str:
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
        self._pattern = KnownSecrets()
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if not value or len(value) < MIN_SECRET_LEN:
            return
        with self._lock:
            if value not in self._secrets:
                self._secrets.add(value)
                self._pattern.add(value)

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
