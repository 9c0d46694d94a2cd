"""Helpers shared by the sandbox tests (a module, so test files can import them)."""

from __future__ import annotations

from fake_clock import FakeClock  # noqa: F401 - the suite's one fake clock

import httpx

from gwctl.sandbox.base import Emulator, route

START = 1_790_000_000.0  # 2026-09-21T14:13:20Z


def wsgi_client(app, base_url: str = "http://sandbox.test") -> httpx.Client:
    """An httpx client that calls ``app`` in-process."""
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url=base_url)


class Toy(Emulator):
    """A minimal product for testing the framework itself."""

    product = "toy"
    base_path = "/api"

    def clear_state(self):
        self.items = {}

    def seed(self):
        self.items["a1"] = {"id": "a1", "name": "first"}

    def error(self, status, message):
        return self.json({"code": status, "message": message}, status)

    @route("/items")
    def list_items(self, request):
        return {"items": list(self.items.values())}

    @route("/items", "POST")
    def create_item(self, request):
        item = request.get_json()
        self.items[item["id"]] = item
        return self.json(item, 201, {"Location": f"/api/items/{item['id']}"})

    @route("/items/<item_id>", "GET", "DELETE")
    def item(self, request, item_id):
        if item_id not in self.items:
            self.abort(404, f"item {item_id} not found")
        return self.items.pop(item_id) if request.method == "DELETE" else self.items[item_id]
