"""Shared fixtures. Tables always come from template.yaml, never from a copy in the tests."""

import os
import uuid
from typing import Any

import pytest

# Before anything reads settings: fake credentials, and no X-Ray or CloudWatch.
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

from moto import mock_aws

from leads_cli import template as template_module
from leads_cli.keys import create_key
from leads_domain.api_keys import Tenant
from leads_domain.data import clients
from leads_domain.settings import get_settings

# Table names as the functions see them, from template.yaml (locally, tables are named by
# their logical ids).
os.environ.update(
    {
        name: value
        for function in template_module.load().functions.values()
        for name, value in function.environment.items()
        if name.endswith("_TABLE_NAME")
    }
)


@pytest.fixture
def dynamodb() -> Any:
    """moto in-process, with every table and index of template.yaml."""
    from leads_cli.local_dynamodb import create_tables

    with mock_aws():
        clients.dynamodb.cache_clear()
        get_settings.cache_clear()
        client = clients.dynamodb()
        create_tables(client, template_module.load())
        yield client
    clients.dynamodb.cache_clear()


@pytest.fixture
def tenant() -> Tenant:
    return Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")


@pytest.fixture
def make_key(dynamodb: Any):
    """make_key(account, mode="test") -> a stored, working key."""

    def make(account: str, mode: str = "test") -> str:
        return create_key(account, mode)[1]

    return make
