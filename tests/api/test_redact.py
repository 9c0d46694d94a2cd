from __future__ import annotations

import json

import httpx
import pytest

from gwctl import errors
from gwctl.api.auth import BearerAuth, HeaderAuth
from gwctl.api.redact import Redactor, is_secret_key, redact_headers, redact_json, redact_text, redact_url


@pytest.mark.parametrize(
    "name",
    [
        "token",
        "bearer_token",
        "refreshToken",
        "key_secret",
        "password",
        "passwd",
        "api_key",
        "apiKey",
        "jwt",
        "private_key",
        "Authorization",
        "cookie",
        "client_credentials",
        "key",
        "unseal_keys",
        "X-Vault-Token",
    ],
)
def test_secret_keys(name):
    assert is_secret_key(name)


@pytest.mark.parametrize("name", ["id", "key_id", "keyId", "token_id", "name", "description", "expires", "count"])
def test_visible_keys(name):
    assert not is_secret_key(name)


def test_redact_headers_keeps_scheme():
    headers = {
        "Authorization": "Bearer abc.def",
        "Proxy-Authorization": "Basic dTpw",
        "Cookie": "a=b",
        "Set-Cookie": "sid=1; HttpOnly",
        "X-API-KEY": "k1",
        "X-Vault-Token": "s.1",
        "X-Auth-Token": "t",
        "X-Org-Sig": "sig",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers, extra=["x-org-sig"]) == {
        "Authorization": "Bearer ***",
        "Proxy-Authorization": "Basic ***",
        "Cookie": "***",
        "Set-Cookie": "***",
        "X-API-KEY": "***",
        "X-Vault-Token": "***",
        "X-Auth-Token": "***",
        "X-Org-Sig": "***",
        "Content-Type": "application/json",
    }
    assert redact_headers({"Authorization": "rawtoken"}) == {"Authorization": "***"}


def test_redact_json_recursive():
    body = {
        "id": 1,
        "key_id": "kid",
        "key_secret": "s",
        "nested": [{"refreshToken": "r", "enabled": True}],
        "credentials": {"user": "u"},
        "token": None,
        "has_token": False,
    }
    assert redact_json(body) == {
        "id": 1,
        "key_id": "kid",
        "key_secret": "***",
        "nested": [{"refreshToken": "***", "enabled": True}],
        "credentials": "***",
        "token": None,
        "has_token": False,
    }


def test_redact_json_known_values():
    assert redact_json({"note": "uses abcd-1234 here", "n": 5}, secrets=["abcd-1234"]) == {
        "note": "uses *** here",
        "n": 5,
    }


def test_redact_text_json_form_and_known_values():
    assert json.loads(redact_text('{"password": "p", "name": "n"}')) == {"password": "***", "name": "n"}
    assert redact_text("grant_type=apikey&apikey=SEKRIT&x=1") == "grant_type=apikey&apikey=***&x=1"
    assert (
        redact_text(
            '{"token": "cut off',
        )
        == '{"token": "cut off'
    )  # no closing quote: nothing to pair
    assert redact_text('{"token": "abc", "id": "broken",') == '{"token": "***", "id": "broken",'
    assert redact_text("the value is s3cr3t-value!", secrets=["s3cr3t-value!"]) == "the value is ***"
    assert redact_text("form a=s3cr3t+v%26", secrets=["s3cr3t v&"]) == "form a=***"
    assert redact_text("short abc", secrets=["abc"]) == "short abc"  # too short to be a secret


def test_redact_url():
    assert redact_url("https://u:pw@h/p?apikey=1&token=2&secret=3&password=4&page=2") == (
        "https://u:***@h/p?apikey=***&token=***&secret=***&password=***&page=2"
    )
    assert redact_url("https://h/unwrap/s.abcdef", secrets=["s.abcdef"]) == "https://h/unwrap/***"


def test_redactor_learns_credentials():
    redactor = Redactor(secret_headers=["X-Org-Sig"])
    redactor.add("abc")  # too short: ignored
    redactor.add_credential("Basic dXNlcjpodW50ZXIy")  # user:hunter2
    assert redactor.text("pw is hunter2") == "pw is ***"
    assert redactor.headers({"x-org-sig": "v", "Location": "/x?q=hunter2"}) == {
        "x-org-sig": "***",
        "Location": "/x?q=***",
    }
    assert "hunter2" in redactor.secrets


# -- nothing secret in any log line ----------------------------------------------

