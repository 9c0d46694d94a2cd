"""The baseline of the list benchmarks: a plain httpx paging loop over OPA's Link-paged lists.

    python -m benchmarks.raw_list URL TEAM PATH FORMAT   (key ID and secret in GWCTL_OPA_KEY_ID/SECRET)

It exchanges the service key for a bearer token, GETs PATH with count=1000 and follows
Link rel="next", writing every item as FORMAT (jsonl, tsv or json) to stdout: the least any
client can do for the same output.
"""

from __future__ import annotations

import json
import os
import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as gwctl does: no httpx CLI import
import httpx  # noqa: E402


def main(url: str, team: str, path: str, fmt: str) -> None:
    out = sys.stdout
    with httpx.Client(base_url=url, verify=False) as client:
        token = client.post(f"/v1/teams/{team}/service_token",
                            json={"key_id": os.environ["GWCTL_OPA_KEY_ID"],
                                  "key_secret": os.environ["GWCTL_OPA_KEY_SECRET"]}).json()["bearer_token"]
        headers = {"Authorization": f"Bearer {token}"}
        next_url: str | None = f"/v1/teams/{team}/{path}?count=1000"
        items = []
        columns: list[str] | None = None
        while next_url:
            response = client.get(next_url, headers=headers)
            response.raise_for_status()
            for item in response.json()["list"]:
                if fmt == "jsonl":
                    out.write(json.dumps(item, separators=(",", ":")) + "\n")
                elif fmt == "tsv":
                    if columns is None:
                        columns = list(item)
                        out.write("\t".join(c.upper() for c in columns) + "\n")
                    out.write("\t".join("" if item.get(c) is None else str(item.get(c)) for c in columns) + "\n")
                else:
                    items.append(item)
            next_url = response.links.get("next", {}).get("url")
        if fmt == "json":
            out.write(json.dumps(items, indent=2) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
