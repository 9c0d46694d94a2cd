"""Vault Gatekeeper v1 emulator (shared/api/opa-gatekeeper.md §2).

Follows nemosupremo/vault-gatekeeper v1.1.3 (routes.go, gatekeeper.go,
policy/policy.go): no authentication, {"unsealed", "message"|"error"} bodies,
chi's plain-text 404 and empty 405. It also serves the Vault calls a
Gatekeeper client makes: POST /v1/sys/wrapping/unwrap (so /token answers
with this server's own URL as vault_addr) and the KV secrets engine where the
policy is kept (mount "secret" is KV v2, mount "kv" is KV v1), which
/policies/reload loads from. ``link_peers`` makes several emulators HA peers.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from werkzeug.wrappers import Request, Response

from .base import Emulator, random_id, rfc3339, route

# What gatekeeper.go reports when the Vault behind it refuses connections.
VAULT_DOWN = (
    "Get http://127.0.0.1:8200/v1/auth/approle/role/{role}/role-id: "
    "dial tcp 127.0.0.1:8200: connect: connection refused"
)
WRAP_TTL = 100 * 60  # gatekeeper.go RequestToken: Wrap: 100*time.Minute
TOKEN_LEASE = 32 * 24 * 3600  # Vault's default token max TTL
UNSEAL_FIELDS = ("method", "token", "role_id", "secret_id", "aws_role", "aws_nonce", "personal_token")
# /unseal method -> the unsealer name used in messages ("aws-ec2" is an alias).
UNSEAL_METHODS = {
    "token": "token",
    "token-wrapped": "wrapped-token",
    "approle": "approle",
    "aws": "aws",
    "aws-ec2": "aws",
    "github": "github",
}
GO_KINDS = {dict: "object", list: "array", str: "string", bool: "bool"}


def go_duration(seconds: float) -> str:
    """Format like Go's time.Duration.String(): 1h2m3.5s, 1h40m0s, 250ms, 0s."""
    ns = round(seconds * 1e9)
    sign, ns = ("-" if ns < 0 else ""), abs(ns)
    if ns < 1_000:
        return f"{sign}{ns}ns" if ns else "0s"
    if ns < 1_000_000:
        return f"{sign}{_decimal(ns, 3)}µs"
    if ns < 1_000_000_000:
        return f"{sign}{_decimal(ns, 6)}ms"
    hours, rest = divmod(ns, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    return sign + (f"{hours}h" if hours else "") + (f"{minutes}m" if hours or minutes else "") + f"{_decimal(rest, 9)}s"


def _decimal(value: int, digits: int) -> str:
    whole, fraction = divmod(value, 10**digits)
    return f"{whole}.{fraction:0{digits}d}".rstrip("0") if fraction else str(whole)


@dataclass
class Task:
    id: str
    name: str
    group: str = ""
    # None means "always just started": demo tasks must not go stale in a long-lived sandbox.
    started: float | None = None


class _Refused(Exception):
    """A token request that RequestToken refused; ``counter`` is the stats key it counts in."""

    def __init__(self, status: int, message: str, counter: str = "denied") -> None:
        super().__init__(message)
        self.status = status
        self.counter = counter


KV_MOUNTS = {"secret": 2, "kv": 1}  # mount -> KV version
POLICY_MOUNT, POLICY_PATH = "secret", "gatekeeper"  # --policy-path secret/data/gatekeeper (the default)


class GatekeeperEmulator(Emulator):
    product = "gatekeeper"
    version = "1.1.3"
    peer_id = "1xGkS4nDbXq2Vh7pLr9TzWc3Ya0"
    schedulers = ("mesos", "ecs")  # --schedulers; the first is the default
    task_grace = 120.0  # --task-grace, seconds

    # The credentials the emulated Vault accepts on /unseal.
    vault_token = "s.7hQ2vXcK9mLpR4tWzN8bYeJd"
    approle_role_id = "5e1f0c3a-9b7d-4e2a-8c6f-1d2b3a4c5e6f"
    approle_secret_id = "b8a7c6d5-e4f3-4a2b-9c1d-0e9f8a7b6c5d"
    aws_role = "gatekeeper"
    github_token = "3f9c1e7a5b2d4f6e8a0c1b3d5e7f9a2c4b6d8e0f"

    vault_token_ttl = 20 * 86400  # the sandbox's Vault token is renewed every three weeks or so

    def __init__(self, *, peer_id: str | None = None, **kwargs) -> None:
        if peer_id:
            self.peer_id = peer_id
        self.links: list[tuple[GatekeeperEmulator, str]] = []  # live HA peers and their addresses
        super().__init__(**kwargs)

    def clear_state(self) -> None:
        self.token: str | None = None  # the Vault token in use; unsealed while set
        # The emulated Vault's KV engines: mount -> path -> {"data", "version", "created_time"}.
        self.kv: dict[str, dict[str, dict]] = {mount: {} for mount in KV_MOUNTS}
        self.started = self.clock()
        self.stats = dict.fromkeys(("requests", "successful", "denied", "failed"), 0)
        self.policies: dict[str, dict] = {}  # policy key -> {"roles": [...], "num_uses": n}
        self.tasks: dict[tuple[str, str], Task] = {}  # (scheduler, task id) -> task
        self.usage: dict[str, int] = {}  # "scheduler:task id" -> tokens given
        self.vault_roles: dict[str, list[str]] = {}  # AppRole -> Vault policies of its tokens
        self.wrapped: dict[str, tuple[float, dict]] = {}  # wrapping token -> (expiry, auth)
        self.peers: list[dict] = []
        self.vault_up = True  # False: Gatekeeper's own calls to Vault (login, policies, AppRole) fail
        self.wrapped_token: str | None = None  # a single-use wrapping of vault_token
        self.vault_token_expires = self.clock() + self.vault_token_ttl

    def seed(self) -> None:
        self.kv_write(POLICY_MOUNT, POLICY_PATH, {
            "mesos:web": {"roles": ["web", "web-admin"], "num_uses": 3},
            "ecs:batch*": {"roles": ["batch"], "num_uses": 1},
            "mesos:ghost": {"roles": ["ghost"], "num_uses": 1},  # its AppRole is missing from Vault
            "mesos:reports:nightly": {"roles": ["reports"], "num_uses": 2},
        })
        self.policies.update(self.load_policies())
        self.vault_roles.update(
            {
                "web": ["default", "web"],
                "web-admin": ["default", "web", "web-admin"],
                "batch": ["default", "batch"],
                "reports": ["default", "reports"],
            }
        )
        self.add_task("web-task", "web")
        self.add_task("batch-task", "batch-nightly", scheduler="ecs")
        self.add_task("reports-task", "nightly", group="reports")
        self.add_task("old-task", "web", age=600.0)
        self.add_task("nopolicy-task", "scratch")
        self.add_task("ghost-task", "ghost")
        self.peers = [
            {"id": peer_id, "address": address, "unsealed": unsealed, "version": self.version}
            for peer_id, address, unsealed in (
                ("1xGkS6rTq8Wm3Yb5Zc7Ld9Nf2Hj", "https://127.0.0.1:9212/", True),
                ("1xGkS8uVn1Xp4Ac6Bd8Me0Qg3Kl", "https://127.0.0.1:9213/", False),
            )
        ]
        self.wrapped_token = self.wrap(self.vault_token, ["default", "gatekeeper"])
        self.token = self.vault_token

    def add_task(
        self, task_id: str, name: str, *, scheduler: str = "mesos", group: str = "", age: float | None = None
    ) -> Task:
        """Make the scheduler report a task; ``age`` seconds since it started (None: always fresh)."""
        started = None if age is None else self.clock() - age
        self.tasks[(scheduler, task_id)] = task = Task(task_id, name, group, started)
        return task

    @classmethod
    def fleet_member(cls, n: int, **kwargs) -> GatekeeperEmulator:
        member = super().fleet_member(n, peer_id=f"{cls.peer_id[:-2]}{n:02d}", **kwargs)
        member.peers = []  # a standalone instance: no HA peers
        return member

    def start_companions(self, url: str, serve: Any) -> list[Any]:
        """Two HA peers on free ports, so `status --peers` has peers to ask."""
        return [server for _, server in start_peers(self, url, serve)]

    def fixtures(self) -> list[str]:
        tasks = ", ".join(f"{task_id} ({scheduler})" for scheduler, task_id in self.tasks)
        return [f"task IDs: {tasks}",
                "a token for a task: gwctl -p sandbox-gatekeeper gatekeeper token request --task-id web-task --out web.token"]

    def credentials(self) -> dict[str, str]:
        return {"vault_token": self.vault_token}

    def example_values(self) -> dict[str, str]:
        return {"_stdin": json.dumps(self.kv[POLICY_MOUNT][POLICY_PATH]["data"])}

    def profile_options(self, server_url: str = "") -> dict:
        # This server is also the Vault that holds the policy.
        return {"vault_addr": server_url.rstrip("/"), "kv_mount": POLICY_MOUNT, "policy_path": POLICY_PATH} \
            if server_url else {}

    # -- HA peers ------------------------------------------------------------------------------

    def peer_list(self) -> list[dict]:
        if self.links:
            return [{"id": peer.peer_id, "address": address, "unsealed": peer.unsealed, "version": peer.version}
                    for peer, address in self.links]
        return [dict(peer) for peer in self.peers]

    def load_policies(self) -> dict[str, dict]:
        """The policy at the policy path and every path below it, merged (gatekeeper.go GetPolicyConfig)."""
        merged: dict[str, dict] = {}
        store = self.kv[POLICY_MOUNT]
        for path in sorted(store, key=lambda p: (p != POLICY_PATH, p)):
            if path == POLICY_PATH or path.startswith(POLICY_PATH + "/"):
                data = store[path]["data"]
                merged.update({k: v for k, v in data.items() if isinstance(v, dict)})
        return merged
    @property
    def unsealed(self) -> bool:
        return self.token is not None

    # -- response shapes (routes.go OkResponse / ErrorResponse, chi defaults) ---------

    def message(self, message: str) -> dict:
        return {"unsealed": self.unsealed, "message": message}

    def error(self, status: int, message: str) -> Response:
        return self.json({"unsealed": self.unsealed, "error": message}, status)

    def not_found(self, request: Request) -> Response:
        response = Response("404 page not found\n", 404, content_type="text/plain; charset=utf-8")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def method_not_allowed(self, request: Request, allowed: list[str]) -> Response:
        return Response(b"", 405, mimetype="application/json")

    # -- Gatekeeper routes ---------------------------------------------------------------

    @route("/status", "GET")
    @route("/", "GET")
    def status(self, request: Request) -> Response:
        body = {
            "id": self.peer_id,
            "stats": dict(self.stats),
            "uptime": go_duration(self.clock() - self.started),
            "unsealed": self.unsealed,
            "started": rfc3339(self.started),
            "ok": True,
            "version": self.version,
        }
        peers = self.peer_list()
        if peers:  # omitempty
            body["peers"] = peers
        return self.json(body, 200 if self.unsealed else 503)

    @route("/seal", "POST")
    def seal(self, request: Request) -> dict:
        self.token = None
        return self.message("Gatekeeper sealed.")

    @route("/unseal", "POST")
    def unseal(self, request: Request) -> dict:
        body = self._decode(request, UNSEAL_FIELDS)
        name = UNSEAL_METHODS.get(body["method"])
        if name is None:
            self.abort(422, f"Cannot unseal with unknown method: '{body['method']}'")
        token = self._login(name, body)
        if token is None:
            self.abort(401, f"Unseal failed with the '{name}' method.")
        self.token = token
        return self.message(f"Unseal successful with the '{name}' method.")

    @route("/policies/reload", "POST")
    def reload_policies(self, request: Request) -> dict:
        if not self.unsealed:
            self.abort(503, "Failed to reload policies: gatekeeper is sealed.")
        if not self.vault_up:
            self.abort(
                500,
                "There was an error attempting to reload the policies. Please check the gatekeeper logs for more info.",
            )
        self.policies = self.load_policies()
        for peer, _ in self.links:  # forwarded to the unsealed peers; their failures are only logged
            if peer.unsealed and peer.vault_up:
                peer.policies = peer.load_policies()
        return self.message(f"Policies reloaded. {len(self.policies)} total policies.")

    @route("/token", "POST")
    def token_request(self, request: Request) -> dict:
        if not self.unsealed:
            # The real server first tries an unsealed peer; the demo peers are unreachable, which also ends here.
            self.abort(503, "Unable to provide token: Gatekeeper is sealed.")
        body = self._decode(request, ("task_id", "scheduler", "role"))
        self.stats["requests"] += 1
        scheduler = body["scheduler"] or self.schedulers[0]
        if scheduler not in self.schedulers:
            self.abort(500, f"Provided scheduler '{scheduler}' is not configured.")
        try:
            role = self._authorize(scheduler, body["task_id"], body["role"])
        except _Refused as refused:
            self.stats[refused.counter] += 1
            self.abort(refused.status, str(refused))
        self.stats["successful"] += 1
        return {
            "unsealed": True,
            "token": self.wrap(random_id(24, "s."), self.vault_roles[role], {"role_name": role}),
            "ttl": go_duration(WRAP_TTL),
            "vault_addr": request.host_url.rstrip("/"),
        }

    def _authorize(self, scheduler: str, task_id: str, requested_role: str) -> str:
        """The AppRole the task gets, or _Refused; the checks run in gatekeeper.go's order."""
        task = self.tasks.get((scheduler, task_id))
        if task is None:
            raise _Refused(401, "Task not found.")
        if task.started is not None and self.clock() - task.started >= self.task_grace:
            raise _Refused(403, "This task has been running too long to request a token.")
        policy = self._policy(scheduler, task)
        if policy is None:
            raise _Refused(500, "Your task doesn't match any configured policy.")
        usage_key = f"{scheduler}:{task.id}"
        if self.usage.get(usage_key, 0) >= policy["num_uses"]:
            raise _Refused(429, "Maximum number of tokens given to this task.")
        # Upstream spends a use before checking the role.
        self.usage[usage_key] = self.usage.get(usage_key, 0) + 1
        if requested_role and requested_role not in policy["roles"]:
            raise _Refused(403, "Your task does not have permission to use this role.")
        # Upstream validates the requested role but always issues the policy's first one.
        role = policy["roles"][0]
        role = task.name if role == "{{name}}" else role
        if not self.vault_up:
            raise _Refused(500, VAULT_DOWN.format(role=role), "failed")
        if role not in self.vault_roles:
            raise _Refused(403, "The role requested does not exist.")
        return role

    def _policy(self, scheduler: str, task: Task) -> dict | None:
        """Merge every policy whose key (exact, or a trailing-* prefix; "*" is global) matches the
        task: roles of the most specific key first, num_uses from the most specific key."""
        path = ":".join(filter(None, (scheduler, task.group, task.name)))
        keys = sorted(
            (key for key in self.policies if key == path or (key.endswith("*") and path.startswith(key[:-1]))),
            key=lambda key: len(key.rstrip("*")),
        )
        roles = [role for key in reversed(keys) for role in self.policies[key]["roles"]]
        if not roles:
            return None
        return {"roles": roles, "num_uses": self.policies[keys[-1]]["num_uses"]}

    def _login(self, name: str, body: dict[str, str]) -> str | None:
        """Log in to the emulated Vault; the client token, or None when refused."""
        if not self.vault_up:
            return None
        if name == "token":
            return body["token"] if body["token"] == self.vault_token else None
        if name == "wrapped-token":
            auth = self.unwrap(body["token"])
            return auth["client_token"] if auth else None
        accepted = {
            "approle": (body["role_id"], body["secret_id"]) == (self.approle_role_id, self.approle_secret_id),
            "aws": body["aws_role"] == self.aws_role,  # the EC2 identity document is not emulated
            "github": body["personal_token"] == self.github_token,
        }[name]
        return random_id(24, "s.") if accepted else None

    def _decode(self, request: Request, fields: tuple[str, ...]) -> dict[str, str]:
        try:
            return _go_decode(request.get_data(as_text=True), fields)
        except ValueError as exc:
            self.abort(400, f"JSON body could not be decoded: {exc}")

    # -- the emulated Vault ----------------------------------------------------------------

    def wrap(self, client_token: str, policies: list[str], metadata: dict | None = None) -> str:
        """Response-wrap a Vault login for ``client_token``; returns the single-use wrapping token."""
        wrapping_token = random_id(24, "s.")
        auth = {
            "client_token": client_token,
            "accessor": random_id(24),
            "policies": policies,
            "token_policies": policies,
            "metadata": metadata,
            "lease_duration": TOKEN_LEASE,
            "renewable": True,
            "entity_id": "",
            "token_type": "service",
            "orphan": True,
        }
        self.wrapped[wrapping_token] = (self.clock() + WRAP_TTL, auth)
        return wrapping_token

    def unwrap(self, wrapping_token: str) -> dict | None:
        """The wrapped auth, consuming the token; None if unknown, used or expired."""
        expiry, auth = self.wrapped.pop(wrapping_token, (0.0, None))
        return auth if expiry > self.clock() else None

    @route("/v1/sys/wrapping/unwrap", "POST")
    def vault_unwrap(self, request: Request) -> Response | dict:
        wrapping_token = request.headers.get("X-Vault-Token")
        if not wrapping_token:
            return self.json({"errors": ["missing client token"]}, 400)
        auth = self.unwrap(wrapping_token)
        if auth is None:
            return self.json({"errors": ["wrapping token is not valid or does not exist"]}, 400)
        return {
            "request_id": str(uuid.uuid4()),
            "lease_id": "",
            "renewable": False,
            "lease_duration": 0,
            "data": None,
            "wrap_info": None,
            "warnings": None,
            "auth": auth,
        }


    # -- the emulated Vault's KV secrets engine (v2 at "secret", v1 at "kv") -----------------------

    def kv_write(self, mount: str, path: str, data: dict) -> dict:
        current = self.kv[mount].get(path)
        record = {"data": data, "version": (current["version"] + 1) if current else 1,
                  "created_time": rfc3339(self.clock())}
        self.kv[mount][path] = record
        return record

    def _vault(self, request: Request, mount: str) -> Response | None:
        """Vault's refusals before a KV call: no or a wrong token (403), an unknown mount (404)."""
        if request.headers.get("X-Vault-Token") != self.vault_token:
            return self.json({"errors": ["permission denied"]}, 403)
        if mount not in KV_MOUNTS:
            return self.json({"errors": [f"no handler for route \"{mount}/\". route entry not found."]}, 404)
        return None

    @route("/v1/auth/token/lookup-self", "GET")
    def vault_lookup_self(self, request: Request) -> Response | dict:
        """Vault's own view of the calling token (its `id` is the token itself)."""
        if request.headers.get("X-Vault-Token") != self.vault_token:
            return self.json({"errors": ["permission denied"]}, 403)
        now = self.clock()
        return self._vault_answer({
            "accessor": "hmZ3sC1dV9bQ4wE7tY2uK8pL", "creation_time": int(self.started),
            "creation_ttl": self.vault_token_ttl, "display_name": "token-gatekeeper", "entity_id": "",
            "expire_time": rfc3339(self.vault_token_expires), "explicit_max_ttl": 0, "id": self.vault_token,
            "issue_time": rfc3339(self.started), "meta": None, "num_uses": 0, "orphan": False,
            "path": "auth/token/create", "policies": ["default", "gatekeeper"], "renewable": True,
            "ttl": max(0, int(self.vault_token_expires - now)), "type": "service"})

    @staticmethod
    def _vault_answer(data: dict | None, lease: int = 0) -> dict:
        return {"request_id": str(uuid.uuid4()), "lease_id": "", "renewable": False, "lease_duration": lease,
                "data": data, "wrap_info": None, "warnings": None, "auth": None}

    def _kv_metadata(self, record: dict) -> dict:
        return {"created_time": record["created_time"], "custom_metadata": None, "deletion_time": "",
                "destroyed": False, "version": record["version"]}

    def _kv_list(self, mount: str, path: str) -> Response | dict:
        prefix = path.rstrip("/") + "/" if path else ""
        keys = sorted({(rest.split("/", 1)[0] + "/") if "/" in rest else rest
                       for stored in self.kv[mount] if stored.startswith(prefix)
                       for rest in (stored[len(prefix):],) if rest})
        if not keys:
            return self.json({"errors": []}, 404)
        return self._vault_answer({"keys": keys})

    @route("/v1/<mount>/data/<path:path>", "GET", "POST", "PUT")
    def kv2_data(self, request: Request, mount: str, path: str) -> Response | dict:
        refused = self._vault(request, mount)
        if refused is not None:
            return refused
        if KV_MOUNTS[mount] == 1:
            return self.kv1(request, mount, "data/" + path)
        if request.method == "GET":
            record = self.kv[mount].get(path)
            if record is None:
                return self.json({"errors": []}, 404)
            return self._vault_answer({"data": record["data"], "metadata": self._kv_metadata(record)})
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            return self.json({"errors": ["error parsing JSON"]}, 400)
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return self.json({"errors": ["no data provided"]}, 400)
        return self._vault_answer(self._kv_metadata(self.kv_write(mount, path, body["data"])))

    @route("/v1/<mount>/metadata/<path:path>", "GET")
    def kv2_metadata(self, request: Request, mount: str, path: str) -> Response | dict:
        refused = self._vault(request, mount)
        if refused is not None:
            return refused
        if KV_MOUNTS[mount] == 1:
            return self.kv1(request, mount, "metadata/" + path)
        if request.args.get("list") != "true":
            record = self.kv[mount].get(path)
            if record is None:
                return self.json({"errors": []}, 404)
            return self._vault_answer({"current_version": record["version"], "versions": {}})
        return self._kv_list(mount, path)

    @route("/v1/<mount>/<path:path>", "GET", "POST", "PUT")
    def kv1(self, request: Request, mount: str, path: str) -> Response | dict:
        refused = self._vault(request, mount)
        if refused is not None:
            return refused
        if KV_MOUNTS[mount] == 2:  # a versioned engine answers only under data/ and metadata/
            return self.json({"errors": [], "warnings": ["Invalid path for a versioned K/V secrets engine."]}, 404)
        if request.method == "GET":
            if request.args.get("list") == "true":
                return self._kv_list(mount, path)
            record = self.kv[mount].get(path)
            if record is None:
                return self.json({"errors": []}, 404)
            return self._vault_answer(record["data"], lease=2764800)
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            return self.json({"errors": ["error parsing JSON"]}, 400)
        if not isinstance(body, dict) or not body:
            return self.json({"errors": ["no data provided"]}, 400)
        self.kv_write(mount, path, body)
        return Response(status=204)


def link_peers(members: list[tuple[GatekeeperEmulator, str]]) -> None:
    """Make running emulators HA peers of each other (``--peers``): each lists the others by their
    URLs with their live seal state, and they share the first one's Vault (one KV store)."""
    shared = members[0][0].kv
    for emulator, _ in members:
        emulator.links = [(other, address.rstrip("/") + "/") for other, address in members if other is not emulator]
        emulator.kv = shared


PEER_IDS = ("1xGkS6rTq8Wm3Yb5Zc7Ld9Nf2Hj", "1xGkS8uVn1Xp4Ac6Bd8Me0Qg3Kl")


def start_peers(primary: GatekeeperEmulator, primary_url: str, serve: Callable[[Any], Any],
                count: int = len(PEER_IDS)) -> list[tuple[GatekeeperEmulator, Any]]:
    """Run ``count`` more Gatekeepers (``serve(app)`` -> a server with ``.url``) as HA peers of
    ``primary``: all unsealed, sharing its Vault. Returns the peers and their servers."""
    started = []
    for peer_id in PEER_IDS[:count]:
        peer = GatekeeperEmulator(peer_id=peer_id, clock=primary.clock, sleep=primary.sleep)
        started.append((peer, serve(peer)))
    link_peers([(primary, primary_url)] + [(peer, server.url) for peer, server in started])
    for peer, _ in started:
        peer.policies = peer.load_policies()
    return started


def _go_decode(text: str, fields: tuple[str, ...]) -> dict[str, str]:
    """Decode ``text`` as Go's json.Decoder does into a struct of string ``fields``: only the
    first JSON value is read; missing and null fields become "". ValueError details are
    Python's wording, not Go's."""
    if not text.strip():
        raise ValueError("EOF")
    value = json.JSONDecoder().raw_decode(text.lstrip())[0]
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise ValueError(f"json: cannot unmarshal {_go_kind(value)} into Go value of type struct")
    for name in fields:
        if value.get(name) is not None and not isinstance(value[name], str):
            kind = _go_kind(value[name])
            raise ValueError(f"json: cannot unmarshal {kind} into Go struct field .{name} of type string")
    return {name: value.get(name) or "" for name in fields}


def _go_kind(value: object) -> str:
    return GO_KINDS.get(type(value), "number")
