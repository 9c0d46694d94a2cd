"""`gwctl pomerium billing`: subscription and billing sessions."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.render import Column, emit

app = product_app("billing", "Subscription and billing sessions.")

SUBSCRIPTION_COLUMNS = (Column("status", "status"), Column("has-customer", "hasCustomerId"),
                        Column("next-invoice", "nextInvoiceDate"),
                        Column("price-per-seat-cents", "pricePerSeatPerMonthCents"))
URL_COLUMNS = (Column("url", "url"),)


@app.command("subscription")
def subscription() -> None:
    """Show the organization's subscription (GET .../billing/subscription).

    Example: gwctl pomerium billing subscription
    """
    emit(client().subscription(), SUBSCRIPTION_COLUMNS)


@app.command("portal")
def portal(
    return_url: Annotated[str, typer.Option("--return-url", metavar="URL", help="Where the portal sends the user back.")],
    payment_method: Annotated[bool, typer.Option("--payment-method", help="Open the portal at the payment method page.")] = False,
) -> None:
    """Create a billing portal session and print its URL (POST .../billing/createBillingPortalSession).

    Example: gwctl pomerium billing portal --return-url https://console.example.com/
    """
    from gwctl.api.pomerium.models import BillingPortal

    body = body_from(BillingPortal, None, {"returnUrl": return_url, "deepLink": "payment_method" if payment_method else ""},
                     flag_names={"returnUrl": "--return-url"})
    emit(client().billing_portal_session(body), URL_COLUMNS)


@app.command("checkout")
def checkout(
    success_url: Annotated[str, typer.Option("--success-url", metavar="URL", help="Where checkout goes on success.")],
    cancel_url: Annotated[str, typer.Option("--cancel-url", metavar="URL", help="Where checkout goes when cancelled.")],
    billing_email: Annotated[Optional[str], typer.Option("--billing-email", metavar="EMAIL", help="Billing contact.")] = None,
    organization_name: Annotated[Optional[str], typer.Option("--organization-name", help="Name on the invoice.")] = None,
) -> None:
    """Create a checkout session and print its URL (POST .../billing/createCheckoutSession).

    Example: gwctl pomerium billing checkout --success-url https://example.com/ok --cancel-url https://example.com/no
    """
    from gwctl.api.pomerium.models import Checkout

    body = body_from(Checkout, None, {"successUrl": success_url, "cancelUrl": cancel_url,
                                      "billingEmail": billing_email, "organizationName": organization_name},
                     flag_names={"successUrl": "--success-url", "cancelUrl": "--cancel-url",
                                 "billingEmail": "--billing-email", "organizationName": "--organization-name"})
    emit(client().checkout_session(body), URL_COLUMNS)


@app.command("complete-checkout")
def complete_checkout(
    session_id: Annotated[str, typer.Argument(metavar="CHECKOUT_SESSION_ID", help="The checkout session (cs_...).")],
) -> None:
    """Complete a checkout session (POST .../billing/completeCheckoutSession).

    Example: gwctl pomerium billing complete-checkout cs_test_123
    """
    client().complete_checkout_session(session_id)
    get_app().err(f"completed checkout session {session_id}")
