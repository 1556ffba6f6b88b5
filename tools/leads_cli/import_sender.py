"""One batch of an import sent to POST /api/crm/lead/batch, with an Idempotency-Key made from
the file's content and the batch's number, and retried with backoff (at least Retry-After)
while the API answers 409, 429, 502, 503 or 504, or the connection fails.

The key is what makes an import safe to run again: the same file gives the same batches under
the same keys, so the API answers a batch it has done from memory (Idempotent-Replayed: true)
and creates only what is missing; after its memory of a key is gone (24 hours), lead ids
derived from the key still find the leads already stored, and none is created twice.
"""

import email.utils
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from leads_cli.import_rows import Row

BATCH_PATH = "/api/crm/lead/batch"
RETRIED_STATUSES = frozenset({409, 429, 502, 503, 504})
ATTEMPTS = 8
BACKOFF_SECONDS = 0.5  # the first retry waits up to this, each next one up to twice as long
MAX_BACKOFF_SECONDS = 30.0
TIMEOUT_SECONDS = 60


class ImportAborted(RuntimeError):
    """The API refuses the caller, not a batch (a bad key): no batch can succeed."""


@dataclass(frozen=True)
class Batch:
    number: int  # from 1, in the file's order
    rows: list[Row]


@dataclass
class Outcome:
    batch: Batch
    created: int = 0
    replayed: bool = False  # answered from the API's memory: an earlier run created these
    refused: list[tuple[Row, str]] = field(default_factory=list)  # by the API, with why
    requests: int = 0  # HTTP requests made, retries included
    failure: str | None = None  # why the batch was not sent, after every retry


def idempotency_key(digest: str, number: int) -> str:
    return f"leads-import-{digest[:40]}-{number}"


class Sender:
    """Sends batches for one import; safe to use from several threads (a session each)."""

    def __init__(self, url: str, key: str, digest: str) -> None:
        self._endpoint = url.rstrip("/") + BATCH_PATH
        self._headers = {"Authorization": f"Bearer {key}"}
        self._digest = digest
        self._local = threading.local()

    def send(self, batch: Batch) -> Outcome:
        outcome = Outcome(batch)
        body = {"leads": [row.fields for row in batch.rows]}
        headers = {**self._headers, "Idempotency-Key": idempotency_key(self._digest, batch.number)}
        for attempt in range(ATTEMPTS):
            outcome.requests += 1
            try:
                response = self._session().post(
                    self._endpoint, json=body, headers=headers, timeout=TIMEOUT_SECONDS
                )
            except requests.RequestException as error:
                outcome.failure = f"no answer ({type(error).__name__})"
                wait = None
            else:
                if response.status_code == 200:
                    return _answered(outcome, response)
                outcome.failure = _described(response)
                if response.status_code in (401, 403):
                    raise ImportAborted(f"the API refused the key: {outcome.failure}")
                if response.status_code not in RETRIED_STATUSES:
                    return outcome
                wait = _retry_after(response.headers.get("Retry-After"))
            if attempt + 1 < ATTEMPTS:
                time.sleep(_backoff(attempt, wait))
        return outcome

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session


def _answered(outcome: Outcome, response: requests.Response) -> Outcome:
    answer = response.json()
    outcome.failure = None
    outcome.replayed = response.headers.get("Idempotent-Replayed") == "true"
    for row, entry in zip(outcome.batch.rows, answer["data"], strict=True):
        if "error" in entry:
            outcome.refused.append((row, _message(entry["error"])))
        else:
            outcome.created += 1
    return outcome


def _message(error: dict[str, Any]) -> str:
    param = error.get("param") or ""
    # The API names the lead by its place in the batch: the rejected file names the row.
    field_name = param.split(".", 1)[1] if "." in param else None
    prefix = f"{field_name}: " if field_name and field_name not in error["message"] else ""
    return f"{prefix}{error['message']} ({error['code']})"


def _described(response: requests.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{response.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} {response.reason}"


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _backoff(attempt: int, retry_after: float | None) -> float:
    """Full jitter, doubling, capped; never sooner than the server asked."""
    jittered = random.uniform(0, min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt))
    return max(jittered, retry_after or 0.0)
