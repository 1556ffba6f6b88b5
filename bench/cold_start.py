"""1. Cold start per function: a fresh process of the runtime's Python imports the function's
handler from the `sam build` output and answers its events/ file, against the embedded
DynamoDB, as often as asked; the floor is the same for a function that only imports botocore
and creates a DynamoDB client (floor/app.py).

Each child is `python -s -E -B -c BOOTSTRAP`: no user site, no PYTHON* variables, no bytecode
written, and a sys.path of exactly the function's folder, the layer's python/ folder (Lambda's
/var/task and /opt/python, in Lambda's order) and the standard library. Its environment is the
template's variables and what Lambda sets, tracing on as deployed, and nothing of ours."""

import json
import os
import shutil
import socket
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import events
from bench.environment import EVENTS, Build, function_folders, runtime_python, template
from bench.report import Section, Table, Target, median, ms, ratio
from leads_cli import build as build_module
from leads_cli import lambda_context

FLOOR = "floor"
FLOOR_SOURCE = Path(__file__).parent / "floor" / "app.py"
# The targets, as a multiple of the floor's median.
AUTHORIZER_TARGET = 1.15
OPERATION_TARGET = 1.5
OPERATIONS = ("create_lead", "get_lead", "list_leads", "update_lead", "delete_lead")
MARKER = "BENCH-COLD-START "
# The Lambda context stand-in the bootstrap loads by path (standard library only).
CONTEXT_SOURCE = lambda_context.__file__

BOOTSTRAP = r"""
import time
started = time.monotonic()
import importlib, json, resource, site, sys

function_dir, layer_dir, event_file, marker, context_file = sys.argv[1:]
site_dirs = set(site.getsitepackages()) | {site.getusersitepackages()}
sys.path[:] = [function_dir, layer_dir, *(p for p in sys.path if p and p not in site_dirs)]

app = importlib.import_module("app")
imported = time.monotonic()

# Lambda's runtime makes the context, not the function. leads_cli is not on this sys.path, so
# its stand-in is loaded by path; after the import, so nothing it imports (uuid, importlib.util)
# is loaded early for the function; timed so that every figure leaves it out; between markers
# so that -X importtime's lines for it can be left out too.
print(marker + "context", file=sys.stderr, flush=True)
cpu_before = time.process_time()
import importlib.util
spec = importlib.util.spec_from_file_location("bench_lambda_context", context_file)
lambda_context = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lambda_context)
context = lambda_context.LambdaContext("leads-bench", timeout_seconds=10)
context_cpu = time.process_time() - cpu_before
print(marker + "context made", file=sys.stderr, flush=True)
made = time.monotonic()

with open(event_file) as f:
    event = json.load(f)
response = app.lambda_handler(event, context)
answered = time.monotonic()
cpu = time.process_time() - context_cpu
try:
    # This process's own high-water mark. ru_maxrss is not: Linux carries it over from the
    # process that was forked (here, the benchmark) into the program it executes.
    with open("/proc/self/status") as f:
        peak_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(
    "\n" + marker + json.dumps({
        "started": started, "imported": imported, "made": made, "answered": answered, "cpu": cpu,
        "peak_kb": peak_kb, "response": response,
    }),
    flush=True,
)
"""


@dataclass(frozen=True)
class Run:
    total: float  # process spawn to answer, seconds (less the bootstrap's making the context)
    started: float  # spawn to the first line of the bootstrap (interpreter start-up)
    imported: float  # the handler's module imported (Lambda's init phase)
    answer: float  # the first event answered (Lambda's first invoke)
    cpu: float  # the child's CPU time (user + system) until it answered, less the same
    peak_bytes: int  # the context's loading included: about 0.1 MiB


@dataclass(frozen=True)
class Subject:
    """What to start cold: its folder in the build, its event and environment."""

    name: str
    folder: Path
    event: Path
    env: dict[str, str]
    expected: Callable[[Any], bool]
    before: Callable[[], None] | None = None


def lambda_environment(name: str, function_dir: Path, endpoint: str, trace_port: int):
    """What the child gets: the template's variables for the function, events/env.json's for
    it, what Lambda itself sets (tracing on: the X-Ray SDK sends to a socket of ours), and the
    embedded DynamoDB. Nothing from this process's environment."""
    logical_id = function_folders().get(name)
    variables: dict[str, str] = {}
    memory_mb = 512
    if logical_id:  # the floor is no function of the template
        function = template().functions[logical_id]
        variables = {**function.environment, **events.function_overrides(logical_id)}
        memory_mb = function.memory_mb
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        **variables,
        # The embedded server answers DynamoDB, SQS and EventBridge alike.
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ENDPOINT_URL_SQS": endpoint,
        "AWS_ENDPOINT_URL_EVENTBRIDGE": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": logical_id or name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "LAMBDA_TASK_ROOT": str(function_dir),
        "_HANDLER": "app.lambda_handler",
        "_X_AMZN_TRACE_ID": "Root=1-65a4f1e8-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;"
        "Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{trace_port}",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    }


