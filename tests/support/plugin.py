"""The tests' pytest plugin: the environment, every fixture, and the log shown on failure.

Loaded by tests/conftest.py before any test module is imported, so the environment below is
in place before anything reads settings.
"""

import os

# First: the caller's own AWS settings, before they are replaced below (make test-deployed).
import support.operator  # noqa: F401

# Fake credentials, and no X-Ray or CloudWatch.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "leads-api-tests",
        "POWERTOOLS_METRICS_NAMESPACE": "LeadsApiTests",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leads_cli import gateway_target
from leads_cli import template as template_module
from leads_cli.examples import use_example_environment
from leads_cli.keys import create_key
from leads_domain.container import forget_all
from leads_domain.data import clients
from leads_domain.tenancy import Tenant
from support.aws_stubs import DeployedStack
from support.client import LeadsClient
from support.dynamodb import bare_server, embedded_server, moto_in_process, recreate_tables
from support.faults import FaultInjector, install
from support.local_api import SMALL_PLANS, UNTHROTTLED, LocalApi, running_local_api
from support.logs import LogOutput, capture_logs
from support.pipeline import Pipeline, running_pipeline
from support.receivers import Receiver, running_receiver
from support.sam_local import (
    ContainerDynamoDB,
    SamLocalUnavailable,
    built_template,
    container_dynamodb,
)
from support.target import api_under_test, remote

# What the functions are told, from template.yaml (locally, tables and queues are named by
# their logical ids): table, bus and queue names, the webhook retry schedule. Endpoints and
# Powertools' settings stay as set above.
use_example_environment(template_module.load())

_LOCAL_APIS = ("local_api", "uncached_local_api", "throttled_local_api", "events_api")
_LOG_OFFSETS = pytest.StashKey[dict[str, int]]()
_LOG_LINES_SHOWN = 200


# --- DynamoDB and tenants -------------------------------------------------------------------


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    """moto in-process, with every table and index of template.yaml."""
    with moto_in_process() as client:
        yield client


@pytest.fixture(scope="module")
def shared_dynamodb() -> Iterator[Any]:
    """moto, and the domain's client, once per module: a botocore client takes longer to make
    than most fault tests take to run. ``injector`` empties the tables for each test."""
    with moto_in_process() as client:
        yield client


@pytest.fixture
def embedded_dynamodb() -> Iterator[Any]:
    """The local run's DynamoDB server, with the domain's clients pointed at it."""
    with embedded_server() as server:
        yield server


