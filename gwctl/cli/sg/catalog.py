"""Every Secure Gateway operation: the 34 of the seed plus delete gateway and certList (SDK only)."""

from gwctl.cli.catalogue import Operation, resource_operations

_G = "/v1/sgconfig/{gatewayID}"
_D = _G + "/destinations/{destinationID}"

OPERATIONS = (
    *resource_operations("sg"),  # gateways and destinations: list/get/create/update/delete
    Operation("Regenerate the security token of a gateway.", "PUT", _G,
              "gwctl sg gateways rotate-token ID [--out FILE] --yes",
              example="sg gateways rotate-token {gateway2} --yes"),
    # Import / export
    Operation("Import Service or Gateway (.gateway or service.config file).", "PUT", "/v1/import",
              "gwctl sg import FILE", example="sg import {gateway_file}"),
    Operation("Export the whole service (service.config).", "GET", "/v1/export",
              "gwctl sg export [--out FILE]", example="sg export"),
    # Gateways
    Operation("Configure the activities of the gateway(s).", "PUT", "/v1/setActivity",
              "gwctl sg gateways activate|deactivate ID...", example="sg gateways deactivate {gateway2}"),
    Operation("Regenerate the legacy cert and key for old clients.", "PUT", _G + "/genAuth",
              "gwctl sg gateways regen-auth ID", example="sg gateways regen-auth {gateway}"),
    Operation("Export a gateway (.gateway file).", "GET", _G + "/export",
              "gwctl sg gateways export ID [--out FILE]", example="sg gateways export {gateway}"),
    # Destinations
    Operation("Set active/inactive for destinations.", "PUT", _G + "/setActivity",
              "gwctl sg destinations activate|deactivate DEST... -g GATEWAY",
              example="sg destinations deactivate {dest2} -g {gateway}"),
    Operation("Delete several destinations in one request.", "DELETE", _G + "/bulkDestinations",
              "gwctl sg destinations delete DEST... -g GATEWAY --bulk --yes",
              example="sg destinations delete {dest} {dest2} -g {gateway} --bulk --yes"),
    Operation("Import a destination (.destination file).", "PUT", _G + "/destinations/import",
              "gwctl sg destinations import FILE -g GATEWAY", example="sg destinations import {dest_file} -g {gateway}"),
    Operation("Export a destination (.destination file).", "GET", _D + "/export",
              "gwctl sg destinations export DEST -g GATEWAY [--out FILE]",
              example="sg destinations export {dest} -g {gateway}"),
    # Certificates
    Operation("Download the certs of a destination (zip, or JSON with noZip).", "GET", _D + "/cert",
              "gwctl sg certs download DEST -g GATEWAY [--json] [--out PATH]",
              example="sg certs download {dest_tls} -g {gateway} --json"),
    Operation("Upload certs for a destination (multipart).", "PUT", _D + "/cert",
              "gwctl sg certs upload DEST -g GATEWAY --server-cert F --dest-cert F --key F [--client-cert F...]",
              example="sg certs upload {dest_tls} -g {gateway} --server-cert {ca_file} --dest-cert {cert_file} --key {key_file}"),
    Operation("Delete certs of a destination by name.", "DELETE", _D + "/cert",
              "gwctl sg certs delete DEST -g GATEWAY --name N... --yes",
              example="sg certs delete {dest_tls} -g {gateway} --name {cert_name} --yes"),
    Operation("Regenerate the cert and key for mutual auth.", "PUT", _D + "/genCerts",
              "gwctl sg certs regenerate DEST -g GATEWAY [--client]",
              example="sg certs regenerate {dest_tls} -g {gateway} --client"),
    Operation("Download certs of a destination by file name.", "GET", _D + "/certList",
              "gwctl sg certs download DEST -g GATEWAY --name N... [--json] [--out PATH]",
              note="not in the v2 seed: from the IBM SDK (bluemix-secure-gateway)",
              example="sg certs download {dest_tls} -g {gateway} --name {cert_name} --json"),
    # IP table rules
    Operation("Add an IP table ACCEPT rule to a private destination.", "PUT", _D + "/ipTableRule",
              "gwctl sg iptables add DEST -g GATEWAY (--src IP|--src-range A-B) [--src-port P] [--app ID]",
              example="sg iptables add {dest} -g {gateway} --src 10.1.2.3 --src-port 443 --app web02"),
    Operation("Remove IP table rules from a private destination.", "DELETE", _D + "/ipTableRule",
              "gwctl sg iptables remove DEST -g GATEWAY (--rule KEY=VALUE,...|--all --yes)",
              example="sg iptables remove {dest} -g {gateway} --rule src=169.45.0.10,spt=80"),
    # Stats
    Operation("Get the usage statistics for all gateways.", "GET", "/v1/stats", "gwctl sg stats",
              example="sg stats"),
    Operation("Get the usage statistics for a gateway.", "GET", _G + "/stats", "gwctl sg stats GATEWAY",
              example="sg stats {gateway}"),
    # Clients
    Operation("List the connected clients of a gateway.", "GET", _G + "/clients", "gwctl sg clients list -g GATEWAY",
              example="sg clients list -g {gateway}"),
    Operation("Disconnect connected clients.", "DELETE", _G + "/clients",
              "gwctl sg clients disconnect CLIENT... -g GATEWAY --yes",
              example="sg clients disconnect {client} -g {gateway} --yes"),
    Operation("Get the client warning and error logs.", "GET", _G + "/clientLogs",
              "gwctl sg clients logs -g GATEWAY [--type warn|error] [--client ID]",
              example="sg clients logs -g {gateway} --type error"),
    Operation("Get the clients that disconnected recently.", "GET", _G + "/disconnectedClients",
              "gwctl sg clients recent -g GATEWAY", example="sg clients recent -g {gateway}"),
    Operation("Get the connection status of a client.", "GET", _G + "/clients/{clientID}",
              "gwctl sg clients get CLIENT -g GATEWAY", example="sg clients get {client} -g {gateway}"),
    Operation("Get the list of client installers.", "GET", "/v1/getClientList", "gwctl sg clients installers",
              example="sg clients installers"),
    # Migration
    Operation("Migrate all destinations of a gateway to a Satellite Connector.", "PUT", _G + "/migrate2connector",
              "gwctl sg gateways migrate ID --connector-id C [--apikey-stdin] [--force] --yes",
              example="sg gateways migrate {gateway} --connector-id {connector} --force --yes"),
    Operation("Migrate a destination to a Satellite Connector.", "PUT", _D + "/migrate2connector",
              "gwctl sg destinations migrate DEST -g GATEWAY --connector-id C [--apikey-stdin] [--force]",
              example="sg destinations migrate {dest} -g {gateway} --connector-id {connector} --force"),
)
