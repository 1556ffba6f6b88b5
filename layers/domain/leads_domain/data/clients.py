"""One DynamoDB client per container, created on first use, and the helpers around it."""

from decimal import Decimal
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.errors import ServiceUnavailable

# Bounded retries and timeouts well inside API Gateway's 29 s integration limit: three attempts
# in all (botocore's "max_attempts" would count retries only).
_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=1,
    read_timeout=2,
)


@cache
def dynamodb() -> Any:
    # botocore directly, not boto3: same client, less to import at cold start. The endpoint
    # comes from AWS_ENDPOINT_URL_DYNAMODB when set (the local run and tests).
    return botocore.session.get_session().create_client("dynamodb", config=_CLIENT_CONFIG)


def unavailable(error: ClientError | BotoCoreError) -> ServiceUnavailable:
    """What a DynamoDB failure that retries did not cure becomes; never its internals."""
    return ServiceUnavailable("The service is temporarily unavailable. Please retry.")


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def to_attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    raise TypeError(f"cannot store {type(value).__name__}")


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float.
        return repr(value)
    return str(value)


def from_attribute(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "BOOL":
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "NULL":
        return None
    raise TypeError(f"unexpected attribute type {kind}")


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: from_attribute(attribute) for name, attribute in item.items()}
