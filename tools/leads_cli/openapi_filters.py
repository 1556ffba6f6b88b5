"""The OpenAPI parts of filtered lists and unique emails: the list's filter parameters, the
``unique`` parameter of a create or change, and the upsert by email."""

from typing import Any

from leads_domain.fields import TEXT_LENGTH
from leads_domain.filters import LOWER_ENDS, UPPER_ENDS
from leads_domain.http.filter_parameters import COMBINATIONS, EXAMPLE_HOUR
from leads_domain.http.parameters import UNIQUE, UNIQUE_FIELDS

BY_EMAIL = "/api/crm/lead/by_email/{email}"
EXAMPLE_EMAIL = "ada@example.com"
_TEXT = {
    "type": "string",
    "maxLength": TEXT_LENGTH,
    "pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
}
# A date (its midnight), or a whole hour of one, in UTC. (A day the calendar does not have,
# such as 2026-02-30, matches and is refused.)
_HOUR = {
    "type": "string",
    "maxLength": 32,
    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "(T([01][0-9]|2[0-3]):00(:00(\\.0{1,6})?)?(Z|\\+00:00))?$",
}
_ENDS = {
    "created_at[gte]": "Created at or after this time",
    "created_at[gt]": "Created after this time",
    "created_at[lte]": "Created at or before this time",
    "created_at[lt]": "Created before this time",
}


def filter_parameters() -> list[dict[str, Any]]:
    equality = [
        {
            "name": "status",
            "in": "query",
            "description": "Only leads with this status (exactly), e.g. Open. " + COMBINATIONS,
            "schema": _TEXT,
            "example": "Open",
        },
        {
            "name": "lead_owner",
            "in": "query",
            "description": "Only leads with this lead_owner (exactly), e.g. ana@example.com.",
            "schema": _TEXT,
            "example": "ana@example.com",
        },
        {
            "name": "email_id",
            "in": "query",
            "description": "Only leads with this email_id, compared without case and "
            "surrounding spaces ('is this email already a lead?': total). With a created_at "
            "range, for an email of up to 100 leads.",
            "schema": {**_TEXT, "minLength": 1},
            "example": EXAMPLE_EMAIL,
        },
    ]
    ends = [
        {
            "name": name,
            "in": "query",
            "description": f"{_ENDS[name]}: a whole UTC hour in ISO 8601 (e.g. {EXAMPLE_HOUR}, "
            "or a date for its midnight), so that total is exact. At most one of "
            f"{' and '.join(LOWER_ENDS if name in LOWER_ENDS else UPPER_ENDS)}.",
            "schema": _HOUR,
            "example": EXAMPLE_HOUR,
        }
        for name in (*LOWER_ENDS, *UPPER_ENDS)
    ]
    return [*equality, *ends]


def unique_parameter() -> dict[str, Any]:
    return {
        "name": UNIQUE,
        "in": "query",
        "required": False,
        "description": "email_id: only if no other lead of yours has this email_id (case and "
        "surrounding spaces aside); else 409 lead_duplicate naming that lead in lead_id.",
        "schema": {"type": "string", "enum": list(UNIQUE_FIELDS)},
        "example": UNIQUE_FIELDS[0],
    }


def email_parameter() -> dict[str, Any]:
    return {
        "name": "email",
        "in": "path",
        "required": True,
        "description": "The lead's email_id (percent-encoded), compared without case and "
        "surrounding spaces.",
        "schema": {**_TEXT, "minLength": 1},
        "example": EXAMPLE_EMAIL,
    }


def upsert_description() -> str:
    return (
        "Creates a lead with this email_id (201) if no lead of yours has it, or else updates "
        "the lead that has it with the fields sent (200), atomically: of two concurrent "
        "upserts of a new email, one creates and the other updates. email_id may be left out "
        "of the body; if sent, it must be the same email (a create stores the body's, else the "
        "path's, as sent). A create applies the defaults of a create; an update sets only "
        "what is sent, as PATCH does. More than one lead with the email (made without "
        "?unique=email_id) is a 409 lead_duplicate. With an Idempotency-Key, a retry answers "
        "the first answer (Idempotent-Replayed: true)."
    )
