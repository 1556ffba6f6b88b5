"""The TOKEN authorizer as API Gateway runs it in front of a route's function."""

import fnmatch
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leads_cli.gateway_responses import GatewayResponses
from leads_cli.http_message import Answer, header
from leads_cli.lambda_context import ACCOUNT_ID, REGION
from leads_cli.local_functions import LocalFunction
from leads_cli.proxy_event import API_ID
from leads_cli.template import Authorizer


@dataclass(frozen=True)
class Authorized:
    """A request the authorizer let through: the request context's authorizer entry, and the
    usage plan key the authorizer named (usageIdentifierKey), if any."""

    context: dict[str, Any]
    usage_identifier_key: str | None


class LocalAuthorizer:
    """API Gateway's half of a TOKEN authorizer: the identity header, its validation expression,
    the authorizer's answer cached for its TTL (until flushed), the policy evaluated, the
    context passed on as strings."""

    def __init__(
        self,
        stage: str,
        functions: dict[str, LocalFunction],
        responses: GatewayResponses,
        log: Callable[[str], None],
    ) -> None:
        self._stage = stage
        self._functions = functions
        self._responses = responses
        self._log = log
        # token -> (expires at, authorizer's answer); as API Gateway caches per identity source.
        self._cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._cache_lock = threading.Lock()
        # Moved by every flush: an answer asked for before a flush is not cached after it.
        self._generation = 0

    def flush(self) -> None:
        """Forget every cached answer (API Gateway's FlushStageAuthorizersCache)."""
        with self._cache_lock:
            self._cache.clear()
            self._generation += 1

    def authorize(
        self,
        authorizer: Authorizer,
        method: str,
        path: str,
        headers: list[tuple[str, str]],
        request_id: str,
    ) -> Authorized | Answer:
        """What the authorizer passes on if the request may go on, else API Gateway's answer."""
        token = header(headers, authorizer.header)
        if not token or (
            authorizer.validation_expression
            and not re.search(authorizer.validation_expression, token)
        ):
            return self._responses.answer("UNAUTHORIZED", request_id, "Unauthorized")
        api = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}"
        method_arn = f"{api}/{self._stage}/{method}{path}"
        cache_key = (authorizer.name, token)
        with self._cache_lock:
            cached = self._cache.get(cache_key)
            generation = self._generation
        if cached and cached[0] > time.monotonic():
            answer = cached[1]
        else:
            event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
            try:
                answer = self._functions[authorizer.function].invoke(event)
            except Exception as error:
                if str(error) == "Unauthorized":
                    return self._responses.answer("UNAUTHORIZED", request_id, "Unauthorized")
                self._log(f"  {authorizer.function} raised {type(error).__name__}: {error}")
                return self._responses.answer(
                    "AUTHORIZER_FAILURE", request_id, "Authorizer failure"
                )
            if not isinstance(answer, dict) or "policyDocument" not in answer:
                return self._responses.answer(
                    "AUTHORIZER_CONFIGURATION_ERROR", request_id, "Authorizer configuration error"
                )
            if authorizer.ttl_seconds > 0:
                with self._cache_lock:
                    if generation == self._generation:
                        expires = time.monotonic() + authorizer.ttl_seconds
                        self._cache[cache_key] = (expires, answer)
        if not policy_allows(answer["policyDocument"], method_arn):
            return self._responses.answer(
                "ACCESS_DENIED", request_id, "User is not authorized to access this resource"
            )
        context = {name: _as_string(value) for name, value in (answer.get("context") or {}).items()}
        return Authorized(
            {**context, "principalId": answer.get("principalId"), "integrationLatency": 0},
            answer.get("usageIdentifierKey"),
        )


def policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
    """IAM policy evaluation for execute-api:Invoke: an explicit Deny wins, else any Allow."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _as_string(value: Any) -> str:
    """A context value as API Gateway passes it on: a string, booleans spelt as in JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
