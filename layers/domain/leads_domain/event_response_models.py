"""What the events and webhook endpoint routes answer: for the OpenAPI document only (the
functions build these answers as plain dicts, and the contract tests check them against it).
Every string, number and list is bounded, as in ``response_models``."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from leads_domain.fields import FIELDS, URL_LENGTH
from leads_domain.http.parameters import IDEMPOTENCY_KEY_LENGTH, IDEMPOTENCY_KEY_PATTERN
from leads_domain.ids import EVENT_ID, WEBHOOK_ENDPOINT_ID
from leads_domain.models import NO_CONTROL_CHARACTERS, field_type
from leads_domain.paging import MAX_LIMIT
from leads_domain.response_models import Lead, Timestamp
from leads_domain.webhook_models import DESCRIPTION_LENGTH, EventName

EventType = Literal["lead.created", "lead.updated", "lead.deleted"]
EventId = Annotated[str, Field(pattern=f"^{EVENT_ID.pattern}$", max_length=len("evt_") + 64)]
EndpointId = Annotated[
    str, Field(pattern=f"^{WEBHOOK_ENDPOINT_ID.pattern}$", max_length=len("we_") + 64)
]
Url = Annotated[str, Field(max_length=URL_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
Description = Annotated[str, Field(max_length=DESCRIPTION_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
RequestId = Annotated[str, Field(pattern=r"^[\x21-\x7e]+$", max_length=128)]
IdempotencyKey = Annotated[
    str, Field(pattern=IDEMPOTENCY_KEY_PATTERN, max_length=IDEMPOTENCY_KEY_LENGTH)
]

# Any of the Lead's fields, each with the value it had: previous_attributes.
LeadAttributes: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "LeadAttributes",
    __config__=ConfigDict(strict=True, extra="forbid"),
    __doc__="Only the fields that changed, each with its value before the change (null if it "
    "was unset). Empty for lead.created and lead.deleted.",
    created_at=(Timestamp | None, None),
    updated_at=(Timestamp | None, None),
    **{name: (field_type(name) | None, None) for name in FIELDS},
)


class EventData(BaseModel):
    object: Lead = Field(  # type: ignore[valid-type]
        description="The Lead after the change; for lead.deleted, as it was."
    )
    previous_attributes: LeadAttributes  # type: ignore[valid-type]


class EventRequest(BaseModel):
    id: RequestId | None = Field(
        description="The id of the API request that made the change (its request_id); null "
        "for a delete (the stream does not record who deleted) or a change made outside the API."
    )
    idempotency_key: IdempotencyKey | None = Field(
        description="The Idempotency-Key it was sent with."
    )


class Event(BaseModel):
    """A change to a lead (Stripe's shape). The same event may be delivered more than once:
    use its id to dedupe."""

    id: EventId = Field(description="evt_ followed by 24 characters; the same on every delivery.")
    type: EventType
    created_at: Timestamp = Field(description="When the change was committed (ISO 8601 UTC).")
    data: EventData
    request: EventRequest


class EventList(BaseModel):
    """A page of events, newest first (with lead=, that lead's last committed change first)."""

    data: list[Event] = Field(max_length=MAX_LIMIT)
    has_more: bool = Field(description="Whether more events lie beyond this page.")


class WebhookEndpoint(BaseModel):
    id: EndpointId = Field(description="we_ followed by 24 characters.")
    url: Url
    enabled_events: list[EventName] = Field(min_length=1, max_length=4)
    description: Description | None
    status: Literal["enabled", "disabled"] = Field(
        description="disabled by you, or by the service after the endpoint failed for the whole "
        "retry window (3 days)."
    )
    created_at: Timestamp
    updated_at: Timestamp


class CreatedWebhookEndpoint(WebhookEndpoint):
    secret: Annotated[str, Field(pattern="^whsec_[0-9A-Za-z]{32}$", max_length=38)] = Field(
        description="whsec_...: verify each delivery's Leads-Signature with it. Shown only here."
    )


class WebhookEndpointList(BaseModel):
    """The webhook endpoints, newest first (16 at most)."""

    data: list[WebhookEndpoint] = Field(max_length=MAX_LIMIT)
    has_more: bool


class DeletedWebhookEndpoint(BaseModel):
    id: EndpointId
    deleted: Literal[True]
