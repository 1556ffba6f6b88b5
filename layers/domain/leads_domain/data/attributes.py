"""Python values to DynamoDB's attribute values, and back."""

from decimal import Decimal
from typing import Any


def to_attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(element) for element in value]}
    raise TypeError(f"cannot store {type(value).__name__}")


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float.
        return repr(value)
    return str(value)


def from_attribute(attribute: dict[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind in ("S", "BOOL"):
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attribute(element) for element in value]
    raise TypeError(f"unexpected attribute type {kind}")


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: from_attribute(attribute) for name, attribute in item.items()}


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """Attribute values for every value that is not None (DynamoDB stores no empty fields)."""
    return {name: to_attribute(value) for name, value in values.items() if value is not None}
