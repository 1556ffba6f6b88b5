"""The lead operations: create, get, list, update and delete, each under the caller's tenant.

Every operation takes validated, typed input (``models.parse_fields``, ``http.parameters``)
and the caller's tenant; data access stores and reads under that tenant only.
"""

from typing import Any

from leads_domain import ids
from leads_domain.data import leads_table
from leads_domain.errors import (
    Conflict,
    InvalidRequest,
    lead_busy,
    lead_changed,
    lead_not_found,
)
from leads_domain.filters import EVERY_LEAD, FILTER_FIELDS, LeadFilter
from leads_domain.logic import duplicates, idempotency
from leads_domain.logic.rules import (
    NAME_SOURCES,
    VersionedLead,
    changes,
    name_basis,
    new_lead,
    now,
    present,
    versioned,
    with_derived_name,
)
from leads_domain.paging import PageRequest
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.tenancy import Tenant

# How often an update that reads the lead first retries after a concurrent change to what it
# read (each lost race means another request's change went in).
UPDATE_ATTEMPTS = 5
CREATE_OPERATION = "leads.create"


def create_lead(
    tenant: Tenant,
    sent: dict[str, Any],
    idempotency_key: str | None = None,
    lambda_context: Any = None,
    request_id: str | None = None,
    unique_email: bool = False,
) -> VersionedLead:
    """Create a lead from validated fields (invalid requests are answered before this, never
    remembered). With an Idempotency-Key, a retry of the same request answers the first
    answer and creates nothing; the same key with another body is an IdempotencyError. With
    ``unique_email``, only if no lead of the tenant has the email (else Duplicate).
    ``request_id`` is the API request's id, which the lead.created event names."""
    if unique_email:
        _require_filed(tenant)
    if idempotency_key is None:
        lead = new_lead(ids.new_lead_id(), sent)
        return insert(tenant, lead, RequestOrigin(request_id), unique_email=unique_email)
    request = idempotency.request_of(tenant, idempotency_key, sent, request_id, unique=unique_email)
    answer = idempotency.run_once(CREATE_OPERATION, request, _create_once, lambda_context)
    return VersionedLead(answer["lead"], _answered_version(answer), idempotency.replayed(answer))


def _create_once(request: dict[str, Any]) -> dict[str, Any]:
    # Every attempt of one idempotent create makes the same lead id: an attempt that finds
    # its lead already stored answers that lead instead of making a second one.
    lead_id = ids.derived_id("lead_", idempotency.seed_of(request))
    lead = new_lead(lead_id, request["fields"])
    tenant = idempotency.tenant_of(request)
    origin = RequestOrigin(idempotency.request_id_of(request), request["key"])
    result = insert(tenant, lead, origin, True, idempotency.unique_of(request))
    return {"lead": result.lead, "version": result.version}


def _answered_version(answer: dict[str, Any]) -> int:
    # Answers remembered before versions were stored as numbers carry the ETag text instead.
    if "version" in answer:
        return int(answer["version"])
    return int(answer["etag"].strip('"').lstrip("v"))


def insert(
    tenant: Tenant,
    lead: dict[str, Any],
    origin: RequestOrigin = NO_ORIGIN,
    retried: bool = False,
    unique_email: bool = False,
) -> VersionedLead:
    """Store the new lead, made by the request ``origin``; ``retried``: an earlier attempt
    (same id) may have stored it."""
    try:
        duplicates.refused(
            tenant, lead, lambda: leads_table.insert(tenant, lead, unique_email, origin)
        )
    except Conflict:
        # An earlier attempt of this idempotent create stored the lead, then failed to record
        # its answer: that lead is the answer.
        existing = leads_table.get(tenant, lead["id"]) if retried else None
        if existing is None:
            raise
        return versioned(existing)
    return versioned({**lead, "version": leads_table.FIRST_VERSION})


def _require_filed(tenant: Tenant) -> None:
    # Imported here: only ?unique=email_id needs totals (and lead_indexes), which get, delete
    # and most creates and updates then never import at cold start.
    from leads_domain.data import totals

    totals.require_filed(tenant)


def get_lead(tenant: Tenant, lead_id: str) -> VersionedLead:
    lead = leads_table.get(tenant, lead_id) if ids.is_lead_id(lead_id) else None
    if lead is None:
        raise lead_not_found()
    return versioned(lead)


def list_leads(tenant: Tenant, page: PageRequest, where: LeadFilter = EVERY_LEAD) -> dict[str, Any]:
    """A page of the tenant's leads matching ``where``, newest first, by offset or by cursor
    (Stripe's ``starting_after`` / ``ending_before``, which cost O(limit) at any depth), and
    the exact number that match."""
    from leads_domain.data import lead_pages  # only lists read pages: off other cold starts

    after = before = None
    if page.cursor:
        name, lead_id = page.cursor
        position = lead_pages.cursor_of(tenant, lead_id) if ids.is_lead_id(lead_id) else None
        if position is None:
            raise InvalidRequest(f"'{name}' names no lead of yours.", param=name)
        after, before = (position, None) if name == "starting_after" else (None, position)
    leads, has_more, total = lead_pages.page(
        tenant, page.limit, offset=page.offset, after=after, before=before, where=where
    )
    return {"data": [present(lead) for lead in leads], "has_more": has_more, "total": total}


