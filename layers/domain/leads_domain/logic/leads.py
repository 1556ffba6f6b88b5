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
from leads_domain.logic import idempotency
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

# How often an update that re-derives lead_name retries after a concurrent change to the
# name fields it read (each lost race means another request's change went in).
UPDATE_ATTEMPTS = 5
CREATE_OPERATION = "leads.create"


def create_lead(
    tenant: Tenant,
    sent: dict[str, Any],
    idempotency_key: str | None = None,
    lambda_context: Any = None,
    request_id: str | None = None,
) -> VersionedLead:
    """Create a lead from validated fields (invalid requests are answered before this, never
    remembered). With an Idempotency-Key, a retry of the same request answers the first
    answer and creates nothing; the same key with another body is an IdempotencyError.
    ``request_id`` is the API request's id, which the lead.created event names."""
    if idempotency_key is None:
        origin = RequestOrigin(request_id)
        return _insert(tenant, new_lead(ids.new_lead_id(), sent), origin)
    request = idempotency.request_of(tenant, idempotency_key, sent, request_id)
    answer = idempotency.run_once(CREATE_OPERATION, request, _create_once, lambda_context)
    return VersionedLead(answer["lead"], _answered_version(answer))


def _create_once(request: dict[str, Any]) -> dict[str, Any]:
    # Every attempt of one idempotent create makes the same lead id: an attempt that finds
    # its lead already stored answers that lead instead of making a second one.
    lead_id = ids.derived_id("lead_", idempotency.seed_of(request))
    origin = RequestOrigin(idempotency.request_id_of(request), request["key"])
    lead = new_lead(lead_id, request["fields"])
    result = _insert(idempotency.tenant_of(request), lead, origin, retried=True)
    return {"lead": result.lead, "version": result.version}


def _answered_version(answer: dict[str, Any]) -> int:
    # Answers remembered before versions were stored as numbers carry the ETag text instead.
    if "version" in answer:
        return int(answer["version"])
    return int(answer["etag"].strip('"').lstrip("v"))


def _insert(
    tenant: Tenant, lead: dict[str, Any], origin: RequestOrigin, retried: bool = False
) -> VersionedLead:
    try:
        leads_table.insert(tenant, lead, origin)
    except Conflict:
        # An earlier attempt of this idempotent create stored the lead, then failed to record
        # its answer: that lead is the answer.
        existing = leads_table.get(tenant, lead["id"]) if retried else None
        if existing is None:
            raise
        return versioned(existing)
    return versioned({**lead, "version": leads_table.FIRST_VERSION})


def get_lead(tenant: Tenant, lead_id: str) -> VersionedLead:
    lead = leads_table.get(tenant, lead_id) if ids.is_lead_id(lead_id) else None
    if lead is None:
        raise lead_not_found()
    return versioned(lead)


def list_leads(tenant: Tenant, page: PageRequest) -> dict[str, Any]:
    """A page of the tenant's leads, newest first, by offset or by cursor (Stripe's
    ``starting_after`` / ``ending_before``, which cost O(limit) at any depth)."""
    after = before = None
    if page.cursor:
        name, lead_id = page.cursor
        position = leads_table.cursor_of(tenant, lead_id) if ids.is_lead_id(lead_id) else None
        if position is None:
            raise InvalidRequest(f"'{name}' names no lead of yours.", param=name)
        after, before = (position, None) if name == "starting_after" else (None, position)
    leads, has_more, total = leads_table.page(
        tenant, page.limit, offset=page.offset, after=after, before=before
    )
    return {"data": [present(lead) for lead in leads], "has_more": has_more, "total": total}


def update_lead(
    tenant: Tenant,
    lead_id: str,
    sent: dict[str, Any],
    expected: tuple[int, ...] | None = None,
    request_id: str | None = None,
) -> VersionedLead:
    """Set only the validated fields sent; null clears a field, or restores its default. With
    ``expected`` versions (If-Match), only if the lead is still at one of them. ``request_id``
    is the API request's id, which the lead.updated event names."""
    if not ids.is_lead_id(lead_id):
        raise lead_not_found()
    wanted = changes(sent)
    origin = RequestOrigin(request_id)
    # An If-Match that names no version can only fail, but a missing lead is still a 404:
    # the read decides which.
    if not sent or _may_need_derived_name(sent) or expected == ():
        return _read_then_update(tenant, lead_id, wanted, expected, origin)
    try:
        return versioned(_apply(tenant, lead_id, wanted, expected or (), origin))
    except Conflict:
        raise lead_changed() from None


def _read_then_update(
    tenant: Tenant,
    lead_id: str,
    wanted: dict[str, Any],
    expected: tuple[int, ...] | None,
    origin: RequestOrigin = NO_ORIGIN,
) -> VersionedLead:
    """For changes that depend on what is stored (a lead_name to derive, or none at all):
    read, decide, and write only while the lead still holds the name fields the decision
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
        change = with_derived_name(current, wanted)
        try:
            return versioned(
                _apply(tenant, lead_id, change, expected or (), origin, name_basis(current))
            )
        except Conflict:
            if expected is not None:
                raise lead_changed() from None
    raise lead_busy()


def _may_need_derived_name(sent: dict[str, Any]) -> bool:
    if "lead_name" in sent:
        return sent["lead_name"] is None
    return any(name in sent for name in NAME_SOURCES)


def _apply(
    tenant: Tenant,
    lead_id: str,
    change: dict[str, Any],
    expected: tuple[int, ...],
    origin: RequestOrigin,
    basis: dict[str, Any] | None = None,
) -> dict[str, Any]:
    set_values = {name: value for name, value in change.items() if value is not None}
    set_values["updated_at"] = now()
    remove = [name for name, value in change.items() if value is None]
    return leads_table.update(tenant, lead_id, set_values, remove, expected, basis, origin=origin)


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
        raise lead_changed() from None
    return {"id": lead_id, "deleted": True}
