"""What every response carries: the Lead, a page of leads, a batch's answer, a deletion, an
error; and the batch request's envelope, which the function checks by hand (batch_models).

The functions build these answers as plain dicts (``logic.present``), so this module is never
imported at a cold start; the OpenAPI document is generated from it, and the contract tests
check the functions' real answers against that document. Every string and number is bounded,
so that a client generated from the document knows the most it can receive.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from leads_domain.batch_models import BATCH_LIMIT
from leads_domain.fields import DEFAULTS, FIELDS
from leads_domain.ids import LEAD_ID_MAX_LENGTH, LEAD_ID_PATTERN
from leads_domain.models import LeadFields, field_type
from leads_domain.paging import MAX_LIMIT

LeadId = Annotated[str, Field(pattern=f"^{LEAD_ID_PATTERN}$", max_length=LEAD_ID_MAX_LENGTH)]
# ISO 8601 UTC, fixed width with microseconds (logic.rules.now), so timestamps sort as text.
Timestamp = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$", min_length=27, max_length=27),
]
# A lead's count in a tenant: a DynamoDB number, within a signed 64-bit integer.
Count = Annotated[int, Field(ge=0, le=2**63 - 1, json_schema_extra={"format": "int64"})]
# An error may quote the name of a query parameter the client sent, and API Gateway takes at
# most 10 KB for the request line and headers together.
QUOTED_NAME_LENGTH = 10 * 1024
ERROR_WORD = Annotated[str, Field(pattern="^[a-z][a-z_]*$", max_length=40)]
BatchCount = Annotated[int, Field(ge=0, le=BATCH_LIMIT, json_schema_extra={"format": "int32"})]

Lead: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Lead",
    __config__=ConfigDict(strict=True, extra="forbid"),
    id=(LeadId, ...),
    created_at=(Timestamp, ...),
    updated_at=(Timestamp, ...),
    **{
        name: ((field_type(name) if name in DEFAULTS else field_type(name) | None), ...)
        for name in FIELDS
    },
)


class LeadList(BaseModel):
    """A page of leads, newest first."""

    data: list[Lead] = Field(max_length=MAX_LIMIT)  # type: ignore[valid-type]
    has_more: bool = Field(description="Whether more leads follow this page.")
    total: Count = Field(description="How many leads the caller's tenant has.")


class DeletedLead(BaseModel):
    id: LeadId
    deleted: Literal[True]


class ErrorDetail(BaseModel):
    type: ERROR_WORD = Field(
        description="invalid_request_error, authentication_error, permission_error, "
        "idempotency_error, rate_limit_error or api_error"
    )
    code: ERROR_WORD = Field(
        description="A short machine-readable reason, e.g. parameter_invalid (README, "
        "'Errors', lists every code). New codes may be added: treat an unknown one by its type."
    )
    message: str = Field(
        max_length=QUOTED_NAME_LENGTH + 200,
        description="What went wrong, for a person. It may quote the name of a parameter.",
    )
    param: Annotated[str, Field(max_length=QUOTED_NAME_LENGTH)] | None = Field(
        description="The parameter, field or header at fault, if any, as the client named it."
    )
    request_id: Annotated[str, Field(pattern=r"^[\x21-\x7e]+$", max_length=128)] | None = Field(
        description="Quote it when you contact us."
    )


class ErrorResponse(BaseModel):
    """Every error answer, from a function or from API Gateway itself."""

    error: ErrorDetail


class LeadBatch(BaseModel):
    """POST /api/crm/lead/batch: the leads to create, each validated on its own."""

    model_config = ConfigDict(strict=True, extra="forbid")

    leads: Annotated[
        list[LeadFields],  # type: ignore[valid-type]
        Field(min_length=1, max_length=BATCH_LIMIT, description="1 to 100 leads."),
    ]


class LeadBatchResult(BaseModel):
    """One entry per lead sent, in order: the Lead created, or why it was not."""

    data: list[Lead | ErrorResponse] = Field(  # type: ignore[valid-type]
        min_length=1,
        max_length=BATCH_LIMIT,
        description="The created Lead, or an error whose param names the lead's field, e.g. "
        "leads[3].annual_revenue.",
    )
    created: BatchCount = Field(description="How many leads were created.")
    failed: BatchCount = Field(description="How many were not (each with its error in data).")