def update_lead(
    tenant: Tenant,
    lead_id: str,
    sent: dict[str, Any],
    expected: tuple[int, ...] | None = None,
    request_id: str | None = None,
    unique_email: bool = False,
) -> VersionedLead:
    """Set only the validated fields sent; null clears a field, or restores its default. With
    ``expected`` versions (If-Match), only if the lead is still at one of them. With
    ``unique_email``, a new email only if no other lead of the tenant has it. ``request_id``
    is the API request's id, which the lead.updated event names."""
    origin = RequestOrigin(request_id)
    if not ids.is_lead_id(lead_id):
        raise lead_not_found()
    if unique_email:
        _require_filed(tenant)
    wanted = changes(sent)
    # An If-Match that names no version can only fail, but a missing lead is still a 404:
    # the read decides which. A change of what lists filter by moves counts: read it first.
    if not sent or _reads_first(sent) or expected == ():
        return _read_then_update(tenant, lead_id, wanted, expected, unique_email, origin)
    try:
        return versioned(_apply(tenant, lead_id, wanted, expected or (), origin))
    except Conflict:
        raise lead_changed() from None


def _read_then_update(
    tenant: Tenant,
    lead_id: str,
    wanted: dict[str, Any],
    expected: tuple[int, ...] | None,
    unique_email: bool,
    origin: RequestOrigin,
) -> VersionedLead:
    """For changes that depend on what is stored (a lead_name to derive, counts to move, or
    nothing at all): read, decide, and write only while the lead still holds what the decision
    read, so that two concurrent changes of different name fields end with the name of both.
    A change of other fields in between does not conflict; with If-Match, any change does."""
    for _ in range(UPDATE_ATTEMPTS):
        current = leads_table.get(tenant, lead_id)
        if current is None:
            raise lead_not_found()
        if expected is not None and current["version"] not in expected:
            raise lead_changed()
        if not wanted:
            return versioned(current)
        try:
            return change_read(tenant, current, wanted, expected or (), unique_email, origin)
        except Conflict:
            if expected is not None:
                raise lead_changed() from None
    raise lead_busy()


def change_read(
    tenant: Tenant,
    current: dict[str, Any],
    wanted: dict[str, Any],
    expected: tuple[int, ...] = (),
    unique_email: bool = False,
    origin: RequestOrigin = NO_ORIGIN,
) -> VersionedLead:
    """One attempt to apply ``wanted`` (see ``changes``) to the lead read as ``current``: only
    while it still holds the name fields and filter values read (Conflict otherwise); the
    request ``origin`` makes it."""
    change = with_derived_name(current, wanted)
    set_values, remove = _split(change)
    after = {**current, **set_values}
    for name in remove:
        after.pop(name, None)
    if leads_table.moves_counts(current, after):
        return versioned(
            duplicates.refused(
                tenant,
                after,
                lambda: leads_table.update_filed(
                    tenant, current, set_values, remove, unique_email, origin
                ),
            )
        )
    basis = {**name_basis(current), **leads_table.filed_basis(current)}
    return versioned(
        leads_table.update(tenant, current["id"], set_values, remove, expected, basis, origin)
    )


def _reads_first(sent: dict[str, Any]) -> bool:
    if any(name in sent for name in FILTER_FIELDS):
        return True
    if "lead_name" in sent:
        return sent["lead_name"] is None
    return any(name in sent for name in NAME_SOURCES)


def _split(change: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(what to set, with updated_at now; what to remove)."""
    set_values = {name: value for name, value in change.items() if value is not None}
    set_values["updated_at"] = now()
    return set_values, [name for name, value in change.items() if value is None]


def _apply(
    tenant: Tenant,
    lead_id: str,
    change: dict[str, Any],
    expected: tuple[int, ...],
    origin: RequestOrigin,
) -> dict[str, Any]:
    set_values, remove = _split(change)
    return leads_table.update(tenant, lead_id, set_values, remove, expected, origin=origin)


def delete_lead(
    tenant: Tenant, lead_id: str, expected: tuple[int, ...] | None = None
) -> dict[str, Any]:
    if not ids.is_lead_id(lead_id):
        raise lead_not_found()
    if expected == ():
        # It can only fail; a missing lead is still a 404.
        if leads_table.get(tenant, lead_id) is None:
            raise lead_not_found()
        raise lead_changed()
    try:
        leads_table.delete(tenant, lead_id, expected or ())
    except Conflict:
        if expected is None:
            raise
        raise lead_changed() from None
    return {"id": lead_id, "deleted": True}
