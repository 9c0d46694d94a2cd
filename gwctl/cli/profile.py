"""`gwctl profile`: connection profiles (config.toml; never secrets)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.common import YesOpt, confirm, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import UsageError

app = product_app("profile", "Add, list, choose and remove connection profiles.")

PROFILE_COLUMNS = (
    Column("name", "name"),
    Column("product", "product"),
    Column("url", "url", header="URL"),
    Column("default", "default"),
    Column("options", lambda p: {k: v for k, v in p.items() if k not in ("name", "product", "url", "default", "storage")}),
    Column("storage", "storage", default=False),
)


@app.command("add")
def add_profile(
    name: Annotated[str, typer.Argument(help="Profile name.")],
    product: Annotated[Optional[str], typer.Option("--product", help="opa, pomerium, api7, sg or gatekeeper.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="API base URL (sg: derived from --region).")] = None,
    team: Annotated[Optional[str], typer.Option("--team", help="opa: team name.")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="pomerium: organization ID.")] = None,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="pomerium: default cluster ID.")] = None,
    gateway_group: Annotated[Optional[str], typer.Option("--gateway-group", help="api7: default gateway group.")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="sg: us-south, us-east, eu-gb, eu-de or au-syd.")] = None,
    resource_group: Annotated[Optional[str], typer.Option("--resource-group", help="sg: resource group ID.")] = None,
    iam_url: Annotated[Optional[str], typer.Option("--iam-url", help="sg: IAM endpoint override.")] = None,
    ca_bundle: Annotated[Optional[str], typer.Option("--ca-bundle", metavar="FILE", help="PEM bundle to verify TLS.")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Skip TLS verification (warns on every use).")] = False,
    timeout: Annotated[Optional[float], typer.Option("--timeout", help="Default request timeout in seconds.")] = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default profile for its product.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing profile of that name.")] = False,
) -> None:
    """Add a profile: one product endpoint.

    Example: gwctl profile add prod --product opa --url https://acme.pam.okta.com --team ops
    """
    from gwctl.config.profiles import Edit, build_profile

    options = {"team": team, "org": org, "cluster": cluster, "gateway_group": gateway_group, "region": region,
               "resource_group": resource_group, "iam_url": iam_url}
    profile = build_profile(name, product, url, options, ca_bundle=ca_bundle, insecure=insecure, timeout=timeout)
    with Edit() as config:
        if name in config.profiles and not force:
            raise UsageError(f"profile {name!r} already exists", hint="use --force to replace it")
        config.profiles[name] = profile
        if default or profile.product not in config.defaults:
            config.defaults[profile.product] = name
        is_default = config.is_default(profile)
    app_ctx = get_app()
    app_ctx.err(f"added profile {name} ({profile.product}, {profile.url})" + (" [default]" if is_default else ""))
    if app_ctx.machine_output:
        emit(profile.public_dict(is_default), PROFILE_COLUMNS)


@app.command("list")
def list_profiles(
    product: Annotated[Optional[str], typer.Option("--product", help="Only this product's profiles.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most N profiles.")] = 1000,
    all_: Annotated[bool, typer.Option("--all", help="Show every profile.")] = False,
) -> None:
    """List profiles (the default per product is marked)."""
    config = get_app().config
    rows = [p.public_dict(config.is_default(p)) for p in config.profiles.values() if not product or p.product == product]
    emit(rows if all_ else rows[:limit], PROFILE_COLUMNS)


@app.command("show")
def show_profile(name: Annotated[str, typer.Argument(help="Profile name.")]) -> None:
    """Show one profile."""
    config = get_app().config
    profile = config.get(name)
    emit(profile.public_dict(config.is_default(profile)), PROFILE_COLUMNS)


@app.command("use")
def use_profile(name: Annotated[str, typer.Argument(help="Profile name.")]) -> None:
    """Make a profile the default for its product."""
    from gwctl.config.profiles import Edit

    with Edit() as config:
        profile = config.get(name)
        config.defaults[profile.product] = name
    get_app().err(f"{name} is now the default {profile.product} profile")


@app.command("remove")
def remove_profile(name: Annotated[str, typer.Argument(help="Profile name.")], yes: YesOpt = False) -> None:
    """Remove a profile with its stored credentials and cached tokens."""
    from gwctl.config.credentials import Credentials, TokenCache
    from gwctl.config.profiles import Edit

    profile = get_app().config.get(name)
    confirm(f"Remove profile {name} and its stored credentials?", yes)
    with Edit() as config:
        config.get(name)
        del config.profiles[name]
        if config.defaults.get(profile.product) == name:
            del config.defaults[profile.product]
            others = sorted(p.name for p in config.profiles.values() if p.product == profile.product)
            if len(others) == 1:
                config.defaults[profile.product] = others[0]
    Credentials(name, profile.product, profile.storage).forget()
    TokenCache().drop_prefix(f"{name}:")
    get_app().err(f"removed profile {name}")


@app.command("rename")
def rename_profile(
    old: Annotated[str, typer.Argument(help="Current name.")],
    new: Annotated[str, typer.Argument(help="New name.")],
) -> None:
    """Rename a profile, keeping its credentials and default status."""
    from gwctl.config.credentials import rename_profile_secrets
    from gwctl.config.profiles import Edit, validate_name

    validate_name(new, "NEW")
    with Edit() as config:
        profile = config.get(old)
        if new in config.profiles:
            raise UsageError(f"profile {new!r} already exists")
        del config.profiles[old]
        profile.name = new
        config.profiles[new] = profile
        if config.defaults.get(profile.product) == old:
            config.defaults[profile.product] = new
        rename_profile_secrets(old, new, profile.product)
    get_app().err(f"renamed profile {old} to {new}")
