"""Every Pomerium Zero operation of the seed (60 distinct) plus the real API's DELETEs,
and the command that performs it (shared/api/pomerium-zero.md §2).

The CRUD of declared resources (gwctl.resources.pomerium) comes from their declarations;
the rows here are the product's own commands."""

from gwctl.cli.catalogue import Operation, resource_operations

O = "/organizations/{organizationId}"
C = O + "/clusters/{clusterId}"
P = "gwctl pomerium "


def op(summary: str, method: str, path: str, command: str, example: str, note: str | None = None) -> Operation:
    return Operation(summary, method, path, P + command, note=note, example="pomerium " + example)


OWN = (
    # user
    op("Fetch and update currently logged in user information from the identity provider", "POST", "/user",
       "users me [--update]", "users me"),
    op("Create API access user account", "POST", O + "/users/apiAccess",
       "users create-api-user --name NAME [--role ROLE] [--out FILE]", "users create-api-user --name ci-bot --role member"),
    op("Renews API user refresh token (invalidates every earlier one)", "POST", O + "/users/{userId}/refreshToken",
       "users renew-token USER_ID [--store] [--out FILE] --yes", "users renew-token {api_user} --yes"),
    # invitations
    op("List the invitations the current user received", "GET", "/user/invitations", "invitations mine",
       "invitations mine", note="no summary in the seed (listUserInvitations)"),
    op("Create invite", "POST", O + "/invitations", "invitations create --email EMAIL --role ROLE",
       "invitations create --email dana@example.com --role member"),
    # activity log
    op("List activity logs", "GET", O + "/activityLogs",
       "activity-logs list [--activity-type T] [--entity-type T] [--entity-id ID] [--user ID] ...",
       "activity-logs list --entity-type route"),
    # settings
    op("Update settings", "PUT", C + "/settings", "settings update [--log-level L ...] [--from-file FILE]",
       "settings update --log-level debug"),
    op("Patch settings", "PATCH", C + "/settings", "settings patch --from-file PATCH.json",
       "settings patch --from-file -"),
    op("Get settings", "GET", C + "/settings", "settings get", "settings get"),
    # routes
    op("Get certificates that match the given route", "GET", O + "/routes/{routeId}/certificates",
       "routes certificates ROUTE_ID", "routes certificates {route}"),
    # token
    Operation("Exchange API refresh token for ID token", "POST", "/token", "gwctl auth token -p PROFILE",
              note="every command exchanges the profile's refresh token and caches the ID token; "
                   "`gwctl auth token` prints it", example="auth token -p sandbox-pomerium"),
    # changesets
    op("List changesets", "GET", O + "/changesets", "changesets list [--status S]", "changesets list"),
    op("Compare changesets", "GET", O + "/changesets/compare", "changesets compare [--first ID] [--second ID]",
       "changesets compare"),
    op("Apply changeset", "POST", O + "/changesets/{changesetId}/apply", "changesets apply CHANGESET_ID",
       "changesets apply {changeset}"),
    # clusters
    op("List replicas known for a cluster", "GET", C + "/replicas", "clusters replicas [CLUSTER_ID] --from T --to T",
       "clusters replicas {cluster} --from 24h"),
    op("Get cluster health check data", "GET", C + "/health", "clusters health [CLUSTER_ID]",
       "clusters health {cluster}"),
    op("Request health checks to be re-run", "POST", C + "/health", "clusters recheck [CLUSTER_ID]",
       "clusters recheck {cluster}"),
    op("Rotate cluster identity token", "POST", C + "/token", "clusters rotate-token [CLUSTER_ID] --yes [--out FILE]",
       "clusters rotate-token {cluster} --yes"),
    op("Get quotas", "GET", O + "/quotas", "quotas [--namespace ID]", "quotas"),
    op("Check identity provider settings", "POST", "/checkIdentityProviderSettings",
       "idp check --provider P [--url URL] [--client-id ID] [--client-secret-stdin]",
       "idp check --provider github --client-id abc"),
    op("Start onboarding", "POST", "/onboarding/start", "onboarding start --system S --timezone TZ [--out FILE]",
       "onboarding start --system docker --timezone UTC"),
    op("Configure onboarding", "POST", "/onboarding/configure",
       "onboarding configure --system S --timezone TZ [--ip IP] [--port P]",
       "onboarding configure --system docker --timezone UTC --port 443"),
    op("Get distribution metric summed over the time range", "GET", C + "/distribution/{metricId}/sum",
       "metrics distribution-sum [METRIC] --from T --to T", "metrics distribution-sum --from 24h",
       note="the seed repeats the time-series summary for this operation"),
    op("Get distribution metric as a time series for a given percentile", "GET",
       C + "/distribution/{metricId}/timeSeries", "metrics distribution [METRIC] --percentile P --from T --to T",
       "metrics distribution --percentile 95 --from {start} --to {end}"),
    op("Get time series for a metric", "GET", C + "/timeSeries/{metricId}", "metrics series METRIC --from T --to T",
       "metrics series upstream_requests --from 6h"),
    op("Get route metric time series sum over the requested time range", "GET", C + "/timeSeries/{metricId}/sum",
       "metrics sum METRIC --from T --to T [--route ID]", "metrics sum upstream_requests --route {route}"),
    # organizations
    op("Create organization", "POST", "/organizations", "organizations create --name N [--out FILE]",
       "organizations create --name 'Acme Labs'"),
    # templates
    op("List default templates", "GET", "/defaultTemplates/{recordType}", "templates list RECORD_TYPE",
       "templates list route"),
    # billing
    op("Create a new billing portal session", "POST", O + "/billing/createBillingPortalSession",
       "billing portal --return-url URL [--payment-method]", "billing portal --return-url https://example.com/"),
    op("Create a new checkout session", "POST", O + "/billing/createCheckoutSession",
       "billing checkout --success-url URL --cancel-url URL",
       "billing checkout --success-url https://example.com/ok --cancel-url https://example.com/no"),
    op("Complete a checkout session", "POST", O + "/billing/completeCheckoutSession",
       "billing complete-checkout CHECKOUT_SESSION_ID", "billing complete-checkout cs_test_123"),
    op("Get subscription information", "GET", O + "/billing/subscription", "billing subscription",
       "billing subscription"),
    # service accounts
    op("Get service account token", "GET", C + "/serviceAccounts/{serviceAccountId}/token",
       "service-accounts token SA_ID [--out FILE]", "service-accounts token {service_account}"),
    # custom domains
    op("Add custom domain", "POST", O + "/customDomains", "custom-domains add DOMAIN",
       "custom-domains add apps2.acme.example"),
    # DELETE operations of the real API (not in the seed)
    op("Delete the current user", "DELETE", "/user", "users delete-me --yes", "users delete-me --yes",
       note="real API, not in the seed (deleteCurrentUser)"),
    op("Remove user from organization", "DELETE", O + "/users/{userId}", "users remove USER_ID|EMAIL... --yes",
       "users remove {member} --yes", note="real API, not in the seed (removeUserFromOrganization)"),
)

OPERATIONS = (*resource_operations("pomerium"), *OWN)
