"""Lead rules and operations: ids, timestamps, defaults, derived names, tenancy.

Every operation takes the caller's tenant; data access stores and reads under it only.
"""

import hashlib
import json
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

from leads_domain.api_keys import Tenant, base62, random_base62
from leads_domain.data import leads_table
from leads_domain.errors import (
    Conflict,
    IdempotencyError,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
)
from leads_domain.fields import DEFAULTS, RESPONSE_FIELDS

MAX_LIMIT = 100
CURSORS = ("starting_after", "ending_before")
LIST_PARAMETERS = ("limit", "offset", *CURSORS)
DEFAULT_LIMIT = 20
# Digits allowed in limit/offset: any larger number is nonsense, not a slow query.
_MAX_DIGITS = 9
NAME_PARTS = ("salutation", "first_name", "middle_name", "last_name")
# Fields that the derived lead_name is made of.
NAME_SOURCES = (*NAME_PARTS, "company_name", "email_id")
# How often an update that re-derives lead_name retries after losing a race.
_UPDATE_ATTEMPTS = 3
# What new_lead_id makes, with room to spare. Anything else cannot be a lead: answered without
# a read, and never sent to DynamoDB (whose keys are limited to 1 KB).
LEAD_ID = re.compile(r"lead_[0-9A-Za-z]{1,64}")
_ETAG = re.compile(r'\s*(?:W/)?"v(\d{1,12})"\s*')
# A client's If-Match may list several versions; more than this is not a real client.
_MAX_IF_MATCH_VERSIONS = 10


# Idempotency-Key: as Stripe, up to 255 characters, remembered for 24 hours per tenant.
IDEMPOTENCY_KEY_LENGTH = 255
# What an HTTP header value may hold: visible ASCII, with spaces and tabs only inside (HTTP
# drops a value's outer white space).
IDEMPOTENCY_KEY_PATTERN = (
    rf"^[\x21-\x7e](?:[\t\x20-\x7e]{{0,{IDEMPOTENCY_KEY_LENGTH - 2}}}[\x21-\x7e])?$"
)
IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
IDEMPOTENCY_SECONDS = 24 * 60 * 60


class VersionedLead(NamedTuple):
    """A Lead as the API shows it, and the ETag of the version it shows."""

    lead: dict[str, Any]
    etag: str


def new_lead_id() -> str:
    return "lead_" + random_base62(24)


def now() -> str:
    """ISO 8601 UTC, fixed width with microseconds, so timestamps sort as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def derived_lead_name(fields: dict[str, Any]) -> str | None:
    """As ERPNext names a lead: the person's name, else the company, else the email."""
    if any(fields.get(part) for part in NAME_PARTS[1:]):
        return " ".join(fields[part] for part in NAME_PARTS if fields.get(part))
    return fields.get("company_name") or fields.get("email_id") or None


def present(lead: dict[str, Any]) -> dict[str, Any]:
    """The Lead object as the reference shows it: every field, unset ones as null."""
    return {name: lead.get(name) for name in RESPONSE_FIELDS}


def versioned(lead: dict[str, Any]) -> VersionedLead:
    return VersionedLead(present(lead), f'"v{lead["version"]}"')


