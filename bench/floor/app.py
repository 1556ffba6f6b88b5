"""The cold-start floor: a function that only imports botocore and creates a DynamoDB client.

Run exactly as the built functions are (same Python, same bootstrap, the layer's botocore), so
that the ratio of a function's cold start to this one is what our own code adds."""

import botocore.session

client = botocore.session.get_session().create_client("dynamodb", region_name="us-east-1")


def lambda_handler(event, context):
    return {"statusCode": 200}
