"""The webhook endpoint operations: create (the secret shown this once), list, retrieve,
update and delete, each under the caller's tenant; and which endpoints want an event.

Every URL is checked by the SSRF guard when it is saved; deliveries check it again.
"""

from typing import Any

from leads_domain import ids
from leads_domain.data import webhook_endpoints_table
from leads_domain.errors import InvalidRequest, ServiceUnavailable, webhook_endpoint_not_found
from leads_domain.event_settings import get_event_settings
from leads_domain.event_types import EVERY_TYPE
from leads_domain.paging import PageRequest
from leads_domain.tenancy import Tenant
from leads_domain.timestamps import now
from leads_domain.webhooks import address_guard

ENABLED, DISABLED = "enabled", "disabled"
STATUSES = (ENABLED, DISABLED)
SHOWN_FIELDS = ("id", "url", "enabled_events", "description", "status", "created_at", "updated_at")


def present(endpoint: dict[str, Any]) -> dict[str, Any]:
    """The WebhookEndpoint as the API shows it: never its secret."""
    return {name: endpoint.get(name) for name in SHOWN_FIELDS}


def allows_loopback(tenant: Tenant) -> bool:
    """Test mode may call http://127.0.0.1 and localhost, where the deployment allows it."""
    return tenant.mode == "test" and get_event_settings().loopback_in_test_mode


def check_url(tenant: Tenant, url: str) -> address_guard.Target:
    """The URL's target if the tenant may have it called; else a 400 naming 'url'."""
    try:
        return address_guard.check(url, allow_loopback=allows_loopback(tenant))
    except address_guard.UrlRefused as refused:
        raise InvalidRequest(str(refused), param="url", code="url_invalid") from None
    except address_guard.ResolutionUnavailable:
        raise ServiceUnavailable("The URL's host could not be resolved just now. Retry.") from None


def create(tenant: Tenant, fields: dict[str, Any]) -> dict[str, Any]:
    """A new, enabled endpoint from validated fields: answered with its secret."""
    check_url(tenant, fields["url"])
    timestamp = now()
    endpoint = {
        "id": ids.new_webhook_endpoint_id(),
        "url": fields["url"],
        "enabled_events": list(fields["enabled_events"]),
        "description": fields.get("description"),
        "status": ENABLED,
        "secret": ids.new_webhook_secret(),
        "created_at": timestamp,
        "updated_at": timestamp,
    }
    webhook_endpoints_table.insert(tenant, endpoint)
    return {**present(endpoint), "secret": endpoint["secret"]}


def retrieve(tenant: Tenant, endpoint_id: str) -> dict[str, Any]:
    return present(_stored(tenant, endpoint_id))


def _stored(tenant: Tenant, endpoint_id: str) -> dict[str, Any]:
    endpoint = (
        webhook_endpoints_table.get(tenant, endpoint_id)
        if ids.is_webhook_endpoint_id(endpoint_id)
        else None
    )
    if endpoint is None:
        raise webhook_endpoint_not_found()
    return endpoint


def list_page(tenant: Tenant, page: PageRequest) -> dict[str, Any]:
    """The tenant's endpoints, newest first, by cursor (all of them fit one read)."""
    endpoints = sorted(
        webhook_endpoints_table.all_of(tenant),
        key=lambda endpoint: (endpoint["created_at"], endpoint["id"]),
        reverse=True,
    )
    order = [endpoint["id"] for endpoint in endpoints]
    start, stop = 0, len(endpoints)
    if page.cursor:
        name, cursor_id = page.cursor
        if cursor_id not in order:
            raise InvalidRequest(f"'{name}' names no webhook endpoint of yours.", param=name)
        position = order.index(cursor_id)
        if name == "starting_after":
            start = position + 1
        else:
            start, stop = max(0, position - page.limit), position
    chosen = endpoints[start:stop][: page.limit]
    has_more = start > 0 if page.ending_before else start + page.limit < stop
    return {"data": [present(endpoint) for endpoint in chosen], "has_more": has_more}


def update(tenant: Tenant, endpoint_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Set what was sent (url, enabled_events, description, status). Re-enabling an endpoint
    forgets its failures."""
    if not fields:
        return retrieve(tenant, endpoint_id)
    if not ids.is_webhook_endpoint_id(endpoint_id):
        raise webhook_endpoint_not_found()
    if "url" in fields:
        check_url(tenant, fields["url"])
    changes = {name: value for name, value in fields.items() if value is not None}
    remove = tuple(name for name, value in fields.items() if value is None)
    if fields.get("status") == ENABLED:
        remove += ("failing_since",)
    changes["updated_at"] = now()
    updated = webhook_endpoints_table.update(tenant, endpoint_id, changes, remove)
    if updated is None:
        raise webhook_endpoint_not_found()
    return present(updated)


def delete(tenant: Tenant, endpoint_id: str) -> dict[str, Any]:
    if not ids.is_webhook_endpoint_id(endpoint_id):
        raise webhook_endpoint_not_found()
    webhook_endpoints_table.delete(tenant, endpoint_id)
    return {"id": endpoint_id, "deleted": True}


def wants(endpoint: dict[str, Any], event_type: str) -> bool:
    """Whether an endpoint is to receive an event of this type now."""
    subscribed = endpoint.get("enabled_events") or []
    return endpoint.get("status") == ENABLED and (
        EVERY_TYPE in subscribed or event_type in subscribed
    )