def expected_versions(if_match: str | None) -> tuple[int, ...] | None:
    """The versions an If-Match header accepts: None for no header (or '*', which any
    existing lead matches); a tuple of versions otherwise (empty: matches nothing)."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = []
    for tag in if_match.split(",")[:_MAX_IF_MATCH_VERSIONS]:
        match = _ETAG.fullmatch(tag)
        if match:
            versions.append(int(match.group(1)))
    return tuple(versions)


def create_lead(
    tenant: Tenant,
    sent: dict[str, Any],
    idempotency_key: str | None = None,
    lambda_context: Any = None,
) -> VersionedLead:
    """Create a lead from validated fields (``models.parse_fields``: invalid requests are
    answered before this, never remembered). With an Idempotency-Key, a retry of the same
    request answers the first answer and creates nothing; the same key with another body is
    an IdempotencyError."""
    if idempotency_key is None:
        return _insert_new_lead(tenant, sent)
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise InvalidRequest(
            f"Idempotency-Key must be 1-{IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.",
            param="Idempotency-Key",
        )
    if lambda_context is not None:
        # An in-progress record then expires when this Lambda would have timed out, so a
        # crashed request does not block its retries for a day.
        idempotency_config().register_lambda_context(lambda_context)
    request = {"tenant": [tenant.account, tenant.mode], "key": idempotency_key, "fields": sent}
    answer = _create_once(request)
    return VersionedLead(answer["lead"], answer["etag"])


def _insert_new_lead(
    tenant: Tenant, sent: dict[str, Any], lead_id: str | None = None
) -> VersionedLead:
    fields = {name: value for name, value in sent.items() if value is not None}
    for name, default in DEFAULTS.items():
        fields.setdefault(name, default)
    if fields.get("lead_name") is None:
        fields["lead_name"] = derived_lead_name(fields)
    timestamp = now()
    lead = {"id": lead_id or new_lead_id(), "created_at": timestamp, "updated_at": timestamp}
    lead.update(fields)
    try:
        leads_table.insert(tenant, lead)
    except Conflict:
        # An earlier attempt of this idempotent create stored the lead, then failed to record
        # its answer: that lead is the answer.
        existing = leads_table.get(tenant, lead_id) if lead_id else None
        if existing is None:
            raise
        return versioned(existing)
    return versioned({**lead, "version": leads_table.FIRST_VERSION})


def _idempotent_lead_id(request: dict[str, Any]) -> str:
    """The same id for every attempt of one idempotent create (tenant, key and body), so an
    attempt that finds its lead already stored cannot make a second one."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"))
    number = int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:18])
    return "lead_" + base62(number, 24)


def _create_once(request: dict[str, Any]) -> dict[str, Any]:
    # Imported here: only creates that carry an Idempotency-Key pay for the utility.
    from aws_lambda_powertools.utilities.idempotency import exceptions

    try:
        return _idempotent_create()(request=request)
    except exceptions.IdempotencyValidationError:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request body.",
            param="Idempotency-Key",
        ) from None
    except exceptions.IdempotencyAlreadyInProgressError:
        raise Conflict(
            "A request with this Idempotency-Key is still in progress. Retry shortly.",
            param="Idempotency-Key",
            code="idempotency_in_progress",
        ) from None
    except (
        exceptions.IdempotencyPersistenceLayerError,
        exceptions.IdempotencyPersistenceConnectionError,
        exceptions.IdempotencyInconsistentStateError,
    ):
        raise ServiceUnavailable("The service is temporarily unavailable. Please retry.") from None


@cache
def _idempotent_create() -> Any:
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    from leads_domain.data.idempotency_store import persistence_layer

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=persistence_layer(),
        config=idempotency_config(),
        # Stable across function names and deployments; the hash covers tenant and key.
        key_prefix="leads.create",
    )
    def create(request: dict[str, Any]) -> dict[str, Any]:
        tenant = Tenant(*request["tenant"])
        lead, etag = _insert_new_lead(tenant, request["fields"], _idempotent_lead_id(request))
        return {"lead": lead, "etag": etag}

    return create


@cache
def idempotency_config() -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    # The key is scoped to the tenant: two tenants' identical keys never meet. The body is
    # the payload to validate: the same key with another body is refused.
    return IdempotencyConfig(
        event_key_jmespath="[tenant, key]",
        payload_validation_jmespath="fields",
        expires_after_seconds=IDEMPOTENCY_SECONDS,
        hash_function="sha256",
    )


def get_lead(tenant: Tenant, lead_id: str) -> VersionedLead:
    lead = leads_table.get(tenant, lead_id) if LEAD_ID.fullmatch(lead_id) else None
    if lead is None:
        raise _not_found(lead_id)
    return versioned(lead)


def _not_found(lead_id: str) -> NotFound:
    return NotFound(f"No such lead: '{lead_id[:100]}'", param="id")


def list_leads(tenant: Tenant, query: dict[str, str]) -> dict[str, Any]:
    """A page of the tenant's leads, newest first, by offset or by cursor (Stripe's
    ``starting_after`` / ``ending_before``, which cost O(limit) at any depth)."""
    limit, offset, cursor_name = _page_parameters(query)
    cursors: dict[str, str | None] = {"after": None, "before": None}
    if cursor_name:
        lead_id = query[cursor_name]
        cursor = leads_table.cursor_of(tenant, lead_id) if LEAD_ID.fullmatch(lead_id) else None
        if cursor is None:
            raise InvalidRequest(f"No such lead: '{query[cursor_name][:100]}'.", param=cursor_name)
        cursors["after" if cursor_name == "starting_after" else "before"] = cursor
    leads, has_more, total = leads_table.page(tenant, limit, offset=offset, **cursors)
    return {"data": [present(lead) for lead in leads], "has_more": has_more, "total": total}


