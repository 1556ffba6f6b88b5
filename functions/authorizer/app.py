"""TOKEN authorizer: `Authorization: Bearer sk_...` -> the key's tenant, or 401.

Kept small on purpose (no web framework, no pydantic): it runs before every uncached request.
The policy is written out here rather than with Powertools' APIGatewayAuthorizerResponse:
importing that class imports all of Powertools' event data classes, ~27 ms on top of a
~36 ms Logger import in a quiet run of this machine (`python -X importtime`), which alone
would take the authorizer past its cold-start target (bench/README.md).
"""

from aws_lambda_powertools import Logger

from leads_domain.authentication import authenticate
from leads_domain.errors import Unauthorized
from leads_domain.settings import get_settings

logger = Logger()
# At cold start: an authorizer deployed without its settings fails here, not on a request.
get_settings()


def allow_whole_api(method_arn: str) -> str:
    """arn:...:api-id/stage/VERB/path -> arn:...:api-id/stage/*/*, so that an answer API
    Gateway caches for one route does not deny the others."""
    api, stage = method_arn.split("/", 2)[:2]
    return f"{api}/{stage}/*/*"


@logger.inject_lambda_context
def lambda_handler(event, context):
    try:
        caller = authenticate(event.get("authorizationToken"))
    except Unauthorized as error:
        logger.info("Key rejected", extra={"reason": error.message})
        # This exact message makes API Gateway answer 401 (its UNAUTHORIZED gateway response).
        raise Exception("Unauthorized") from None
    logger.info("Key accepted", extra={"key_id": caller.key_id, "mode": caller.tenant.mode})
    return {
        "principalId": caller.key_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": allow_whole_api(event["methodArn"]),
                }
            ],
        },
        # API Gateway passes context values to the functions as strings.
        "context": {
            "account": caller.tenant.account,
            "mode": caller.tenant.mode,
            "key_id": caller.key_id,
        },
    }
