from __future__ import annotations

import json
import socket
import ssl
import threading

import httpx
import pytest

from gwctl import __version__, errors
from gwctl.api.http import ClientConfig, HttpClient, generic_error_message
from tests.api.conftest import scripted


def ok_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"url": str(request.url)})


@pytest.mark.parametrize("path", ["/routes", "routes"])
def test_relative_path_keeps_base_path(make_client, rec, path):
    client = make_client(ok_json)
    assert client.get(path, params={"q": "x"}) == {"url": "http://api.test/api/v0/routes?q=x"}


def test_absolute_url_passes_through(make_client):
    client = make_client(ok_json)
    assert client.get("https://vault.test/v1/sys/wrapping/unwrap") == {
        "url": "https://vault.test/v1/sys/wrapping/unwrap"
    }


def test_default_headers(make_client, rec):
    make_client(ok_json, product="opa").get("/x")
    headers = rec.requests[0].headers
    assert headers["User-Agent"] == f"gwctl/{__version__} (opa)"
    assert headers["Accept"] == "application/json"


def test_verbs_send_json_and_decode(make_client, rec):
    client = make_client(lambda r: httpx.Response(201, json={"method": r.method, "body": json.loads(r.content)}))
    for verb in ("post", "put", "patch", "delete"):
        assert getattr(client, verb)("/things", json={"a": 1}) == {"method": verb.upper(), "body": {"a": 1}}


def test_empty_and_204_bodies_are_none(make_client):
    client = make_client(scripted(httpx.Response(204), httpx.Response(200, content=b"")))
    assert client.delete("/x") is None
    assert client.get("/x") is None


def test_invalid_json_is_server_error(make_client):
    client = make_client(scripted(httpx.Response(200, content=b"{oops", headers={"X-Request-Id": "r1"})))
    with pytest.raises(errors.ServerError, match="returned invalid JSON") as info:
        client.get("/x")
    assert info.value.request_id == "r1"


def test_an_html_page_where_json_belongs_is_a_server_error_naming_only_its_title(make_client):
    page = b"<!DOCTYPE html><html><head><title>Sign in &amp; wait</title></head><body><form>...</form></body></html>"
    client = make_client(scripted(httpx.Response(200, content=page, headers={"Content-Type": "text/html"})))
    with pytest.raises(errors.ServerError) as info:
        client.get("/x")
    assert info.value.message.endswith("200 OK: api.test answered an HTML page (Sign in & wait) instead of JSON")
    assert "<" not in info.value.message


def test_a_proxys_html_502_becomes_one_clean_line(make_client):
    page = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
            b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
    client = make_client(scripted(*[httpx.Response(502, content=page, headers={"Content-Type": "text/html"})] * 4))
    with pytest.raises(errors.ServerError) as info:
        client.get("/x")
    assert info.value.message == "GET /api/v0/x: 502 Bad Gateway"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequest),
        (401, errors.Unauthorized),
        (403, errors.Forbidden),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (422, errors.Unprocessable),
        (429, errors.RateLimited),
        (500, errors.RemoteServerError),
        (502, errors.RemoteServerError),
    ],
)
def test_status_maps_to_error_class(make_client, rec, status, cls):
    response = httpx.Response(status, json={"message": "nope"}, headers={"X-Request-Id": "req-42"})
    client = make_client(lambda r: response, max_retries=0)
    with pytest.raises(cls) as info:
        client.get("/routes/7")
    err = info.value
    assert err.http_status == status
    assert err.request_id == "req-42"
    assert err.method == "GET"
    assert err.url == "http://api.test/api/v0/routes/7"
    assert err.body == {"message": "nope"}
    assert str(err) == f"GET /api/v0/routes/7: {status} {response.reason_phrase}: nope"


def test_vendor_error_parser_and_request_id_header(make_client):
    response = httpx.Response(409, json={"error_code": 7, "text": "name taken"}, headers={"X-Trace": "t-1"})
    client = make_client(
        lambda r: response,
        error_parser=lambda r: f"{r.json()['text']} (code {r.json()['error_code']})",
        request_id_header="X-Trace",
    )
    with pytest.raises(errors.Conflict, match=r"409 Conflict: name taken \(code 7\)$") as info:
        client.post("/things", json={})
    assert info.value.request_id == "t-1"


def test_broken_vendor_parser_falls_back(make_client):
    client = make_client(lambda r: httpx.Response(400, json={"error_msg": "bad field"}), error_parser=lambda r: 1 / 0)
    with pytest.raises(errors.BadRequest, match="bad field"):
        client.get("/x")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "m"}, "m"),
        ({"error_msg": "e"}, "e"),
        ({"error": {"message": "nested"}}, "nested"),
        ({"errorMessage": "em"}, "em"),
        ({"detail": [{"msg": "x", "message": "first"}]}, "first"),
        ({"other": 1}, None),
        ("plain text", "plain text"),
        (None, None),
    ],
)
def test_generic_error_message(body, message):
    assert generic_error_message(body) == message


