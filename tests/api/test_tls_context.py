"""The SSL context: none for http:// profiles; for https:// built once, on the first request that
needs TLS, from the profile's CA bundle, SSL_CERT_FILE or REQUESTS_CA_BUNDLE (or off with --insecure)."""

from __future__ import annotations

import json
import ssl
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gwctl import errors
from gwctl.api.http import ClientConfig, HttpClient

pytestmark = pytest.mark.slow


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    context: ssl.SSLContext | None = None
    connections = 0

    def get_request(self):
        conn, addr = super().get_request()
        self.connections += 1
        if self.context is not None:
            conn = self.context.wrap_socket(conn, server_side=True)
        return conn, addr

    def handle_error(self, request, client_address) -> None:
        pass  # a client refusing our certificate is expected in some tests


def _self_signed(tmp_path):
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    import ipaddress

    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(7).not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def server(tmp_path):
    """start(tls=bool) -> (base URL, CA file, server); a TLS server counts the connections it accepted."""
    started = []

    def start(tls: bool):
        cert = context = None
        if tls:
            cert, key = _self_signed(tmp_path)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
        httpd = _Server(("127.0.0.1", 0), _Answer)
        httpd.context = context
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(httpd)
        scheme = "https" if tls else "http"
        return f"{scheme}://127.0.0.1:{httpd.server_address[1]}", cert, httpd

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def contexts(monkeypatch):
    """Every SSL context created in the test (ssl.create_default_context and httpx create theirs
    through ssl.SSLContext)."""
    made: list[ssl.SSLContext] = []
    original = ssl.SSLContext.__new__

    def counting(cls, protocol=None, *args, **kwargs):
        context = original(cls, protocol, *args, **kwargs)
        if protocol != ssl.PROTOCOL_TLS_SERVER:  # the test server's own are not counted
            made.append(context)
        return context

    monkeypatch.setattr(ssl.SSLContext, "__new__", counting)
    return made


def _client(url: str, **config) -> HttpClient:
    return HttpClient(ClientConfig(base_url=url, product="t", max_retries=0, **config))


def test_an_http_profile_builds_no_ssl_context(server, contexts, monkeypatch, tmp_path):
    url, _, _ = server(tls=False)
    # Even a CA bundle setting is not read: nothing of it is needed without TLS.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "absent.pem"))
    with _client(url, ca_bundle=str(tmp_path / "absent.pem")) as client:
        assert client.get("/a") == {"path": "/a"}
        assert client.get("/b") == {"path": "/b"}
    assert contexts == []


def test_the_profiles_ca_bundle_is_loaded_once_on_the_first_https_request(server, contexts):
    url, cert, _ = server(tls=True)
    client = _client(url, ca_bundle=str(cert))
    assert contexts == []  # building the client loads nothing
    with client:
        assert client.get("/a") == {"path": "/a"}
        assert client.get("/b") == {"path": "/b"}
        assert client.get("/c") == {"path": "/c"}
    assert len(contexts) == 1
    assert contexts[0].verify_mode == ssl.CERT_REQUIRED


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_the_environments_ca_bundle_is_honoured(server, contexts, monkeypatch, variable):
    url, cert, _ = server(tls=True)
    monkeypatch.setenv(variable, str(cert))
    with _client(url) as client:
        assert client.get("/a") == {"path": "/a"}
    assert len(contexts) == 1


def test_without_the_bundle_the_certificate_is_refused(server):
    url, _, _ = server(tls=True)
    with _client(url) as client, pytest.raises(errors.NetworkError, match="TLS verification failed"):
        client.get("/a")


def test_insecure_skips_verification_and_still_builds_the_context_once(server, contexts):
    url, _, _ = server(tls=True)
    with _client(url, verify=False) as client:
        assert client.get("/a") == {"path": "/a"}
        assert client.get("/b") == {"path": "/b"}
    assert len(contexts) == 1
    assert contexts[0].verify_mode == ssl.CERT_NONE


def test_a_missing_ca_bundle_is_a_config_error_before_anything_is_sent(server, tmp_path):
    url, _, httpd = server(tls=True)
    with _client(url, ca_bundle=str(tmp_path / "none.pem")) as client:
        with pytest.raises(errors.ConfigError, match=r"cannot load CA bundle .*none\.pem"):
            client.get("/a")
    assert httpd.connections == 0


def test_a_missing_requests_ca_bundle_names_the_file(server, monkeypatch, tmp_path):
    url, _, _ = server(tls=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with _client(url) as client, pytest.raises(errors.ConfigError, match=r"missing\.pem"):
        client.get("/a")


def test_threads_share_one_context(server, contexts):
    url, cert, _ = server(tls=True)
    results = []
    with _client(url, ca_bundle=str(cert)) as client:
        threads = [threading.Thread(target=lambda i=i: results.append(client.get(f"/{i}"))) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(r["path"] for r in results) == [f"/{i}" for i in range(8)]
    assert len(contexts) == 1
