"""`sam build` output, run as Lambda would run it: every built function imports and answers its
events/ file using only the build (the layer's python/ folder and the function's folder) and
the runtime Python's standard library, against a DynamoDB served over HTTP."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leads_cli import lambda_context
from leads_cli import template as template_module
from leads_cli.build import BuildError, runtime_python
from leads_cli.build import build as build_artifact
from leads_cli.examples import seed_examples
from leads_cli.local_dynamodb import client as local_client
from leads_cli.local_dynamodb import create_tables
from leads_cli.local_messaging import create_queues_and_buses
from leads_cli.template import PROJECT_ROOT
from leads_domain.container import forget_all
from leads_domain.data import clients
from support.builds import native_libraries, wheel_platforms
from support.events import EVENTS
from support.functions import logical_ids
from support.samples import assert_sample_answer

pytestmark = [pytest.mark.sam, pytest.mark.slow]  # sam build takes minutes

ROOT = PROJECT_ROOT
TEMPLATE = template_module.load()
FOLDERS = logical_ids()


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make deploy` ships (leads_cli.build: sam build + bytecode), built once into a
    temporary directory; sam must leave nothing in the project."""
    left_over = ROOT / ".aws-sam"
    existed = left_over.exists()
    try:
        out = build_artifact(tmp_path_factory.mktemp("sam") / "build")
    except BuildError as error:
        pytest.fail(str(error))
    if not existed and left_over.exists():
        shutil.rmtree(left_over, ignore_errors=True)
        pytest.fail("sam build wrote .aws-sam/ into the project: it must build elsewhere only")
    return out


@pytest.fixture
def dynamodb_endpoint(
    module_embedded_dynamodb: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Fresh tables from template.yaml on the embedded DynamoDB, with the example key and lead,
    seeded through leads_domain pointed at that endpoint. Fresh per test: moto's backends are
    per process, and an in-process moto test on the same xdist worker resets them."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", module_embedded_dynamodb)
    forget_all()
    client = clients.dynamodb()
    for table in client.list_tables()["TableNames"]:
        client.delete_table(TableName=table)
    create_tables(client, TEMPLATE)
    services = (
        local_client(module_embedded_dynamodb, "sqs"),
        local_client(module_embedded_dynamodb, "events"),
    )
    create_queues_and_buses(*services, TEMPLATE)
    seed_examples()
    yield module_embedded_dynamodb
    # moto's tables live in this process: leave none for the next test on this worker.
    for table in client.list_tables()["TableNames"]:
        client.delete_table(TableName=table)
    monkeypatch.undo()
    forget_all()


# Runs in the runtime's Python with -I (no PYTHON* variables, no user site, no script or
# current directory on sys.path). site still runs, so its site-packages is dropped here: the
# path is the function's folder, the layer's python/ folder (Lambda's /var/task and
# /opt/python, in Lambda's order) and the standard library, nothing else.
RUNNER = r"""
import importlib, importlib.util, json, site, sys, sysconfig

function_dir, layer_dir, event_file, result_file, context_file = sys.argv[1:]
site_dirs = set(site.getsitepackages()) | {site.getusersitepackages()}
sys.path[:] = [function_dir, layer_dir, *(p for p in sys.path if p and p not in site_dirs)]


# The project's one Lambda context, loaded by its path: the build does not contain it.
spec = importlib.util.spec_from_file_location("lambda_context", context_file)
lambda_context = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lambda_context)

with open(event_file) as f:
    event = json.load(f)
app = importlib.import_module("app")
response = app.lambda_handler(event, lambda_context.LambdaContext("packaging-test"))
paths = sysconfig.get_paths()
with open(result_file, "w") as f:
    json.dump(
        {
            "response": response,
            "sys_path": sys.path,
            "stdlib": sorted({paths["stdlib"], paths["platstdlib"]}),
            "site_dirs": sorted(site_dirs),
            "modules": {
                name: getattr(module, "__file__", None) for name, module in sys.modules.items()
            },
        },
        f,
    )
"""


def function_environment(folder: str, endpoint: str) -> dict[str, str]:
    """What the function gets: template.yaml's variables, then events/env.json's (as
    `sam local invoke --env-vars` applies them), the test's DynamoDB and placeholder
    credentials. Nothing from this process's environment."""
    logical_id = FOLDERS[folder]
    env_file = json.loads((EVENTS / "env.json").read_text())
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        **TEMPLATE.functions[logical_id].environment,
        **env_file.get("Parameters", {}),
        **env_file.get(logical_id, {}),
        # The embedded server answers DynamoDB, SQS and EventBridge alike.
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ENDPOINT_URL_SQS": endpoint,
        "AWS_ENDPOINT_URL_EVENTBRIDGE": endpoint,
        "AWS_ACCESS_KEY_ID": "packaging",
        "AWS_SECRET_ACCESS_KEY": "packaging",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_LAMBDA_FUNCTION_NAME": logical_id,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }


