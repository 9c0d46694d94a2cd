"""Plain helpers shared by the spine tests (import as `from spine_helpers import ...`)."""

from __future__ import annotations

import json
import os
import stat
from typing import Any


def read_toml(path: str) -> dict[str, Any]:
    from gwctl.config.profiles import tomllib  # tomli on Python 3.10

    with open(path, "rb") as fh:
        return tomllib.load(fh)


def mode_of(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def last_json_line(text: str) -> dict[str, Any]:
    return json.loads(text.strip().splitlines()[-1])
