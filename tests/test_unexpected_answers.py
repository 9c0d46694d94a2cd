"""A 2xx answer without what it should carry (empty, an HTML page, another shape), or an HTML error page,
ends in exit 8 with one clean line, for every product's declared resources: never an empty success,
never markup in the message, never a traceback."""

from __future__ import annotations

import shlex

import pytest

from gwctl.resources import resources

CASES = [("opa", "gateways"), ("pomerium", "routes"), ("api7", "routes"), ("sg", "gateways")]
HTML = "<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body><h1>nginx</h1></body></html>"


def _run(box, example):
    values = box.emulator.example_values()
    return box.run(*shlex.split(example.format(**values)))


def _one_clean_line(result):
    lines = result.err.splitlines()
    assert len([line for line in lines if line.startswith("error: ")]) == 1, result.err
    assert "<" not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(("product", "noun"), CASES)
@pytest.mark.parametrize("body", [b""], ids=["empty"])
def test_get_that_answers_no_object_exits_8(sandbox, product, noun, body):
    res = resources(product)[noun]
    box = sandbox(product)
    box.emulator.fail_next(10, status=200, body=body, method="GET")
    result = _run(box, res.examples["get"])
    assert result.code == 8, result.err
    _one_clean_line(result)


@pytest.mark.parametrize(("product", "noun"), CASES)
def test_list_that_answers_an_html_page_exits_8_naming_its_title(sandbox, product, noun):
    res = resources(product)[noun]
    box = sandbox(product)
    box.emulator.fail_next(10, status=200, body=HTML, method="GET", headers={"Content-Type": "text/html"})
    result = _run(box, res.examples["list"])
    assert result.code == 8, result.err
    assert "answered an HTML page (Bad Gateway) instead of JSON" in result.err
    _one_clean_line(result)


@pytest.mark.parametrize(("product", "noun"), CASES)
def test_a_proxys_html_502_is_one_line_without_markup(sandbox, product, noun, sleeps):
    res = resources(product)[noun]
    box = sandbox(product)
    box.emulator.fail_next(10, status=502, body=HTML, method="GET", headers={"Content-Type": "text/html"})
    result = _run(box, res.examples["list"])
    assert result.code == 8, result.err
    assert "502 Bad Gateway" in result.err or "502 BAD GATEWAY" in result.err
    _one_clean_line(result)
