"""The embedded DynamoDB (moto's server, as `leads serve` runs it) with the template's tables,
queues and bus, leads_domain in this process pointed at it, and the examples of events/ (key,
lead, event, webhook endpoint)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench import events, handlers
from bench.environment import template
from leads_cli import examples
from leads_cli.local_dynamodb import LOCAL_CREDENTIALS, EmbeddedDynamoDB, client, create_tables
from leads_cli.local_messaging import create_queues_and_buses
from leads_domain.container import forget_all
from leads_domain.data import clients, webhook_endpoints_table
from leads_domain.logic import leads
from leads_domain.tenancy import Tenant

_BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True)
class LocalDynamoDB:
    endpoint: str
    # A client of its own, never metered: seeding and looking items up as they are stored.
    raw: Any


def point_domain_at(endpoint: str) -> None:
    """leads_domain's one client, (re)made for this endpoint on next use, with the template's
    table names."""
    handlers.configure()
    os.environ.update(LOCAL_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    forget_all()


@contextmanager
def local_dynamodb() -> Iterator[LocalDynamoDB]:
    server = EmbeddedDynamoDB().start()
    try:
        point_domain_at(server.endpoint)
        raw = client(server.endpoint)
        create_tables(raw, template())
        create_queues_and_buses(
            client(server.endpoint, "sqs"), client(server.endpoint, "events"), template()
        )
        yield LocalDynamoDB(server.endpoint, raw)
    finally:
        forget_all()
        server.stop()


# The examples of events/, seeded by the same code as `leads examples`.
seed_example_key = examples.seed_example_key


def ensure_examples() -> None:
    """The example lead, event and webhook endpoint (again, after a sample deleted one), and no
    other endpoint: each start of create_webhook_endpoint adds one, and a tenant may have 16."""
    examples.seed_example_lead()
    examples.seed_example_event()
    for endpoint in webhook_endpoints_table.all_of(examples.EXAMPLE_TENANT):
        if endpoint["id"] != examples.EXAMPLE_ENDPOINT_ID:
            webhook_endpoints_table.delete(examples.EXAMPLE_TENANT, endpoint["id"])
    examples.seed_example_endpoint()


@contextmanager
def domain_client(replacement: Any) -> Iterator[None]:
    """leads_domain's DynamoDB client replaced by ``replacement`` while the block runs."""
    real = clients.dynamodb()
    clients.dynamodb.use(replacement)
    try:
        yield
    finally:
        clients.dynamodb.use(real)


class RecordingClient:
    """Stands in for DynamoDB while leads_domain's own create_lead runs: keeps the requests,
    answers nothing. The items it records are exactly what the code would store."""

    def __init__(self) -> None:
        self.transactions: list[list[dict[str, Any]]] = []
        self.lead_ids: list[str] = []

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:
        self.transactions.append(TransactItems)
        return {}


def created_leads(tenant: Tenant, body: Any, count: int) -> RecordingClient:
    """`count` leads made from `body` by leads_domain's create_lead, recorded, not stored."""
    recorder = RecordingClient()
    with domain_client(recorder):
        for _ in range(count):
            recorder.lead_ids.append(leads.create_lead(tenant, body).lead["id"])
    return recorder


@dataclass(frozen=True)
class Seeded:
    counter_keys: list[dict[str, Any]]  # the count items the seeded creates added to
    lead_ids: list[str]


def seed_tenant(raw: Any, tenant: Tenant, count: int) -> Seeded:
    """`count` leads as leads_domain's create_lead makes them (from events/create_lead.json's
    body), written straight into the table, and each count shard they picked set to what
    those creates added to it."""
    recorded = created_leads(tenant, events.body("create_lead"), count)
    puts = [a["Put"] for t in recorded.transactions for a in t if "Put" in a]
    counter_changes = [a["Update"] for t in recorded.transactions for a in t if "Update" in a]
    for start in range(0, len(puts), _BATCH):
        batch = puts[start : start + _BATCH]
        pending: dict[str, Any] = {
            batch[0]["TableName"]: [{"PutRequest": {"Item": put["Item"]}} for put in batch]
        }
        while pending:
            pending = raw.batch_write_item(RequestItems=pending).get("UnprocessedItems")
    # Every create adds to one shard of each count it is in (and to their time buckets): make
    # each item's additions at once, one ADD per item.
    added: dict[str, dict[str, int]] = {}
    keys: dict[str, dict[str, Any]] = {}
    for change in counter_changes:
        sort_key = change["Key"]["sk"]["S"]
        keys[sort_key] = change["Key"]
        names, values = change["ExpressionAttributeNames"], change["ExpressionAttributeValues"]
        for placeholder, attribute in names.items():
            item_added = added.setdefault(sort_key, {})
            delta = int(values[":" + placeholder[1:]]["N"])
            item_added[attribute] = item_added.get(attribute, 0) + delta
    for sort_key, attributes in added.items():
        names = {f"#a{n}": name for n, name in enumerate(attributes)}
        raw.update_item(
            TableName=counter_changes[0]["TableName"],
            Key=keys[sort_key],
            UpdateExpression="ADD " + ", ".join(f"#a{n} :a{n}" for n in range(len(names))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={
                f":a{n}": {"N": str(delta)} for n, delta in enumerate(attributes.values())
            },
        )
    return Seeded([dict(key) for key in keys.values()], recorded.lead_ids)
