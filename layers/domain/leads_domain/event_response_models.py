"""What the events and webhook endpoint routes answer: for the OpenAPI document only (the
functions build these answers as plain dicts, and the contract tests check them against it)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from leads_domain.fields import FIELDS
from leads_domain.models import field_type
from leads_domain.response_models import Lead
from leads_domain.webhook_models import EventName

EventType = Literal["lead.created", "lead.updated", "lead.deleted"]

# Any of the Lead's fields, each with the value it had: previous_attributes.
LeadAttributes: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "LeadAttributes",
    __config__=ConfigDict(strict=True, extra="forbid"),
    __doc__="Only the fields that changed, each with its value before the change (null if it "
    "was unset). Empty for lead.created and lead.deleted.",
    created_at=(str | None, None),
    updated_at=(str | None, None),
    **{name: (field_type(name) | None, None) for name in FIELDS},
)


class EventData(BaseModel):
    object: Lead = Field(  # type: ignore[valid-type]
        description="The Lead after the change; for lead.deleted, as it was."
    )
    previous_attributes: LeadAttributes  # type: ignore[valid-type]


class EventRequest(BaseModel):
    id: str | None = Field(
        description="The id of the API request that made the change (its request_id); null "
        "for a delete (the stream does not record who deleted) or a change made outside the API."
    )
    idempotency_key: str | None = Field(description="The Idempotency-Key it was sent with.")


class Event(BaseModel):
    """A change to a lead (Stripe's shape). The same event may be delivered more than once:
    use its id to dedupe."""

    id: str = Field(description="evt_ followed by 24 characters; the same on every delivery.")
    type: EventType
    created_at: str = Field(description="When the change was committed (ISO 8601 UTC).")
    data: EventData
    request: EventRequest


class EventList(BaseModel):
    """A page of events, newest first (with lead=, that lead's last committed change first)."""

    data: list[Event]
    has_more: bool = Field(description="Whether more events lie beyond this page.")


class WebhookEndpoint(BaseModel):
    id: str = Field(description="we_ followed by 24 characters.")
    url: str
    enabled_events: list[EventName]
    description: str | None
    status: Literal["enabled", "disabled"] = Field(
        description="disabled by you, or by the service after the endpoint failed for the whole "
        "retry window (3 days)."
    )
    created_at: str
    updated_at: str


class CreatedWebhookEndpoint(WebhookEndpoint):
    secret: str = Field(
        description="whsec_...: verify each delivery's Leads-Signature with it. Shown only here."
    )


class WebhookEndpointList(BaseModel):
    """The webhook endpoints, newest first (16 at most)."""

    data: list[WebhookEndpoint]
    has_more: bool


class DeletedWebhookEndpoint(BaseModel):
    id: str
    deleted: Literal[True]
