"""Which emulator serves which product.

Classes are named as "module:Class" strings so that listing products imports
no emulator code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Emulator

from gwctl.products import PRODUCTS

EMULATORS: dict[str, str] = {name: spec.emulator for name, spec in PRODUCTS.items() if spec.emulator}


def load(product: str) -> type[Emulator]:
    """The emulator class for ``product``; KeyError if there is none."""
    module, _, name = EMULATORS[product].partition(":")
    return getattr(importlib.import_module(module), name)


def available() -> list[str]:
    """Products whose emulator module imports."""
    return [product for product in EMULATORS if _importable(product)]


def _importable(product: str) -> bool:
    try:
        load(product)
    except ImportError:
        return False
    return True
