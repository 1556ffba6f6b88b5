"""The example key, tenant and lead that the events/ files refer to, and how to seed them into
a DynamoDB: for `sam local invoke`, the packaging and event tests, and the benchmark."""

import json
from typing import Any

from leads_cli.template import PROJECT_ROOT
from leads_domain import api_keys
from leads_domain.data import key_records, leads_table
from leads_domain.tenancy import Tenant

EVENTS = PROJECT_ROOT / "events"
# A committed test-mode key: it works only where it was seeded, never in a deployed stack.
EXAMPLE_KEY = json.loads((EVENTS / "authorizer.json").read_text())[
    "authorizationToken"
].removeprefix("Bearer ")
EXAMPLE_KEY_ID = "key_example000000001"
EXAMPLE_TENANT = Tenant("acct_example", "test")
EXAMPLE_LEAD_ID = "lead_example0000000000000001"
SEEDED_AT = "2025-01-15T09:00:00.000000Z"
EXAMPLE_LEAD: dict[str, Any] = {
    "id": EXAMPLE_LEAD_ID,
    "created_at": SEEDED_AT,
    "updated_at": SEEDED_AT,
    "lead_name": "Grace Hopper",
    "first_name": "Grace",
    "last_name": "Hopper",
    "company_name": "Example Corp",
    "email_id": "grace@example.com",
    "lead_owner": "__user",
    "status": "Lead",
    "unsubscribed": False,
    "blog_subscriber": False,
    "disabled": False,
}


def seed_example_key() -> None:
    """The example key's digest (never the key), unless it is there already."""
    if key_records.find_by_digest(api_keys.digest(EXAMPLE_KEY)) is None:
        key_records.insert_key(
            {
                "digest": api_keys.digest(EXAMPLE_KEY),
                "key_id": EXAMPLE_KEY_ID,
                "account": EXAMPLE_TENANT.account,
                "mode": EXAMPLE_TENANT.mode,
                "name": "events/ example key",
                "created_at": SEEDED_AT,
                "last4": EXAMPLE_KEY[-4:],
            },
            EXAMPLE_TENANT,
            None,
        )


def seed_example_lead() -> None:
    """The example lead (counted), unless it is there already, e.g. after a sample delete."""
    if leads_table.get(EXAMPLE_TENANT, EXAMPLE_LEAD_ID) is None:
        leads_table.insert(EXAMPLE_TENANT, dict(EXAMPLE_LEAD))


def seed_examples() -> None:
    seed_example_key()
    seed_example_lead()
