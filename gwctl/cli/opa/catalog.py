"""Every OPA gateways operation of the seed (9), delete-gateway, and the command that performs each."""

from gwctl.cli.catalogue import Operation

T = "/v1/teams/{team_name}"

OPERATIONS = (
    Operation("Lists all Gateway Setup Tokens for your Team", "GET", f"{T}/gateway_setup_tokens",
              "gwctl opa setup-tokens list [--limit N] [--all]", example="opa setup-tokens list --all"),
    Operation("Creates a Gateway Setup Token for your Team", "POST", f"{T}/gateway_setup_tokens",
              "gwctl opa setup-tokens create --description D [--label k=v ...] [--out FILE]",
              note="also `gwctl opa setup-tokens rotate` for cron",
              example="opa setup-tokens create --description 'catalogue token' --label env=dev"),
    Operation("Retrieves the specified Gateway Setup Token", "GET", f"{T}/gateway_setup_tokens/{{gateway_setup_token_id}}",
              "gwctl opa setup-tokens get ID", note="metadata; the secret value is left out",
              example="opa setup-tokens get {setup_token_id}"),
    Operation("Deletes the specified Gateway Setup Token", "DELETE", f"{T}/gateway_setup_tokens/{{gateway_setup_token_id}}",
              "gwctl opa setup-tokens delete ID... --yes", example="opa setup-tokens delete {delete_setup_token_id} --yes"),
    Operation("Retrieves the specified Gateway Setup Token (its token value)", "GET",
              f"{T}/gateway_setup_tokens/{{gateway_setup_token_id}}/token",
              "gwctl opa setup-tokens reveal ID [--out FILE]",
              note="the seed's second 'Retrieves the specified Gateway Setup Token'",
              example="opa setup-tokens reveal {setup_token_id}"),
    Operation("Lists all Gateways for your Team", "GET", f"{T}/gateways",
              "gwctl opa gateways list [--limit N] [--all] [--label k=v]", example="opa gateways list --all"),
    Operation("Retrieves the properties of a specified Gateway", "GET", f"{T}/gateways/{{gateway_id}}",
              "gwctl opa gateways get ID", example="opa gateways get {gateway_id}"),
    Operation("Updates a specified Gateway", "PUT", f"{T}/gateways/{{gateway_id}}",
              "gwctl opa gateways update ID [--name N] [--description D] [--access-address A] [--default-address A] "
              "[--label k=v ...] [--from-file F]",
              example="opa gateways update {gateway_id} --description 'updated from the catalogue'"),
    Operation("Retrieve a status report for the specified Gateway", "GET", f"{T}/gateways/{{gateway_id}}/status",
              "gwctl opa gateways status ID", example="opa gateways status {gateway_id}"),
    Operation("Deletes the specified gateway from your team", "DELETE", f"{T}/gateways/{{gateway_id}}",
              "gwctl opa gateways delete ID... --yes", note="beyond the seed (pam-sdk-go DeleteGatewayInstance)",
              example="opa gateways delete {delete_gateway_id} --yes"),
)
