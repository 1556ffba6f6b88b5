"""The Lead's shape: what a client may send, and what every response carries.

Field names, order and defaults follow the API reference exactly. Validation is strict about
JSON types (a string is never a boolean or a number), rejects unknown and read-only fields, and
bounds every string so that no request can build an item DynamoDB would refuse. String formats
are not checked: the reference's own examples are plain strings.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)

from leads_domain.errors import InvalidRequest

# ERPNext's Data fields hold 140 characters; fields that hold a URL get more room.
TEXT_LENGTH = 140
URL_LENGTH = 2048
# Far beyond any company's revenue, and well inside DynamoDB's 38-digit numbers.
REVENUE_LIMIT = 1e15
SMALLEST_NUMBER = 1e-130

READ_ONLY_FIELDS = ("id", "created_at", "updated_at")
DEFAULTS: dict[str, Any] = {
    "lead_owner": "__user",
    "status": "Lead",
    "unsubscribed": False,
    "blog_subscriber": False,
    "disabled": False,
}
URL_FIELDS = ("image", "website")
BOOLEAN_FIELDS = ("unsubscribed", "blog_subscriber", "disabled")
NUMBER_FIELDS = ("annual_revenue",)
# Every writable field, in the reference's order.
FIELDS = (
    "lead_name", "company_name", "email_id", "lead_owner", "status", "salutation", "gender",
    "customer", "image", "phone", "mobile_no", "fax", "type", "market_segment", "industry",
    "request_type", "company", "website", "territory", "unsubscribed", "blog_subscriber", "title",
    "language", "first_name", "middle_name", "last_name", "no_of_employees", "whatsapp_no",
    "phone_ext", "qualified_by", "qualified_on", "qualification_status", "job_title",
    "annual_revenue", "disabled", "city", "state", "country", "utm_content", "utm_source",
    "utm_medium", "utm_campaign",
)  # fmt: skip
RESPONSE_FIELDS = ("id", "created_at", "updated_at", *FIELDS)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _encodable(value: str) -> str:
    # A JSON "\ud800" escape decodes to a lone surrogate, which no UTF-8 store accepts.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    # NUL and other control characters (tab and line breaks aside) are never data here.
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return value


def _storable_number(value: float) -> float:
    # DynamoDB stores no non-zero number smaller in magnitude than 1e-130.
    if value and abs(value) < SMALLEST_NUMBER:
        raise ValueError(f"must be 0 or at least {SMALLEST_NUMBER} in magnitude")
    return value


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_encodable)]


def _field_type(name: str) -> Any:
    if name in BOOLEAN_FIELDS:
        return bool
    if name in NUMBER_FIELDS:
        # int first, so 0 stays 0 in the response rather than 0.0.
        return Annotated[
            int | float,
            Field(ge=-REVENUE_LIMIT, le=REVENUE_LIMIT),
            AfterValidator(_storable_number),
        ]
    return _text(URL_LENGTH if name in URL_FIELDS else TEXT_LENGTH)


_STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

# Every field optional and nullable: the reference requires none, and null clears a field.
LeadFields: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "LeadFields",
    __config__=_STRICT,
    **{name: (_field_type(name) | None, None) for name in FIELDS},
)

Lead: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Lead",
    __config__=ConfigDict(strict=True, extra="forbid"),
    id=(str, ...),
    created_at=(str, ...),
    updated_at=(str, ...),
    **{
        name: ((_field_type(name) if name in DEFAULTS else _field_type(name) | None), ...)
        for name in FIELDS
    },
)


class LeadList(BaseModel):
    """A page of leads, newest first."""

    data: list[Lead]  # type: ignore[valid-type]
    has_more: bool = Field(description="Whether more leads follow this page.")
    total: int = Field(description="How many leads the caller's tenant has.")


class DeletedLead(BaseModel):
    id: str
    deleted: Literal[True]


class ErrorDetail(BaseModel):
    type: str = Field(
        description="invalid_request_error, authentication_error, permission_error, "
        "idempotency_error, rate_limit_error or api_error"
    )
    code: str = Field(description="A short machine-readable reason, e.g. parameter_invalid.")
    message: str = Field(description="What went wrong, for a person.")
    param: str | None = Field(description="The parameter, field or header at fault, if any.")
    request_id: str | None = Field(description="Quote it when you contact us.")


class ErrorResponse(BaseModel):
    """Every error answer, from a function or from API Gateway itself."""

    error: ErrorDetail


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
    return {name: getattr(fields, name) for name in fields.model_fields_set}


def _invalid(error: ValidationError) -> InvalidRequest:
    first = error.errors(include_url=False)[0]
    # Bodies are flat, so the field is the first part of the location (unions add more).
    param = str(first["loc"][0])[:100] if first["loc"] else None
    if first["type"] == "extra_forbidden":
        return InvalidRequest(f"Unknown field '{param}'.", param=param, code="parameter_unknown")
    if first["type"].endswith("_type") and param in _EXPECTED:
        return InvalidRequest(
            f"'{param}' must be {_EXPECTED[param]}, not {_json_type(first['input'])}.",
            param=param,
        )
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
