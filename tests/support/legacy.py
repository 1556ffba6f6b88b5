"""Leads as the code before filtered lists stored them (no filter index attributes, no filed
marker, counted on the total only): what `leads backfill` finds in an upgraded stack."""

from typing import Any

from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant


def legacy_lead(dynamodb: Any, tenant: Tenant, number: int, **fields: str) -> str:
    """Store lead number ``number`` of the tenant as the old code did, counted on COUNTER;
    its id."""
    lead_id = f"lead_legacy{number:04d}"
    created_at = f"2025-0{1 + number % 9}-1{number % 10}T0{number % 10}:15:00.000000Z"
    item = {
        "tenant": {"S": tenant.partition},
        "sk": {"S": f"LEAD#{lead_id}"},
        "created_key": {"S": f"{created_at}#{lead_id}"},
        "created_at": {"S": created_at},
        "updated_at": {"S": created_at},
        "version": {"N": "1"},
        **{name: {"S": value} for name, value in fields.items()},
    }
    dynamodb.put_item(TableName=get_settings().leads_table, Item=item)
    dynamodb.update_item(
        TableName=get_settings().leads_table,
        Key={"tenant": {"S": tenant.partition}, "sk": {"S": "COUNTER"}},
        UpdateExpression="ADD lead_count :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    return lead_id


def seed_legacy(dynamodb: Any, tenant: Tenant, count: int = 12) -> list[str]:
    """``count`` old leads of two statuses, one owner, and an email on two of every three."""
    return [
        legacy_lead(
            dynamodb,
            tenant,
            n,
            status="Open" if n % 2 else "Lead",
            lead_owner="ana@example.com",
            **({"email_id": f" User{n}@Example.com"} if n % 3 else {}),
        )
        for n in range(count)
    ]
