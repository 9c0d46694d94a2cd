"""`gwctl api7 login-options`: built-in, LDAP, OIDC, SAML and CAS logins of the dashboard.

Provider configurations come from --from-file. Their secrets (client_secret, bind_password,
private_key, client_key) are never shown in table output; JSON output is the API's object.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, YesOpt, DEFAULT_LIMIT, Column,
    build_body, by_name_or_id, client, cols, delete_items, list_params, product_app, show, show_list, ts,
)
from gwctl.errors import UsageError

app = product_app("login-options", "Dashboard login options (LDAP, OIDC, SAML, CAS, built-in).")
CONFIG_KEYS = ("ldap_config", "oidc_config", "saml_config", "cas_config")
SECRET_KEYS = ("client_secret", "bind_password", "private_key", "client_key")


def _endpoint(option: dict) -> str:
    """The provider address, never a secret."""
    for key in CONFIG_KEYS:
        conf = option.get(key) or {}
        for field in ("issuer", "idp_metadata_url", "url", "host"):
            if conf.get(field):
                return str(conf[field]) + (f":{conf['port']}" if field == "host" and conf.get("port") else "")
    return ""


def _secrets_set(option: dict) -> str:
    names = [k for key in CONFIG_KEYS for k in SECRET_KEYS if (option.get(key) or {}).get(k)]
    return ",".join(f"{n}(set)" for n in names)


COLUMNS = cols("id", "name", "provider_type", Column("disabled", "disable"), Column("endpoint", _endpoint),
               Column("secrets", _secrets_set), ts("updated-at"), ts("created-at", default=False))
OptionArg = Annotated[str, typer.Argument(metavar="LOGIN_OPTION", help="Login option ID or name.")]
NameOpt = Annotated[Optional[str], typer.Option("--name", "-n", help="Login option name.")]
TypeOpt = Annotated[Optional[str], typer.Option("--provider-type", metavar="ldap|oidc|saml|cas", help="Provider type (the matching *_config comes from --from-file).")]
DisableOpt = Annotated[Optional[bool], typer.Option("--disable/--enable", help="Disable or enable the login option.")]


def _path(option_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.login_options if option_id is None else f"{paths.login_options}/{seg(option_id)}"


def _id(value: str) -> str:
    from gwctl.api.api7 import paths

    return by_name_or_id(paths.login_options, value, "name", "login option")


def _learn(body: dict) -> None:
    client().learn(*[(body.get(k) or {}).get(s) for k in CONFIG_KEYS for s in SECRET_KEYS])


@app.command("list")
def list_(name: Annotated[Optional[str], typer.Option("--name", "-n", help="Only the login option with this name.")] = None,
          limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List login options (GET /api/login_options).

    Example: gwctl api7 login-options list
    """
    show_list(_path(), COLUMNS, list_params(None, None, order_by, direction, name=name), limit, all_)


@app.command("get")
def get(option: OptionArg) -> None:
    """Show a login option (GET /api/login_options/{id}); secrets are shown only as (set) in tables.

    Example: gwctl api7 login-options get corp-ldap
    """
    show(client().get(_path(_id(option))), COLUMNS)


@app.command("create")
def create(name: NameOpt = None, provider_type: TypeOpt = None, disable: DisableOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Create a login option from a file holding its provider config (POST /api/login_options).

    Example: gwctl api7 login-options create --from-file okta-oidc.yaml
    """
    body = build_body("LoginOptionWrite", from_file, {"name": name, "provider_type": provider_type, "disable": disable})
    _learn(body)
    show(client().create(_path(), body), COLUMNS)


@app.command("update")
def update(option: OptionArg, name: NameOpt = None, provider_type: TypeOpt = None, disable: DisableOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Replace a login option (PUT /api/login_options/{id}); --from-file holds the whole option.

    Example: gwctl api7 login-options update corp-ldap --from-file corp-ldap.yaml
    """
    if from_file is None:
        raise UsageError("update replaces the whole option: pass --from-file FILE (patch changes single fields)")
    body = build_body("LoginOptionWrite", from_file, {"name": name, "provider_type": provider_type, "disable": disable})
    _learn(body)
    show(client().replace(_path(_id(option)), body), COLUMNS)


@app.command("patch")
def patch(option: OptionArg, name: NameOpt = None, disable: DisableOpt = None, from_file: FromFileOpt = None) -> None:
    """Change some fields of a login option (PATCH /api/login_options/{id}; the current name is sent along).

    Example: gwctl api7 login-options patch corp-ldap --disable
    """
    body = build_body("LoginOptionPatch", from_file, {"name": name, "disable": disable})
    _learn(body)
    api = client()
    oid = _id(option)
    if "name" not in body:  # the vendor's PATCH schema requires name: send the current one
        body = {"name": (api.get(_path(oid)) or {}).get("name"), **body}
    show(api.patch(_path(oid), body), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete login options; the built-in one cannot be deleted (DELETE /api/login_options/{id}).

    Example: gwctl api7 login-options delete corp-ldap --yes
    """
    api = client()
    delete_items(ids, "login option", yes, concurrency, lambda oid: api.remove(_path(_id(oid))))
