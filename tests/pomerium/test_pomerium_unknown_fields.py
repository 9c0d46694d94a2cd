"""Fields a newer console API returns that gwctl does not model survive a full-replace update
(found against an independent server: `routes update ID --to URL` failed with exit 2)."""

from __future__ import annotations

import json


def _add_server_fields(pom):
    pom.emulator.routes["routeGrafana"]["statName"] = "grafana"
    pom.emulator.routes["routeGrafana"]["jwtGroupsFilter"] = {"groups": [], "inferFromPpl": False}
    pom.emulator.policies["polMfa"]["futureField"] = True


def test_flag_update_keeps_fields_gwctl_does_not_model(pom):
    _add_server_fields(pom)
    result = pom.run("pomerium", "routes", "update", "routeGrafana", "--to", "http://grafana-v2.internal:3000",
                     "-o", "json")
    assert result.code == 0, result.err
    sent = pom.emulator.calls("PUT")[0].json
    assert sent["to"] == ["http://grafana-v2.internal:3000"]
    assert sent["statName"] == "grafana" and sent["jwtGroupsFilter"] == {"groups": [], "inferFromPpl": False}
    assert "policies" not in sent and "id" not in sent

    result = pom.run("pomerium", "policies", "update", "polMfa", "--description", "changed")
    assert result.code == 0, result.err
    sent = pom.emulator.calls("PUT")[-1].json
    assert sent["description"] == "changed" and sent["futureField"] is True


def test_get_edit_update_round_trip_keeps_them_but_a_typo_is_still_refused(pom, tmp_path):
    _add_server_fields(pom)
    current = pom.run("pomerium", "routes", "get", "routeGrafana", "-o", "json").json()
    current["name"] = "grafana-renamed"
    path = tmp_path / "route.json"
    path.write_text(json.dumps(current))
    result = pom.run("pomerium", "routes", "update", "routeGrafana", "--from-file", str(path), "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["name"] == "grafana-renamed"
    assert pom.emulator.calls("PUT")[0].json["statName"] == "grafana"

    current["allowWebsocket"] = True  # a typo: the server's route has no such field
    path.write_text(json.dumps(current))
    pom.emulator.clear_log()
    result = pom.run("pomerium", "routes", "update", "routeGrafana", "--from-file", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: invalid --from-file: field 'allowWebsocket': Extra inputs are not permitted\n"
    assert pom.emulator.calls("PUT") == []


def test_a_bad_known_field_in_the_file_is_refused_before_any_request(pom, tmp_path):
    path = tmp_path / "route.json"
    path.write_text(json.dumps({"namespaceId": "nsProd", "name": "x", "from": "nope", "statName": "x"}))
    result = pom.run("pomerium", "routes", "update", "routeGrafana", "--from-file", str(path))
    assert (result.code, result.err) == (2, "error: invalid --from-file: field 'from': must be a URL like "
                                            "https://app.example.com\n")
    assert pom.emulator.requests == []


def test_a_list_that_fails_on_its_first_page_writes_nothing_to_stdout(pom):
    """Piped (TSV) lists stream, but the header waits for the first page: found against an
    independent server, where a 403 left a TSV header on stdout."""
    result = pom.run("pomerium", "routes", "list", "--org", "orgNowhere", "--namespace", "nsX")
    assert result.code in (3, 5), result.err
    assert result.out == ""
    empty = pom.run("pomerium", "routes", "list", "--namespace", "nsProd", "--filter",
                    '{"items":[{"field":"name","operator":"=","value":"no-such-route"}]}')
    assert empty.code == 0 and empty.out.startswith("ID\t") and len(empty.out.splitlines()) == 1


def test_a_bad_key_inside_a_flag_value_is_named(pom):
    result = pom.run("pomerium", "policies", "create", "--name", "x", "--ppl", '{"allow":{"andd":[]}}')
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: invalid --ppl: field 'allow.andd': Extra inputs are not permitted")
    assert pom.emulator.requests == []
