"""Every catalogue command, answered with an empty or oddly shaped 2xx where the vendor sends an
object: no AttributeError/KeyError/TypeError escapes (exit 1); an answer gwctl cannot use exits 8."""

from __future__ import annotations

import re
import shlex

import pytest

from gwctl.cli.root import PRODUCT_COMMANDS
from gwctl.sandbox import registry


def _catalogue(product):
    from gwctl.cli.catalogue import catalogue

    return catalogue(product)


PRODUCTS = [p for p in PRODUCT_COMMANDS if _catalogue(p) is not None and p in registry.available()]
CASES = [(p, op) for p in PRODUCTS for op in _catalogue(p) if op.example is not None]
# An empty body, an array where an object belongs, a scalar where either belongs.
SHAPES = {"empty": b"", "array": b'[{"x": 1}]', "string": b'"x"'}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize(("product", "op"), CASES, ids=[f"{p}:{o.method} {o.path}" for p, o in CASES])
def test_odd_answer_never_escapes_as_a_bug(sandbox, sleeps, product, op, shape):
    box = sandbox(product)
    values = box.emulator.example_values()
    argv = shlex.split(op.example.format(**values))
    pattern = box.emulator.base_path + re.sub(r"\{[^}]+\}", "*", op.path)
    box.emulator.fail_next(50, status=200, body=SHAPES[shape], method=op.method, path=pattern)
    result = box.run(*argv, stdin=values.get("_stdin", ""))
    assert result.code != 1 and "Traceback" not in result.err, f"{op.example}: {result.err}"
