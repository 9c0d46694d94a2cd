"""The fault matrix: every product x {a read, a create, its token exchange or login, a mint} x every
fault a network, a proxy or a struggling server produces, through a fault-injecting proxy
(tests/fault_proxy.py) in front of the sandbox emulator.

Each cell checks the documented exit code, one clean error line on stderr (plus at most a
hint line; never a traceback or markup) and how often the request was sent: reads are retried
per the transport's policy; a create or mint is resent only after an answer that proves the
server did not act (429 with a Retry-After or the vendor's reset header), never after one that
came after it may have acted. Sleeps go to a fake (the `sleeps` fixture), so nothing waits.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pytest
from emulator_profiles import add_profile
from fault_proxy import FAULTS, FaultProxy, Rule

ATTEMPTS = 4  # the first try + the transport's 3 retries
HANG_TIMEOUT = "0.3"  # --timeout for the hang cells: the proxy holds the answer far longer


@dataclass(frozen=True)
class Op:
    product: str
    kind: str  # read | create | exchange | mint
    argv: str  # {placeholders}: the emulator's example values
    method: str
    path: str  # fnmatch pattern of the request the fault hits
    idempotent: bool
    stdin: str = ""

    @property
    def id(self) -> str:
        return f"{self.product}-{self.kind}"


OPS = (
    Op("opa", "read", "opa gateways list", "GET", "/v1/teams/*/gateways", True),
    Op("opa", "create", "opa setup-tokens create -d faulty", "POST", "/v1/teams/*/gateway_setup_tokens", False),
    Op("opa", "exchange", "opa gateways list", "POST", "/v1/teams/*/service_token", False),
    Op("pomerium", "read", "pomerium routes list", "GET", "/api/v0/organizations/*/routes", True),
    Op("pomerium", "create", "pomerium policies create --name testers --allow-domain example.com",
       "POST", "/api/v0/organizations/*/policies", False),
    Op("pomerium", "exchange", "pomerium routes list", "POST", "/api/v0/token", False),
    Op("pomerium", "mint", "pomerium users renew-token {api_user} --yes",
       "POST", "/api/v0/organizations/*/users/*/refreshToken", False),
    Op("api7", "read", "api7 services list", "GET", "/apisix/admin/services", True),
    Op("api7", "create", "api7 services create shop --path-prefix /shop --upstream-node shop.internal:8080",
       "POST", "/apisix/admin/services", False),
    Op("api7", "exchange", "api7 login --username admin --password-stdin", "POST", "/api/login", False,
       stdin="{admin_password}\n"),
    Op("api7", "mint", "api7 tokens regenerate {token_id} --expires-in never --no-store --yes",
       "PUT", "/api/settings/tokens/*/regenerate", False),
    Op("sg", "read", "sg gateways list", "GET", "/v1/sgconfig", True),
    Op("sg", "create", "sg gateways create --desc faulty", "POST", "/v1/sgconfig", False),
    Op("sg", "exchange", "sg gateways list", "POST", "/identity/token", False),
    Op("sg", "mint", "sg gateways rotate-token {gateway} --no-store --yes", "PUT", "/v1/sgconfig/*", False),
    Op("gatekeeper", "read", "gatekeeper status", "GET", "/status", True),
    Op("gatekeeper", "create", "gatekeeper token request --task-id web-task", "POST", "/token", False),
    Op("gatekeeper", "exchange", "gatekeeper token request --task-id web-task --unwrap",
       "POST", "/v1/sys/wrapping/unwrap", False),
)

# The vendor's own rate-limit header where it has one (shared/api: OPA's X-RateLimit-Retry-At, Unix
# seconds); the others document none, so a throttling proxy's Retry-After.
RATE_LIMIT_HEADERS = {"opa": {"X-RateLimit-Retry-At": "{now+3}"}}
RETRY_AFTER = {"Retry-After": "2"}

# fault -> (exit code, attempts of an idempotent read, attempts of a create/mint/exchange)
EXPECTED = {
    "500": (8, ATTEMPTS, 1),
    "502-html": (8, ATTEMPTS, 1),
    "503-retry-after": (8, ATTEMPTS, 1),
    "504": (8, ATTEMPTS, 1),
    "429": (7, ATTEMPTS, ATTEMPTS),  # a 429 proves the server did not act: a create may go again
    "hang": (7, ATTEMPTS, 1),
    "reset": (9, ATTEMPTS, 1),
    "malformed-json": (8, 1, 1),
    "html-200": (8, 1, 1),
    "truncated": (9, ATTEMPTS, 1),
    "empty-200": (8, 1, 1),
}
assert set(EXPECTED) == set(FAULTS)


@pytest.fixture
def proxied(gw, serve, monkeypatch):
    """proxied(product) -> (emulator, proxy): the product's sandbox profile points at a fault proxy."""
    from gwctl.products import PRODUCTS
    from gwctl.sandbox import registry

    proxies: list[FaultProxy] = []

    def start(product: str):
        emulator = registry.load(product)()
        server = serve(emulator)
        proxy = FaultProxy(server.url)
        proxies.append(proxy)
        add_profile(gw, f"sandbox-{product}", product, emulator, proxy.url)
        for key, value in emulator.credentials().items():
            monkeypatch.setenv(PRODUCTS[product].secret(key).env, value)
        return emulator, proxy

    yield start
    for proxy in proxies:
        proxy.stop()


