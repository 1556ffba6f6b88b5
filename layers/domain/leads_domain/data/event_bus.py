"""The EventBridge bus ``leads-<stage>``: every event, for AWS-native consumers.

Each entry has ``source`` ``leads-api``, ``detail-type`` the event's type, and ``detail``
``{"tenant": {"account", "mode"}, "event": <the event>}``, so a rule can match a tenant, a mode
or a type. An entry is at most a few kilobytes (a Lead and its changed fields), far below
PutEvents' 256 KB.
"""

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.clients import eventbridge
from leads_domain.errors import ServiceUnavailable
from leads_domain.event_settings import get_event_settings
from leads_domain.tenancy import Tenant

SOURCE = "leads-api"


def publish(tenant: Tenant, event: dict[str, Any], at: float) -> None:
    """Put the event on the bus; ServiceUnavailable unless EventBridge took it."""
    entry = {
        "Source": SOURCE,
        "DetailType": event["type"],
        "Detail": json.dumps(
            {"tenant": {"account": tenant.account, "mode": tenant.mode}, "event": event},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "EventBusName": get_event_settings().event_bus,
        "Time": datetime.fromtimestamp(at, UTC),
    }
    try:
        response = eventbridge().put_events(Entries=[entry])
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    if response.get("FailedEntryCount"):
        raise ServiceUnavailable()
