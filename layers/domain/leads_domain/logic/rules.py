"""The lead rules, as pure functions: timestamps, defaults, the derived name, the public shape."""

from typing import Any, NamedTuple

from leads_domain.fields import DEFAULTS, RESPONSE_FIELDS
from leads_domain.timestamps import now

NAME_PARTS = ("salutation", "first_name", "middle_name", "last_name")
# Fields that the derived lead_name is made of.
NAME_SOURCES = (*NAME_PARTS, "company_name", "email_id")


class VersionedLead(NamedTuple):
    """A Lead as the API shows it, and the version it shows (the ETag's number)."""

    lead: dict[str, Any]
    version: int


def derived_lead_name(fields: dict[str, Any]) -> str | None:
    """As ERPNext names a lead: the person's name, else the company, else the email."""
    if any(fields.get(part) for part in NAME_PARTS[1:]):
        return " ".join(fields[part] for part in NAME_PARTS if fields.get(part))
    return fields.get("company_name") or fields.get("email_id") or None


def has_derived_name(lead: dict[str, Any]) -> bool:
    """Whether the lead's lead_name is the one its fields derive (no name at all included):
    such a name follows its fields; one a client chose otherwise stays until changed."""
    return lead.get("lead_name") == derived_lead_name(lead)


def name_basis(lead: dict[str, Any]) -> dict[str, Any]:
    """What deciding a lead's derived name reads: its name fields and lead_name (None: absent).
    An update that re-derives the name applies only while the lead still holds these."""
    return {name: lead.get(name) for name in (*NAME_SOURCES, "lead_name")}


def with_derived_name(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The change to apply to ``current``: ``wanted`` (see ``changes``), plus lead_name derived
    from the merged fields when lead_name is cleared, or when a name field changes and the
    stored lead_name was the derived one. A lead_name sent with a value is kept as sent."""
    if "lead_name" in wanted:
        derive = wanted["lead_name"] is None
    else:
        derive = has_derived_name(current) and any(name in wanted for name in NAME_SOURCES)
    if not derive:
        return wanted
    return {**wanted, "lead_name": derived_lead_name({**current, **wanted})}


def new_lead(lead_id: str, sent: dict[str, Any], created_at: str | None = None) -> dict[str, Any]:
    """A new lead from the validated fields sent: defaults for what was not sent (or sent as
    null), a derived lead_name unless one was sent, and both timestamps now (or
    ``created_at``)."""
    fields = {name: value for name, value in sent.items() if value is not None}
    for name, default in DEFAULTS.items():
        fields.setdefault(name, default)
    if fields.get("lead_name") is None:
        fields["lead_name"] = derived_lead_name(fields)
    timestamp = created_at or now()
    return {"id": lead_id, "created_at": timestamp, "updated_at": timestamp, **fields}


def changes(sent: dict[str, Any]) -> dict[str, Any]:
    """What an update sets: each field sent, where null restores a default (or clears)."""
    return {name: DEFAULTS.get(name) if value is None else value for name, value in sent.items()}


def present(lead: dict[str, Any]) -> dict[str, Any]:
    """The Lead object as the reference shows it: every field, unset ones as null."""
    return {name: lead.get(name) for name in RESPONSE_FIELDS}


def versioned(lead: dict[str, Any]) -> VersionedLead:
    return VersionedLead(present(lead), lead["version"])
