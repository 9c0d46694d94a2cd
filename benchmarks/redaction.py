"""Redaction cost per learned secret: learning N secrets and masking a text that holds them.

Secrets arrive a page (100) at a time with a log line in between, as in a paged list.
Prints the time per secret at 200, 2,000 and 20,000 secrets and the ratio to the 200 case;
a linear redactor keeps the ratios near 1. Run: python benchmarks/redaction.py
"""

from __future__ import annotations

import time

from gwctl.api.redact import Redactor


PAGE = 100  # secrets learned per page of a list, between two log lines


def run(count: int) -> float:
    secrets = [f"sgt-{i:08d}-Zq9v7Xw2Lp" for i in range(count)]
    text = "\n".join(f'{{"id": "{i}", "token": "{s}", "description": "gateway {i}"}}' for i, s in enumerate(secrets))
    start = time.perf_counter()
    redactor = Redactor()
    for index, secret in enumerate(secrets):
        redactor.add(secret)
        if index % PAGE == PAGE - 1:
            redactor.text(f"GET /v1/teams/ops/gateway_setup_tokens?offset={index}")  # one log line per page
    masked = redactor.text(text)
    elapsed = time.perf_counter() - start
    assert "Zq9v7Xw2Lp" not in masked
    return elapsed / count


def main() -> None:
    base = run(200)
    print(f"{'secrets':>8}  {'per secret':>11}  ratio to 200")
    for count in (200, 2000, 20000):
        per = run(count)
        print(f"{count:>8}  {per * 1e6:>9.1f}us  {per / base:>6.2f}x")


if __name__ == "__main__":
    main()
