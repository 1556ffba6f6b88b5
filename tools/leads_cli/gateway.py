"""A local API Gateway (REST API, Lambda proxy integration) driven by template.yaml.

For each request it does what API Gateway does: find the route (else the
MISSING_AUTHENTICATION_TOKEN gateway response), run the TOKEN authorizer (identity header,
validation expression, cache, policy check, context as strings), build the REST proxy event,
call the function's handler in this process, and turn its answer, or its failure, into HTTP.
Every answer API Gateway itself would give uses the template's gateway responses.

A function runs one request at a time, as one Lambda container does; different functions run
concurrently.
"""

import base64
import contextlib
import fnmatch
import importlib.util
import json
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from leads_cli.template import Authorizer, Function, Route, Template

# API Gateway's own payload limit for REST APIs.
MAX_BODY_BYTES = 10 * 1024 * 1024
# Lambda's limit for a synchronous invocation's event.
MAX_EVENT_BYTES = 6 * 1024 * 1024
# API Gateway's limit on the request line and headers together.
MAX_HEADER_BYTES = 10 * 1024
ACCOUNT_ID = "123456789012"
API_ID = "local"
REGION = "us-east-1"


def import_file(path: Path, name: str) -> ModuleType:
    """A handler file as a module of its own name: every function's file is app.py, so they
    cannot share Python's module cache by file name."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function: Function) -> None:
        self.function_name = function.logical_id
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = function.memory_mb
        self.invoked_function_arn = (
            f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function.logical_id}"
        )
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.logical_id}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + function.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One warm container: the handler module imported once, one invocation at a time."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self._lock = threading.Lock()
        module_name, _, self._handler_name = function.handler.rpartition(".")
        path = function.code_uri / f"{module_name.replace('.', '/')}.py"
        self._module = import_file(path, f"local_fn_{function.logical_id}")

    def invoke(self, event: dict[str, Any]) -> Any:
        handler = getattr(self._module, self._handler_name)
        with self._lock:
            return handler(event, LambdaContext(self.function))


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    function: str = "-"


class Gateway:
    def __init__(self, template: Template, log: Any = None) -> None:
        self.template = template
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._apply_environment()
        self.functions = {
            logical_id: LocalFunction(function)
            for logical_id, function in template.functions.items()
        }
        # Pages only the local run serves (the API's documentation): path -> (type, body).
        self.local_pages: dict[str, tuple[str, bytes]] = {}
        # token -> (expires at, authorizer's answer); as API Gateway caches per identity source.
        self._authorizer_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    def _apply_environment(self) -> None:
        """All functions share this process, so they must agree on their environment."""
        merged: dict[str, str] = {}
        for function in self.template.functions.values():
            for name, value in function.environment.items():
                if merged.setdefault(name, value) != value:
                    raise SystemExit(
                        f"functions disagree on {name}; the local run shares one environment"
                    )
        os.environ.update(merged)

    # --- requests -------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> Answer:
        request_id = str(uuid.uuid4())
        split = urlsplit(target)
        path = split.path
        if method == "GET" and path in self.local_pages:
            content_type, page = self.local_pages[path]
            return Answer(200, [("Content-Type", content_type)], page, "local")
        route, path_parameters = self._find_route(method, path)
        if route is None:
            return self.gateway_response(
                "MISSING_AUTHENTICATION_TOKEN", request_id, "Missing Authentication Token"
            )
        if body is not None and len(body) > MAX_BODY_BYTES:
            return self.gateway_response("REQUEST_TOO_LARGE", request_id, "Request Too Long")
        authorizer_context: dict[str, Any] | None = None
        if route.authorizer:
            outcome = self._authorize(
                self.template.authorizers[route.authorizer],
                route,
                method,
                path,
                headers,
                request_id,
            )
            if isinstance(outcome, Answer):
                return outcome
            authorizer_context = outcome
        event = self._proxy_event(
            route,
            method,
            path,
            split.query,
            headers,
            body,
            path_parameters,
            authorizer_context,
            request_id,
        )
        # Only a large body can make the event too large; only then is it worth measuring.
        if body and len(body) > MAX_EVENT_BYTES // 2 and len(json.dumps(event)) > MAX_EVENT_BYTES:
            return self.gateway_response(
                "REQUEST_TOO_LARGE", request_id, "Request Too Long", route.function
            )
        function = self.functions[route.function]
        try:
            result = function.invoke(event)
        except Exception as error:  # the function crashed: API Gateway answers 502
            self.log(f"  {route.function} raised {type(error).__name__}: {error}")
            return self.gateway_response(
                "INTEGRATION_FAILURE", request_id, "Internal server error", route.function
            )
        return self._proxy_answer(result, request_id, route.function)

    def _find_route(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.template.routes:
            if route.method == method:
                parameters = route.match(path)
                if parameters is not None:
                    return route, {name: unquote(value) for name, value in parameters.items()}
        return None, {}

    def _authorize(
        self,
        authorizer: Authorizer,
        route: Route,
        method: str,
        path: str,
        headers: list[tuple[str, str]],
        request_id: str,
    ) -> dict[str, Any] | Answer:
        token = _header(headers, authorizer.header)
        if not token or (
            authorizer.validation_expression
            and not re.search(authorizer.validation_expression, token)
        ):
            return self.gateway_response("UNAUTHORIZED", request_id, "Unauthorized")
        api = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}"
        method_arn = f"{api}/{self.template.stage}/{method}{path}"
        cache_key = (authorizer.name, token)
        cached = self._authorizer_cache.get(cache_key)
        if cached and cached[0] > time.monotonic():
            answer = cached[1]
        else:
            event = {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}
            try:
                answer = self.functions[authorizer.function].invoke(event)
            except Exception as error:
                if str(error) == "Unauthorized":
                    return self.gateway_response("UNAUTHORIZED", request_id, "Unauthorized")
                self.log(f"  {authorizer.function} raised {type(error).__name__}: {error}")
                return self.gateway_response("AUTHORIZER_FAILURE", request_id, "Authorizer failure")
            if not isinstance(answer, dict) or "policyDocument" not in answer:
                return self.gateway_response(
                    "AUTHORIZER_CONFIGURATION_ERROR", request_id, "Authorizer configuration error"
                )
            if authorizer.ttl_seconds > 0:
                self._authorizer_cache[cache_key] = (
                    time.monotonic() + authorizer.ttl_seconds,
                    answer,
                )
        if not _policy_allows(answer["policyDocument"], method_arn):
            return self.gateway_response(
                "ACCESS_DENIED", request_id, "User is not authorized to access this resource"
            )
        context = {name: _as_string(value) for name, value in (answer.get("context") or {}).items()}
        return {**context, "principalId": answer.get("principalId"), "integrationLatency": 0}

    def _proxy_event(
        self,
        route: Route,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        path_parameters: dict[str, str],
        authorizer_context: dict[str, Any] | None,
        request_id: str,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for name, value in headers:
            multi_headers.setdefault(name, []).append(value)
        multi_query: dict[str, list[str]] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(name, []).append(value)
        text, is_base64 = _body_text(body)
        request_context: dict[str, Any] = {
            "resourceId": "local",
            "resourcePath": route.path,
            "httpMethod": method,
            "path": f"/{self.template.stage}{path}",
            "stage": self.template.stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "requestTimeEpoch": int(time.time() * 1000),
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "protocol": "HTTP/1.1",
            "domainName": _header(headers, "Host") or "localhost",
            "identity": {
                "sourceIp": "127.0.0.1",
                "userAgent": _header(headers, "User-Agent"),
            },
        }
        if authorizer_context is not None:
            request_context["authorizer"] = authorizer_context
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {name: values[-1] for name, values in multi_query.items()}
            or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": request_context,
            "body": text,
            "isBase64Encoded": is_base64,
        }

    def _proxy_answer(self, result: Any, request_id: str, function: str) -> Answer:
        if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
            self.log(f"  {function} returned a malformed proxy response")
            return self.gateway_response(
                "DEFAULT_5XX", request_id, "Internal server error", function, status=502
            )
        headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(value)) for value in values)
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        return Answer(result["statusCode"], _deduplicated(headers), payload, function)

    def gateway_response(
        self,
        response_type: str,
        request_id: str,
        message: str,
        function: str = "-",
        status: int | None = None,
    ) -> Answer:
        """API Gateway's own answer of this type, as template.yaml customises it."""
        default_status = _DEFAULT_STATUS.get(response_type, 500)
        spec = self.template.gateway_responses.get(
            response_type
        ) or self.template.gateway_responses.get(
            "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX", {}
        )
        status = status or int(spec.get("StatusCode", default_status))
        template = (spec.get("ResponseTemplates") or {}).get("application/json")
        if template is None:
            body = json.dumps({"message": message})
        else:
            body = (
                template.replace("$context.requestId", request_id)
                .replace("$context.error.messageString", json.dumps(message))
                .replace("$context.error.message", message)
                .replace("$context.error.responseType", response_type)
            )
        headers = [("Content-Type", "application/json")]
        for name, value in (spec.get("ResponseParameters") or {}).items():
            if name.startswith("gatewayresponse.header."):
                headers.append((name.removeprefix("gatewayresponse.header."), value.strip("'")))
        return Answer(status, headers, body.encode(), function)


