"""What a client may send to create or update a webhook endpoint (pydantic, strict): only the
two functions that validate a body import this."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator

from leads_domain.errors import InvalidRequest
from leads_domain.event_types import EVENT_TYPES, EVERY_TYPE
from leads_domain.fields import URL_LENGTH
from leads_domain.models import NO_CONTROL_CHARACTERS

DESCRIPTION_LENGTH = 500

# EVERY_TYPE and EVENT_TYPES, spelt out as the type checker needs them (a test keeps them equal).
EventName = Literal["*", "lead.created", "lead.updated", "lead.deleted"]
_URL = Annotated[str, Field(min_length=1, max_length=URL_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
_DESCRIPTION = Annotated[str, Field(max_length=DESCRIPTION_LENGTH, pattern=NO_CONTROL_CHARACTERS)]
# What the schema says, exactly: ["*"] alone, or distinct event types.
_EVENTS_SCHEMA = {
    "anyOf": [
        {"type": "array", "items": {"const": EVERY_TYPE}, "minItems": 1, "maxItems": 1},
        {
            "type": "array",
            "items": {"type": "string", "enum": list(EVENT_TYPES)},
            "minItems": 1,
            "maxItems": len(EVENT_TYPES),
            "uniqueItems": True,
        },
    ]
}
_EVENTS = Annotated[
    list[EventName],
    Field(min_length=1, max_length=len(EVENT_TYPES) + 1),
    WithJsonSchema(_EVENTS_SCHEMA),
]
_STRICT = ConfigDict(strict=True, extra="forbid")


def _distinct(events: list[str]) -> list[str]:
    if len(set(events)) != len(events):
        raise ValueError("each event may be named once")
    if EVERY_TYPE in events and len(events) > 1:
        raise ValueError("'*' already means every event: send it alone")
    return events


class WebhookEndpointCreate(BaseModel):
    """A new endpoint: where to POST, which events (or "*" for all), what it is for."""

    model_config = _STRICT

    url: _URL = Field(
        description="Where events are POSTed. Live mode: https, to a public address. Test mode "
        "also takes http://127.0.0.1 and http://localhost where the deployment allows it."
    )
    enabled_events: _EVENTS = Field(description='Event types to receive, or ["*"] for all.')
    description: _DESCRIPTION | None = None

    @field_validator("enabled_events")
    @classmethod
    def _events(cls, events: list[str]) -> list[str]:
        return _distinct(events)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _not_null(description: str | None = None) -> Any:
    """A field that may be left out but not sent as null: None only marks it as not sent,
    and the schema shows no default (null is no value it takes)."""
    return Field(default=None, description=description, json_schema_extra=_without_default)


class WebhookEndpointUpdate(BaseModel):
    """What to change; fields not sent stay. null clears the description (and only it)."""

    model_config = _STRICT

    url: _URL = _not_null()
    enabled_events: _EVENTS = _not_null()
    description: _DESCRIPTION | None = None
    status: Literal["enabled", "disabled"] = _not_null(
        "disabled: no deliveries until enabled again."
    )

    @field_validator("enabled_events")
    @classmethod
    def _events(cls, events: list[str]) -> list[str]:
        return _distinct(events)


def parse_create(body: Any) -> dict[str, Any]:
    fields = _validated(WebhookEndpointCreate, body)
    return {**fields, "enabled_events": list(fields["enabled_events"])}


def parse_update(body: Any) -> dict[str, Any]:
    return _validated(WebhookEndpointUpdate, body)


def _validated(model: type[BaseModel], body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="body_invalid")
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        param = str(first["loc"][0])[:100] if first["loc"] else None
        if first["type"] == "extra_forbidden":
            raise InvalidRequest(
                f"Unknown field '{param}'.", param=param, code="parameter_unknown"
            ) from None
        if first["type"] == "missing":
            raise InvalidRequest(f"'{param}' is required.", param=param) from None
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidRequest(f"Invalid '{param}': {message}.", param=param) from None
    return {name: getattr(parsed, name) for name in parsed.model_fields_set}
