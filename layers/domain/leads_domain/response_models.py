"""What every response carries: the Lead, a page of leads, a batch's answer, a deletion, an
error; and the batch request's envelope, which the function checks by hand (batch_models).

The functions build these answers as plain dicts (``logic.present``), so this module is never
imported at a cold start; the OpenAPI document is generated from it, and the contract tests
check the functions' real answers against that document.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from leads_domain.batch_models import BATCH_LIMIT
from leads_domain.fields import DEFAULTS, FIELDS
from leads_domain.models import LeadFields, field_type

Lead: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "Lead",
    __config__=ConfigDict(strict=True, extra="forbid"),
    id=(str, ...),
    created_at=(str, ...),
    updated_at=(str, ...),
    **{
        name: ((field_type(name) if name in DEFAULTS else field_type(name) | None), ...)
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
        description="The created Lead, or an error whose param names the lead's field, e.g. "
        "leads[3].annual_revenue."
    )
    created: int = Field(description="How many leads were created.")
    failed: int = Field(description="How many were not (each with its error in data).")
