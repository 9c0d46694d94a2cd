"""`gwctl profile`: connection profiles (config.toml; never secrets)."""

from __future__ import annotations

import click

from gwctl.cli.context import get_app
from gwctl.cli.global_options import MAX_LIMIT, SECONDS
from gwctl.cli.render import Column, emit
from gwctl.errors import UsageError
from gwctl.products import PRODUCT_NAMES
from gwctl.cli.profile_names import profile_names


@click.group("profile", no_args_is_help=True)
def group() -> None:
    """Add, list, choose and remove connection profiles (stored in config.toml, never secrets)."""

PROFILE_COLUMNS = (Column("name", "name"), Column("product", "product"), Column("url", "url", header="URL"),
                   Column("default", "default"),
                   Column("options", lambda p: {k: v for k, v in p.items() if k not in ("name", "product", "url", "default", "storage")}),
                   Column("storage", "storage", default=False))


@group.command("add")
@click.argument("name")
@click.option("--product", help=", ".join(PRODUCT_NAMES) + ".")
@click.option("--url", help="API base URL (sg: derived from --region).")
@click.option("--team", help="opa: team name.")
@click.option("--org", help="pomerium: organization ID.")
@click.option("--cluster", help="pomerium: default cluster ID.")
@click.option("--gateway-group", help="api7: default gateway group (name or ID).")
@click.option("--region", help="sg: us-south, us-east, eu-gb, eu-de or au-syd.")
@click.option("--resource-group", help="sg: resource group ID.")
@click.option("--iam-url", help="sg: IAM endpoint override.")
@click.option("--vault-addr", metavar="URL", help="gatekeeper: Vault that holds the policy.")
@click.option("--kv-mount", metavar="MOUNT", help="gatekeeper: KV engine of the policy (default secret).")
@click.option("--policy-path", metavar="PATH", help="gatekeeper: policy path in that engine (default gatekeeper).")
@click.option("--kv-version", type=click.Choice(("1", "2")), help="gatekeeper: KV engine version (default 2).")
@click.option("--peer-urls", "peers", metavar="URL,...", help="gatekeeper: HA peers to check (default: as the instance reports).")
@click.option("--ca-bundle", metavar="FILE", help="PEM bundle to verify TLS.")
@click.option("--insecure", is_flag=True, help="Skip TLS verification (warns on every use).")
@click.option("--timeout", type=SECONDS, metavar="SECONDS", help="Default request timeout in seconds.")
@click.option("--default", "default", is_flag=True, help="Make it the default profile for its product.")
@click.option("--force", is_flag=True, help="Replace an existing profile of that name.")
def add_profile(name, product, url, team, org, cluster, gateway_group, region, resource_group, iam_url,
                vault_addr, kv_mount, policy_path, kv_version, peers, ca_bundle, insecure, timeout, default,
                force) -> None:
    """Add a profile: one product endpoint.

    Example: gwctl profile add prod --product opa --url https://acme.pam.okta.com --team ops
    """
    from gwctl.config.profiles import Edit, build_profile

    options = {"team": team, "org": org, "cluster": cluster, "gateway_group": gateway_group, "region": region,
               "resource_group": resource_group, "iam_url": iam_url, "vault_addr": vault_addr, "kv_mount": kv_mount,
               "policy_path": policy_path, "kv_version": kv_version, "peers": peers}
    profile = build_profile(name, product, url, options, ca_bundle=ca_bundle, insecure=insecure, timeout=timeout)
    replaced = None
    with Edit() as config:
        if name in config.profiles and not force:
            raise UsageError(f"profile {name!r} already exists", hint="use --force to replace it")
        replaced = config.profiles.get(name)
        if replaced is not None and replaced.product != profile.product:
            # No default of the old product may point at a profile of another product.
            if config.defaults.get(replaced.product) == name:
                del config.defaults[replaced.product]
        config.profiles[name] = profile
        if default or profile.product not in config.defaults:
            config.defaults[profile.product] = name
        is_default = config.is_default(profile)
    if replaced is not None and replaced.product != profile.product:
        from gwctl.config.credentials import Credentials, TokenCache

        Credentials(name, replaced.product, replaced.storage).forget()
        TokenCache().drop_prefix(f"{name}:")
    app_ctx = get_app()
    app_ctx.err(f"added profile {name} ({profile.product}, {profile.url})" + (" [default]" if is_default else ""))
    if app_ctx.machine_output:
        emit(profile.public_dict(is_default), PROFILE_COLUMNS)


@group.command("list")
@click.option("--product", help="Only this product's profiles.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=1000, show_default=True, help="Show at most N profiles.")
@click.option("--all", "all_", is_flag=True, help="Show every profile.")
def list_profiles(product, limit, all_) -> None:
    """List profiles (the default per product is marked).

    Example: gwctl profile list
    """
    config = get_app().config
    rows = [p.public_dict(config.is_default(p)) for p in config.profiles.values() if not product or p.product == product]
    emit(rows if all_ else rows[:limit], PROFILE_COLUMNS)


@group.command("show")
@click.argument("name", shell_complete=profile_names)
def show_profile(name) -> None:
    """Show one profile.

    Example: gwctl profile show sandbox-opa
    """
    config = get_app().config
    profile = config.get(name)
    emit(profile.public_dict(config.is_default(profile)), PROFILE_COLUMNS)


@group.command("use")
@click.argument("name", shell_complete=profile_names)
def use_profile(name) -> None:
    """Make a profile the default for its product.

    Example: gwctl profile use sandbox-opa
    """
    from gwctl.config.profiles import Edit

    with Edit() as config:
        profile = config.get(name)
        config.defaults[profile.product] = name
    get_app().err(f"{name} is now the default {profile.product} profile")


@group.command("remove")
@click.argument("name", shell_complete=profile_names)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (required when not on a terminal).")
def remove_profile(name, yes) -> None:
    """Remove a profile with its stored credentials and cached tokens.

    Example: gwctl profile remove sandbox-opa --yes
    """
    from gwctl.cli.flows import confirm_change
    from gwctl.config.credentials import Credentials, TokenCache
    from gwctl.config.profiles import Edit

    profile = get_app().config.get(name)
    confirm_change("remove", "profile", "profiles", [name], yes, consequence="its stored credentials are deleted too")
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


@group.command("rename")
@click.argument("old", shell_complete=profile_names)
@click.argument("new")
def rename_profile(old, new) -> None:
    """Rename a profile, keeping its credentials and default status.

    Example: gwctl profile rename sandbox-opa opa-dev
    """
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
