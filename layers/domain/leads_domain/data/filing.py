"""Where a lead is filed for filtered lists: the index attributes its item carries and the counts
that hold it, for each field a list can be filtered by (status, lead_owner, email_id).

**Indexes.** Each field has a KEYS_ONLY index (template.yaml) partitioned by ``<field>_key`` =
``<tenant>#<encoded value>`` and sorted by ``created_key``, like ``by_created_at``: a filtered
page reads ``limit + 1`` entries at any depth by cursor, a time range is a key condition, and
an index entry exists only for an item that has the attribute (never for counts, or for a lead
without an email). Emails are filed as compared (filters.normalized_email): ``Ada@Example.com``
and `` ada@example.com`` share one entry partition and one count; the lead keeps what was sent.

**Counts.** Each value has a count (counters.py) with prefix ``COUNT#<field>#<encoded value>``:
status and owner values in 64 shards, like the total (the default status "Lead" and owner
"__user" are as hot as the total), each with time buckets (time_counts.py); an email's count is
one item with no time buckets, which a create with ``?unique=email_id`` conditions on being
zero. A write picks one shard per attempt and uses it for every count it changes.

**Encoding.** ``quote(value, safe="")`` leaves only ``A-Z a-z 0-9 _ . - ~`` and ``%XX``, every one
above ``#``, so a value's count range (``prefix`` .. ``prefix#~``) never reaches another value's
("Lead" never picks up the shards of "Leads"). A value whose encoding would be longer than 200
characters is filed under ``%%`` and its SHA-256 instead (``%%`` is never an encoding), keeping
every sort key under DynamoDB's 1,024 bytes.

**Filed leads.** A lead stored since filtered lists exist carries ``filed`` = 1, and the
``filed_count`` of the total's shards counts it. Leads stored before have neither until the
one-off backfill (backfill.py) files them; until then every write that would move a count is
conditioned on the lead's marker, and lists that need these counts refuse (totals.py).
"""

import hashlib
from typing import Any
from urllib.parse import quote

from leads_domain.data import time_counts
from leads_domain.data.counters import FILED_ATTRIBUTE, TOTAL, Count
from leads_domain.data.tallies import Tally
from leads_domain.filters import EMAIL, FILTER_FIELDS, compared
from leads_domain.tenancy import Tenant

FILED = "filed"
# field -> (its index, the attribute that partitions it)
INDEXES = {
    "status": ("by_status", "status_key"),
    "lead_owner": ("by_owner", "owner_key"),
    "email_id": ("by_email", "email_key"),
}
INDEX_ATTRIBUTES = tuple(attribute for _, attribute in INDEXES.values())
COUNT_PREFIX = "COUNT#"
_LONGEST_ENCODING = 200


def encoded(value: str) -> str:
    text = quote(value, safe="")
    if len(text) <= _LONGEST_ENCODING:
        return text
    return "%%" + hashlib.sha256(value.encode()).hexdigest()


def filed_value(field: str, value: Any) -> str | None:
    """The value under which a lead holding ``value`` is filed, or None if it is not filed for
    this field (no value, or an email that is blank)."""
    if not isinstance(value, str):
        return None
    found = compared(field, value)
    return None if field == EMAIL and not found else found


def count_of(field: str, value: str) -> Count:
    """The count of the tenant's leads filed under ``value`` (a filed value) of ``field``."""
    return Count(f"{COUNT_PREFIX}{field}#{encoded(value)}", sharded=field != EMAIL)


def index_key(tenant: Tenant, value: str) -> str:
    """The partition of a filter index holding the tenant's leads filed under ``value``."""
    return f"{tenant.partition}#{encoded(value)}"


def index_attributes(tenant: Tenant, lead: dict[str, Any]) -> dict[str, str]:
    """The index attributes of a filed lead's item (only those it has a value for)."""
    attributes = {}
    for field, (_, attribute) in INDEXES.items():
        value = filed_value(field, lead.get(field))
        if value is not None:
            attributes[attribute] = index_key(tenant, value)
    return attributes


def count_filed(changes: Tally, lead: dict[str, Any], delta: int, shard: int) -> None:
    """Add ``delta`` for ``lead`` to everything that counts filed leads: the total's
    ``filed_count`` and time buckets, and each of its values' counts (and their buckets)."""
    created_at = lead["created_at"]
    changes.count(TOTAL, shard, delta, FILED_ATTRIBUTE)
    time_counts.add_to_buckets(changes, TOTAL, created_at, shard, delta)
    for field in FILTER_FIELDS:
        value = filed_value(field, lead.get(field))
        if value is None:
            continue
        count = count_of(field, value)
        changes.count(count, shard, delta)
        if count.sharded:
            time_counts.add_to_buckets(changes, count, created_at, shard, delta)


def email_guard(lead: dict[str, Any]) -> str | None:
    """The item a create (or change) with unique emails conditions on: the count of the
    lead's email (None: the lead has no email)."""
    value = filed_value(EMAIL, lead.get(EMAIL))
    return None if value is None else count_of(EMAIL, value).sort_key(0)


def moves(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether changing a lead from ``before`` to ``after`` changes where it is filed."""
    return any(
        filed_value(field, before.get(field)) != filed_value(field, after.get(field))
        for field in FILTER_FIELDS
    )


def basis(lead: dict[str, Any]) -> dict[str, Any]:
    """What a write that keeps the counts right must find unchanged: whether the lead is filed,
    and the values it is filed under (attribute -> value, None for absent)."""
    return {FILED: lead.get(FILED), **{field: lead.get(field) for field in FILTER_FIELDS}}
