"""Fuzz tier fixtures: `leads serve` in a subprocess (one per xdist worker), and fresh keys made
with the `leads` CLI, exactly as the HTTP tier makes them (tests/http/http_support.py)."""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The HTTP tier's helpers live next to its tests, not in a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))

from http_support import LocalApi, running_local_api

_LOG_OFFSET = pytest.StashKey[int]()
_LOG_LINES_SHOWN = 200


@pytest.fixture(scope="session")
def fuzz_api() -> Iterator[LocalApi]:
    """The local run as `make run` starts it."""
    with running_local_api() as api:
        yield api


@pytest.fixture
def fresh_key(fuzz_api: LocalApi) -> str:
    """A new test key of a fresh account: every call of a test authenticates with it, and what
    the test creates is counted in that tenant alone."""
    return fuzz_api.new_client().key


# On failure, show what the server logged during the test (one line per request, tracebacks).


@pytest.fixture(autouse=True)
def _server_log_offset(request: pytest.FixtureRequest, fuzz_api: LocalApi) -> None:
    request.node.stash[_LOG_OFFSET] = fuzz_api.log_size()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and call.when == "call":
        for name, value in item.user_properties:
            if name == "fuzz run":
                report.sections.append((name, str(value)))
    if report.failed and call.when == "call" and _LOG_OFFSET in item.stash:
        server = getattr(item, "funcargs", {}).get("fuzz_api")
        if server is not None:
            lines = server.log_since(item.stash[_LOG_OFFSET]).splitlines()[-_LOG_LINES_SHOWN:]
            report.sections.append(("`leads serve` log (fuzz_api)", "\n".join(lines)))
    return report
