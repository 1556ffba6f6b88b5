"""HTTP tier fixtures: `leads serve` in a subprocess per xdist worker, and clients whose keys
are made with the `leads` CLI against that server's DynamoDB."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from http_support import LeadsClient, LocalApi, running_local_api

_LOG_OFFSETS = pytest.StashKey[dict[str, int]]()
_SERVERS = ("local_api", "uncached_local_api")
_LOG_LINES_SHOWN = 200


@pytest.fixture(scope="session")
def local_api() -> Iterator[LocalApi]:
    """The local run as `make run` starts it (template defaults: a 300 s authorizer cache)."""
    with running_local_api() as api:
        yield api


@pytest.fixture(scope="session")
def uncached_local_api() -> Iterator[LocalApi]:
    """A second local run whose authorizer answers are never cached (AuthorizerCacheTtl=0)."""
    with running_local_api("--parameter", "AuthorizerCacheTtl=0") as api:
        yield api


@pytest.fixture(scope="session")
def shared_client(local_api: LocalApi) -> LeadsClient:
    """The key `leads serve` printed. Shared by every test of a worker: only for requests
    whose outcome does not depend on what else the account holds."""
    return LeadsClient(local_api, local_api.test_key)


@pytest.fixture
def new_client(local_api: LocalApi) -> Callable[..., LeadsClient]:
    """new_client(account=None, mode="test"): a client with a new key, of a fresh account
    unless one is given."""
    return local_api.new_client


@pytest.fixture
def client(new_client: Callable[..., LeadsClient]) -> LeadsClient:
    """A fresh tenant of its own: its totals count only what the test does."""
    return new_client()


# On failure, show what the server logged during the test (one line per request, tracebacks).


@pytest.fixture(autouse=True)
def _server_log_offsets(request: pytest.FixtureRequest) -> None:
    request.node.stash[_LOG_OFFSETS] = {}
    for name in _SERVERS:
        if name in request.fixturenames:
            server: LocalApi = request.getfixturevalue(name)
            request.node.stash[_LOG_OFFSETS][name] = server.log_size()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and call.when == "call":
        offsets = item.stash.get(_LOG_OFFSETS, {})
        for name, offset in offsets.items():
            server = getattr(item, "funcargs", {}).get(name)
            if server is None:
                continue
            lines = server.log_since(offset).splitlines()[-_LOG_LINES_SHOWN:]
            report.sections.append((f"`leads serve` log ({name})", "\n".join(lines)))
    return report
