"""A list's filter parameters turned into a ``LeadFilter``, or a 400 naming the parameter.

One of ``status``, ``lead_owner`` and ``email_id``, and a range of creation times in Stripe's
form, ``created_at[gte|gt|lte|lt]``, each alone or together. Range ends are whole UTC hours, the
finest time a total is counted by (data/time_counts.py); any other instant is refused with the
form that works, never answered with an approximate total.
"""

import re
from datetime import datetime

from leads_domain.errors import InvalidRequest
from leads_domain.fields import TEXT_LENGTH
from leads_domain.filters import (
    EMAIL,
    FILTER_FIELDS,
    LOWER_ENDS,
    UPPER_ENDS,
    Bound,
    LeadFilter,
    normalized_email,
)

COMBINATIONS = (
    "Filter by one of status, lead_owner and email_id, each alone or with a created_at range "
    "(created_at[gte] or [gt], created_at[lte] or [lt]), or by a created_at range alone."
)
# ISO 8601 in UTC: a date, or a date and time with Z (or +00:00).
_INSTANT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:Z|\+00:00))?"
)
EXAMPLE_HOUR = "2026-12-07T09:00:00Z"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def lead_filter(query: dict[str, str]) -> LeadFilter:
    """The filter the query asks for (other parameters are someone else's to check)."""
    fields = [name for name in FILTER_FIELDS if name in query]
    if len(fields) > 1:
        raise InvalidRequest(
            f"'{fields[1]}' cannot be combined with '{fields[0]}'. {COMBINATIONS}", param=fields[1]
        )
    field = fields[0] if fields else None
    value = None if field is None else filter_value(field, query[field], field == EMAIL)
    return LeadFilter(field, value, _end(query, LOWER_ENDS), _end(query, UPPER_ENDS))


def filter_value(name: str, text: str, email: bool) -> str:
    """A value a field may hold (what a lead's field may hold; an email not blank), as sent."""
    if len(text) > TEXT_LENGTH:
        raise InvalidRequest(f"'{name}' may hold at most {TEXT_LENGTH} characters.", param=name)
    if _CONTROL.search(text):
        raise InvalidRequest(f"'{name}' must not contain control characters.", param=name)
    if email and not normalized_email(text):
        raise InvalidRequest(f"'{name}' must not be blank.", param=name)
    return text


def _end(query: dict[str, str], names: tuple[str, str]) -> Bound | None:
    """One end of the range: at most one of its two parameters (inclusive, exclusive)."""
    given = [name for name in names if name in query]
    if len(given) > 1:
        raise InvalidRequest(f"'{given[1]}' cannot be combined with '{given[0]}'.", param=given[1])
    if not given:
        return None
    name = given[0]
    return Bound(whole_hour(name, query[name]), inclusive=name == names[0])


def whole_hour(name: str, text: str) -> str:
    """The instant ``text`` names, in the stored form, if it is a whole UTC hour."""
    found = _INSTANT.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        year, month, day, hour, minute, second, fraction = found.groups()
        instant = datetime(int(year), int(month), int(day), int(hour or 0))
    except ValueError:
        raise InvalidRequest(
            f"'{name}' must be a time in ISO 8601 UTC, e.g. {EXAMPLE_HOUR}.", param=name
        ) from None
    if int(minute or 0) or int(second or 0) or int(fraction or 0):
        raise InvalidRequest(
            f"'{name}' must be a whole UTC hour, e.g. {EXAMPLE_HOUR}: totals are counted by "
            "the hour, so a range between whole hours is counted exactly.",
            param=name,
        )
    # Not strftime: its %Y leaves years before 1000 unpadded ("736-..."), off the fixed width
    # that timestamps sort and are counted by.
    return f"{instant:%Y}".zfill(4) + f"{instant:-%m-%dT%H}:00:00.000000Z"
