"""Fault tier fixtures: a fault injector on the domain's DynamoDB client (against moto), the
functions' log output, and (for the key-placement checks) a `leads serve` of its own."""

import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_support import FaultInjector, install
from moto import mock_aws

from leads_cli import template as template_module
from leads_domain import logic
from leads_domain.data import clients, idempotency_store
from leads_domain.settings import get_settings

# The HTTP tier's helpers (`leads serve` in a subprocess, keys made with the CLI).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))

from http_support import LocalApi, running_local_api


def _forget_idempotency_clients() -> None:
    # Powertools' persistence layer keeps the client it was made with; make it take the
    # domain's current client (the one faults are injected into), and drop it afterwards.
    idempotency_store.persistence_layer.cache_clear()
    logic._idempotent_create.cache_clear()


@pytest.fixture(scope="module")
def shared_dynamodb() -> Iterator[Any]:
    """moto, and the domain's client, once per module: a botocore client takes longer to make
    than most of these tests take to run. The injector makes the tables afresh for each test."""
    from leads_cli.local_dynamodb import create_tables

    with mock_aws():
        clients.dynamodb.cache_clear()
        get_settings.cache_clear()
        client = clients.dynamodb()
        create_tables(client, template_module.load())
        yield client
    clients.dynamodb.cache_clear()


def _recreate_tables(client: Any) -> None:
    # Cheaper than a new moto per test, and moto's queries slow down as its tables grow.
    from leads_cli.local_dynamodb import create_tables

    for table in client.list_tables()["TableNames"]:
        client.delete_table(TableName=table)
    create_tables(client, template_module.load())


@pytest.fixture
def injector(shared_dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultInjector]:
    """Faults for the domain's DynamoDB client, against empty tables, with zero retry backoff
    everywhere."""
    _recreate_tables(shared_dynamodb)
    _forget_idempotency_clients()
    fault_injector = install(monkeypatch, shared_dynamodb)
    yield fault_injector
    fault_injector.close()
    _forget_idempotency_clients()


class LogOutput:
    """What the functions log: Powertools' JSON lines on stdout, anything else printed, and
    every record that reaches the root logger."""

    def __init__(self, stream: io.StringIO, capsys: Any, caplog: Any) -> None:
        self._stream = stream
        self._capsys = capsys
        self._caplog = caplog
        self._printed = ""

    def powertools_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines() if line]

    def text(self, *, exclude: tuple[str, ...] = ()) -> str:
        """Everything logged, as one text; ``exclude``: root-logger names to leave out."""
        captured = self._capsys.readouterr()
        self._printed += captured.out + captured.err
        records = [
            f"{record.name} {record.levelname} {record.getMessage()} "
            f"{json.dumps(record.__dict__, default=str)}"
            for record in self._caplog.records
            if not record.name.startswith(exclude)
        ]
        return "\n".join([self._stream.getvalue(), self._printed, *records])


@pytest.fixture
def log_output(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, caplog: Any
) -> Iterator[Callable[..., LogOutput]]:
    """log_output(level="DEBUG"): start capturing the functions' logs at this level. Call it
    after the functions are loaded (their Powertools Logger then exists)."""
    restore: list[tuple[logging.Logger, int]] = []

    def start(level: str = "DEBUG") -> LogOutput:
        monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", level)
        stream = io.StringIO()
        service = logging.getLogger(os.environ["POWERTOOLS_SERVICE_NAME"])
        assert service.handlers, "load the functions first: their Logger owns this handler"
        restore.append((service, service.level))
        service.setLevel(level)
        for handler in service.handlers:
            if isinstance(handler, logging.StreamHandler):
                monkeypatch.setattr(handler, "stream", stream)
        caplog.set_level(level)
        capsys.readouterr()
        return LogOutput(stream, capsys, caplog)

    yield start
    for logger, level in reversed(restore):
        logger.setLevel(level)


@pytest.fixture(scope="session")
def local_api() -> Iterator[LocalApi]:
    """A `leads serve` for this tier, started as `make run` starts it."""
    with running_local_api() as api:
        yield api