def run_built(build: Path, folder: str, endpoint: str, tmp_path: Path) -> dict[str, Any]:
    result_file = tmp_path / f"{folder}.result.json"
    process = subprocess.run(
        [
            runtime_python(),
            "-I",
            "-c",
            RUNNER,
            str(build / FOLDERS[folder]),
            str(build / "DomainLayer" / "python"),
            str(EVENTS / f"{folder}.json"),
            str(result_file),
            lambda_context.__file__,
        ],
        cwd=tmp_path,
        env=function_environment(folder, endpoint),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    return dict(json.loads(result_file.read_text()))


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_built_function_answers_its_event_with_only_the_build(
    build, dynamodb_endpoint, folder, tmp_path
):
    result = run_built(build, folder, dynamodb_endpoint, tmp_path)

    assert_sample_answer(folder, result["response"])

    function_dir = (build / FOLDERS[folder]).resolve()
    layer_dir = (build / "DomainLayer" / "python").resolve()
    stdlib = [Path(p).resolve() for p in result["stdlib"]]
    site_dirs = [Path(p).resolve() for p in result["site_dirs"]]

    def origin(path: str) -> str:
        """Where a sys.path entry or a module file is: the build, the stdlib, or elsewhere."""
        resolved = Path(path).resolve()
        if resolved.is_relative_to(function_dir) or resolved.is_relative_to(layer_dir):
            return "build"
        if any(resolved.is_relative_to(d) for d in site_dirs):
            return "site-packages"
        if any(resolved.is_relative_to(d) or resolved.parent == d.parent for d in stdlib):
            return "stdlib"  # lib/python3.13, its lib-dynload, lib/python313.zip
        return "elsewhere"

    assert [Path(p).resolve() for p in result["sys_path"][:2]] == [function_dir, layer_dir]
    assert {p: origin(p) for p in result["sys_path"][2:]} == {
        p: "stdlib" for p in result["sys_path"][2:]
    }
    modules = result["modules"]
    # Every module came from the build or the standard library: nothing from the dev venv.
    strays = {
        name: path
        for name, path in modules.items()
        if path and origin(path) not in ("build", "stdlib")
    }
    assert strays == {}
    assert Path(modules["app"]).resolve() == function_dir / "app.py"
    from_layer = ["leads_domain"]
    # No function a client waits for runs a coroutine: asyncio (~8-15 ms of a cold start) must
    # not come along with a dependency (wrapt 2 imports it; layers/domain/requirements.txt).
    # The webhook delivery function (a queue's consumer) delivers concurrently with it.
    if folder not in ("publish_events", "deliver_webhooks"):
        assert "asyncio" not in modules
    if folder == "authorizer":
        # It runs before every uncached request: no web framework, no pydantic, and not
        # Powertools at all (json_log.py writes its log lines).
        assert "pydantic" not in modules
        assert "aws_lambda_powertools" not in modules
        assert "typing_extensions" not in modules
        from_layer += ["botocore"]
    elif folder in (
        "create_lead",
        "update_lead",
        "create_leads_batch",
        "create_webhook_endpoint",
        "update_webhook_endpoint",
        "upsert_lead",
    ):
        from_layer += ["aws_lambda_powertools", "botocore", "pydantic", "pydantic_core"]
    elif folder != "cors_preflight":
        # Operations without a body to validate never pay for pydantic at cold start.
        assert "pydantic" not in modules
        from_layer += ["aws_lambda_powertools", "botocore"]
    for name in from_layer:
        assert Path(modules[name]).resolve().is_relative_to(layer_dir), name


def test_layer_holds_the_domain_package_and_the_pinned_dependencies_only(build):
    python = build / "DomainLayer" / "python"
    assert (python / "leads_domain" / "__init__.py").exists()
    # The local tooling, the tests and the development tools are never deployed.
    for name in ("leads_cli", "tools", "tests", "moto", "yaml", "pytest", "werkzeug", "samcli"):
        assert not (python / name).exists(), name
    domain = (python / "leads_domain").rglob("*.py")
    assert [str(path) for path in domain if "leads_cli" in path.read_text()] == []
    built = {
        re.sub(r"[-_.]+", "-", path.name.removesuffix(".dist-info").rsplit("-", 1)[0]).lower(): (
            path.name.removesuffix(".dist-info").rsplit("-", 1)[1]
        )
        for path in python.glob("*.dist-info")
    }
    pins = {}
    for line in (ROOT / "layers" / "domain" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    assert built == pins


def test_function_folders_hold_only_their_handler(build):
    for folder, logical_id in FOLDERS.items():
        built = build / logical_id
        contents = {path.name for path in built.iterdir()} - {"__pycache__"}
        assert contents == {"app.py"}, logical_id
        assert (built / "app.py").read_bytes() == (
            ROOT / "functions" / folder / "app.py"
        ).read_bytes()
        assert "leads_cli" not in (built / "app.py").read_text()


def test_the_build_ships_unchecked_bytecode_for_the_runtime(build):
    """Lambda cannot write .pyc files, so the build carries them; unchecked hashes, because
    zip files blur the modification times that timestamp-checked .pyc files compare."""
    python = build / "DomainLayer" / "python"
    compiled = [
        python / "leads_domain/logic/__pycache__/leads.cpython-313.pyc",
        python / "botocore/__pycache__/client.cpython-313.pyc",
        python / "pydantic/__pycache__/main.cpython-313.pyc",
        build / "CreateLeadFunction/__pycache__/app.cpython-313.pyc",
    ]
    for path in compiled:
        header = path.read_bytes()[:8]
        # Both the dev venv and the runtime are Python 3.13: the same bytecode magic.
        assert header[:4] == importlib.util.MAGIC_NUMBER, path
        # PEP 552 flags: bit 0 = hash-based, bit 1 = check the source; here hash-based only.
        assert int.from_bytes(header[4:8], "little") == 0b01, path


def test_the_default_build_is_for_x86_64_and_deploys_only_x86_64(build):
    layer = build / "DomainLayer" / "python"
    assert "pydantic_core" in wheel_platforms(layer)
    for distribution, tags in wheel_platforms(layer).items():
        assert all(tag.endswith("x86_64") for tag in tags), (distribution, tags)
    assert set(native_libraries(layer).values()) == {"x86_64"}
    parameter = template_module.read_raw(build / "template.yaml")["Parameters"]["Architecture"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("x86_64", ["x86_64"])