def update_lead(
    tenant: Tenant, lead_id: str, sent: dict[str, Any], if_match: str | None = None
) -> VersionedLead:
    """Set only the validated fields sent; null clears a field, or restores its default. With
    If-Match, only if the lead is still at a version it names (else PreconditionFailed)."""
    if not LEAD_ID.fullmatch(lead_id):
        raise _not_found(lead_id)
    expected = expected_versions(if_match)
    changes = {name: DEFAULTS.get(name) if value is None else value for name, value in sent.items()}
    # An If-Match that names no version can only fail, but a missing lead is still a 404:
    # the read decides which.
    if not sent or _may_need_derived_name(sent) or expected == ():
        return _read_then_update(tenant, lead_id, changes, expected)
    try:
        return versioned(_apply(tenant, lead_id, changes, expected or ()))
    except Conflict:
        raise _precondition_failed() from None


def _read_then_update(
    tenant: Tenant,
    lead_id: str,
    changes: dict[str, Any],
    expected: tuple[int, ...] | None,
) -> VersionedLead:
    """For changes that depend on what is stored (a lead_name to derive, or none at all):
    read, decide, and write only if nobody changed the lead in between."""
    for _ in range(_UPDATE_ATTEMPTS):
        current = leads_table.get(tenant, lead_id)
        if current is None:
            raise _not_found(lead_id)
        if expected is not None and current["version"] not in expected:
            raise _precondition_failed()
        if not changes:
            return versioned(current)
        merged = {**current, **changes}
        if merged.get("lead_name") is None:
            changes = {**changes, "lead_name": derived_lead_name(merged)}
        try:
            return versioned(_apply(tenant, lead_id, changes, (current["version"],)))
        except Conflict:
            if expected is not None:
                raise _precondition_failed() from None
    raise Conflict("The lead is being changed by other requests. Please retry.")


def _precondition_failed() -> PreconditionFailed:
    return PreconditionFailed(
        "The lead has changed since the version in If-Match. Fetch it again.", param="If-Match"
    )


def _may_need_derived_name(sent: dict[str, Any]) -> bool:
    if "lead_name" in sent:
        return sent["lead_name"] is None
    return any(name in sent for name in NAME_SOURCES)


def _apply(
    tenant: Tenant, lead_id: str, changes: dict[str, Any], expected: tuple[int, ...]
) -> dict[str, Any]:
    set_values = {name: value for name, value in changes.items() if value is not None}
    set_values["updated_at"] = now()
    remove = [name for name, value in changes.items() if value is None]
    return leads_table.update(tenant, lead_id, set_values, remove, expected)


def delete_lead(tenant: Tenant, lead_id: str, if_match: str | None = None) -> dict[str, Any]:
    if not LEAD_ID.fullmatch(lead_id):
        raise _not_found(lead_id)
    expected = expected_versions(if_match)
    if expected == ():
        # It can only fail; a missing lead is still a 404.
        if leads_table.get(tenant, lead_id) is None:
            raise _not_found(lead_id)
        raise _precondition_failed()
    try:
        leads_table.delete(tenant, lead_id, expected or ())
    except Conflict:
        raise _precondition_failed() from None
    return {"id": lead_id, "deleted": True}


def _page_parameters(query: dict[str, str]) -> tuple[int, int, str | None]:
    """(limit, offset, the cursor parameter given if any); at most one way of paging."""
    for name in query:
        if name not in LIST_PARAMETERS:
            raise InvalidRequest(
                f"Unknown query parameter '{name}'.", param=name, code="parameter_unknown"
            )
    limit = _integer(query, "limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"'limit' must be between 1 and {MAX_LIMIT}.", param="limit")
    offset = _integer(query, "offset", 0)
    paging = [name for name in ("offset", *CURSORS) if name in query]
    if len(paging) > 1:
        raise InvalidRequest(
            f"'{paging[1]}' cannot be combined with '{paging[0]}'.", param=paging[1]
        )
    cursor = next((name for name in CURSORS if name in query), None)
    if cursor and not query[cursor]:
        raise InvalidRequest(f"'{cursor}' must be a lead id.", param=cursor)
    return limit, offset, cursor


def _integer(query: dict[str, str], name: str, default: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        raise InvalidRequest(
            f"'{name}' must be a whole number of at most {_MAX_DIGITS} digits, not '{text[:40]}'.",
            param=name,
        )
    return int(text)
