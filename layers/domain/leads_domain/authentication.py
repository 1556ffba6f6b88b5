"""Bearer key -> tenant. Used by the authorizer, and by the functions when API Gateway did not
run the authorizer (the console's "Test" button). No pydantic, no web framework."""

from dataclasses import dataclass

from leads_domain import api_keys
from leads_domain.data import keys_table
from leads_domain.errors import Unauthorized
from leads_domain.tenancy import Tenant

# The authentication scheme, matched whatever its case (RFC 9110, 11.1), then one space and
# the key: what template.yaml's validation expression lets through to the authorizer.
BEARER_SCHEME = "bearer"


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: Tenant
    key_id: str


def authenticate(authorization: str | None) -> Caller:
    if not authorization:
        raise Unauthorized(
            "No API key provided. Send 'Authorization: Bearer sk_test_...'.", code="api_key_missing"
        )
    scheme, _, key = authorization.partition(" ")
    if scheme.lower() != BEARER_SCHEME:
        raise Unauthorized("Send the API key as 'Authorization: Bearer <key>'.")
    mode = api_keys.key_mode(key)
    if mode is None:
        # Malformed, or the checksum does not match: no database read for made-up keys.
        raise Unauthorized("Invalid API key provided.")
    record = keys_table.find_by_digest(api_keys.digest(key))
    if record is None or record.get("revoked_at") or record.get("mode") != mode:
        raise Unauthorized("Invalid API key provided.")
    return Caller(Tenant(record["account"], mode), record["key_id"])