_DEFAULT_STATUS = {
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "REQUEST_TOO_LARGE": 413,
    "AUTHORIZER_FAILURE": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "THROTTLED": 429,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 500,
}


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    found = None
    for key, value in headers:
        if key.lower() == name.lower():
            found = value
    return found


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body_text(body: bytes | None) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        # Not text: hand it over base64-encoded, as API Gateway does with binary payloads.
        return base64.b64encode(body).decode(), True


def _policy_allows(policy: dict[str, Any], method_arn: str) -> bool:
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


def _deduplicated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for header in headers:
        if header not in seen:
            seen.add(header)
            unique.append(header)
    return unique


class _Handler(BaseHTTPRequestHandler):
    server: "LocalApiServer"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm holds the
    # body until the client's delayed ACK, ~40 ms per request on a kept-alive connection.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        started = time.perf_counter()
        answer = self._too_large_or_malformed()
        if answer is None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            answer = self.server.gateway.handle(
                self.command, self.path, list(self.headers.items()), body
            )
        else:
            # The body was not read: this connection cannot carry another request.
            self.close_connection = True
        self._send(answer)
        elapsed = (time.perf_counter() - started) * 1000
        path = urlsplit(self.path).path
        self.server.gateway.log(
            f"{self.command} {path} {answer.status} {elapsed:.1f}ms {answer.function}"
        )

    def _too_large_or_malformed(self) -> Answer | None:
        """What API Gateway answers before any route is looked at, if anything."""
        gateway = self.server.gateway
        header_bytes = len(self.requestline) + sum(
            len(name) + len(value) for name, value in self.headers.items()
        )
        if header_bytes > MAX_HEADER_BYTES:
            return gateway.gateway_response(
                "REQUEST_TOO_LARGE", str(uuid.uuid4()), "Request Too Long"
            )
        if self.headers.get("Transfer-Encoding"):
            # Bodies must say their length up front; chunked uploads are not taken.
            return gateway.gateway_response(
                "DEFAULT_4XX", str(uuid.uuid4()), "Length Required", status=411
            )
        lengths = self.headers.get_all("Content-Length") or ["0"]
        length = lengths[0]
        if len(set(lengths)) > 1 or not length.isdigit():
            return gateway.gateway_response(
                "DEFAULT_4XX", str(uuid.uuid4()), "Invalid Content-Length", status=400
            )
        if int(length) > MAX_BODY_BYTES:
            return gateway.gateway_response(
                "REQUEST_TOO_LARGE", str(uuid.uuid4()), "Request Too Long"
            )
        return None

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a request line or header too long, too many headers,
        a malformed request) in the API's error shape, as API Gateway would answer them. A
        method no route has (TRACE, a lower-case verb) is a route API Gateway does not know."""
        if code == HTTPStatus.NOT_IMPLEMENTED:
            answer = self.server.gateway.gateway_response(
                "MISSING_AUTHENTICATION_TOKEN", str(uuid.uuid4()), "Missing Authentication Token"
            )
        else:
            answer = self.server.gateway.gateway_response(
                "DEFAULT_4XX" if code < 500 else "DEFAULT_5XX",
                str(uuid.uuid4()),
                message or "Bad Request",
                status=code,
            )
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may already have gone
            self._send(answer)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request comes from _serve


class LocalApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Python's default backlog of 5 resets connections when many clients arrive at once.
    request_queue_size = 128

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.gateway = gateway
        super().__init__((host, port), _Handler)
