"""Where Powertools' idempotency utility keeps the first answer to each Idempotency-Key."""

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from leads_domain.container import once_per_container
from leads_domain.data.clients import dynamodb
from leads_domain.settings import get_settings


@once_per_container
def persistence_layer() -> DynamoDBPersistenceLayer:
    # Our own client: the same retries and timeouts as every other DynamoDB call.
    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=dynamodb()
    )