BEARER = "eyJhbGciOi.bearer-secret-1"
API_KEY = "apikey-value-2"
CUSTOM = "custom-header-value-3"
COOKIE = "cookie-value-4"
QUERY_SECRET = "query-token-5"
FORM_PASSWORD = "form p@ss/6"
JSON_SECRET = "json-secret-7"
RESPONSE_TOKEN = "response-token-8"
SET_COOKIE = "set-cookie-9"
BASIC_PASSWORD = "basic-pass-10"
SECRETS = [
    BEARER,
    API_KEY,
    CUSTOM,
    COOKIE,
    QUERY_SECRET,
    FORM_PASSWORD,
    JSON_SECRET,
    RESPONSE_TOKEN,
    SET_COOKIE,
    BASIC_PASSWORD,
]


def echo_server(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/fail"):
        return httpx.Response(400, json={"message": f"bad credential {BEARER} for key {API_KEY}"})
    return httpx.Response(
        200,
        json={
            "bearer_token": RESPONSE_TOKEN,
            "key_id": "kid-visible",
            "echo": request.content.decode(),
            "seen": API_KEY,
        },
        headers={"Set-Cookie": f"sid={SET_COOKIE}; HttpOnly", "X-Request-Id": "rid-visible"},
    )


def assert_clean(lines: list[str]) -> None:
    assert lines
    for line in lines:
        for secret in SECRETS:
            assert secret not in line, line
            assert secret.replace(" ", "+").replace("@", "%40").replace("/", "%2F") not in line, line


@pytest.mark.parametrize("verbosity", [1, 2, 3])
def test_no_secret_in_any_log_line(make_client, rec, verbosity):
    client = make_client(echo_server, auth=BearerAuth(BEARER), verbosity=verbosity, secret_headers=("X-Org-Sig",))
    headers = {"X-API-KEY": API_KEY, "X-Org-Sig": CUSTOM, "Cookie": f"session={COOKIE}"}
    client.get("/things", params={"apikey": QUERY_SECRET, "page": 2}, headers=headers)
    client.post("/login", data={"username": "ops", "password": FORM_PASSWORD, "note": BEARER}, headers=headers)
    client.put("/things/1", json={"key_id": "kid-visible", "key_secret": JSON_SECRET, "nested": {"token": JSON_SECRET}})
    client.get("/basic", auth=httpx.BasicAuth("ops", BASIC_PASSWORD), params={"echo": BASIC_PASSWORD})
    with pytest.raises(errors.BadRequest) as info:
        client.get("/fail", params={"token": QUERY_SECRET})
    assert_clean([*rec.lines, str(info.value), info.value.url, json.dumps(info.value.body)])
    assert str(info.value) == "GET /api/v0/fail: 400 Bad Request: bad credential *** for key ***"
    joined = "\n".join(rec.lines)
    assert "> GET http://api.test/api/v0/things?apikey=***&page=2" in joined
    if verbosity >= 2:
        assert "> Authorization: Bearer ***" in joined
        assert "< X-Request-Id: rid-visible" in joined
        assert "< Set-Cookie: ***" in joined
    if verbosity >= 3:
        assert "kid-visible" in joined
        assert "username=ops" in joined
    else:
        assert "kid-visible" not in joined


def test_header_auth_value_never_logged(make_client, rec):
    client = make_client(
        lambda r: httpx.Response(200, json={"echo": r.headers["X-Gk-Pass"]}),
        auth=HeaderAuth("X-Gk-Pass", API_KEY),
        secret_headers=("X-Gk-Pass",),
        verbosity=3,
    )
    client.get("/x")
    assert_clean(rec.lines)
    assert "> X-Gk-Pass: ***" in rec.lines


def test_silent_at_verbosity_zero(make_client, rec):
    make_client(echo_server, verbosity=0).get("/x")
    assert rec.lines == []


def test_a_secret_that_contains_another_is_masked_whole():
    from gwctl.api.redact import Redactor

    redactor = Redactor()
    redactor.add("abcd1234")
    redactor.add("abcd1234efgh")
    assert redactor.text("x abcd1234efgh y abcd1234 z") == "x *** y *** z"


def test_thousands_of_learned_secrets_are_all_masked_in_every_encoding():
    from gwctl.api.redact import Redactor

    redactor = Redactor()
    secrets = [f"tok/{i:05d}+x" for i in range(3000)]
    for secret in secrets:
        redactor.add(secret)
    sample = secrets[::250]
    text = " ".join(sample) + " " + " ".join(s.replace("/", "%2F").replace("+", "%2B") for s in sample)
    masked = redactor.text(text)
    assert "tok" not in masked and masked.split() == ["***"] * (2 * len(sample))
    redactor.add("late-secret-value")  # learned after the automaton was built
    assert redactor.text("a late-secret-value b") == "a *** b"


def test_overlapping_secrets_leave_nothing_of_either_visible():
    from gwctl.api.redact import Redactor

    redactor = Redactor()
    redactor.add("abcd9")
    redactor.add("cd9efgh")
    assert redactor.text("[abcd9efgh]") == "[***]"
