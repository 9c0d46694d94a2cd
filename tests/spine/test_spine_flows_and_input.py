"""Shared CLI flows and input: confirmation, bulk, IDs, request bodies, secrets output, explain()."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import click
import pytest
from spine_helpers import last_json_line, mode_of

from gwctl import errors
from gwctl.cli.flows import confirm_change, run_bulk
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.error_hints import explain
from gwctl.cli.input import parse_labels, read_body_file, read_ids, validate_body
from gwctl.cli.render import Column


# --- confirm ----------------------------------------------------------------------------


@pytest.fixture
def destroy(add_command):
    done = []

    @click.command("destroy")
    @click.option("--yes", "-y", is_flag=True, help="Do not ask.")
    def command(yes) -> None:
        """Confirmation test command."""
        confirm_change("destroy", "thing", "things", ["t1 (everything)"], yes)
        done.append(True)
        click.echo("destroyed")

    add_command("destroy", command)
    return done


def test_confirm_without_tty_needs_yes(gw, destroy):
    result = gw("destroy")
    assert (result.code, result.out, result.err) == (
        2, "", "error: destroy thing t1 (everything): confirmation required; re-run with --yes\n")
    assert destroy == []


def test_confirm_stdin_tty_but_stderr_piped_still_needs_yes(gw, destroy):
    result = gw("destroy", stdin_tty=True, stdin="y\n")
    assert result.code == 2
    assert destroy == []


@pytest.mark.parametrize("flag", ["--yes", "-y"])
def test_confirm_with_yes(gw, destroy, flag):
    result = gw("destroy", flag)
    assert (result.code, result.out, result.err) == (0, "destroyed\n", "")


def test_confirm_on_a_tty_yes(gw, destroy):
    result = gw("destroy", tty=True, stdin_tty=True, stdin="y\n")
    assert result.code == 0
    assert result.err == "Destroy thing t1 (everything)? [y/N]: "
    assert destroy == [True]


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_confirm_on_a_tty_no(gw, destroy, answer):
    result = gw("destroy", tty=True, stdin_tty=True, stdin=answer, env={"NO_COLOR": "1"})
    assert (result.code, result.out) == (13, "")
    # a typed answer ends the line on a real terminal; end of input does not, so gwctl does
    ended = "\n" if answer == "" else ""
    assert result.err == f"Destroy thing t1 (everything)? [y/N]: {ended}error: cancelled; nothing was changed\n"
    assert destroy == []


# --- run_bulk ------------------------------------------------------------------------------


class Target:
    """A fake remote: records calls and in-flight concurrency; IDs starting with 'missing' 404."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, item_id: str) -> None:
        with self.lock:
            self.calls.append(item_id)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
            if item_id.startswith("missing"):
                raise errors.NotFound(f"DELETE /things/{item_id}: 404 Not Found", http_status=404)
            if item_id.startswith("locked"):
                raise errors.Conflict(f"DELETE /things/{item_id}: 409 Conflict", http_status=409)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def bulk(add_command):
    target = Target()

    @click.command("rm")
    @click.argument("ids", nargs=-1)
    @click.option("--concurrency", type=int, default=4)
    def command(ids, concurrency) -> None:
        """Bulk delete test command."""
        run_bulk(read_ids(ids), target, verb="deleted", noun="thing", concurrency=concurrency)

    add_command("rm", command)
    return target


def test_bulk_all_ok(gw, bulk):
    result = gw("rm", "a", "b", "c")
    assert (result.code, result.out) == (0, "")
    assert result.err == "deleted thing a\ndeleted thing b\ndeleted thing c\n"
    assert sorted(bulk.calls) == ["a", "b", "c"]


def test_bulk_partial_failure_is_exit_10(gw, bulk):
    result = gw("rm", "a", "missing1", "b", "locked1")
    assert (result.code, result.out) == (10, "")
    assert result.err == (
        "deleted thing a\n"
        "failed: thing missing1: DELETE /things/missing1: 404 Not Found\n"
        "deleted thing b\n"
        "failed: thing locked1: DELETE /things/locked1: 409 Conflict\n"
        "error: 2 of 4 things failed: missing1, locked1\n"
    )


