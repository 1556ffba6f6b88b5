"""TOKEN authorizer: `Authorization: Bearer sk_...` (or rk_...) -> the key's tenant, its scope
and its tenant's usage plan key, or 401.

Kept small on purpose (no web framework, no pydantic, no Powertools): it runs before every
uncached request. The policy is written out here rather than with Powertools'
APIGatewayAuthorizerResponse, whose import brings all of Powertools' event data classes (~27 ms
in a quiet run of this machine, `python -X importtime`), and its log lines are Powertools'
shape written by json_log.py, since importing Powertools at all took 0.09-0.11x of the floor
from its cold start (bench/README.md).
"""

from leads_domain.authentication import authenticate
from leads_domain.errors import Unauthorized
from leads_domain.json_log import JsonLogger
from leads_domain.scopes import policy_resources
from leads_domain.settings import get_settings

logger = JsonLogger("authorizer")
# At cold start: an authorizer deployed without its settings fails here, not on a request.
get_settings()


@logger.inject_lambda_context
def lambda_handler(event, context):
    try:
        caller = authenticate(event.get("authorizationToken"))
    except Unauthorized as error:
        logger.info("Key rejected", extra={"reason": error.message})
        # This exact message makes API Gateway answer 401 (its UNAUTHORIZED gateway response).
        raise Exception("Unauthorized") from None
    logger.info(
        "Key accepted",
        extra={"key_id": caller.key_id, "mode": caller.tenant.mode, "scope": caller.scope},
    )
    answer = {
        "principalId": caller.key_id,
        # API Gateway caches this answer per key for every route: it names every route the
        # scope allows, whichever route asked, so that a cached answer is right for all.
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": policy_resources(caller.scope, event["methodArn"]),
                }
            ],
        },
        # API Gateway passes context values to the functions as strings.
        "context": {
            "account": caller.tenant.account,
            "mode": caller.tenant.mode,
            "key_id": caller.key_id,
            "scope": caller.scope,
        },
    }
    if caller.usage_key:
        # The tenant's API Gateway API key: API Gateway throttles the request by its usage plan
        # (the API's key source is AUTHORIZER). Without one, API Gateway refuses the request.
        answer["usageIdentifierKey"] = caller.usage_key
    else:
        # API Gateway will refuse it (403): its tenant needs `leads accounts sync`.
        logger.warning("Usage plan key missing", extra={"key_id": caller.key_id})
    return answer
