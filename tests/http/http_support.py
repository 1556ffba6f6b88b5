"""The HTTP tier's helpers: a `leads serve` subprocess, keys made with the `leads` CLI, a small
client for the five routes, and the assertions every test shares.

Nothing here talks to DynamoDB or imports the functions: the tests see the API only as a client
does, over HTTP, and make keys only as an operator does, with the CLI.
"""

import atexit
import contextlib
import ctypes
import functools
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
LEADS_CLI = (sys.executable, "-m", "leads_cli.main")
STARTUP_SECONDS = 60
REQUEST_SECONDS = 30
COLLECTION = "/api/crm/lead"

# The Lead object of the API reference, exactly (its example values).
REFERENCE_LEAD: dict[str, Any] = {
    "id": "lead_abc123",
    "created_at": "2024-01-15T09: 30: 00Z",
    "updated_at": "2024-01-15T09: 30: 00Z",
    "lead_name": "lead_name_example",
    "company_name": "Example Corp",
    "email_id": "[email protected]",
    "lead_owner": "__user",
    "status": "Lead",
    "salutation": "salutation_example",
    "gender": "gender_example",
    "customer": "customer_example",
    "image": "image_example",
    "phone": "phone_example",
    "mobile_no": "mobile_no_example",
    "fax": "fax_example",
    "type": "type_example",
    "market_segment": "market_segment_example",
    "industry": "industry_example",
    "request_type": "request_type_example",
    "company": "Example Corp",
    "website": "website_example",
    "territory": "territory_example",
    "unsubscribed": False,
    "blog_subscriber": False,
    "title": "title_example",
    "language": "language_example",
    "first_name": "first_name_example",
    "middle_name": "middle_name_example",
    "last_name": "last_name_example",
    "no_of_employees": "no_of_employees_example",
    "whatsapp_no": "whatsapp_no_example",
    "phone_ext": "phone_ext_example",
    "qualified_by": "qualified_by_example",
    "qualified_on": "qualified_on_example",
    "qualification_status": "qualification_status_example",
    "job_title": "job_title_example",
    "annual_revenue": 0,
    "disabled": False,
    "city": "city_example",
    "state": "state_example",
    "country": "country_example",
    "utm_content": "utm_content_example",
    "utm_source": "utm_source_example",
    "utm_medium": "utm_medium_example",
    "utm_campaign": "utm_campaign_example",
}
READ_ONLY_FIELDS = ("id", "created_at", "updated_at")
RESPONSE_FIELDS = frozenset(REFERENCE_LEAD)
WRITABLE_FIELDS = tuple(name for name in REFERENCE_LEAD if name not in READ_ONLY_FIELDS)
DEFAULTS = {
    "lead_owner": "__user",
    "status": "Lead",
    "unsubscribed": False,
    "blog_subscriber": False,
    "disabled": False,
}
BOOLEAN_FIELDS = ("unsubscribed", "blog_subscriber", "disabled")
NUMBER_FIELDS = ("annual_revenue",)
URL_FIELDS = ("image", "website")
STRING_FIELDS = tuple(
    name for name in WRITABLE_FIELDS if name not in BOOLEAN_FIELDS + NUMBER_FIELDS
)
TEXT_FIELDS = tuple(name for name in STRING_FIELDS if name not in URL_FIELDS)
TEXT_LENGTH = 140
URL_LENGTH = 2048
# Fixed width, UTC, microseconds, trailing Z: timestamps that sort as text.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
ERROR_FIELDS = {"type", "code", "message", "param", "request_id"}
# (method, path template); {id} is filled in with a lead id.
ROUTES = (
    ("POST", COLLECTION),
    ("GET", COLLECTION),
    ("GET", COLLECTION + "/{id}"),
    ("PATCH", COLLECTION + "/{id}"),
    ("DELETE", COLLECTION + "/{id}"),
)


def unique_account(prefix: str = "acct") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


# --- the local run ------------------------------------------------------------------------


