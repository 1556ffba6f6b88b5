"""`leads listen --forward-to URL`: a stack's events, followed and forwarded to a local URL.

Like `stripe listen`: with an API key and the API's base URL (the local run's, or a deployed
stack's), it follows GET /api/crm/event and POSTs each new event to the URL, signed as the
stack's webhooks are (Leads-Signature) with a secret of its own that it prints. A developer
receives a deployed stack's events with no public endpoint.

The event list is ordered by commit time; an event can be stored a moment after later ones
(the publisher retried it). Each poll therefore reads back over the last LATE_SECONDS and
forwards whatever it has not forwarded yet.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from leads_domain.ids import new_webhook_secret
from leads_domain.webhooks.signature import HEADER, signature_header

LATE_SECONDS = 600
MAX_PAGES_PER_POLL = 10
REQUEST_SECONDS = 10


def register(commands: Any) -> None:
    listen = commands.add_parser(
        "listen", help="forward a stack's events, signed, to a local URL (like stripe listen)"
    )
    listen.add_argument("--forward-to", required=True, metavar="URL", help="where to POST events")
    listen.add_argument(
        "--api-key", default=os.environ.get("LEADS_API_KEY"), help="or set LEADS_API_KEY"
    )
    listen.add_argument(
        "--base-url",
        default=os.environ.get("LEADS_API_URL", "http://127.0.0.1:3000"),
        help="the API's base URL (or set LEADS_API_URL); the local run's by default",
    )
    listen.add_argument("--events", help="only these types, e.g. lead.created,lead.deleted")
    listen.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    listen.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.api_key:
        print("leads listen: an API key is needed (--api-key or LEADS_API_KEY)", file=sys.stderr)
        return 2
    secret = new_webhook_secret()
    feed = EventFeed(args.base_url, args.api_key, args.events)
    try:
        feed.skip_history()
    except ApiError as error:
        print(f"leads listen: {error}", file=sys.stderr)
        return 1
    print(
        f"Ready! Forwarding events to {args.forward_to}\n"
        f"Your webhook signing secret is {secret} (Ctrl-C stops)",
        flush=True,
    )
    try:
        while True:
            try:
                for event in feed.new_events():
                    forward(event, args.forward_to, secret, _say)
            except ApiError as error:
                if error.status in (401, 403):
                    print(f"leads listen: {error}", file=sys.stderr)
                    return 1
                _say(f"could not read events ({error}); trying again")
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0


def _say(line: str) -> None:
    print(f"{datetime.now().strftime('%H:%M:%S')}  {line}", flush=True)


class ApiError(RuntimeError):
    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status


class EventFeed:
    """The API's event list, as the events not yet seen, oldest first."""

    def __init__(self, base_url: str, api_key: str, types: str | None) -> None:
        self._url = base_url.rstrip("/") + "/api/crm/event"
        self._key = api_key
        self._types = types
        self._seen: dict[str, str] = {}  # event id -> created_at

    def skip_history(self) -> None:
        """Mark what is there now as seen: only events from now on are forwarded."""
        self.new_events()

    def new_events(self) -> list[dict[str, Any]]:
        newest = max(self._seen.values(), default=None)
        horizon = _minus(newest, LATE_SECONDS) if newest else None
        fresh: list[dict[str, Any]] = []
        cursor = None
        for _ in range(MAX_PAGES_PER_POLL):
            page = self._page(cursor)
            for event in page["data"]:
                if event["id"] not in self._seen:
                    fresh.append(event)
            if not page["data"] or not page["has_more"]:
                break
            oldest = page["data"][-1]
            if horizon is None or oldest["created_at"] < horizon:
                break
            cursor = oldest["id"]
        for event in fresh:
            self._seen[event["id"]] = event["created_at"]
        if horizon:
            # Forget what is too old to come back: the set stays the size of the window.
            self._seen = {key: at for key, at in self._seen.items() if at >= horizon}
        return sorted(fresh, key=lambda event: event["created_at"])

    def _page(self, cursor: str | None) -> dict[str, Any]:
        query: dict[str, str] = {"limit": "100"}
        if cursor:
            query["starting_after"] = cursor
        if self._types:
            query["type"] = self._types
        request = urllib.request.Request(
            f"{self._url}?{urllib.parse.urlencode(query)}",
            headers={"Authorization": f"Bearer {self._key}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, _error_message(error)) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise ApiError(None, str(error)) from None


def forward(event: dict[str, Any], url: str, secret: str, say: Callable[[str], None]) -> int | None:
    """POST the event to ``url``, signed with ``secret``; the status it answered (or None)."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", HEADER: signature_header(body, secret)},
    )
    say(f"--> {event['type']} [{event['id']}]")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
            status: int | None = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        say(f"<-- could not reach {url}: {getattr(error, 'reason', error)}")
        return None
    say(f"<-- [{status}] POST {url}")
    return status


def _minus(timestamp: str, seconds: int) -> str:
    moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return (moment - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read())["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {error.code}"