def test_bulk_json_has_per_item_results(gw, bulk):
    result = gw("rm", "a", "missing1", "-o", "json")
    assert result.code == 10
    assert result.json() == [
        {"id": "a", "ok": True, "error": None, "exit_code": None},
        {"id": "missing1", "ok": False, "error": "DELETE /things/missing1: 404 Not Found", "exit_code": 3},
    ]
    assert last_json_line(result.err) == {"error": "1 of 2 things failed: missing1", "exit_code": 10,
                                          "http_status": None, "request_id": None}


def test_bulk_every_item_failing_is_still_reported_per_item(gw, bulk):
    result = gw("rm", "missing1", "missing2", "-o", "jsonl")
    assert result.code == 10
    assert [json.loads(line)["exit_code"] for line in result.out.splitlines()] == [3, 3]


def test_bulk_ids_from_stdin(gw, bulk):
    result = gw("rm", "-", stdin="a\n\n  b  \na\nc\n")
    assert result.code == 0
    assert sorted(bulk.calls) == ["a", "b", "c"]  # blank lines skipped, duplicates once
    result = gw("rm", "x", "-", stdin="y\n")
    assert result.code == 0
    assert bulk.calls[-2:] in (["x", "y"], ["y", "x"])


def test_bulk_no_ids(gw, bulk):
    assert (gw("rm").code, gw("rm").err) == (2, "error: no IDs given\n")
    result = gw("rm", "-", stdin="\n\n")
    assert (result.code, result.err) == (2, "error: no IDs given\n")


def test_bulk_single_id_error_keeps_its_own_exit_code(gw, bulk):
    result = gw("rm", "missing1")
    assert (result.code, result.out) == (3, "")
    assert result.err == "error: DELETE /things/missing1: 404 Not Found\n"
    result = gw("rm", "locked1", "-o", "json")
    assert result.code == 6
    assert last_json_line(result.err)["http_status"] == 409
    assert gw("rm", "ok1").err == "deleted thing ok1\n"


@pytest.mark.parametrize("concurrency", [1, 2, 3])
def test_bulk_concurrency_is_bounded(gw, bulk, concurrency):
    bulk.delay = 0.03
    ids = [f"id{i}" for i in range(8)]
    result = gw("rm", *ids, "--concurrency", str(concurrency))
    assert result.code == 0
    assert sorted(bulk.calls) == sorted(ids)
    assert bulk.max_in_flight <= concurrency
    if concurrency > 1:
        assert bulk.max_in_flight > 1  # it does run in parallel


# --- read_ids / parse_labels ---------------------------------------------------------------


def test_read_ids_outside_a_command(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("b\nc\n"))
    assert read_ids(["a", "-", "a"]) == ["a", "b", "c"]


def test_parse_labels():
    assert parse_labels(["a=1", "b=", " c =x=y"]) == {"a": "1", "b": "", "c": "x=y"}
    with pytest.raises(errors.UsageError, match=r"invalid --label 'nokey': expected KEY=VALUE"):
        parse_labels(["nokey"])
    with pytest.raises(errors.UsageError, match=r"invalid --tag '=v'"):
        parse_labels(["=v"], "--tag")


# --- read_body_file / validate_body --------------------------------------------------------


def test_read_body_file_json_yaml_stdin(tmp_path, monkeypatch):
    import io
    import sys

    (tmp_path / "b.json").write_text('{"name": "x", "n": 1}')
    (tmp_path / "b.yaml").write_text("name: x\nn: 1\n")
    assert read_body_file(str(tmp_path / "b.json")) == {"name": "x", "n": 1}
    assert read_body_file(str(tmp_path / "b.yaml")) == {"name": "x", "n": 1}
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"a": [1]}'))
    assert read_body_file("-") == {"a": [1]}
    assert read_body_file(None) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read --from-file {path}: No such file or directory"),
        ("", "--from-file {path} is empty"),
        ("  \n", "--from-file {path} is empty"),
        ("name: [unclosed\n", "--from-file {path} is neither valid JSON nor YAML (line 2)"),
    ],
)
def test_read_body_file_errors(tmp_path, content, message):
    path = tmp_path / "body.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(errors.UsageError) as info:
        read_body_file(str(path))
    assert info.value.message == message.format(path=path)