def _subprocess_environment() -> dict[str, str]:
    """This process's environment, minus anything that points boto at another endpoint."""
    environment = dict(os.environ)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        environment.pop(name, None)
    environment.setdefault("AWS_ACCESS_KEY_ID", "local")
    environment.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    environment.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    environment["API_KEYS_TABLE_NAME"] = "ApiKeysTable"  # the local run's table names
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def _linux_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# Looked up here, not in the forked child, where loading a library is not safe.
_PRCTL = _linux_prctl()
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: have it SIGTERMed if the test process dies without cleaning
    up (a killed xdist worker, say), so no server outlives its tests."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def run_leads(*arguments: str) -> str:
    """Run the `leads` CLI; answer its stdout, fail the test with its stderr if it fails."""
    result = subprocess.run(
        [*LEADS_CLI, *arguments],
        capture_output=True,
        text=True,
        env=_subprocess_environment(),
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"leads {' '.join(arguments)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


@dataclass
class LocalApi:
    """A running `leads serve`: its base URL, its DynamoDB endpoint and the key it printed."""

    base_url: str
    dynamodb_endpoint: str
    test_key: str
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    # Keys, made and revoked with the CLI, as an operator does.

    def create_key(self, account: str, mode: str = "test") -> tuple[str, str]:
        """(key id, key) of a new key for this account and mode."""
        output = run_leads(
            "keys",
            "create",
            "--account",
            account,
            "--mode",
            mode,
            "--endpoint-url",
            self.dynamodb_endpoint,
        )
        key_id = re.search(r"^key_id: (key_\w+)$", output, re.MULTILINE)
        key = re.search(rf"^api_key: (sk_{mode}_\w+)$", output, re.MULTILINE)
        assert key_id and key, f"unexpected `leads keys create` output: {output!r}"
        return key_id.group(1), key.group(1)

    def revoke_key(self, key_id: str) -> None:
        output = run_leads("keys", "revoke", key_id, "--endpoint-url", self.dynamodb_endpoint)
        assert f"{key_id} revoked at" in output, output

    def new_client(self, account: str | None = None, mode: str = "test") -> "LeadsClient":
        """A client with a brand-new key: of a fresh account unless one is given."""
        account = account or unique_account()
        key_id, key = self.create_key(account, mode)
        return LeadsClient(self, key, account=account, mode=mode, key_id=key_id)


@contextlib.contextmanager
def running_local_api(*serve_arguments: str) -> Iterator[LocalApi]:
    """`leads serve --port 0 [arguments]` in a subprocess, stopped when the block ends (and,
    should the block never end, when this process exits or dies)."""
    with tempfile.TemporaryDirectory(prefix="leads-serve-") as directory:
        stdout_path = Path(directory) / "stdout.log"
        stderr_path = Path(directory) / "stderr.log"
        with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [*LEADS_CLI, "serve", "--port", "0", *serve_arguments],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=_subprocess_environment(),
                cwd=ROOT,
                preexec_fn=_die_with_parent,
            )
        stop = functools.partial(_stop, process)
        atexit.register(stop)
        try:
            yield _wait_until_serving(process, stdout_path, stderr_path)
        finally:
            stop()
            atexit.unregister(stop)


def _wait_until_serving(
    process: subprocess.Popen[bytes], stdout_path: Path, stderr_path: Path
) -> LocalApi:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        text = stdout_path.read_text(errors="replace")
        base_url = re.search(r"Leads API running at (http://\S+)", text)
        endpoint = re.search(r"^\s+DynamoDB:\s+(http://\S+)", text, re.MULTILINE)
        key = re.search(r"^\s+Test key:\s+(sk_test_\w+)", text, re.MULTILINE)
        if base_url and endpoint and key:
            return LocalApi(base_url.group(1), endpoint.group(1), key.group(1), stderr_path)
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(
                f"`leads serve` did not start (exit code {process.returncode}).\n"
                f"--- stdout ---\n{text}\n"
                f"--- stderr ---\n{stderr_path.read_text(errors='replace')}"
            )
        time.sleep(0.05)


# --- the client ---------------------------------------------------------------------------


