"""`leads serve` in a subprocess, and the `leads` CLI run as an operator runs it.

Nothing here talks to DynamoDB or imports the functions: the HTTP tiers see the API only as a
client does, and make keys only as an operator does, with the CLI.
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
from pathlib import Path
from typing import Any, ClassVar

from leads_cli.template import PROJECT_ROOT

ROOT = PROJECT_ROOT
LEADS_CLI = (sys.executable, "-m", "leads_cli.main")
STARTUP_SECONDS = 60


def unique_account(prefix: str = "acct") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


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


def leads_command(
    *arguments: str, environment: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `leads` CLI as an operator does, whatever its outcome. ``environment``: variables
    to set, or (None) to remove, for this run."""
    env = _subprocess_environment()
    for name, value in (environment or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [*LEADS_CLI, *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def run_leads(*arguments: str, environment: dict[str, str | None] | None = None) -> str:
    """Run the `leads` CLI; answer its stdout, fail the test with its stderr if it fails."""
    result = leads_command(*arguments, environment=environment)
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
    banner: str = ""  # what it printed when it started
    # The local run never throttles: a 429 is an answer to check, not to wait out.
    throttle_retries: ClassVar[int] = 0

    def hint(self, label: str) -> str:
        """The rest of the banner line that starts with this label, e.g. "More keys"."""
        found = re.search(rf"^\s+{re.escape(label)}:\s+(.+)$", self.banner, re.MULTILINE)
        assert found, f"no {label!r} line in {self.banner!r}"
        return found.group(1).strip()

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def record_created(self, key: str, lead_id: str) -> None:
        """A lead the tests created: the local run's data goes with it, nothing to undo."""

    # Keys, made and revoked with the CLI, as an operator does.

    def where(self) -> tuple[str, ...]:
        """The `leads keys` options that name this local run: its DynamoDB, and its API
        Gateway (usage plan keys, the authorizer cache)."""
        return ("--endpoint-url", self.dynamodb_endpoint, "--gateway-url", self.base_url)

    def leads(self, *arguments: str) -> str:
        """The `leads` CLI, on this API's tables and gateway."""
        return run_leads(*arguments, *self.where())

    def create_key(self, account: str, mode: str = "test", *options: str) -> tuple[str, str]:
        """(key id, key) of a new key for this account and mode (options: --read-only, ...)."""
        output = self.leads("keys", "create", "--account", account, "--mode", mode, *options)
        return key_made(output, mode)

    def revoke_key(self, key_id: str) -> None:
        output = self.leads("keys", "revoke", key_id)
        assert f"{key_id} revoked at" in output, output

    def roll_key(self, key_id: str, expire_in: str) -> tuple[str, str, str]:
        """(new key id, new key, the output line saying when the old key expires)."""
        output = self.leads("keys", "roll", key_id, "--expire-in", expire_in)
        expiry = re.search(rf"^{key_id} expires at \S+$", output, re.MULTILINE)
        assert expiry, f"unexpected `leads keys roll` output: {output!r}"
        return (*key_made(output, None), expiry.group(0))

    def new_client(self, account: str | None = None, mode: str = "test") -> Any:
        """A client with a brand-new key: of a fresh account unless one is given."""
        account = account or unique_account()
        key_id, key = self.create_key(account, mode)
        from support.client import LeadsClient

        return LeadsClient(self, key, account=account, mode=mode, key_id=key_id)


def key_made(output: str, mode: str | None) -> tuple[str, str]:
    """(key id, key) as `leads keys create` or `roll` prints them."""
    key_id = re.search(r"^key_id: (key_\w+)$", output, re.MULTILINE)
    key = re.search(rf"^api_key: ((?:sk|rk)_{mode or '(?:test|live)'}_\w+)$", output, re.MULTILINE)
    assert key_id and key, f"unexpected `leads keys` output: {output!r}"
    return key_id.group(1), key.group(1)


# Usage plans far above what any test sends, for the servers whose tests are not about rate
# limits (tests/http/test_http_rate_limits.py runs one with small plans).
UNTHROTTLED = tuple(
    argument
    for name in ("TestMode", "LiveMode", "LargePlan")
    for limit in ("RateLimit=100000", "BurstLimit=100000")
    for argument in ("--parameter", f"{name}{limit}")
)


# Small usage plans: each tenant's bucket holds 5 requests (20 on the large plan) and refills
# by one a second, so a test empties it without waiting.
SMALL_PLANS = {
    "TestModeRateLimit": 1,
    "TestModeBurstLimit": 5,
    "LiveModeRateLimit": 1,
    "LiveModeBurstLimit": 5,
    "LargePlanRateLimit": 1,
    "LargePlanBurstLimit": 20,
}


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
            return LocalApi(
                base_url.group(1), endpoint.group(1), key.group(1), stderr_path, banner=text
            )
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(
                f"`leads serve` did not start (exit code {process.returncode}).\n"
                f"--- stdout ---\n{text}\n"
                f"--- stderr ---\n{stderr_path.read_text(errors='replace')}"
            )
        time.sleep(0.05)
