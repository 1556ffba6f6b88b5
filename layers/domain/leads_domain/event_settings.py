"""Typed configuration of the event and webhook functions, read from the environment once per
container (the lead functions never read it: ``settings`` is theirs).

Every name is required, as in ``settings``: a function deployed without one fails its cold
start, naming the variable.
"""

import os
from dataclasses import dataclass

from leads_domain.container import once_per_container
from leads_domain.settings import MissingSetting
from leads_domain.webhooks.retry_schedule import RetrySchedule

# WEBHOOK_LOOPBACK: whether test-mode endpoints may be http://127.0.0.1 or localhost.
LOOPBACK_TEST_MODE = "test-mode"
LOOPBACK_NEVER = "never"


@dataclass(frozen=True, slots=True)
class EventSettings:
    events_table: str
    webhook_endpoints_table: str
    event_bus: str
    delivery_queue_url: str
    dead_letter_queue_url: str
    retry: RetrySchedule
    # Only where loopback is the developer's own machine (the local run): in Lambda it is the
    # function's sandbox, whose runtime API listens there.
    loopback_in_test_mode: bool


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is not set")
    return value


def _seconds(name: str) -> int:
    text = _required(name)
    if not text.isdigit() or int(text) < 1:
        raise MissingSetting(f"environment variable {name} must be a whole number of seconds")
    return int(text)


@once_per_container
def get_event_settings() -> EventSettings:
    loopback = _required("WEBHOOK_LOOPBACK")
    if loopback not in (LOOPBACK_TEST_MODE, LOOPBACK_NEVER):
        raise MissingSetting(
            f"environment variable WEBHOOK_LOOPBACK must be {LOOPBACK_TEST_MODE} or "
            f"{LOOPBACK_NEVER}"
        )
    return EventSettings(
        events_table=_required("EVENTS_TABLE_NAME"),
        webhook_endpoints_table=_required("WEBHOOK_ENDPOINTS_TABLE_NAME"),
        event_bus=_required("EVENT_BUS_NAME"),
        delivery_queue_url=_required("WEBHOOK_QUEUE_URL"),
        dead_letter_queue_url=_required("WEBHOOK_DEAD_LETTER_QUEUE_URL"),
        retry=RetrySchedule(
            first_seconds=_seconds("WEBHOOK_RETRY_FIRST_SECONDS"),
            max_seconds=_seconds("WEBHOOK_RETRY_MAX_SECONDS"),
            window_seconds=_seconds("WEBHOOK_RETRY_WINDOW_SECONDS"),
        ),
        loopback_in_test_mode=loopback == LOOPBACK_TEST_MODE,
    )