@dataclass
class LeadsClient:
    """The API as one key sees it. Safe to share between threads.

    Every request uses a connection of its own: on a kept-alive connection the local run
    answers each request ~40 ms late (see test_http_gateway.py), which would make this tier
    several times slower."""

    api: LocalApi
    key: str
    account: str = "acct_local"
    mode: str = "test"
    key_id: str | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None = "default",
        **kwargs: Any,
    ) -> requests.Response:
        """Any request. ``authorization``: the header's value, None to leave it out."""
        headers = dict(kwargs.pop("headers", None) or {})
        if authorization == "default":
            authorization = f"Bearer {self.key}"
        if authorization is not None:
            headers["Authorization"] = authorization
        with requests.Session() as session:
            return session.request(
                method, self.api.url(path), headers=headers, timeout=REQUEST_SECONDS, **kwargs
            )

    # One method per route, answering the raw response.

    def post(self, body: Any = None, **kwargs: Any) -> requests.Response:
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", COLLECTION, **kwargs)

    def get(self, lead_id: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", f"{COLLECTION}/{lead_id}", **kwargs)

    def patch(self, lead_id: str, body: Any = None, **kwargs: Any) -> requests.Response:
        if body is not None:
            kwargs["json"] = body
        return self.request("PATCH", f"{COLLECTION}/{lead_id}", **kwargs)

    def delete(self, lead_id: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", f"{COLLECTION}/{lead_id}", **kwargs)

    def get_list(self, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", COLLECTION, params=params, **kwargs)

    # The same, asserting success and answering the body.

    def create(self, **fields: Any) -> dict[str, Any]:
        response = self.post(fields)
        assert response.status_code == 201, response.text
        return assert_lead(response.json())

    def lead(self, lead_id: str) -> dict[str, Any]:
        response = self.get(lead_id)
        assert response.status_code == 200, response.text
        return assert_lead(response.json())

    def update(self, lead_id: str, **fields: Any) -> dict[str, Any]:
        response = self.patch(lead_id, fields)
        assert response.status_code == 200, response.text
        return assert_lead(response.json())

    def page(self, **params: Any) -> dict[str, Any]:
        response = self.get_list(params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "has_more", "total"}, body
        for lead in body["data"]:
            assert_lead(lead)
        return body

    def total(self) -> int:
        return int(self.page(limit=1)["total"])

    def all_leads(self) -> list[dict[str, Any]]:
        """Every lead of the tenant, newest first, paging with the largest limit."""
        leads: list[dict[str, Any]] = []
        while True:
            page = self.page(limit=100, offset=len(leads))
            leads.extend(page["data"])
            if not page["has_more"]:
                return leads

    def ids(self) -> list[str]:
        return [lead["id"] for lead in self.all_leads()]


# --- assertions ---------------------------------------------------------------------------


def assert_json(response: requests.Response) -> Any:
    content_type = response.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == "application/json", (
        f"Content-Type {content_type!r} for {response.status_code} {response.text[:200]}"
    )
    return response.json()


def assert_error(
    response: requests.Response,
    status: int,
    *,
    type_: str | None = None,
    code: str | None = None,
    param: Any = ...,
) -> dict[str, Any]:
    """The API's one error shape, with this status (and type, code, param when given)."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    body = assert_json(response)
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_FIELDS, error
    for name in ("type", "code", "message", "request_id"):
        assert isinstance(error[name], str) and error[name], (name, error)
    assert error["param"] is None or isinstance(error["param"], str), error
    if type_ is not None:
        assert error["type"] == type_, error
    if code is not None:
        assert error["code"] == code, error
    if param is not ...:
        assert error["param"] == param, error
    return dict(error)


def assert_unauthorized(response: requests.Response) -> None:
    assert_error(response, 401, type_="authentication_error", code="api_key_invalid", param=None)
    assert response.headers.get("WWW-Authenticate") == "Bearer"


def assert_lead(lead: Any) -> dict[str, Any]:
    """A Lead object: exactly the reference's fields, well-formed id and timestamps."""
    assert isinstance(lead, dict), lead
    missing, extra = RESPONSE_FIELDS - set(lead), set(lead) - RESPONSE_FIELDS
    assert not missing and not extra, f"missing {sorted(missing)}, extra {sorted(extra)}"
    assert re.fullmatch(r"lead_[0-9A-Za-z]{8,}", lead["id"]), lead["id"]
    for name in ("created_at", "updated_at"):
        assert TIMESTAMP.match(lead[name]), (name, lead[name])
    assert lead["updated_at"] >= lead["created_at"], lead
    for name, default in DEFAULTS.items():
        assert lead[name] is not None, (name, "a field with a default is never null")
        assert type(lead[name]) is type(default), (name, lead[name])
    return lead


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def assert_recent(text: str, slack: timedelta = timedelta(minutes=2)) -> None:
    moment = parse_timestamp(text)
    now = datetime.now(UTC)
    assert now - slack <= moment <= now + slack, f"{text} is not about now ({now.isoformat()})"


def newest_first(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The order the API promises: created_at descending, ties by id descending."""
    return sorted(leads, key=lambda lead: (lead["created_at"], lead["id"]), reverse=True)
