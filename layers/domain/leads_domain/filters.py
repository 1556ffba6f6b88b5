"""What a list of leads may be narrowed to, as typed values: one field's value, a range of
creation times, or both; and how an email is compared (case and outer spaces ignored).

Standard library only: the list function imports this at cold start.
"""

from dataclasses import dataclass

# The fields a list can be filtered by, each served by an index of its own.
FILTER_FIELDS = ("status", "lead_owner", "email_id")
EMAIL = "email_id"
# A creation-time range's ends (inclusive first), in Stripe's spelling.
LOWER_ENDS = ("created_at[gte]", "created_at[gt]")
UPPER_ENDS = ("created_at[lte]", "created_at[lt]")
FILTER_PARAMETERS = (*FILTER_FIELDS, *LOWER_ENDS, *UPPER_ENDS)


def normalized_email(email: str) -> str:
    """An email as it is compared: without surrounding white space, case folded. The lead keeps
    the email exactly as sent; only its index and its count use this form."""
    return email.strip().casefold()


def compared(field: str, value: str) -> str:
    """A filter field's value in the form its index and count hold it."""
    return normalized_email(value) if field == EMAIL else value


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of a creation-time range: a timestamp in the stored form (fixed width, UTC),
    and whether leads created at exactly that instant are inside."""

    at: str
    inclusive: bool


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """At most one field's value (``field`` None: every lead), and creation times from
    ``since`` up to ``until`` (None: unbounded on that side)."""

    field: str | None = None
    value: str | None = None
    since: Bound | None = None
    until: Bound | None = None

    @property
    def timed(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def narrowed(self) -> bool:
        """Whether this is anything but the whole list (which needs no per-filter counts)."""
        return self.field is not None or self.timed

    @property
    def empty(self) -> bool:
        """Whether the range holds no instant at all (since after until), known unread."""
        if self.since is None or self.until is None:
            return False
        if self.since.at != self.until.at:
            return self.since.at > self.until.at
        return not (self.since.inclusive and self.until.inclusive)


EVERY_LEAD = LeadFilter()
