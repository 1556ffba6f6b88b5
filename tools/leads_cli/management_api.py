"""The few calls of API Gateway's management API that the `leads` CLI makes, answered by the local
run under /_local/apigateway, in API Gateway's own REST shapes: so the CLI changes the local run
exactly as it changes a deployed stage (botocore's client, pointed here by
AWS_ENDPOINT_URL_API_GATEWAY).

API keys and usage plan keys (local_api_keys.py), and FlushStageAuthorizersCache, which drops
the local authorizer's cached answers. Local only: the local run listens on 127.0.0.1 unless
told otherwise, and checks no signature.
"""

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from leads_cli.http_message import Answer
from leads_cli.local_api_keys import BadRequest, Conflict, LocalApiKeys, NotFound
from leads_cli.proxy_event import API_ID
from leads_cli.template import UsagePlan

PREFIX = "/_local/apigateway"

Handler = Callable[[dict[str, str], dict[str, str], dict[str, Any]], tuple[int, Any]]


class ManagementApi:
    def __init__(self, api_keys: LocalApiKeys, stage: str, flush: Callable[[], None]) -> None:
        self._api_keys = api_keys
        self._stage = stage
        self._flush = flush
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"/apikeys"), self._create_api_key),
            ("GET", re.compile(r"/apikeys"), self._get_api_keys),
            ("GET", re.compile(r"/apikeys/(?P<key>[^/]+)"), self._get_api_key),
            ("DELETE", re.compile(r"/apikeys/(?P<key>[^/]+)"), self._delete_api_key),
            ("GET", re.compile(r"/usageplans"), self._get_usage_plans),
            ("POST", re.compile(r"/usageplans/(?P<plan>[^/]+)/keys"), self._add_plan_key),
            (
                "DELETE",
                re.compile(r"/usageplans/(?P<plan>[^/]+)/keys/(?P<key>[^/]+)"),
                self._remove_plan_key,
            ),
            (
                "DELETE",
                re.compile(r"/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)/cache/authorizers"),
                self._flush_authorizers,
            ),
        ]

    def handle(self, method: str, path: str, query: str, body: bytes | None) -> Answer | None:
        """API Gateway's answer to a management call; None if ``path`` is not one."""
        if not path.startswith(PREFIX + "/"):
            return None
        resource = path.removeprefix(PREFIX)
        parameters = {name: values[-1] for name, values in parse_qs(query).items()}
        for route_method, pattern, handler in self._routes:
            found = pattern.fullmatch(resource)
            if route_method == method and found:
                try:
                    payload = json.loads(body) if body else {}
                    status, answer = handler(found.groupdict(), parameters, payload)
                except (BadRequest, ValueError) as error:
                    return _error(400, "BadRequestException", str(error))
                except NotFound as error:
                    return _error(404, "NotFoundException", str(error))
                except Conflict as error:
                    return _error(409, "ConflictException", str(error))
                data = b"" if answer is None else json.dumps(answer).encode()
                return Answer(status, [("Content-Type", "application/json")], data, "apigateway")
        return _error(404, "NotFoundException", "Unknown management call")

    def _create_api_key(self, _: dict[str, str], __: dict[str, str], body: dict[str, Any]):
        key = self._api_keys.create(
            str(body.get("name", "")),
            body.get("value"),
            str(body.get("description", "")),
            bool(body.get("enabled", False)),
        )
        return 201, key.shape(include_value=True)

    def _get_api_keys(self, _: dict[str, str], query: dict[str, str], __: dict[str, Any]):
        values = query.get("includeValues") == "true"
        keys = self._api_keys.named(query.get("name", ""))
        # API Gateway's lists are "item" on the wire (botocore's model calls them items).
        return 200, {"item": [key.shape(values) for key in keys]}

    def _get_api_key(self, path: dict[str, str], query: dict[str, str], _: dict[str, Any]):
        key = self._api_keys.get(path["key"])
        return 200, key.shape(include_value=query.get("includeValue") == "true")

    def _delete_api_key(self, path: dict[str, str], _: dict[str, str], __: dict[str, Any]):
        self._api_keys.delete(path["key"])
        return 202, None

    def _get_usage_plans(self, _: dict[str, str], query: dict[str, str], __: dict[str, Any]):
        plans = self._api_keys.plans_of(query.get("keyId"))
        return 200, {"item": [self._plan_shape(plan) for plan in plans]}

    def _plan_shape(self, plan: UsagePlan) -> dict[str, Any]:
        return {
            "id": plan.logical_id,
            "name": plan.name,
            "apiStages": [{"apiId": API_ID, "stage": self._stage}],
            "throttle": {"rateLimit": plan.throttle.rate, "burstLimit": plan.throttle.burst},
        }

    def _add_plan_key(self, path: dict[str, str], _: dict[str, str], body: dict[str, Any]):
        if body.get("keyType") != "API_KEY":
            raise BadRequest("keyType must be API_KEY")
        key = self._api_keys.add_to_plan(path["plan"], str(body.get("keyId", "")))
        return 201, {"id": key.id, "type": "API_KEY", "name": key.name, "value": key.value}

    def _remove_plan_key(self, path: dict[str, str], _: dict[str, str], __: dict[str, Any]):
        self._api_keys.remove_from_plan(path["plan"], path["key"])
        return 202, None

    def _flush_authorizers(self, path: dict[str, str], _: dict[str, str], __: dict[str, Any]):
        if path["api"] != API_ID or path["stage"] != self._stage:
            raise NotFound("Invalid stage identifier specified")
        self._flush()
        return 202, None


def _error(status: int, code: str, message: str) -> Answer:
    """An error as API Gateway's management API sends it (botocore reads the type header)."""
    return Answer(
        status,
        [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)],
        json.dumps({"message": message}).encode(),
        "apigateway",
    )
