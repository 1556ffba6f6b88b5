"""A request's way through the local API Gateway, from its route to the function's answer."""

import sys
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from leads_cli.gateway_responses import GatewayResponses
from leads_cli.http_message import Answer, header
from leads_cli.local_api_keys import LocalApiKeys
from leads_cli.local_authorizer import Authorized, LocalAuthorizer
from leads_cli.local_functions import load_functions
from leads_cli.management_api import ManagementApi
from leads_cli.proxy_event import event_too_large, proxy_answer, proxy_event
from leads_cli.rate_limits import RateLimits
from leads_cli.template import Route, Template

# API Gateway's own payload limit for REST APIs.
MAX_BODY_BYTES = 10 * 1024 * 1024


class Gateway:
    """A local API Gateway (REST API, Lambda proxy integration) driven by template.yaml.

    For each request it does what API Gateway does: find the route (else the
    MISSING_AUTHENTICATION_TOKEN gateway response), run the TOKEN authorizer, meter the request
    by its usage plan key and throttle it, build the REST proxy event, call the function's
    handler in this process, and turn its answer, or its failure, into HTTP. Every answer API
    Gateway itself would give uses the template's gateway responses. Under /_local/apigateway
    it answers the management calls the `leads` CLI makes (management_api.py).
    """

    def __init__(self, template: Template, log: Any = None) -> None:
        self.template = template
        self.log = log or _log_with_timestamp
        self.functions = load_functions(template)
        self.responses = GatewayResponses(template.gateway_responses)
        self.authorizer = LocalAuthorizer(template.stage, self.functions, self.responses, self.log)
        self.api_keys = LocalApiKeys(template.usage_plans)
        self.rate_limits = RateLimits(template.stage_throttle)
        self.management = ManagementApi(self.api_keys, template.stage, self.authorizer.flush)
        # Pages only the local run serves (the API's documentation): path -> answer.
        self.local_pages: dict[str, Answer] = {}

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> Answer:
        request_id = str(uuid.uuid4())
        split = urlsplit(target)
        path = split.path
        if method == "GET" and path in self.local_pages:
            return self.local_pages[path]
        management = self.management.handle(method, path, split.query, body)
        if management is not None:
            return management
        route, path_parameters = self._find_route(method, path)
        if route is None:
            return self.responses.answer(
                "MISSING_AUTHENTICATION_TOKEN", request_id, "Missing Authentication Token"
            )
        if body is not None and len(body) > MAX_BODY_BYTES:
            return self.responses.answer("REQUEST_TOO_LARGE", request_id, "Request Too Long")
        authorized: Authorized | None = None
        if route.authorizer:
            outcome = self.authorizer.authorize(
                self.template.authorizers[route.authorizer], method, path, headers, request_id
            )
            if isinstance(outcome, Answer):
                return outcome
            authorized = outcome
        refused = self._metered(route, method, headers, authorized, request_id)
        if refused:
            return refused
        event = proxy_event(
            route=route,
            stage=self.template.stage,
            method=method,
            path=path,
            query=split.query,
            headers=headers,
            body=body,
            path_parameters=path_parameters,
            authorizer_context=authorized.context if authorized else None,
            request_id=request_id,
        )
        if event_too_large(event, body):
            return self.responses.answer(
                "REQUEST_TOO_LARGE", request_id, "Request Too Long", route.function
            )
        function = self.functions[route.function]
        try:
            result = function.invoke(event)
        except Exception as error:  # the function crashed: API Gateway answers 502
            self.log(f"  {route.function} raised {type(error).__name__}: {error}")
            return self.responses.answer(
                "INTEGRATION_FAILURE", request_id, "Internal server error", route.function
            )
        answer = proxy_answer(result, route.function)
        if answer is None:
            self.log(f"  {route.function} returned a malformed proxy response")
            return self.responses.answer(
                "DEFAULT_5XX", request_id, "Internal server error", route.function, status=502
            )
        return answer

    def _metered(
        self,
        route: Route,
        method: str,
        headers: list[tuple[str, str]],
        authorized: Authorized | None,
        request_id: str,
    ) -> Answer | None:
        """API Gateway's answer if the request's API key is not in a usage plan of the stage
        (INVALID_API_KEY) or a bucket it draws on is empty (THROTTLED); else None."""
        usage = None
        if route.api_key_required:
            if self.template.api_key_source == "AUTHORIZER":
                value = authorized.usage_identifier_key if authorized else None
            else:
                value = header(headers, "X-API-Key")
            usage = self.api_keys.metering(value)
            if usage is None:
                return self.responses.answer("INVALID_API_KEY", request_id, "Forbidden")
        if not self.rate_limits.admit(method, route.path, usage):
            return self.responses.answer("THROTTLED", request_id, "Too Many Requests")
        return None

    def _find_route(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        """As API Gateway: the most specific resource the path matches (a literal segment
        beats a {parameter}), then the method on it; no other resource is tried."""
        matching = [(route, route.match(path)) for route in self.template.routes]
        resources = {route.path for route, parameters in matching if parameters is not None}
        if not resources:
            return None, {}
        resource = min(resources, key=lambda candidate: (candidate.count("{"), candidate))
        for route, parameters in matching:
            if route.path == resource and route.method == method and parameters is not None:
                return route, {name: unquote(value) for name, value in parameters.items()}
        return None, {}


def _log_with_timestamp(line: str) -> None:
    """One line on stderr, starting with the time in UTC (ISO 8601, milliseconds)."""
    moment = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    print(f"{moment} {line}", file=sys.stderr, flush=True)