@pytest.fixture
def local_dynamodb(embedded_dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The embedded DynamoDB's endpoint, for a `leads` command run with ``--endpoint-url``: it
    sets the endpoint and table names for the process, which later tests must not inherit."""
    for name in (
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_API_GATEWAY",
        "LEADS_TABLE_NAME",
        "API_KEYS_TABLE_NAME",
    ):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])  # restored as it is now, afterwards
        else:
            monkeypatch.delenv(name, raising=False)
    return str(embedded_dynamodb.endpoint)


@pytest.fixture(scope="module")
def module_embedded_dynamodb() -> Iterator[str]:
    """The local run's DynamoDB server for a whole module, as a bare endpoint: for processes
    other than this one (a built function run by the runtime's Python). No tables."""
    with bare_server() as server:
        yield server.endpoint


@pytest.fixture
def tenant() -> Tenant:
    return Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")


@pytest.fixture
def make_key(dynamodb: Any) -> Callable[..., str]:
    """make_key(account, mode="test") -> a stored, working key."""

    def make(account: str, mode: str = "test") -> str:
        return create_key(account, mode)[1]

    return make


@pytest.fixture
def deployed_stack(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[DeployedStack]:
    """A deployed stack for `leads ... --stack`: CloudFormation and API Gateway stubbed at the
    client, DynamoDB in moto. The environment the CLI changes is restored afterwards."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_API_GATEWAY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("LEADS_TABLE_NAME", "API_KEYS_TABLE_NAME", "IDEMPOTENCY_TABLE_NAME"):
        monkeypatch.setenv(name, os.environ[name])
    stack = DeployedStack(monkeypatch)
    yield stack
    stack.close()


@pytest.fixture
def local_gateway(local_api: LocalApi) -> Iterator[gateway_target.GatewayTarget]:
    """leads_domain's API Gateway client pointed at the local run's management calls (the
    endpoint variable and the cached client are put back afterwards)."""
    saved = os.environ.get(gateway_target.ENDPOINT_VARIABLE)
    yield gateway_target.local(local_api.base_url)
    os.environ.pop(gateway_target.ENDPOINT_VARIABLE, None)
    if saved is not None:
        os.environ[gateway_target.ENDPOINT_VARIABLE] = saved
    forget_all()


@pytest.fixture
def reset_domain() -> Iterator[None]:
    """For a test that changes the environment: every cached setting and client is made
    afresh before and after it."""
    forget_all()
    yield
    forget_all()


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    """The events pipeline as `leads serve` runs it, once per module (starting it loads every
    function): each test uses tenants of its own; ``publish`` and ``deliver`` drive it."""
    with running_pipeline() as running:
        yield running


@pytest.fixture(autouse=True)
def _pipeline_queues_emptied(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the module's pipeline, its queues are emptied."""
    yield
    if "pipeline" in request.fixturenames:
        pipeline_of_module: Pipeline = request.getfixturevalue("pipeline")
        pipeline_of_module.purge()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 that answers 200."""
    with running_receiver() as running:
        yield running


# --- faults and logs ------------------------------------------------------------------------


@pytest.fixture
def injector(shared_dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultInjector]:
    """Faults for the domain's DynamoDB client, against empty tables, with zero retry backoff
    everywhere. Everything else cached is made afresh, around that one client (so the
    idempotency utility takes it too)."""
    recreate_tables(shared_dynamodb)
    forget_all()
    clients.dynamodb.use(shared_dynamodb)
    fault_injector = install(monkeypatch, shared_dynamodb)
    yield fault_injector
    fault_injector.close()
    forget_all()


@pytest.fixture
def log_output(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, caplog: Any
) -> Iterator[Callable[..., LogOutput]]:
    """log_output(level="DEBUG"): start capturing the functions' logs at this level. Call it
    after the functions are loaded (their Powertools Logger then exists)."""
    yield from capture_logs(monkeypatch, capsys, caplog)


# --- the local run --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def local_api() -> Iterator[LocalApi]:
    """The API under test, one per xdist worker: the local run as `make run` starts it
    (template defaults: a 300 s authorizer cache), but with usage plans no test reaches, as
    throttling is not what these tests are about; or, under `make test-deployed`, the API
    running elsewhere (support/target.py)."""
    with api_under_test(*UNTHROTTLED) as api:
        yield api


@pytest.fixture(scope="session")
def uncached_local_api() -> Iterator[LocalApi]:
    """A second local run whose authorizer answers are never cached (AuthorizerCacheTtl=0)."""
    if remote():
        pytest.skip("needs a second `leads serve` with AuthorizerCacheTtl=0: local only")
    with running_local_api("--parameter", "AuthorizerCacheTtl=0", *UNTHROTTLED) as api:
        yield api


@pytest.fixture(scope="module")
def events_api() -> Iterator[LocalApi]:
    """A local run of its own for a module that waits for events and webhooks: the session's
    runs carry every other test's changes (a thousand leads, the fuzzers' made-up endpoints),
    which its pipeline works through first."""
    with running_local_api() as api:
        yield api


@pytest.fixture
def new_events_client(events_api: LocalApi) -> Callable[..., LeadsClient]:
    """new_events_client(account=None, mode="test"): as new_client, on the module's events_api."""
    return events_api.new_client


@pytest.fixture
def events_client(new_events_client: Callable[..., LeadsClient]) -> LeadsClient:
    """A fresh tenant of its own on the module's events_api."""
    return new_events_client()


@pytest.fixture(scope="session")
def throttled_local_api() -> Iterator[LocalApi]:
    """A local run whose usage plans are SMALL_PLANS (the stage throttle stays the template's)."""
    if remote():
        pytest.skip("needs a `leads serve` with small usage plans: local only")
    arguments = [f"--parameter={name}={value}" for name, value in SMALL_PLANS.items()]
    with running_local_api(*arguments) as api:
        yield api


@pytest.fixture(scope="module")
def module_local_api() -> Iterator[LocalApi]:
    """A local run for one module's tests alone: for tests that store thousands of leads, which
    would slow the shared run's lists for every other test (moto reads a whole table for each
    Query). Unthrottled, as the shared one is."""
    with running_local_api(*UNTHROTTLED) as api:
        yield api


@pytest.fixture
def own_client(module_local_api: LocalApi) -> LeadsClient:
    """A fresh tenant on the module's own local run."""
    return module_local_api.new_client()


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


@pytest.fixture
def fresh_key(new_client: Callable[..., LeadsClient]) -> str:
    """A new test key of a fresh account."""
    return new_client().key


# --- SAM's own local tools (make test-sam-local) ------------------------------------------


@pytest.fixture(scope="session")
def sam_local_template() -> Path:
    """What `make test-sam-local` built, with Docker answering. Elsewhere (`make test`) the
    tier is skipped; under `make test-sam-local` (SAM_LOCAL_TIER=1) it must run."""
    try:
        return built_template()
    except SamLocalUnavailable as reason:
        if os.environ.get("SAM_LOCAL_TIER"):
            pytest.fail(str(reason))
        pytest.skip(str(reason))


@pytest.fixture(scope="module")
def sam_local_dynamodb(sam_local_template: Path) -> Iterator[ContainerDynamoDB]:
    """The embedded DynamoDB on every interface, reached by SAM's containers."""
    with container_dynamodb() as dynamodb:
        yield dynamodb


# On failure, show what each local run logged during the test (one line per request,
# tracebacks), and what a fuzz run recorded.


@pytest.fixture(autouse=True)
def _local_api_log_offsets(request: pytest.FixtureRequest) -> None:
    request.node.stash[_LOG_OFFSETS] = {}
    for name in _LOCAL_APIS:
        if name in request.fixturenames:
            server: LocalApi = request.getfixturevalue(name)
            request.node.stash[_LOG_OFFSETS][name] = server.log_size()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Against an API other than a local run of its own, tests that need the local run (its
    DynamoDB read raw, its own HTTP parsing, a restart) are skipped, saying why."""
    marker = item.get_closest_marker("local_only")
    if marker is not None and remote():
        pytest.skip(f"local run only: {marker.args[0]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and call.when == "call":
        for name, value in item.user_properties:
            if name == "fuzz run":
                report.sections.append((name, str(value)))
        for name, offset in item.stash.get(_LOG_OFFSETS, {}).items():
            server = getattr(item, "funcargs", {}).get(name)
            if server is None:
                continue
            lines = server.log_since(offset).splitlines()[-_LOG_LINES_SHOWN:]
            report.sections.append((f"`leads serve` log ({name})", "\n".join(lines)))
    return report
