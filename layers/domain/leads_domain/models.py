"""What a client may send: the request model every create and update is validated with.

Field names, order and defaults follow the API reference exactly. Validation is strict about
JSON types (a string is never a boolean or a number), rejects unknown and read-only fields, and
bounds every string so that no request can build an item DynamoDB would refuse. String formats
are not checked: the reference's own examples are plain strings.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from leads_domain.errors import InvalidRequest
from leads_domain.fields import (
    BOOLEAN_FIELDS,
    FIELDS,
    NUMBER_FIELDS,
    READ_ONLY_FIELDS,
    REVENUE_LIMIT,
    SMALLEST_NUMBER,
    TEXT_LENGTH,
    URL_FIELDS,
    URL_LENGTH,
)


def _storable(name: str, value: Any) -> str | None:
    """Why DynamoDB could not store this validated value, or None. Checked here rather than
    by a validator per field: 42 Python validators cost ~20 ms of every cold start."""
    if isinstance(value, str):
        # A JSON "\ud800" escape decodes to a lone surrogate, which no UTF-8 store accepts.
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode (no lone surrogates)"
    elif isinstance(value, float) and value and abs(value) < SMALLEST_NUMBER:
        return f"must be 0 or at least {SMALLEST_NUMBER} in magnitude"
    return None


# NUL and other control characters (tab and line breaks aside) are never data here; as a
# pattern, the rule is also in the OpenAPI document, where clients and fuzzers see it.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_TEXT = Annotated[str, Field(max_length=TEXT_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
_URL = Annotated[str, Field(max_length=URL_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
# int first, so 0 stays 0 in the response rather than 0.0. Bounds on each branch, so that
# the JSON schema says them as minimum/maximum. DynamoDB stores no non-zero number smaller in
# magnitude than 1e-130 (checked in parse_fields; said in the schema for clients).
_TOO_SMALL = {
    "allOf": [
        {"exclusiveMinimum": -SMALLEST_NUMBER},
        {"exclusiveMaximum": SMALLEST_NUMBER},
        {"not": {"const": 0}},
    ]
}
_NUMBER = (
    Annotated[
        int, Field(ge=-REVENUE_LIMIT, le=REVENUE_LIMIT, json_schema_extra={"format": "int64"})
    ]
    | Annotated[
        float,
        Field(ge=-REVENUE_LIMIT, le=REVENUE_LIMIT, json_schema_extra={"not": _TOO_SMALL}),
    ]
)


def field_type(name: str) -> Any:
    """The JSON type of a writable field (not nullable)."""
    if name in BOOLEAN_FIELDS:
        return bool
    if name in NUMBER_FIELDS:
        return _NUMBER
    return _URL if name in URL_FIELDS else _TEXT


_STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

# Every field optional and nullable: the reference requires none, and null clears a field.
LeadFields: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "LeadFields",
    __config__=_STRICT,
    **{name: (field_type(name) | None, None) for name in FIELDS},
)


def parse_fields(body: Any) -> dict[str, Any]:
    """The fields a client sent (null included, as None), validated; InvalidRequest if not."""
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="body_invalid")
    for name in READ_ONLY_FIELDS:
        if name in body:
            raise InvalidRequest(f"'{name}' is read-only.", param=name, code="parameter_read_only")
    try:
        fields = LeadFields.model_validate(body)
    except ValidationError as error:
        raise _invalid(error) from None
    sent = {name: getattr(fields, name) for name in fields.model_fields_set}
    for name, value in sent.items():
        problem = _storable(name, value)
        if problem:
            raise InvalidRequest(f"Invalid '{name}': {problem}.", param=name)
    return sent


def _invalid(error: ValidationError) -> InvalidRequest:
    errors = error.errors(include_url=False)
    first = errors[0]
    # A union reports every branch: a float out of bounds first fails the int branch's type.
    if first["type"] == "int_type" and isinstance(first["input"], float):
        first = next((e for e in errors if not e["type"].endswith("_type")), first)
    # Bodies are flat, so the field is the first part of the location (unions add more).
    param = str(first["loc"][0])[:100] if first["loc"] else None
    if param is None:  # the body itself, e.g. a key that is not valid Unicode
        return InvalidRequest(f"Invalid request body: {first['msg']}.", code="body_invalid")
    if first["type"] == "extra_forbidden":
        return InvalidRequest(f"Unknown field '{param}'.", param=param, code="parameter_unknown")
    if first["type"].endswith("_type") and param in _EXPECTED:
        return InvalidRequest(
            f"'{param}' must be {_EXPECTED[param]}, not {_json_type(first['input'])}.",
            param=param,
        )
    if first["type"] == "string_pattern_mismatch":
        return InvalidRequest(f"'{param}' must not contain control characters.", param=param)
    return InvalidRequest(f"Invalid '{param}': {first['msg']}.", param=param)


_EXPECTED = {
    name: "a boolean"
    if name in BOOLEAN_FIELDS
    else "a number"
    if name in NUMBER_FIELDS
    else "a string"
    for name in FIELDS
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