def test_validate_body_names_the_field():
    from pydantic import BaseModel, Field

    class Write(BaseModel):
        name: str
        port: int = Field(ge=1, le=65535)
        plugin_config: dict | None = Field(default=None, alias="pluginConfig")

    assert validate_body(Write, {"name": "a", "port": 80, "pluginConfig": {}}) == {
        "name": "a", "port": 80, "pluginConfig": {}}
    assert validate_body(Write, {"name": "a", "port": 80}) == {"name": "a", "port": 80}
    with pytest.raises(errors.UsageError) as info:
        validate_body(Write, {"name": "a", "port": 0})
    assert info.value.message == "invalid --from-file: field 'port': Input should be greater than or equal to 1"
    with pytest.raises(errors.UsageError) as info:
        validate_body(Write, {"port": "x"})
    assert info.value.message.startswith("invalid --from-file: field 'name': Field required (and 1 more)")
    with pytest.raises(errors.UsageError, match="expected an object, got list"):
        validate_body(Write, [1])


def test_invalid_body_file_through_main_is_exit_2(gw, add_command, tmp_path):
    @click.command("create")
    @click.option("--from-file", "from_file")
    def command(from_file) -> None:
        """Body test command."""
        read_body_file(from_file)

    add_command("create", command)
    path = tmp_path / "b.json"
    path.write_text("{nope: [")
    result = gw("create", "--from-file", str(path))
    assert (result.code, result.err) == (2, f"error: --from-file {path} is neither valid JSON nor YAML (line 1)\n")


# --- emit_secret ---------------------------------------------------------------------------------


@pytest.fixture
def secret_cmd(add_command):
    record = {"id": "t1", "token": "tok-SECRET-123", "ttl": 60}

    @click.command("mint")
    @click.option("--out", type=click.Path(path_type=Path))
    def command(out) -> None:
        """Secret test command."""
        emit_secret(dict(record), "token", out, (Column("id", "id"), Column("token", "token"), Column("ttl", "ttl")),
                    label="token")

    add_command("mint", command)
    return record


def test_emit_secret_to_stdout(gw, secret_cmd):
    assert gw("mint").out == "ID\tt1\nTOKEN\ttok-SECRET-123\nTTL\t60\n"
    assert gw("mint", "-o", "json").json() == secret_cmd


def test_emit_secret_to_a_file(gw, secret_cmd, tmp_path):
    target = tmp_path / "tok.txt"
    result = gw("mint", "--out", str(target))
    assert result.code == 0
    assert "tok-SECRET-123" not in result.all
    assert result.out == f"ID\tt1\nTTL\t60\nWRITTEN_TO\t{target}\n"
    assert result.err == f"wrote the token to {target} (mode 0600)\n"
    assert target.read_text() == "tok-SECRET-123\n"
    assert mode_of(str(target)) == 0o600
    result = gw("mint", "--out", str(target), "-o", "json")
    assert result.json() == {"id": "t1", "ttl": 60, "written_to": str(target)}


def test_emit_secret_to_a_directory_is_refused(gw, secret_cmd, tmp_path):
    result = gw("mint", "--out", str(tmp_path))
    assert (result.code, result.err) == (2, f"error: --out {tmp_path} is a directory\n")


# --- explain -------------------------------------------------------------------------------------


def test_explain_rewrites_matching_statuses():
    with pytest.raises(errors.RateLimited) as info:
        with explain({429: "the task used all its tokens"}, {429: "wait"}):
            raise errors.RateLimited("POST /token: 429 Too Many Requests: limit", http_status=429)
    assert info.value.message == "the task used all its tokens (server said: limit)"
    assert str(info.value) == info.value.message
    assert info.value.hint == "wait"
    with pytest.raises(errors.NotFound) as info:
        with explain({429: "x"}):
            raise errors.NotFound("GET /a: 404 Not Found", http_status=404)
    assert info.value.message == "GET /a: 404 Not Found"
    with explain({404: "x"}):
        pass
