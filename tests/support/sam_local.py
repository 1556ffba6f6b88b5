"""SAM CLI's own local tools over what `make build` produced: `sam local invoke` of one
function with an event, and `sam local start-api` serving the template's routes, both in
SAM's Lambda containers (Docker), reaching a DynamoDB served to the containers.

`make test-sam-local` provisions Docker (tools/sam_local/sam-local.sh), builds into
$SAM_LOCAL_BUILD and runs tests/sam_local where SAM reaches its containers.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from leads_cli import template as template_module
from leads_cli.local_dynamodb import EmbeddedDynamoDB, client
from leads_cli.local_messaging import create_queues_and_buses
from leads_cli.template import read_raw
from support.events import EVENTS
from support.local_api import run_leads

# The containers reach the machine (the namespace) they run on by this name (--add-host).
CONTAINER_HOST = "host.docker.internal"
INVOKE_SECONDS = 300
START_SECONDS = 120
# What `sam local start-api` says when it cannot find the authorizer's function; it then serves
# every route without an authorizer.
UNPARSED_AUTHORIZER = re.compile(r"Unable to parse the Lambda ARN for Authorizer '(\w+)'")


class SamLocalUnavailable(RuntimeError):
    """No Docker, no build: the tier cannot run here."""


def sam_cli() -> str:
    return os.environ.get("SAM_CLI") or str(Path(".venv-sam/bin/sam").resolve())


def docker_answers() -> bool:
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def built_template() -> Path:
    """The template `make test-sam-local` built (sam build + bytecode, x86_64)."""
    build = os.environ.get("SAM_LOCAL_BUILD")
    if not build:
        raise SamLocalUnavailable("SAM_LOCAL_BUILD is not set: run `make test-sam-local`")
    template = Path(build) / "template.yaml"
    if not template.exists():
        raise SamLocalUnavailable(f"{template} is missing: run `make test-sam-local`")
    if not docker_answers():
        raise SamLocalUnavailable("Docker does not answer: run `make test-sam-local`")
    return template


def authorizers_by_alias(template: dict[str, Any]) -> list[str]:
    """The API's authorizers given as a function's alias (!Ref Fn.Alias)."""
    return [
        name
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Api"
        for name, spec in resource["Properties"].get("Auth", {}).get("Authorizers", {}).items()
        if str(spec.get("FunctionArn", {}).get("Ref", "")).endswith(".Alias")
    ]


def without_authorizer_aliases(template_path: Path) -> Path:
    """A copy of the built template, beside it, whose authorizers name their function rather
    than its alias: start-api cannot resolve `!Ref Fn.Alias` and would otherwise serve every
    route with no authorizer at all (a known SAM CLI limitation, README "SAM's local tools")."""
    template = read_raw(template_path)
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Api":
            continue
        for spec in resource["Properties"].get("Auth", {}).get("Authorizers", {}).values():
            function = str(spec["FunctionArn"].get("Ref", "")).removesuffix(".Alias")
            if function:
                spec["FunctionArn"] = {"Fn::GetAtt": [function, "Arn"]}
    local = template_path.with_name("template.sam-local.yaml")
    local.write_text(yaml.safe_dump(template, sort_keys=False))
    return local


@dataclass
class ContainerDynamoDB:
    """The embedded DynamoDB on every interface: the tests reach it at ``endpoint``, the
    containers at ``container_endpoint``."""

    server: EmbeddedDynamoDB
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def container_endpoint(self) -> str:
        return f"http://{CONTAINER_HOST}:{self.port}"

    def seed_examples(self) -> None:
        """Fresh tables from template.yaml with only the events/ example key and lead, as an
        operator seeds them (`leads examples`)."""
        dynamodb = client(self.endpoint)
        for table in dynamodb.list_tables()["TableNames"]:
            dynamodb.delete_table(TableName=table)
        run_leads("examples", "--endpoint-url", self.endpoint)
        # The queues and the bus the events functions send to (the same server answers them).
        create_queues_and_buses(
            client(self.endpoint, "sqs"), client(self.endpoint, "events"), template_module.load()
        )


@contextlib.contextmanager
def container_dynamodb() -> Iterator[ContainerDynamoDB]:
    server = EmbeddedDynamoDB(host="0.0.0.0").start()
    try:
        yield ContainerDynamoDB(server, int(server.endpoint.rsplit(":", 1)[1]))
    finally:
        server.stop()


def env_vars_file(directory: Path, dynamodb: ContainerDynamoDB) -> Path:
    """events/env.json (sam local --env-vars), with the DynamoDB the containers reach."""
    variables = json.loads((EVENTS / "env.json").read_text())
    parameters = variables["Parameters"]
    # Every AWS endpoint and queue URL of the sample environment, at the server the
    # containers reach (it answers DynamoDB, SQS and EventBridge alike).
    for name, value in parameters.items():
        if name.startswith("AWS_ENDPOINT_URL_") or name.endswith("_QUEUE_URL"):
            path = urlsplit(value).path
            parameters[name] = dynamodb.container_endpoint + path
    path = directory / "env.json"
    path.write_text(json.dumps(variables))
    return path


def _container_options() -> list[str]:
    return ["--skip-pull-image", "--add-host", f"{CONTAINER_HOST}:host-gateway"]


def _environment() -> dict[str, str]:
    return {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}


def invoke(template: Path, function: str, event: Path, env_vars: Path) -> dict[str, Any]:
    """`sam local invoke`: the handler's return value (SAM prints it as the last line)."""
    result = subprocess.run(
        [
            sam_cli(),
            *("local", "invoke", function, "--template", str(template)),
            *("--event", str(event), "--env-vars", str(env_vars)),
            *_container_options(),
        ],
        capture_output=True,
        text=True,
        timeout=INVOKE_SECONDS,
        env=_environment(),
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and lines, (
        f"sam local invoke {function} exited {result.returncode}:\n{result.stdout}\n"
        f"{result.stderr[-3000:]}"
    )
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StartApi:
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def start_api(template: Path, env_vars: Path, log: Path) -> Iterator[StartApi]:
    """`sam local start-api` in the background until the block ends; its output in ``log``.
    Containers stay warm per function between requests (--warm-containers LAZY)."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sam_cli(),
                *("local", "start-api", "--template", str(template), "--port", str(port)),
                *("--env-vars", str(env_vars), "--warm-containers", "LAZY"),
                *_container_options(),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_environment(),
        )
    api = StartApi(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while "Running on http://127.0.0.1" not in api.log_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"sam local start-api did not start:\n{api.log_text()}")
            time.sleep(0.5)
        yield api
    finally:
        # Ctrl-C, as a person stops it: SAM then removes its warm containers.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
