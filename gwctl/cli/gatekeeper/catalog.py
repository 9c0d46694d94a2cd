"""Every Gatekeeper operation of the seed, and the command that performs it."""

from gwctl.cli.catalogue import Operation

OPERATIONS = (
    Operation("Retrieve a response wrapped Vault token.", "POST", "/token",
              "gwctl gatekeeper token request --task-id ID [--unwrap] [--out FILE]",
              example="gatekeeper token request --task-id web-task"),
    Operation("Get the status of the Gatekeeper instance.", "GET", "/status",
              "gwctl gatekeeper status [--check]", example="gatekeeper status"),
    Operation("Seals the gatekeeper instance.", "POST", "/seal",
              "gwctl gatekeeper seal --yes", example="gatekeeper seal --yes"),
    Operation("Unseal the gatekeeper instance.", "POST", "/unseal",
              "gwctl gatekeeper unseal --method token --token-stdin",
              example="gatekeeper unseal --method token"),
    Operation("Reloads the policies from Vault into memory.", "POST", "/policies/reload",
              "gwctl gatekeeper policies reload", example="gatekeeper policies reload"),
    Operation("Unwrap a response-wrapped token (Vault, not Gatekeeper).", "POST", "/v1/sys/wrapping/unwrap",
              "gwctl gatekeeper token request --task-id ID --unwrap",
              note="called on vault_addr; beyond the seed, which only describes it",
              example="gatekeeper token request --task-id web-task --unwrap"),
)
