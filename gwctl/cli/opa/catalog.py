"""Every OPA gateways operation of the seed (9), delete-gateway, and the command that performs each.

The declared resources' rows come from gwctl.resources.opa; the rows below are OPA's own verbs."""

from gwctl.cli.catalogue import Operation, resource_operations

T = "/v1/teams/{team}"

OPERATIONS = (
    *resource_operations("opa"),
    Operation("Retrieves the specified Gateway Setup Token (its token value)", "GET",
              f"{T}/gateway_setup_tokens/{{id}}/token",
              "gwctl opa setup-tokens reveal ID|DESCRIPTION [--out FILE]",
              note="the seed's second 'Retrieves the specified Gateway Setup Token'",
              example="opa setup-tokens reveal {setup_token_id}"),
    Operation("Creates a Gateway Setup Token and deletes the ones it replaces (for cron)", "POST",
              f"{T}/gateway_setup_tokens",
              "gwctl opa setup-tokens rotate --description D [--label k=v ...] [--replace ID...] [--out FILE] --yes",
              example="opa setup-tokens rotate --description 'catalogue rotation' --label env=cat --yes"),
    Operation("Retrieve a status report for the specified Gateway", "GET", f"{T}/gateways/{{id}}/status",
              "gwctl opa gateways status ID|NAME", example="opa gateways status {gateway_id}"),
)
