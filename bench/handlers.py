"""The functions' handlers called in this process, configured as deployed: the template's
variables, Powertools logging at INFO and metrics on (both write to stdout, as in Lambda), and
tracing off (there is no X-Ray daemon to send to)."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import Any

from bench.environment import ROOT, template
from leads_cli.lambda_context import LambdaContext
from leads_cli.local_functions import import_file
from leads_domain.container import forget_all

# What is on while handlers run in-process; RESULTS.md repeats it.
POWERTOOLS = {
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_METRICS_DISABLED": "false",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


def configure() -> None:
    """The template's environment (table names, service name, metrics namespace, log level),
    then POWERTOOLS; before any function module is imported."""
    any_function = next(iter(template().functions.values()))
    # The endpoint is the benchmark's to choose (bench/database.py), not the template's empty
    # default, which would point a client made afresh at AWS.
    environment = dict(any_function.environment)
    environment.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    os.environ.update(environment)
    os.environ.update(POWERTOOLS)
    os.environ.pop("POWERTOOLS_DEV", None)
    forget_all()


@cache
def load(folder: str) -> ModuleType:
    """functions/<folder>/app.py as a module of its own (every function's file is app.py)."""
    return import_file(ROOT / "functions" / folder / "app.py", f"bench_function_{folder}")


def new_context() -> LambdaContext:
    """What Lambda passes each invocation: a request id of its own, 10 s left to run."""
    return LambdaContext("leads-bench", timeout_seconds=10)


@contextmanager
def stdout_discarded() -> Iterator[None]:
    """Logs and metrics still get written (that is part of a request's cost), to /dev/null:
    file descriptor 1 itself is redirected, whoever holds a reference to sys.stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def invoke(folder: str, event: dict[str, Any], context: LambdaContext | None = None) -> Any:
    return load(folder).lambda_handler(event, context or new_context())
