"""The exact number of leads a list's filter matches, from counts: O(1) reads whatever the
tenant's size and however deep the page.

- no filter: the total's shards (one Query);
- a status or owner value: its count's shards (one Query), and the total's shards once per
  container, to know that every lead of the tenant is filed (below);
- an email: its count (one item);
- a range of whole hours, alone or with a status or owner: the count's time buckets at each
  end (time_counts.since: up to three Queries per end), one small index Query per end that
  excludes its own instant (``gt``, ``lte``), and the plain count when the range has no start;
- an email with a range: that email's index entries within the range, counted (an email with
  more than EMAIL_RANGE_LIMIT leads is refused instead: a 400 naming the combinations that
  work).

A tenant's leads stored before filtered lists existed are counted per filter only once the
backfill has filed them (filing.py): until the total's ``filed_count`` equals its
``lead_count``, every narrowed total refuses with FiltersUnavailable rather than answer a number
that misses them. Once equal, they stay equal (every later write keeps both), so a tenant seen
filed is remembered for the container's life.
"""

from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.container import once_per_container
from leads_domain.data import counters, filing, lead_indexes, time_counts
from leads_domain.data.counters import COUNT_ATTRIBUTE, FILED_ATTRIBUTE, TOTAL, Count
from leads_domain.data.lead_indexes import IndexPartition
from leads_domain.errors import FiltersUnavailable, InvalidRequest, ServiceUnavailable
from leads_domain.filters import EMAIL, Bound, LeadFilter
from leads_domain.tenancy import Tenant

# An email's leads counted in a range are read from its index: at most this many.
EMAIL_RANGE_LIMIT = 100
# Tenants remembered as filed; beyond this many the memory starts afresh.
_REMEMBERED_TENANTS = 10_000


@once_per_container
def _filed_tenants() -> set[str]:
    return set()


def total(tenant: Tenant, where: LeadFilter) -> int:
    """How many of the tenant's leads ``where`` matches; raises FiltersUnavailable for a
    narrowed filter of a tenant not filed yet, ServiceUnavailable if DynamoDB fails."""
    try:
        if not where.narrowed:
            return counters.total(tenant)
        everything = _filed_total(tenant, needed=where.field is None)
        if where.empty:
            return 0
        if where.field is None or where.value is None:
            return _in_range(tenant, where, TOTAL, lambda: everything or 0)
        value = filing.filed_value(where.field, where.value)
        if value is None:
            return 0
        count = filing.count_of(where.field, value)
        if where.field == EMAIL:
            return _email(tenant, where, count)
        return _in_range(tenant, where, count, lambda: counters.total(tenant, count))
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error


def require_filed(tenant: Tenant) -> None:
    """FiltersUnavailable unless every lead of the tenant is filed (for unique emails)."""
    try:
        _filed_total(tenant, needed=False)
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error


def _filed_total(tenant: Tenant, needed: bool) -> int | None:
    """The tenant's total when ``needed`` (read with its filed count in one Query); raises
    FiltersUnavailable if some of its leads are not filed yet."""
    known = _filed_tenants()
    if tenant.partition in known and not needed:
        return None
    sums = counters.sums(tenant, TOTAL, (COUNT_ATTRIBUTE, FILED_ATTRIBUTE))
    if sums[COUNT_ATTRIBUTE] != sums[FILED_ATTRIBUTE]:
        raise FiltersUnavailable()
    if len(known) >= _REMEMBERED_TENANTS:
        known.clear()
    known.add(tenant.partition)
    return sums[COUNT_ATTRIBUTE]


def _in_range(
    tenant: Tenant, where: LeadFilter, count: Count, everything: Callable[[], int]
) -> int:
    """Leads counted by ``count`` created within the filter's range (whole hours)."""
    partition = lead_indexes.partition_of(tenant, where)
    if where.since is None:
        from_start = everything()
    else:
        from_start = _from(tenant, count, partition, where.since)
    beyond_end = 0 if where.until is None else _beyond(tenant, count, partition, where.until)
    # Each read is eventually consistent: a moment's lag is never shown as a negative total.
    return max(from_start - beyond_end, 0)


def _from(tenant: Tenant, count: Count, partition: IndexPartition, bound: Bound) -> int:
    """Leads created at or after the bound (after it, when it excludes its instant)."""
    found = time_counts.since(tenant, count, bound.at)
    if not bound.inclusive:
        found -= lead_indexes.created_at_instant(partition, bound.at)
    return found


def _beyond(tenant: Tenant, count: Count, partition: IndexPartition, bound: Bound) -> int:
    """Leads created after the range's end."""
    found = time_counts.since(tenant, count, bound.at)
    if bound.inclusive:
        found -= lead_indexes.created_at_instant(partition, bound.at)
    return found


def _email(tenant: Tenant, where: LeadFilter, count: Count) -> int:
    holders = counters.total(tenant, count)
    if not where.timed or holders == 0:
        return holders
    if holders > EMAIL_RANGE_LIMIT:
        raise InvalidRequest(
            f"More than {EMAIL_RANGE_LIMIT} leads have this email_id: list them without "
            "created_at. A created_at range works alone, with status or lead_owner, and with "
            f"an email_id of up to {EMAIL_RANGE_LIMIT} leads.",
            param="email_id",
        )
    return lead_indexes.count_between(
        lead_indexes.partition_of(tenant, where),
        lead_indexes.lower_key(where.since),
        lead_indexes.upper_key(where.until),
    )
