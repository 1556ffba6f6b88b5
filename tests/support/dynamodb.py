"""DynamoDB for the tests, always with template.yaml's own tables and indexes: moto in-process,
or the local run's embedded server (real concurrent HTTP requests, as from many Lambdas)."""

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from moto import mock_aws

from leads_cli import moto_queries, moto_transactions
from leads_cli import template as template_module
from leads_cli.local_dynamodb import EmbeddedDynamoDB, client, create_tables
from leads_domain.container import forget_all
from leads_domain.data import clients


@contextlib.contextmanager
def moto_in_process() -> Iterator[Any]:
    """moto, with every table of the template, and the domain's client made against it;
    transactions roll back and table Queries read one partition, as the embedded DynamoDB's
    do."""
    moto_transactions.install()
    moto_queries.install()
    with mock_aws():
        forget_all()
        dynamodb = clients.dynamodb()
        create_tables(dynamodb, template_module.load())
        yield dynamodb
    forget_all()


def recreate_tables(dynamodb: Any) -> None:
    """Empty tables again: cheaper than a new moto, whose queries slow down as tables grow."""
    drop_tables(dynamodb)
    create_tables(dynamodb, template_module.load())


def drop_tables(dynamodb: Any) -> None:
    """Delete every table. An embedded server runs on moto's in-process state, which outlives
    the server and is shared by every server the same test process starts."""
    for table in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=table)


@contextlib.contextmanager
def bare_server() -> Iterator[EmbeddedDynamoDB]:
    """The local run's DynamoDB server without tables, even if an earlier server of this test
    process left some."""
    server = EmbeddedDynamoDB().start()
    try:
        drop_tables(client(server.endpoint))
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def embedded_server() -> Iterator[EmbeddedDynamoDB]:
    """The local run's DynamoDB server, with the template's tables, and the domain's clients
    (the idempotency utility's too) pointed at it while the block runs. Its tables are deleted
    afterwards: moto keeps them per process, and a later embedded server in the same worker
    must start empty."""
    server = EmbeddedDynamoDB().start()
    saved = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint
    dynamodb = client(server.endpoint)
    try:
        create_tables(dynamodb, template_module.load())
        forget_all()
        yield server
    finally:
        for table in dynamodb.list_tables()["TableNames"]:
            dynamodb.delete_table(TableName=table)
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
        else:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = saved
        forget_all()
        drop_tables(client(server.endpoint))
        server.stop()
