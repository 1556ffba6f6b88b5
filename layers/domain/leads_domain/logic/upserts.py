"""Upsert by email: create the lead if no lead of the tenant has the email, else update the one
that has it with the fields sent, as HubSpot upserts contacts by email.

Atomic without a lock: the email's count decides (filing.py). With none, the create is
conditioned on the count still being zero, so of two concurrent upserts of a new email one
creates and the other finds the lead and updates it. With one, the lead the email's index names
is read and changed only while it still has that email (and the filter values read), else the
decision is made again. More than one lead with the email (made without ``?unique=email_id``)
is a 409: which one to change is the client's choice, by id.
"""

import time
from typing import Any, NamedTuple

from leads_domain import ids
from leads_domain.data import lead_pages, leads_table, totals
from leads_domain.errors import Conflict, Duplicate, InvalidRequest, lead_busy
from leads_domain.filters import EMAIL, LeadFilter, normalized_email
from leads_domain.logic import idempotency
from leads_domain.logic.leads import change_read
from leads_domain.logic.rules import VersionedLead, changes, new_lead, versioned
from leads_domain.request_origin import RequestOrigin
from leads_domain.tenancy import Tenant

UPSERT_OPERATION = "leads.upsert"
# Each lost race means another request created, changed or deleted the lead in between.
ATTEMPTS = 6
# The email's index is eventually consistent: when it lags behind the count, wait this long
# (times the attempt) before deciding again.
INDEX_PAUSE_SECONDS = 0.1


class Upserted(NamedTuple):
    result: VersionedLead
    created: bool


def upsert_by_email(
    tenant: Tenant,
    email: str,
    sent: dict[str, Any],
    idempotency_key: str | None = None,
    lambda_context: Any = None,
    request_id: str | None = None,
) -> Upserted:
    """Create or update the lead with ``email`` (checked: not blank, a filter value) from the
    validated fields ``sent``, whose email_id, if sent, must be the same email. ``request_id``
    is the API request's id, which the lead.created or lead.updated event names."""
    _check_email_field(email, sent)
    totals.require_filed(tenant)
    if idempotency_key is None:
        return _upsert(tenant, email, sent, ids.new_lead_id(), RequestOrigin(request_id))
    payload = {"email": email, "fields": sent}
    request = idempotency.request_of(tenant, idempotency_key, payload, request_id)
    answer = idempotency.run_once(UPSERT_OPERATION, request, _upsert_once, lambda_context)
    result = VersionedLead(answer["lead"], int(answer["version"]), idempotency.replayed(answer))
    return Upserted(result, bool(answer["created"]))


def _check_email_field(email: str, sent: dict[str, Any]) -> None:
    if EMAIL not in sent:
        return
    if sent[EMAIL] is None or normalized_email(sent[EMAIL]) != normalized_email(email):
        raise InvalidRequest(
            "'email_id' in the body must be the email of the path (case and surrounding spaces "
            "aside), or be left out.",
            param=EMAIL,
        )


def _upsert_once(request: dict[str, Any]) -> dict[str, Any]:
    # Every attempt of one idempotent upsert would create the same lead id: an attempt that
    # finds it stored answers it rather than changing it again.
    payload = request["fields"]
    lead_id = ids.derived_id("lead_", idempotency.seed_of(request))
    origin = RequestOrigin(idempotency.request_id_of(request), request["key"])
    tenant = idempotency.tenant_of(request)
    done = _upsert(tenant, payload["email"], payload["fields"], lead_id, origin)
    return {"lead": done.result.lead, "version": done.result.version, "created": done.created}


def _upsert(
    tenant: Tenant, email: str, sent: dict[str, Any], new_id: str, origin: RequestOrigin
) -> Upserted:
    where = LeadFilter(field=EMAIL, value=email)
    for attempt in range(ATTEMPTS):
        holders = totals.total(tenant, where)
        if holders == 0:
            try:
                return _create(tenant, email, sent, new_id, origin)
            except Duplicate:
                continue  # created by another request just now: update it
        holder = lead_pages.email_holder(tenant, email)
        if holders > 1:
            raise Duplicate(
                f"{holders} leads have this email_id: change one by its id (the newest is "
                f"{holder}).",
                param=EMAIL,
                lead_id=holder,
            )
        current = leads_table.get(tenant, holder) if holder else None
        if current is None or normalized_email(current.get(EMAIL) or "") != normalized_email(email):
            # The index has not caught up with a create, a change or a delete yet.
            time.sleep(INDEX_PAUSE_SECONDS * attempt)
            continue
        if current["id"] == new_id:
            return Upserted(versioned(current), True)  # an earlier attempt created it
        try:
            change = change_read(tenant, current, changes(sent), origin=origin)
            return Upserted(change, False)
        except Conflict:
            continue
    raise lead_busy()


def _create(
    tenant: Tenant, email: str, sent: dict[str, Any], new_id: str, origin: RequestOrigin
) -> Upserted:
    lead = new_lead(new_id, {**sent, EMAIL: sent.get(EMAIL) or email})
    try:
        leads_table.insert(tenant, lead, unique_email=True, origin=origin)
        return Upserted(versioned({**lead, "version": leads_table.FIRST_VERSION}), True)
    except Conflict:
        existing = leads_table.get(tenant, new_id)
        if existing is None:
            raise
        return Upserted(versioned(existing), True)
