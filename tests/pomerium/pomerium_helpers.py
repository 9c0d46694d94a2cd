from __future__ import annotations


def calls(emulator, method=None, suffix=None):
    """Requests the emulator saw, as "METHOD /path" relative to /api/v0."""
    out = []
    for r in emulator.requests:
        path = r.path.removeprefix(emulator.base_path)
        if (method is None or r.method == method) and (suffix is None or path.endswith(suffix)):
            out.append(f"{r.method} {path}")
    return out


def api_calls(emulator):
    """Requests other than the token exchange."""
    return [c for c in calls(emulator) if c != "POST /token"]
