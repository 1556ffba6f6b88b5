"""Filing a lead stored before filtered lists existed: its index attributes, its filed marker,
and every count that counts filed leads, in one transaction (the one-off migration that
`leads backfill` runs over the whole table; never deployed code's work).

A lead is filed once: the transaction is conditioned on the lead still being unfiled and at the
version read, so a concurrent change or delete (which keep the counts of what they read, filed
or not: leads_table.py) and a second backfill running at the same time can never count a lead
twice or miss one. The version is not changed, so no client's ETag goes stale.
"""

import functools
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data import counters, filing
from leads_domain.data.attributes import to_item
from leads_domain.data.leads_table import FILED, LEAD_PREFIX, get, lead_key, to_lead
from leads_domain.data.tallies import Tally
from leads_domain.data.transactions import condition_failed_at, transact
from leads_domain.errors import ServiceUnavailable
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

ATTEMPTS = 5


def is_unfiled_lead(item: dict[str, Any]) -> bool:
    """Whether a raw item of the leads table is a lead that is not filed yet."""
    return str(item["sk"]["S"]).startswith(LEAD_PREFIX) and FILED not in item


def tenant_of(item: dict[str, Any]) -> Tenant:
    account, mode = str(item["tenant"]["S"]).rsplit("#", 1)
    return Tenant(account, mode)


def file_lead(item: dict[str, Any]) -> bool:
    """File the lead ``item`` (raw, as a Scan answers it) if it is still unfiled: True if this
    call filed it, False if it was filed or deleted meanwhile. ServiceUnavailable if DynamoDB
    keeps failing."""
    tenant = tenant_of(item)
    lead: dict[str, Any] | None = to_lead(item)
    for _ in range(ATTEMPTS):
        if lead is None or lead.get(FILED):
            return False
        try:
            transact(functools.partial(_actions, tenant, lead))
            return True
        except ClientError as error:
            if not condition_failed_at(error, 0):
                raise ServiceUnavailable() from error
        except BotoCoreError as error:
            raise ServiceUnavailable() from error
        lead = get(tenant, lead["id"])
    raise ServiceUnavailable()


def _actions(tenant: Tenant, lead: dict[str, Any]) -> list[dict[str, Any]]:
    index = to_item(filing.index_attributes(tenant, lead))
    names = {"#filed": FILED, **{f"#i{n}": name for n, name in enumerate(index)}}
    values = {
        ":one": {"N": "1"},
        ":read": {"N": str(lead["version"])},
        **{f":i{n}": value for n, value in enumerate(index.values())},
    }
    assignments = ["#filed = :one", *(f"#i{n} = :i{n}" for n in range(len(index)))]
    file_item = {
        "Update": {
            "TableName": get_settings().leads_table,
            "Key": lead_key(tenant, lead["id"]),
            "UpdateExpression": "SET " + ", ".join(assignments),
            "ConditionExpression": "attribute_not_exists(#filed) AND version = :read",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }
    changes = Tally()
    filing.count_filed(changes, lead, +1, counters.random_shard())
    return [file_item, *changes.actions(tenant)]
