"""Dynamic shell completion of the IDs and names of a resource (profile names: gwctl.cli.profile_names).

Resource IDs come from a short-lived cache in GWCTL_CACHE_DIR
(0600) or, when it is older than CACHE_SECONDS, from one list request that may take at most
LIVE_SECONDS: completion never hangs a shell. Static completion (commands, options, choices) never
gets here, so it imports no httpx.
"""

from __future__ import annotations

import os
import time
from typing import Any

import click
from click.shell_completion import CompletionItem

CACHE_SECONDS = 60.0
LIVE_SECONDS = 1.0


def _cache_file(profile: str, product: str, noun: str, scope: dict[str, Any]) -> str:
    import hashlib

    from gwctl.config import paths

    key = hashlib.sha256(repr(sorted((k, str(v)) for k, v in scope.items())).encode()).hexdigest()[:12]
    return os.path.join(paths.cache_dir(), "completion", f"{profile}.{product}.{noun}.{key}.json")


def _read_cache(path: str) -> list[list[str]] | None:
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if time.time() - float(data["at"]) <= CACHE_SECONDS:
            return [[str(a), str(b)] for a, b in data["items"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _live(res: Any, ctx: click.Context, values_of: dict[str, Any]) -> tuple[str, list[list[str]]] | None:
    """(cache path, [[id, name]...]) from one bounded list request, or None when it cannot be had in time."""
    import threading

    import importlib

    from gwctl.cli.context import get_app

    app = get_app(ctx)
    app.opts.timeout = LIVE_SECONDS
    profile = app.profile(res.product)
    prepare = getattr(importlib.import_module(res.hooks), "prepare", None) if res.hooks else None
    values = (prepare(res, "list", values_of) if prepare else None) or {}
    path = _cache_file(profile.name, res.product, res.noun, {**values, **app.overrides})
    cached = _read_cache(path)
    if cached is not None:
        return path, cached
    found: list[list[str]] = []
    done = threading.Event()

    def fetch() -> None:
        try:
            client = app.client(res.product)
            for page in client.list_pages(res, None, 200, **values):
                for item in page:
                    if isinstance(item, dict) and item.get(res.id_field) not in (None, ""):
                        name = next((str(item[f]) for f in res.name_fields if item.get(f)), "")
                        found.append([str(item[res.id_field]), name])
            done.set()
        except Exception:  # noqa: BLE001 - completion offers what it has
            pass

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(LIVE_SECONDS)
    if not done.is_set():
        return None
    from gwctl.config.files import write_private
    import json

    try:
        write_private(path, json.dumps({"at": time.time(), "items": found}))
    except OSError:
        pass
    return path, found


def resource_refs(product: str, noun: str):
    """A shell_complete callback for a resource's ID|NAME argument."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from gwctl.resources import resource

        try:
            res = resource(product, noun)
            with ctx.scope(cleanup=False):  # hooks find the running command's context
                answer = _live(res, ctx, dict(ctx.params))
        except Exception:  # noqa: BLE001 - no profile, no server: nothing to offer
            return []
        if answer is None:
            return []
        items = []
        for item_id, name in answer[1]:
            if item_id.startswith(incomplete):
                items.append(CompletionItem(item_id, help=name or None))
            if name and name != item_id and name.startswith(incomplete) and not any(c.isspace() for c in name):
                items.append(CompletionItem(name, help=item_id))
        return items

    return complete
