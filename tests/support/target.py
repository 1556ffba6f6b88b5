"""Where the HTTP and fuzz tiers send their requests: the one switch between `leads serve`
and an API already running elsewhere, such as a deployed stack (`make test-deployed`).

- Nothing set: `leads serve` in a subprocess, as `make run` starts it (the default).
- LEADS_API_URL: that base URL. LEADS_API_STACK alone: the stack's ApiBaseUrl output.
  Keys for fresh throwaway accounts are made where LEADS_API_STACK (the stack's tables) or
  LEADS_API_DYNAMODB (a DynamoDB endpoint) says, with the `leads` CLI as an operator makes
  them; every account the run made is erased when it ends (`leads accounts delete`).
  With neither, LEADS_API_KEY (a key of a throwaway account) is the run's only key: tests
  that need fresh accounts are skipped, and the leads the run created are deleted.

The tests are the same either way; tests that inherently need the local run are marked
`local_only` and skipped against anything else, with the reason.
"""

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from support.local_api import LocalApi, run_leads, running_local_api, unique_account
from support.operator import AWS_SETTINGS

THROWAWAY_PREFIX = "acct_throwaway"


def remote() -> bool:
    """Whether the tiers run against an API other than a `leads serve` of their own."""
    return bool(os.environ.get("LEADS_API_URL") or os.environ.get("LEADS_API_STACK"))


def operator_environment() -> dict[str, str | None]:
    """For the `leads` CLI: none of the tests' own AWS settings (their fake and local
    credentials), the operator's instead."""
    ours = [*os.environ, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"]
    cleared: dict[str, str | None] = {name: None for name in ours if name.startswith("AWS_")}
    return {**cleared, **AWS_SETTINGS}


@dataclass
class DeployedApi(LocalApi):
    """An API the tests did not start. Same interface as the local run; keys are made (and
    the accounts erased afterwards) where ``key_location`` says, if anywhere."""

    key_location: tuple[str, ...] = ()
    accounts: set[str] = field(default_factory=set)
    created: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # A deployed stage throttles (429); a well-behaved client waits and retries.
    throttle_retries: ClassVar[int] = 5

    def log_size(self) -> int:
        return 0

    def log_since(self, offset: int) -> str:
        return ""

    def create_key(self, account: str, mode: str = "test", *options: str) -> tuple[str, str]:
        if not self.key_location:
            pytest.skip(
                "needs keys for fresh accounts: give STACK=<stack> (or a DynamoDB endpoint) "
                "so that the run can make them"
            )
        with self._lock:
            self.accounts.add(account)
        return super().create_key(account, mode, *options)

    def new_client(self, account: str | None = None, mode: str = "test") -> Any:
        # Named as throwaways, so that an operator recognises what a killed run left behind.
        return super().new_client(account or unique_account(THROWAWAY_PREFIX), mode)

    def where(self) -> tuple[str, ...]:
        return self.key_location

    def leads(self, *arguments: str) -> str:
        return run_leads(*arguments, *self.where(), environment=operator_environment())

    def record_created(self, key: str, lead_id: str) -> None:
        with self._lock:
            self.created.append((key, lead_id))

    def clean_up(self) -> None:
        """Erase every account the run made (its keys revoked, its usage plan keys deleted,
        every item it stored deleted); with only a given key, delete the leads made."""
        for account in sorted(self.accounts):
            self.leads("accounts", "delete", account, "--yes")
        if not self.key_location:
            for key, lead_id in self.created:
                answer = requests.delete(
                    self.url(f"/api/crm/lead/{lead_id}"),
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=30,
                )
                assert answer.status_code in (200, 404), answer.text


def _key_location(base_url: str) -> tuple[str, ...]:
    """Where `leads keys` makes keys (and `leads accounts delete` erases accounts): the
    stack's tables and API, or a DynamoDB endpoint and the API in front of it (a `leads serve`
    standing in for a stack, whose usage plan keys live in that run)."""
    if os.environ.get("LEADS_API_STACK"):
        return ("--stack", os.environ["LEADS_API_STACK"])
    if os.environ.get("LEADS_API_DYNAMODB"):
        return ("--endpoint-url", os.environ["LEADS_API_DYNAMODB"], "--gateway-url", base_url)
    return ()


def _base_url() -> str:
    url = os.environ.get("LEADS_API_URL")
    if not url:
        stack = os.environ["LEADS_API_STACK"]
        url = run_leads(
            "outputs", "--stack", stack, "--name", "ApiBaseUrl", environment=operator_environment()
        ).strip()
    return url.rstrip("/")


@contextlib.contextmanager
def deployed_api() -> Iterator[DeployedApi]:
    base_url = _base_url()
    location = _key_location(base_url)
    given_key = os.environ.get("LEADS_API_KEY", "")
    if not location and not given_key:
        raise pytest.UsageError(
            "LEADS_API_URL needs LEADS_API_KEY, LEADS_API_STACK or LEADS_API_DYNAMODB"
        )
    endpoint = os.environ.get("LEADS_API_DYNAMODB", "")
    api = DeployedApi(base_url, endpoint, given_key, Path(os.devnull), key_location=location)
    try:
        if not given_key:
            api.test_key = api.create_key(unique_account(THROWAWAY_PREFIX))[1]
        yield api
    finally:
        api.clean_up()


@contextlib.contextmanager
def api_under_test(*serve_arguments: str) -> Iterator[LocalApi]:
    """The API the tiers talk to: a deployed one when LEADS_API_URL or LEADS_API_STACK says
    so, else a fresh `leads serve` with these arguments."""
    if remote():
        with deployed_api() as api:
            yield api
    else:
        with running_local_api(*serve_arguments) as local:
            yield local


def retry_after(answer: requests.Response, attempt: int) -> float:
    """Seconds to wait before retrying a 429: its Retry-After, else a growing backoff."""
    try:
        return max(float(answer.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return min(0.5 * 2**attempt, 8.0)
