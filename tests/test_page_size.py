"""Every paged list asks for the largest page its API serves with --all or a large --limit, and for
exactly --limit when that is smaller (counted at the emulators)."""

from __future__ import annotations

import pytest

OPA_LIST = "/v1/teams/*/gateways"


def _sizes(emulator, path: str, param: str) -> list[str | None]:
    return [r.query.get(param) for r in emulator.calls("GET", path)]


def test_opa_asks_for_pages_of_1000(sandbox):
    box = sandbox("opa")
    for n in range(1500):
        box.emulator.add_gateway(None, f"bulk-{n}")
    total = len(box.emulator.gateways)
    result = box.run("opa", "gateways", "list", "--all", "-o", "jsonl")
    assert (result.code, result.out.count("\n")) == (0, total)
    assert _sizes(box.emulator, OPA_LIST, "count") == ["1000", "1000"]
    box.emulator.clear_log()
    assert box.run("opa", "gateways", "list", "--limit", "5000", "-o", "jsonl").out.count("\n") == total
    assert _sizes(box.emulator, OPA_LIST, "count") == ["1000", "1000"]
    box.emulator.clear_log()
    assert box.run("opa", "gateways", "list", "--limit", "7", "-o", "jsonl").out.count("\n") == 7
    assert _sizes(box.emulator, OPA_LIST, "count") == ["7"]


def test_opa_setup_tokens_ask_for_pages_of_1000(sandbox):
    box = sandbox("opa")
    for n in range(1200):
        box.emulator.add_setup_token(f"bulk {n}")
    path = "/v1/teams/*/gateway_setup_tokens"
    result = box.run("opa", "setup-tokens", "list", "--all", "-o", "jsonl")
    assert (result.code, result.out.count("\n")) == (0, len(box.emulator.setup_tokens))
    assert _sizes(box.emulator, path, "count") == ["1000", "1000"]


def test_api7_asks_for_pages_of_500(sandbox):
    box = sandbox("api7")
    template = next(iter(box.emulator.consumers.values()))
    for n in range(700):
        box.emulator.consumers[f"bulk{n}"] = {**template, "id": f"bulk{n}", "username": f"bulk{n}", "labels": {}}
    total = len(box.emulator.consumers)
    result = box.run("api7", "consumers", "list", "--all", "-o", "jsonl")
    assert (result.code, result.out.count("\n")) == (0, total)
    assert _sizes(box.emulator, "/apisix/admin/consumers", "page_size") == ["500", "500"]
    box.emulator.clear_log()
    assert box.run("api7", "consumers", "list", "--limit", "9", "-o", "jsonl").out.count("\n") == 9
    assert _sizes(box.emulator, "/apisix/admin/consumers", "page_size") == ["9"]


def test_pomerium_asks_for_pages_of_100(sandbox):
    box = sandbox("pomerium")
    namespace = next(r["namespaceId"] for r in box.emulator.routes.values())
    for n in range(230):
        box.emulator.add_route(f"bulk{n}", f"bulk-{n}", namespace, f"bulk{n}.example.com", "http://upstream")
    path = "/api/v0/organizations/*/routes"
    result = box.run("pomerium", "routes", "list", "--all", "-o", "jsonl")
    assert result.code == 0, result.err
    sizes = _sizes(box.emulator, path, "limit")
    assert sizes[:3] == ["100", "100", "100"] and len(sizes) == 3 + (result.out.count("\n") % 100 == 0)
    box.emulator.clear_log()
    assert box.run("pomerium", "routes", "list", "--limit", "3", "-o", "jsonl").out.count("\n") == 3
    assert _sizes(box.emulator, path, "limit") == ["3"]


@pytest.mark.parametrize("limit", ["1", "500"])
def test_secure_gateway_lists_come_whole_in_one_request(sandbox, limit):
    box = sandbox("sg")
    result = box.run("sg", "gateways", "list", "--limit", limit, "-o", "jsonl")
    assert result.code == 0
    calls = [r for r in box.emulator.requests if r.method == "GET" and r.path == "/v1/sgconfig"]
    assert len(calls) == 1 and not ({"limit", "count", "page_size", "page"} & set(calls[0].query))


def test_opa_asks_again_with_the_page_size_a_strict_server_names(sandbox):
    box = sandbox("opa")
    for n in range(30):
        box.emulator.add_gateway(None, f"bulk-{n}")
    box.emulator.fail_next(1, status=400, body={"code": 400, "message": "count: must be at most 20"},
                           method="GET", path=OPA_LIST)
    result = box.run("opa", "gateways", "list", "--all", "-o", "jsonl")
    assert (result.code, result.out.count("\n")) == (0, len(box.emulator.gateways))
    assert _sizes(box.emulator, OPA_LIST, "count") == ["1000", "20", "20"]  # 35 gateways


def test_api7_asks_again_with_the_page_size_a_strict_server_names(sandbox):
    box = sandbox("api7")
    box.emulator.fail_next(1, status=400, body={"error_msg": "page_size must be less than or equal to 100"},
                           method="GET", path="/apisix/admin/consumers")
    result = box.run("api7", "consumers", "list", "--all", "-o", "jsonl")
    assert (result.code, result.out.count("\n")) == (0, len(box.emulator.consumers))
    assert _sizes(box.emulator, "/apisix/admin/consumers", "page_size") == ["500", "100"]


def test_a_bad_request_about_something_else_is_not_asked_again(sandbox):
    box = sandbox("opa")
    box.emulator.fail_next(1, status=400, body={"code": 400, "message": "invalid team"}, method="GET", path=OPA_LIST)
    result = box.run("opa", "gateways", "list", "--all", "-o", "jsonl")
    assert result.code == 6
    assert len(box.emulator.calls("GET", OPA_LIST)) == 1
