"""The local run's embedded DynamoDB: what it adds to moto's server, as DynamoDB behaves."""

import uuid
from typing import Any

from leads_cli.local_dynamodb import EmbeddedDynamoDB, client


def _count_increment(table: str, token: str) -> dict[str, Any]:
    return {
        "TransactItems": [
            {
                "Update": {
                    "TableName": table,
                    "Key": {"tenant": {"S": "t#test"}, "sk": {"S": "COUNTER"}},
                    "UpdateExpression": "ADD lead_count :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            }
        ],
        "ClientRequestToken": token,
    }


def test_a_retried_transaction_with_the_same_token_is_applied_once(
    embedded_dynamodb: EmbeddedDynamoDB,
) -> None:
    # Given the leads table on the embedded server
    dynamodb = client(embedded_dynamodb.endpoint)
    table = "LeadsTable"
    token = str(uuid.uuid4())

    # When one transaction is sent twice with its token, then another with a new token
    dynamodb.transact_write_items(**_count_increment(table, token))
    dynamodb.transact_write_items(**_count_increment(table, token))
    dynamodb.transact_write_items(**_count_increment(table, str(uuid.uuid4())))

    # Then the retry was answered without being applied again, as DynamoDB does
    item = dynamodb.get_item(
        TableName=table, Key={"tenant": {"S": "t#test"}, "sk": {"S": "COUNTER"}}
    )["Item"]
    assert item["lead_count"] == {"N": "2"}


def test_a_stopped_server_frees_its_port() -> None:
    first = EmbeddedDynamoDB().start()
    port = int(first.endpoint.rsplit(":", 1)[1])
    first.stop()
    again = EmbeddedDynamoDB(port).start()
    try:
        assert again.endpoint.endswith(f":{port}")
        # (moto keeps its data per process, not per server: the answer is what matters)
        assert "TableNames" in client(again.endpoint).list_tables()
    finally:
        again.stop()
