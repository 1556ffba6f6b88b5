"""The count changes of one write, gathered per item, as the transaction actions that make them.

A write may change many counts (the total, each filter value's count, their time buckets), and
a batch the same count for many leads: a TransactWriteItems may name an item only once, so the
changes are summed per item first, and each item gets one ADD of all its attributes.
"""

from typing import Any

from leads_domain.data.counters import COUNT_ATTRIBUTE, Count
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant


class Tally:
    """Count changes by item (sort key) and attribute, not yet written."""

    def __init__(self) -> None:
        self._changes: dict[str, dict[str, int]] = {}

    def add(self, sort_key: str, attribute: str, delta: int) -> None:
        attributes = self._changes.setdefault(sort_key, {})
        attributes[attribute] = attributes.get(attribute, 0) + delta

    def count(self, count: Count, shard: int, delta: int, attribute: str = COUNT_ATTRIBUTE):
        self.add(count.sort_key(shard), attribute, delta)

    def sort_keys(self) -> set[str]:
        """The items these changes write (those whose changes sum to zero too)."""
        return set(self._changes)

    def actions(self, tenant: Tenant, zero_at: str | None = None) -> list[dict[str, Any]]:
        """One Update per item with a change that does not sum to zero, sorted by key; the item
        ``zero_at``, if given, only while its count is still zero (or it does not exist), so
        that the transaction is cancelled when another lead was counted there first."""
        actions = []
        for sort_key, attributes in sorted(self._changes.items()):
            changed = {name: delta for name, delta in attributes.items() if delta}
            if changed:
                actions.append(_update(tenant, sort_key, changed, guarded=sort_key == zero_at))
        return actions


def guarded_at(actions: list[dict[str, Any]], offset: int = 0) -> int | None:
    """The position (plus ``offset``) of the one guarded count change among ``actions``."""
    for position, action in enumerate(actions):
        if "ConditionExpression" in action.get("Update", {}):
            return offset + position
    return None


def _update(
    tenant: Tenant, sort_key: str, changes: dict[str, int], guarded: bool
) -> dict[str, Any]:
    names = {f"#a{n}": name for n, name in enumerate(changes)}
    values = {f":a{n}": {"N": str(delta)} for n, delta in enumerate(changes.values())}
    update: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "Key": {"tenant": {"S": tenant.partition}, "sk": {"S": sort_key}},
        "UpdateExpression": "ADD " + ", ".join(f"#a{n} :a{n}" for n in range(len(changes))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if guarded:
        names["#held"] = COUNT_ATTRIBUTE
        values[":none"] = {"N": "0"}
        update["ConditionExpression"] = "attribute_not_exists(#held) OR #held = :none"
    return {"Update": update}
