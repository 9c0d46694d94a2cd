"""A server that refuses a `limit` above its (undocumented) maximum instead of clamping it:
found with an independent server, where `routes list --all` failed with exit 6."""

from __future__ import annotations

import pytest


@pytest.fixture
def strict_limit(pom):
    original = pom.emulator._page

    def refusing(request, items, kind, fields=None):
        limit = request.args.get("limit")
        if limit and int(limit) > pom.emulator.strict_max:
            pom.emulator.abort(400, f"limit: must be at most {pom.emulator.strict_max}")
        return original(request, items, kind, fields)

    pom.emulator._page = refusing
    return pom


def _pages(emulator, suffix="/routes"):
    return [(r.query.get("offset"), r.query.get("limit")) for r in emulator.requests if r.path.endswith(suffix)]


def test_a_refused_limit_is_retried_with_the_maximum_the_server_names(strict_limit):
    pom = strict_limit
    pom.emulator.strict_max = 4
    result = pom.run("pomerium", "routes", "list", "--all", "-o", "jsonl")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 12
    assert _pages(pom.emulator) == [("0", "100"), ("0", "4"), ("4", "4"), ("8", "4"), ("12", "4")]


def test_a_bad_request_about_something_else_is_not_retried(pom):
    result = pom.run("pomerium", "routes", "list", "--namespace", "nsProd", "--order-by", "name", "-o", "json")
    assert result.code == 0
    pom.emulator.clear_log()
    result = pom.run("pomerium", "api", "GET", "/organizations/orgAcme/routes", "--paginate", "-o", "json")
    assert result.code == 6  # no namespaceId: the 400 does not name limit
    assert len([r for r in pom.emulator.requests if r.path.endswith("/routes")]) == 1