def test_raw_text_error_is_one_truncated_line(make_client):
    client = make_client(lambda r: httpx.Response(404, text="line one\nline two " + "x" * 500))
    with pytest.raises(errors.NotFound) as info:
        client.get("/x")
    message = str(info.value)
    assert "\n" not in message
    assert "line one line two" in message
    assert len(message.split(": ", 2)[2]) == 200


def test_ok_statuses_are_returned(make_client):
    client = make_client(lambda r: httpx.Response(404, json={"message": "gone"}))
    assert client.delete("/x", ok={404}) == {"message": "gone"}
    assert client.request("GET", "/x", ok=[404]).status_code == 404


def test_auth_none_skips_client_auth(make_client, rec):
    client = make_client(ok_json, auth=httpx.BasicAuth("u", "p"))
    client.get("/a")
    client.post("/token", auth=None)
    assert "Authorization" in rec.requests[0].headers
    assert "Authorization" not in rec.requests[1].headers


class Chunks(httpx.SyncByteStream):
    def __iter__(self):
        yield from (b"chunk", b"chunk", b"chunk")


def test_stream_returns_unread_response(make_client):
    client = make_client(lambda r: httpx.Response(200, stream=Chunks()))
    response = client.request("GET", "/file", stream=True)
    try:
        assert not response.is_stream_consumed
        assert b"".join(response.iter_bytes()) == b"chunkchunkchunk"
    finally:
        response.close()


class CutOff(httpx.SyncByteStream):
    def __iter__(self):
        yield b'{"list": ['
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_cut_off_body_retried_for_get(make_client, rec):
    client = make_client(scripted(httpx.Response(200, stream=CutOff()), httpx.Response(200, json={"list": []})))
    assert client.get("/x") == {"list": []}
    assert len(rec.requests) == 2 and len(rec.sleeps) == 1


def test_cut_off_body_not_retried_for_post(make_client, rec):
    client = make_client(scripted(httpx.Response(200, stream=CutOff())))
    with pytest.raises(errors.NetworkError, match=r"lost connection to api\.test") as info:
        client.post("/x", json={})
    assert "may have been applied" in info.value.hint
    assert rec.sleeps == []


def test_tls_error_in_cause_chain(make_client, rec):
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate"

    def handler(request):
        raise httpx.ConnectError("handshake failed") from cause

    with pytest.raises(
        errors.NetworkError, match=r"cannot reach api\.test: TLS verification failed: self-signed certificate"
    ):
        make_client(handler).get("/x")
    assert rec.sleeps == []  # a bad certificate is not retried


# -- real sockets: what httpx actually raises -----------------------------------


def _listener() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.slow
def test_real_connection_refused(rec):
    sock = _listener()
    port = sock.getsockname()[1]
    sock.close()
    client = HttpClient(
        ClientConfig(base_url=f"http://127.0.0.1:{port}", product="t", sleep=rec.sleeps.append, max_retries=2)
    )
    with client, pytest.raises(errors.NetworkError, match=f"cannot reach 127.0.0.1:{port}"):
        client.post("/x", json={})  # nothing was sent, so even POST is retried
    assert len(rec.sleeps) == 2


@pytest.mark.slow
def test_real_read_timeout(rec):
    sock = _listener()
    conns = []
    threading.Thread(target=lambda: [conns.append(sock.accept()) for _ in range(2)], daemon=True).start()
    config = ClientConfig(
        base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
        product="t",
        timeout=0.05,
        max_retries=1,
        sleep=rec.sleeps.append,
    )
    with HttpClient(config) as client, pytest.raises(errors.TimeoutError_, match="after 2 attempt") as info:
        client.get("/slow")
    assert "--timeout" in info.value.hint
    sock.close()


@pytest.mark.slow
def test_real_self_signed_certificate(tmp_path, rec):
    pytest.importorskip("cryptography")
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    sock = _listener()

    def serve():
        conn, _ = sock.accept()
        try:
            server_ctx.wrap_socket(conn, server_side=True).close()
        except (ssl.SSLError, OSError):
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    config = ClientConfig(base_url=f"https://127.0.0.1:{sock.getsockname()[1]}", product="t", sleep=rec.sleeps.append)
    with HttpClient(config) as client, pytest.raises(errors.NetworkError, match="TLS verification failed") as info:
        client.get("/x")
    assert "CA bundle" in info.value.hint
    assert rec.sleeps == []
    sock.close()


def test_redirect_is_an_error_with_hint(make_client, rec):
    client = make_client(lambda r: httpx.Response(301, headers={"Location": "https://api.test/api/v0/x"}))
    with pytest.raises(errors.OtherHttpError, match="301 Moved Permanently") as info:
        client.get("/x")
    assert info.value.hint == "the server redirects to https://api.test/api/v0/x; check the profile URL"
    assert len(rec.requests) == 1


def test_api_modules_import_no_cli_or_pydantic():
    import subprocess
    import sys

    code = (
        "import sys, gwctl.api.http, gwctl.api.auth, gwctl.api.paging, gwctl.api.redact; "
        "print(sorted(m for m in ('typer', 'pydantic', 'gwctl.cli') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
