"""The AWS clients (DynamoDB; SQS and EventBridge for events and webhooks): one of each per
container, from one botocore session, created on first use, with bounded retries."""

from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from leads_domain.container import once_per_container

# Bounded retries and timeouts well inside API Gateway's 29 s integration limit: three attempts
# in all (botocore's "max_attempts" would count retries only).
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=1,
    read_timeout=2,
)


@once_per_container
def session() -> Any:
    """One botocore session per container: its clients share credentials and loaded models."""
    return botocore.session.get_session()


@once_per_container
def dynamodb() -> Any:
    # botocore directly, not boto3: same client, less to import at cold start. The endpoint
    # comes from AWS_ENDPOINT_URL_DYNAMODB when set (the local run and tests).
    return session().create_client("dynamodb", config=CLIENT_CONFIG)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@once_per_container
def sqs() -> Any:
    # The endpoint comes from AWS_ENDPOINT_URL_SQS when set (the local run).
    return session().create_client("sqs", config=CLIENT_CONFIG)


@once_per_container
def eventbridge() -> Any:
    # The endpoint comes from AWS_ENDPOINT_URL_EVENTBRIDGE when set (the local run).
    return session().create_client("events", config=CLIENT_CONFIG)
