"""`gwctl api7 consumers`: consumers of a gateway group and their credentials (auth plugins)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DescOpt, DirectionOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LabelFilterOpt, LimitOpt,
    OrderByOpt, PluginOpt, SearchOpt, SetLabelOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols,
    delete_items, gg_id, list_params, optional_gg, parse_labels, plugins_of, product_app, secret_value, show,
    show_list, ts,
)
from gwctl.errors import UsageError

app = product_app("consumers", "Consumers of a gateway group; credentials are auth plugins (key-auth, basic-auth, ...).")

AUTH_PLUGINS = ("key-auth", "basic-auth", "jwt-auth", "hmac-auth", "openid-connect", "ldap-auth")
COLUMNS = cols("id", "username", "desc",
               Column("credentials", lambda c: ",".join(p for p in (c.get("plugins") or {}) if p in AUTH_PLUGINS)),
               "labels", ts("updated-at"), Column("gateway_group_id", "gateway_group_id", default=False),
               ts("created-at", default=False))
ConsumerArg = Annotated[str, typer.Argument(metavar="CONSUMER_ID", help="Consumer ID.")]
KeyAuthOpt = Annotated[Optional[str], typer.Option("--key-auth", metavar="KEY|-", help="Add a key-auth credential with this key (- reads it from stdin).")]
BasicAuthOpt = Annotated[Optional[str], typer.Option("--basic-auth", metavar="USER:PASSWORD|-", help="Add a basic-auth credential (- reads USER:PASSWORD from stdin).")]


def _path(consumer_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.consumers if consumer_id is None else f"{paths.consumers}/{seg(consumer_id)}"


def _fields(username, desc, label, plugin, key_auth, basic_auth, current_plugins=None) -> dict[str, Any]:
    plugins = dict(current_plugins or {})
    plugins.update(plugins_of(plugin) or {})
    api = None
    key = secret_value(key_auth, "--key-auth")
    if key:
        plugins["key-auth"] = {"key": key}
    pair = secret_value(basic_auth, "--basic-auth")
    if pair:
        user, sep, password = pair.partition(":")
        if not sep or not user or not password:
            raise UsageError("invalid --basic-auth: expected USER:PASSWORD")
        plugins["basic-auth"] = {"username": user, "password": password}
    if key or pair:
        api = client()
        api.learn(key, pair.partition(":")[2] if pair else None)
    return {"username": username, "desc": desc, "labels": parse_labels(label) or None,
            "plugins": plugins or None}


@app.command("list")
def list_(gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, label: LabelFilterOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List the consumers of a gateway group (GET /apisix/admin/consumers).

    Example: gwctl api7 consumers list -g default --search alice
    """
    show_list(_path(), COLUMNS, list_params(search, label, order_by, direction, gateway_group_id=gg_id(gateway_group)),
              limit, all_)


@app.command("get")
def get(consumer_id: ConsumerArg) -> None:
    """Show a consumer (GET /apisix/admin/consumers/{id}).

    Example: gwctl api7 consumers get CONSUMER_ID -o json
    """
    show(client().get(_path(consumer_id)), COLUMNS)


@app.command("create")
def create(username: Annotated[Optional[str], typer.Argument(metavar="USERNAME", help="Username (letters, digits, _ and -).")] = None,
           gateway_group: GatewayGroupOpt = None, desc: DescOpt = None, label: SetLabelOpt = None,
           key_auth: KeyAuthOpt = None, basic_auth: BasicAuthOpt = None, plugin: PluginOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Create a consumer in a gateway group (POST /apisix/admin/consumers).

    Example: echo "$KEY" | gwctl api7 consumers create carol --key-auth - -g default
    """
    body = build_body("ConsumerWrite", from_file, _fields(username, desc, label, plugin, key_auth, basic_auth))
    show(client().create(_path(), body, params={"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("update")
def update(consumer_id: ConsumerArg, username: Annotated[Optional[str], typer.Option("--username", "-u", help="Username (default: keep).")] = None,
           gateway_group: GatewayGroupOpt = None, desc: DescOpt = None, label: SetLabelOpt = None,
           key_auth: KeyAuthOpt = None, basic_auth: BasicAuthOpt = None, plugin: PluginOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Replace a consumer (PUT /apisix/admin/consumers/{id}); with flags only, the current consumer is the base.

    The vendor's PUT schema allows only letters, digits and _ in usernames.
    Example: gwctl api7 consumers update CONSUMER_ID --key-auth -
    """
    api = client()
    base: dict[str, Any] = {}
    current_plugins = None
    if from_file is None:
        current = api.get(_path(consumer_id)) or {}
        base = {k: current[k] for k in ("username", "desc", "labels") if current.get(k) not in (None, "", {})}
        current_plugins = current.get("plugins")
    body = build_body("ConsumerReplace", from_file,
                      _fields(username, desc, label, plugin, key_auth, basic_auth, current_plugins), base)
    show(api.replace(_path(consumer_id), body, params={"gateway_group_id": optional_gg(gateway_group)}), COLUMNS)


@app.command("patch")
def patch(consumer_id: ConsumerArg, username: Annotated[Optional[str], typer.Option("--username", "-u", help="New username.")] = None,
          desc: DescOpt = None, label: SetLabelOpt = None, key_auth: KeyAuthOpt = None, basic_auth: BasicAuthOpt = None,
          plugin: PluginOpt = None, from_file: FromFileOpt = None) -> None:
    """Change some fields of a consumer (PATCH /apisix/admin/consumers/{id}); --plugin replaces the plugins.

    Example: gwctl api7 consumers patch CONSUMER_ID --desc "mobile app"
    """
    body = build_body("ConsumerPatch", from_file, _fields(username, desc, label, plugin, key_auth, basic_auth))
    if not body:
        raise UsageError("nothing to change: give a flag or --from-file")
    show(client().patch(_path(consumer_id), body), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete consumers (DELETE /apisix/admin/consumers/{id}).

    Example: gwctl api7 consumers delete CONSUMER_ID --yes
    """
    api = client()
    delete_items(ids, "consumer", yes, concurrency, lambda cid: api.remove(_path(cid)))
