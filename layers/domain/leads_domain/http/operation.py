"""``api_operation``: the one error map, turning an operation into a Lambda proxy handler.

Each function serves exactly one route, which API Gateway has already matched, so no router is
needed. (Powertools' event handler did this before; importing it cost ~70 ms of every cold
start for routing we never used. See bench/HISTORY.md.)
"""

import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any

from leads_domain import scopes
from leads_domain.authentication import authenticate
from leads_domain.errors import DomainError, scope_forbids
from leads_domain.http.answers import Answer, error_body, proxy_response
from leads_domain.http.request import Request
from leads_domain.observability import logger
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

# A request that fails before its operation records a metric is normal here, not a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")

INTERNAL_ERROR_MESSAGE = "An unexpected error occurred. Quote the request_id if you contact us."

Operation = Callable[[Request, Tenant], Answer]


def caller_tenant(request: Request) -> Tenant:
    """The tenant the authorizer resolved; without one (API Gateway's console test skips the
    authorizer) the Authorization header is checked here, which reads the keys table. Either
    way the key's scope must allow the request: API Gateway's policy check already did that,
    the console test does not."""
    tenant = request.authorizer_tenant
    if tenant is None:
        caller = authenticate(request.header("Authorization"))
        tenant, scope = caller.tenant, caller.scope
    else:
        scope = request.authorizer_scope or scopes.FULL
    if not scopes.allows(scope, request.method, request.path):
        raise scope_forbids(scopes.describe(scope))
    return tenant


def api_operation(operation: Operation) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda proxy handler that runs ``operation`` for the caller's tenant and maps every
    error to the API's error shape: domain errors to their status, anything unexpected to a
    500 without internals."""
    # At cold start: a function deployed without its settings fails here, not on a request.
    get_settings()

    @wraps(operation)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request = Request(event, context)
        try:
            answer = operation(request, caller_tenant(request))
        except DomainError as error:
            retry_after = getattr(error, "retry_after", None)
            answer = Answer(
                error.status,
                error_body(error.type, error.code, error.message, error.param, request.request_id),
                {"Retry-After": str(retry_after)} if retry_after else {},
            )
        except Exception:
            # The traceback goes to the log under the request id; the client sees neither.
            logger.exception("Unexpected error", extra={"request_id": request.request_id})
            answer = Answer(
                500,
                error_body(
                    "api_error", "internal_error", INTERNAL_ERROR_MESSAGE, None, request.request_id
                ),
            )
        return proxy_response(answer, request)

    return handler