def expected_answer(name: str) -> Callable[[Any], bool]:
    if name == "authorizer":
        return lambda response: response["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    if name in ("publish_events", "deliver_webhooks"):
        # An event source mapping's function: every record of its batch taken.
        return lambda response: response == {"batchItemFailures": []}
    status = {"create_lead": 201, "create_webhook_endpoint": 201, "cors_preflight": 204}.get(
        name, 200
    )
    return lambda response: response.get("statusCode") == status


def spawn(target: Subject, layer: Path, flags: tuple[str, ...] = ()) -> tuple[Run, str]:
    """One cold start: (its timings, the child's stderr)."""
    command = [runtime_python(), "-s", "-E", "-B", *flags, "-c", BOOTSTRAP]
    command += [str(target.folder), str(layer), str(target.event), MARKER, CONTEXT_SOURCE]
    spawned = time.monotonic()
    child = subprocess.run(command, env=target.env, capture_output=True, text=True, timeout=120)
    lines = [line for line in child.stdout.splitlines() if line.startswith(MARKER)]
    if child.returncode != 0 or not lines:
        raise SystemExit(f"cold start of {target.name} failed:\n{child.stdout}\n{child.stderr}")
    result = json.loads(lines[-1].removeprefix(MARKER))
    if not target.expected(result["response"]):
        raise SystemExit(f"cold start of {target.name} answered {result['response']}")
    context = result["made"] - result["imported"]  # the bootstrap's, not the function's
    run = Run(
        total=result["answered"] - spawned - context,
        started=result["started"] - spawned,
        imported=result["imported"] - result["started"],
        answer=result["answered"] - result["made"],
        cpu=result["cpu"],
        peak_bytes=result["peak_kb"] * 1024,
    )
    return run, child.stderr


@contextmanager
def trace_sink() -> Iterator[int]:
    """A UDP port for the X-Ray SDK's segments, never read (the kernel drops what overflows)."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    try:
        yield sink.getsockname()[1]
    finally:
        sink.close()


RESEEDED = (
    "create_webhook_endpoint",
    "get_lead",
    "update_lead",
    "delete_lead",
    "upsert_lead",
    "get_webhook_endpoint",
    "update_webhook_endpoint",
    "delete_webhook_endpoint",
)


def subjects(build: Build, endpoint: str, trace_port: int, reseed: Callable[[], None]):
    floor_dir = build.root / "BenchFloor"
    floor_dir.mkdir(exist_ok=True)
    shutil.copy(FLOOR_SOURCE, floor_dir / "app.py")
    found = [
        Subject(
            FLOOR,
            floor_dir,
            EVENTS / "authorizer.json",  # any event: the floor ignores it
            lambda_environment(FLOOR, floor_dir, endpoint, trace_port),
            lambda response: response.get("statusCode") == 200,
        )
    ]
    for name in sorted(function_folders()):
        folder = build.function(name)
        found.append(
            Subject(
                name,
                folder,
                EVENTS / f"{name}.json",
                lambda_environment(name, folder, endpoint, trace_port),
                expected_answer(name),
                # These need the example lead or endpoint (again, after a delete).
                reseed if name in RESEEDED else None,
            )
        )
    return found


def measure(found: list[Subject], layer: Path, runs: int) -> dict[str, list[Run]]:
    """`runs` cold starts of each, interleaved (round by round) so that drift on a shared
    machine touches every function alike; one untimed start of each first."""
    measured: dict[str, list[Run]] = defaultdict(list)
    for round_ in range(runs + 1):
        for target in found:
            if target.before:
                target.before()
            run, _ = spawn(target, layer)
            if round_:
                measured[target.name].append(run)
    return measured


def top_imports(target: Subject, layer: Path, count: int = 6) -> list[tuple[str, float]]:
    """`-X importtime`: the top-level packages whose own import time is largest, in seconds."""
    if target.before:
        target.before()
    _, stderr = spawn(target, layer, ("-X", "importtime"))
    by_package: dict[str, float] = defaultdict(float)
    bootstraps = False
    for line in stderr.splitlines():
        if line.startswith(MARKER):
            bootstraps = line == MARKER + "context"  # until "context made": the bootstrap's own
            continue
        if bootstraps or not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        by_package[name.strip().split(".")[0]] += int(self_us) / 1e6
    return sorted(by_package.items(), key=lambda item: -item[1])[:count]


def compile_bytecode(build: Build) -> None:
    build_module.compile_bytecode(build.root)


def timing_table(
    title: str, found: list, results: dict[str, list[Run]], *, judged: bool
) -> tuple[Table, list[Target]]:
    """One row per function, as ratios to the floor measured in the same mode."""

    def medians(runs_: list[Run]) -> tuple[float, float]:
        return median([r.total for r in runs_]), median([r.cpu for r in runs_])

    floor_wall, floor_cpu = medians(results[FLOOR])
    columns = ["Function", "Wall ms", "Ratio", "CPU ms", "CPU ratio", "Import ms", "1st answer ms"]
    table = Table(title, [*columns, "Peak MiB", "Target", "Verdict"] if judged else columns)
    verdicts = []
    for target in found:
        measured = results[target.name]
        wall, cpu = medians(measured)
        row = [
            label(target.name),
            ms(wall),
            ratio(wall / floor_wall),
            ms(cpu),
            ratio(cpu / floor_cpu),
            ms(median([r.imported for r in measured])),
            ms(median([r.answer for r in measured])),
        ]
        if judged:
            limit = limit_for(target.name)
            met = limit is not None and wall / floor_wall <= limit
            if limit is not None:
                verdicts.append(
                    Target(
                        f"{target.name} within {limit}x",
                        met,
                        ratio(wall / floor_wall),
                        f"CPU time {ratio(cpu / floor_cpu)} of the floor's",
                    )
                )
            row += [
                f"{max(r.peak_bytes for r in measured) / 2**20:.1f}",
                f"<= {limit}x" if limit else "-",
                ("met" if met else "NOT MET") if limit else "-",
            ]
        table.add(*row)
    return table, verdicts


def limit_for(name: str) -> float | None:
    if name == "authorizer":
        return AUTHORIZER_TARGET
    return OPERATION_TARGET if name in OPERATIONS else None


def label(name: str) -> str:
    return "floor (botocore + client)" if name == FLOOR else name


def run(build: Build, endpoint: str, runs: int, reseed: Callable[[], None]) -> Section:
    with trace_sink() as trace_port:
        found = subjects(build, endpoint, trace_port, reseed)
        as_built = measure(found, build.layer, runs)
        imports = {target.name: top_imports(target, build.layer) for target in found}
        compile_bytecode(build)
        compiled = measure(found, build.layer, runs)

    deployed_table, verdicts = timing_table(
        f"As deployed (`make build`: sam build + bytecode): spawn to answer, median of {runs}",
        found,
        compiled,
        judged=True,
    )
    source_table, _ = timing_table(
        f"Without bytecode (plain `sam build`): spawn to answer, median of {runs}",
        found,
        as_built,
        judged=False,
    )

    imports_table = Table(
        "Largest imports per function (-X importtime, own time by top-level package, as built)",
        ["Function", "Top imports (ms)"],
    )
    for name, top in imports.items():
        imports_table.add(name, ", ".join(f"{package} {ms(seconds)}" for package, seconds in top))
    start_up = median([r.started for runs_ in compiled.values() for r in runs_])
    return Section(
        "1. Cold start",
        tables=[deployed_table, source_table, imports_table],
        targets=verdicts,
        notes=[
            "A fresh `python3.13 -s -E -B` per run: sys.path is the built function's folder, the "
            "built layer's python/ and the standard library only; the handler answers its "
            "events/ file against the embedded DynamoDB (moto over HTTP on loopback).",
            "As deployed: what `make build` ships (leads_cli/build.py): sam's build plus "
            "unchecked-hash .pyc files for python3.13, since Lambda's /var/task and /opt are "
            "read-only and would otherwise compile every module at every cold start. Without "
            "bytecode: plain `sam build`, for comparison. Ratios are to the floor measured the "
            "same way (its botocore compiled alike); targets are judged on the wall time as "
            "deployed.",
            "Wall: spawn to answer. CPU: the child's user + system time until it answered, "
            "which waiting for a busy machine's CPU does not inflate (a cross-check of the "
            "wall ratio). Import: the handler module (Lambda's init); 1st answer: the first "
            "event, including the first DynamoDB client and request; Peak: the child's "
            f"maximum resident set (VmHWM). Interpreter start-up took {ms(start_up)} ms "
            "(median) before the bootstrap's first line, in every function alike.",
            "Environment: the template's variables, what Lambda sets (LAMBDA_TASK_ROOT, "
            "_X_AMZN_TRACE_ID, ...), so Powertools' Tracer is on as deployed (Tracing: Active) "
            "and sends to a local UDP socket; Logger at INFO and Metrics write to stdout.",
        ],
    )
