"""`gwctl pomerium billing`: subscription and billing sessions."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.render import Column, emit

app = product_app("billing", "Subscription, invoices, payment details, usage and billing sessions.")

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


INVOICE_COLUMNS = (Column("date", "date"), Column("product", "productName"), Column("total", "total"),
                   Column("currency", "currency"), Column("download-url", "downloadUrl"))
PAYMENT_COLUMNS = (Column("billing-email", "billingEmail"), Column("payment-method", "paymentMethod"),
                   Column("card-brand", "card.brand"), Column("card-last4", "card.last4"))
USAGE_COLUMNS = (Column("users", "users"), Column("owners", "owners"), Column("admins", "admins"),
                 Column("auditors", "auditors"), Column("members", "members"), Column("time", "time"))


@app.command("invoices")
def invoices() -> None:
    """List the organization's invoices (GET .../billing/invoices).

    Example: gwctl pomerium billing invoices
    """
    emit(client().invoices(), INVOICE_COLUMNS)


@app.command("payment-info")
def payment_info() -> None:
    """Show the billing email and payment method (GET .../billing/paymentInformation).

    Example: gwctl pomerium billing payment-info
    """
    emit(client().payment_information(), PAYMENT_COLUMNS)


@app.command("usage")
def usage() -> None:
    """Show the billed seats by role (GET .../billing/usage).

    Example: gwctl pomerium billing usage
    """
    emit(client().billing_usage(), USAGE_COLUMNS)


@app.command("update-customer")
def update_customer(
    email: Annotated[str, typer.Option("--email", metavar="EMAIL", help="Billing contact email.")],
) -> None:
    """Change the billing contact email (PUT .../billing/customer).

    Example: gwctl pomerium billing update-customer --email billing@example.com
    """
    from gwctl.api.pomerium.models import CustomerUpdate
    from gwctl.cli.flows import report_done

    body = body_from(CustomerUpdate, None, {"email": email}, flag_names={"email": "--email"})
    client().update_customer(body["email"])
    report_done("updated", "billing email to", body["email"])
