"""TransactWriteItems, retried briefly when another transaction holds one of its items.

Concurrent creates and deletes of one tenant touch its counter shards, so two of them collide
when they pick the same shard; a short retry with full jitter, on a shard picked afresh,
settles that. Conditions that fail are not retried: they are the caller's answer.
"""

import random
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from leads_domain.data.clients import dynamodb, error_code

ATTEMPTS = 5
# The first retry waits up to twice this; each further one doubles it.
CONFLICT_BACKOFF_SECONDS = 0.02


def transact(items: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]]) -> None:
    """Write ``items``: a list, the same on every attempt, or a function asked again for each
    attempt (so that an attempt after a conflict can pick another count shard)."""
    for attempt in range(ATTEMPTS):
        try:
            actions = items() if callable(items) else items
            dynamodb().transact_write_items(TransactItems=actions)
            return
        except ClientError as error:
            if attempt == ATTEMPTS - 1 or not _conflict(error):
                raise
        # Full jitter, so that writers who collided do not collide again.
        time.sleep(random.uniform(0, CONFLICT_BACKOFF_SECONDS * 2**attempt))


def _conflict(error: ClientError) -> bool:
    code = error_code(error)
    if code == "TransactionConflictException":
        return True
    if code != "TransactionCanceledException":
        return False
    reasons = {reason.get("Code") for reason in error.response.get("CancellationReasons") or []}
    return "ConditionalCheckFailed" not in reasons and bool(
        reasons & {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
    )


def condition_failed_at(error: ClientError, index: int) -> bool:
    """A cancelled transaction whose item at ``index`` failed its condition."""
    if error_code(error) != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons") or []
    return len(reasons) > index and reasons[index].get("Code") == "ConditionalCheckFailed"


def cancellation_item(error: ClientError, index: int) -> dict[str, Any] | None:
    """The item as it was, when the transaction asked for it on a failed condition."""
    reasons = error.response.get("CancellationReasons") or []
    return reasons[index].get("Item") if len(reasons) > index else None
