"""What `gwctl gatekeeper wait --for` can wait for (gwctl.cli.waiting runs the one wait flow)."""

from __future__ import annotations

from gwctl.cli.waiting import Condition


def _unsealed(rows, value):
    waiting = [r for r in rows if not (r["reachable"] and r["unsealed"])]
    if not waiting:
        return True, f"{len(rows)} unsealed" if len(rows) > 1 else "unsealed"
    return False, ", ".join(f"{r['address']} {r['state']}" for r in waiting)


UNSEALED = Condition("unsealed", "the instance (with --peers: every peer) is unsealed", _unsealed)

CONDITIONS = {c.name: c for c in (UNSEALED,)}
