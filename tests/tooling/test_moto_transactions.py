"""The embedded DynamoDB's TransactWriteItems: a cancelled transaction leaves every item exactly
as it was (puts undone, updates and deletes restored, wherever in the transaction it failed),
and no transaction copies a whole table any more."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.table import Table

from leads_domain.settings import get_settings


def _table() -> str:
    return get_settings().leads_table


def _key(sk: str) -> dict[str, Any]:
    return {"tenant": {"S": "acct_t#test"}, "sk": {"S": sk}}


def _everything(dynamodb: Any) -> str:
    items = dynamodb.scan(TableName=_table(), ConsistentRead=True)["Items"]
    return json.dumps(sorted(items, key=lambda item: item["sk"]["S"]), sort_keys=True)


def _put(sk: str, **extra: Any) -> dict[str, Any]:
    item = {**_key(sk), "created_key": {"S": f"2026#{sk}"}, **extra}
    return {"Put": {"TableName": _table(), "Item": item}}


def _add(sk: str, amount: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(sk),
            "UpdateExpression": "ADD lead_count :n SET note = :note",
            "ExpressionAttributeValues": {":n": {"N": str(amount)}, ":note": {"S": "changed"}},
        }
    }


def _seed(dynamodb: Any) -> None:
    dynamodb.transact_write_items(
        TransactItems=[_put("LEAD#a", city={"S": "Oslo"}), _put("LEAD#b"), _add("COUNTER", 2)]
    )


@pytest.mark.parametrize("failing_at", [0, 1, 3, 99])
def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any, failing_at: int):
    # Given stored items
    _seed(dynamodb)
    before = _everything(dynamodb)

    # When a transaction that puts, overwrites, updates and deletes is cancelled by a condition
    # on its action number `failing_at`
    actions = [
        _put("LEAD#a", city={"S": "Rome"}),
        _add("COUNTER", 5),
        {"Delete": {"TableName": _table(), "Key": _key("LEAD#b")}},
        *[_put(f"LEAD#new{n:03}") for n in range(97)],
    ]
    condition = {"ConditionExpression": "attribute_exists(sk)"}
    if failing_at == 1:
        actions[1]["Update"] |= {"ConditionExpression": "lead_count > :big"}
        actions[1]["Update"]["ExpressionAttributeValues"][":big"] = {"N": "100"}
    else:
        ((_, operation),) = actions[failing_at].items()
        operation |= condition if failing_at != 0 else {"ConditionExpression": "city = :x"}
        if failing_at == 0:
            operation["ExpressionAttributeValues"] = {":x": {"S": "Paris"}}
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=actions)

    # Then it was cancelled for that condition, and every item is exactly as before
    reasons = raised.value.response["CancellationReasons"]
    assert reasons[failing_at]["Code"] == "ConditionalCheckFailed"
    assert _everything(dynamodb) == before


def test_a_transaction_that_commits_applies_every_action(dynamodb: Any):
    _seed(dynamodb)
    dynamodb.transact_write_items(
        TransactItems=[
            _put("LEAD#c"),
            _add("COUNTER", 1),
            {"Delete": {"TableName": _table(), "Key": _key("LEAD#a")}},
        ]
    )
    stored = {item["sk"]["S"]: item for item in json.loads(_everything(dynamodb))}
    assert set(stored) == {"LEAD#b", "LEAD#c", "COUNTER"}
    assert stored["COUNTER"]["lead_count"] == {"N": "3"}


def test_no_transaction_copies_a_whole_table(dynamodb: Any, monkeypatch: pytest.MonkeyPatch):
    copied: list[Any] = []
    real = dynamodb_models.copy.deepcopy

    def spy(value: Any, memo: Any = None) -> Any:
        result = real(value, memo)
        if isinstance(value, Table) and result is not value:
            copied.append(value.name)
        return result

    monkeypatch.setattr(dynamodb_models.copy, "deepcopy", spy)
    _seed(dynamodb)
    missing = {
        "ConditionCheck": {
            "TableName": _table(),
            "Key": _key("LEAD#none"),
            "ConditionExpression": "attribute_exists(sk)",
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[_put("LEAD#a"), _put("LEAD#x"), missing])
    assert copied == []