def _values(emulator) -> dict[str, str]:
    values = dict(emulator.example_values())
    if emulator.product == "api7":
        from gwctl.sandbox.api7_base import ADMIN_PASSWORD

        values["admin_password"] = ADMIN_PASSWORD
    return values


def _assert_one_clean_line(err: str) -> None:
    lines = err.splitlines()
    assert lines and lines[0].startswith("error: "), err
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint: ")), err
    for bad in ("Traceback", "unexpected ", "<", "\\n"):
        assert bad not in err, err
    assert len(lines[0]) <= 400, err


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("op", OPS, ids=[op.id for op in OPS])
def test_fault_cell(proxied, gw, sleeps, op, fault):
    emulator, proxy = proxied(op.product)
    values = _values(emulator)
    headers = RATE_LIMIT_HEADERS.get(op.product, RETRY_AFTER)
    proxy.inject(Rule(op.method, op.path, fault, rate_limit_headers=headers))
    argv = shlex.split(op.argv.format(**values))
    if fault == "hang":
        argv = ["--timeout", HANG_TIMEOUT, *argv]
    result = gw(*argv, stdin=op.stdin.format(**values))
    code, read_attempts, write_attempts = EXPECTED[fault]
    attempts = read_attempts if op.idempotent else write_attempts
    assert (result.code, proxy.attempts) == (code, attempts), result.err
    _assert_one_clean_line(result.err)
    assert result.out == ""
    # A create or mint reached the server at most once: nothing was made twice.
    assert op.idempotent or proxy.forwarded <= 1
    if fault in ("429", "503-retry-after") and attempts > 1:
        assert len(sleeps) == attempts - 1 and all(0 < s <= 3 for s in sleeps), sleeps


def test_429_then_success_resends_a_create_once(proxied, gw, sleeps):
    """A throttled create is sent again after the server's delay, and made exactly once."""
    emulator, proxy = proxied("sg")
    before = len(emulator.calls("POST", "/v1/sgconfig"))
    proxy.inject(Rule("POST", "/v1/sgconfig", "429", times=1, rate_limit_headers=RETRY_AFTER))
    result = gw("sg", "gateways", "create", "--desc", "throttled")
    assert result.code == 0, result.err
    assert proxy.attempts == 2 and sleeps == [2.0]
    assert len(emulator.calls("POST", "/v1/sgconfig")) == before + 1


def test_opa_429_uses_the_vendor_reset_header(proxied, gw, sleeps):
    _, proxy = proxied("opa")
    proxy.inject(Rule("POST", "/v1/teams/*/gateway_setup_tokens", "429", times=1,
                      rate_limit_headers={"X-RateLimit-Retry-At": "{now+3}"}))
    result = gw("opa", "setup-tokens", "create", "-d", "throttled")
    assert result.code == 0, result.err
    assert proxy.attempts == 2 and len(sleeps) == 1 and 1 < sleeps[0] <= 3


def test_gatekeepers_own_429_is_not_resent(proxied, gw, sleeps):
    """Gatekeeper's 429 on /token means the task used its allotment (no Retry-After): not throttling."""
    emulator, _ = proxied("gatekeeper")
    emulator.usage["mesos:web-task"] = 3  # the policy's num_uses
    result = gw("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 7, result.err
    assert "has used all the tokens its policy allows" in result.err
    assert len(emulator.calls("POST", "/token")) == 1 and sleeps == []


def test_a_create_after_a_401_is_resent_once_with_a_fresh_token(proxied, gw):
    """A cached bearer the server no longer takes: 401, a fresh exchange, the create once more, made once."""
    emulator, proxy = proxied("opa")
    assert gw("opa", "gateways", "list").code == 0  # caches a bearer token
    emulator.expire_tokens()
    before = len(emulator.calls("POST", "/v1/teams/*/service_token"))
    proxy.inject(Rule("POST", "/v1/teams/*/gateway_setup_tokens", "none"))
    result = gw("opa", "setup-tokens", "create", "-d", "after-401")
    assert result.code == 0, result.err
    assert proxy.attempts == 2  # the 401, then the resend with the new token
    assert len(emulator.calls("POST", "/v1/teams/*/service_token")) == before + 1
    made = emulator.setup_tokens.select(description="after-401")
    assert len(made) == 1
