"""Bearer key -> tenant. Used by the authorizer, and by the functions when API Gateway did not
run the authorizer (the console's "Test" button). No pydantic, no web framework."""

from dataclasses import dataclass
from typing import Any

from leads_domain import api_keys, scopes
from leads_domain.data import keys_table
from leads_domain.errors import Unauthorized
from leads_domain.tenancy import Tenant
from leads_domain.timestamps import now

# The authentication scheme, matched whatever its case (RFC 9110, 11.1), then one space and
# the key: what template.yaml's validation expression lets through to the authorizer.
BEARER_SCHEME = "bearer"


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: Tenant
    key_id: str
    # What the key may call (scopes.py); a secret key's is the full scope.
    scope: str = scopes.FULL
    # The tenant's API Gateway API key (its usage plan's bucket), when one is provisioned.
    usage_key: str | None = None


def authenticate(authorization: str | None) -> Caller:
    if not authorization:
        raise Unauthorized(
            "No API key provided. Send 'Authorization: Bearer sk_test_...'.", code="api_key_missing"
        )
    scheme, _, key = authorization.partition(" ")
    if scheme.lower() != BEARER_SCHEME:
        raise Unauthorized("Send the API key as 'Authorization: Bearer <key>'.")
    shape = api_keys.key_shape(key)
    if shape is None:
        # Malformed, or the checksum does not match: no database read for made-up keys.
        raise Unauthorized("Invalid API key provided.")
    record = keys_table.find_by_digest(api_keys.digest(key))
    if record is None or not _usable(record, shape):
        # Unknown, revoked, expired, or relabelled: one answer, which does not say which.
        raise Unauthorized("Invalid API key provided.")
    return Caller(
        Tenant(record["account"], shape.mode),
        record["key_id"],
        record.get("scope") or scopes.FULL,
        record.get("usage_key"),
    )


def _usable(record: dict[str, Any], shape: api_keys.KeyShape) -> bool:
    """The record is this key's as its prefix and mode say, and it is neither revoked nor
    expired."""
    scope = record.get("scope") or scopes.FULL
    expires_at = record.get("expires_at")
    return (
        not record.get("revoked_at")
        and record.get("mode") == shape.mode
        and scope in scopes.SCOPES
        and (scope != scopes.FULL) == shape.restricted
        and (expires_at is None or expires_at > now())
    )
