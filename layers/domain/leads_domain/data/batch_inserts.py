"""Storing many new leads at once, in as few TransactWriteItems as DynamoDB allows, each of them
counting exactly the leads it stores.

A TransactWriteItems holds at most 100 actions and 4 MB. Each one here puts up to 99 leads and
ADDs their number to one count shard, so a batch of up to 99 leads is one request and 100 are
two: the fewest that keep every lead and its count in one all-or-nothing write. (The count
cannot be left out of the transaction, nor changed once for several transactions, without a
moment where ``total`` is wrong, or is wrong for good after a failure.)

Each put is conditional on the lead being new. A lead that is already stored was stored by an
earlier attempt of the same idempotent batch (its id is derived from the request, see
logic/batches.py): the transaction is cancelled, its condition names that lead, and the lead
is dropped from the transaction, which is sent again without it and counts only the rest. A
retried batch therefore never stores or counts a lead twice, whichever of its transactions
had committed before.
"""

import functools
import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.leads_table import counted, get, stored_item
from leads_domain.data.transactions import cancellation_item, condition_failed_at, transact
from leads_domain.errors import ServiceUnavailable
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

TRANSACTION_ACTIONS = 100
LEADS_PER_TRANSACTION = TRANSACTION_ACTIONS - 1
# DynamoDB's limit is 4 MB of items per transaction; sizes here are over-estimates (JSON).
TRANSACTION_BYTES = 3_500_000

# (position in the batch, the lead, its Put action)
_Entry = tuple[int, dict[str, Any], dict[str, Any]]


def insert_many(
    tenant: Tenant, leads: list[dict[str, Any]], origin: RequestOrigin = NO_ORIGIN
) -> list[str | None]:
    """Store the new leads (each with its id and timestamps) and count them. Answers, for each
    lead in order, the ``created_at`` it is stored with (its own, or that of the lead already
    stored under its id), or None if DynamoDB failed before it was stored: the transactions
    that committed stay committed and counted, and the ones after a failure are not tried."""
    stored: list[str | None] = [None] * len(leads)
    entries = [(position, lead, _put(tenant, lead, origin)) for position, lead in enumerate(leads)]
    for chunk in _chunks(entries):
        try:
            for position, created_at in _insert_chunk(tenant, chunk).items():
                stored[position] = created_at
        except (ClientError, BotoCoreError, ServiceUnavailable):
            break
    return stored


def _put(tenant: Tenant, lead: dict[str, Any], origin: RequestOrigin) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": get_settings().leads_table,
            "Item": stored_item(tenant, lead, origin),
            "ConditionExpression": "attribute_not_exists(sk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def _chunks(entries: list[_Entry]) -> list[list[_Entry]]:
    """Consecutive runs of at most LEADS_PER_TRANSACTION leads and TRANSACTION_BYTES."""
    chunks: list[list[_Entry]] = []
    size = 0
    for entry in entries:
        entry_size = len(json.dumps(entry[2], ensure_ascii=False).encode())
        if (
            not chunks
            or len(chunks[-1]) == LEADS_PER_TRANSACTION
            or size + entry_size > (TRANSACTION_BYTES)
        ):
            chunks.append([])
            size = 0
        chunks[-1].append(entry)
        size += entry_size
    return chunks


def _insert_chunk(tenant: Tenant, chunk: list[_Entry]) -> dict[int, str]:
    """Put the chunk's leads and count them in one transaction, leaving out (and answering as
    found) any lead already stored. position -> created_at."""
    found: dict[int, str] = {}
    pending = chunk
    while pending:
        try:
            transact(functools.partial(_counted_puts, tenant, [put for _, _, put in pending]))
        except ClientError as error:
            stored_before = [i for i in range(len(pending)) if condition_failed_at(error, i)]
            if not stored_before:
                raise
            for i in stored_before:
                position, lead, _ = pending[i]
                found[position] = _created_at(tenant, lead["id"], cancellation_item(error, i))
            pending = [entry for i, entry in enumerate(pending) if i not in stored_before]
            continue
        found.update({position: lead["created_at"] for position, lead, _ in pending})
        break
    return found


def _counted_puts(tenant: Tenant, puts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One attempt's actions: the puts, and their count on a shard picked for this attempt."""
    return [*puts, counted(tenant, len(puts))]


def _created_at(tenant: Tenant, lead_id: str, item: dict[str, Any] | None) -> str:
    """When the lead already stored under this id was created: from the item the cancelled
    transaction answered, or read (strongly consistent) if it answered none."""
    if item is not None:
        return str(item["created_at"]["S"])
    lead = get(tenant, lead_id)
    if lead is None:
        # Deleted since the transaction saw it: a retry of the batch stores it again.
        raise ServiceUnavailable()
    return str(lead["created_at"])
