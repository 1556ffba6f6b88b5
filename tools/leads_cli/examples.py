"""The example key, tenant, lead, event and webhook endpoint that the events/ files refer to,
and how to seed them into a DynamoDB: for `sam local invoke`, the packaging and event tests,
and the benchmark."""

import json
import os
import time
from typing import Any

from leads_cli.template import PROJECT_ROOT, Template
from leads_domain import api_keys
from leads_domain.data import events_table, key_records, leads_table, webhook_endpoints_table
from leads_domain.logic.rules import present
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


EXAMPLE_EVENT_ID = "evt_example0000000000000001"
# Seeded disabled: the sample delivery (events/deliver_webhooks.json) is dropped, never sent.
EXAMPLE_ENDPOINT_ID = "we_example0000000000000001"
EXAMPLE_ENDPOINT: dict[str, Any] = {
    "id": EXAMPLE_ENDPOINT_ID,
    "url": "https://93.184.215.14/leads-webhooks",
    "enabled_events": ["*"],
    "description": "events/ example endpoint (disabled: sample deliveries are dropped)",
    "status": "disabled",
    "secret": "whsec_example000000000000000000000",
    "created_at": SEEDED_AT,
    "updated_at": SEEDED_AT,
}


def use_example_environment(template: Template) -> None:
    """The variables the event and webhook code reads (table, bus and queue names), as the
    template gives them to the functions; endpoints are left as they are."""
    variables = next(iter(template.functions.values())).environment
    os.environ.update(
        {
            name: value
            for name, value in variables.items()
            if not name.startswith(("AWS_ENDPOINT_URL", "POWERTOOLS_"))
        }
    )


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


def example_event() -> dict[str, Any]:
    """The example lead's lead.created event, as the events/ samples read it back."""
    return {
        "id": EXAMPLE_EVENT_ID,
        "type": "lead.created",
        "created_at": SEEDED_AT,
        "data": {"object": present(EXAMPLE_LEAD), "previous_attributes": {}},
        "request": {"id": "c6f8e2a0-0001-4b7e-9d3a-000000000001", "idempotency_key": None},
    }


def seed_example_event() -> None:
    """The example event, unless it is there already; it expires 30 days after the seeding
    (its created_at is fixed, like the example lead's)."""
    events_table.store(EXAMPLE_TENANT, example_event(), EXAMPLE_LEAD_ID, "1", time.time())


def seed_example_endpoint() -> None:
    """The example webhook endpoint (disabled), unless it is there already."""
    if webhook_endpoints_table.get(EXAMPLE_TENANT, EXAMPLE_ENDPOINT_ID) is None:
        webhook_endpoints_table.insert(EXAMPLE_TENANT, dict(EXAMPLE_ENDPOINT))


def seed_examples() -> None:
    seed_example_key()
    seed_example_lead()
    seed_example_event()
    seed_example_endpoint()
