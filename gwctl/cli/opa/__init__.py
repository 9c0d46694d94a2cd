"""`gwctl opa`: Okta Privileged Access gateways and gateway setup tokens."""

from __future__ import annotations

from gwctl.cli.catalogue import add_common_commands
from gwctl.cli.options import product_app
from gwctl.cli.opa.gateways import app as gateways_app
from gwctl.cli.opa.setup_tokens import app as setup_tokens_app
from gwctl.products import PRODUCTS

app = product_app("opa", PRODUCTS["opa"].help)
app.add_typer(setup_tokens_app, name="setup-tokens")
app.add_typer(gateways_app, name="gateways")
add_common_commands(app, "opa")
