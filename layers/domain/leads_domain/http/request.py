"""A REST API proxy event, read the way the operations need it: headers, path, query, body."""

import base64
import binascii
import json
from typing import Any

from leads_domain.errors import InvalidRequest, UnsupportedMediaType
from leads_domain.tenancy import Tenant

JSON = "application/json"


class Request:
    """One API Gateway proxy event. Reading it never touches the network."""

    def __init__(self, event: dict[str, Any], context: Any) -> None:
        self.event = event
        self.lambda_context = context
        # HTTP header names are case-insensitive.
        self._headers = {
            name.lower(): value for name, value in (event.get("headers") or {}).items()
        }
        request_context = event.get("requestContext") or {}
        self.request_id: str | None = request_context.get("requestId")
        self.method: str = event.get("httpMethod") or request_context.get("httpMethod") or ""
        self._authorizer: dict[str, Any] = request_context.get("authorizer") or {}

    def header(self, name: str) -> str | None:
        return self._headers.get(name.lower())

    @property
    def path_id(self) -> str:
        # API Gateway's decoded {id}.
        return (self.event.get("pathParameters") or {}).get("id", "")

    @property
    def path(self) -> str:
        """The request's path, without the stage (/api/crm/lead/...)."""
        return str(self.event.get("path") or "")

    @property
    def authorizer_tenant(self) -> Tenant | None:
        """The tenant the authorizer resolved (its context arrives as strings), or None when
        API Gateway did not run the authorizer (its console's "Test" button)."""
        account, mode = self._authorizer.get("account"), self._authorizer.get("mode")
        return Tenant(account, mode) if account and mode else None

    @property
    def authorizer_scope(self) -> str | None:
        """The key's scope as the authorizer passed it on; None from answers API Gateway cached
        before keys had scopes (every such key is a secret key)."""
        return self._authorizer.get("scope")

    def query(self) -> dict[str, str]:
        """Single-valued query parameters; a repeated one is ambiguous, so it is refused."""
        multi = self.event.get("multiValueQueryStringParameters") or {}
        for name, values in multi.items():
            if len(values) > 1:
                raise InvalidRequest(
                    f"Query parameter '{name[:100]}' is given more than once.", param=name[:100]
                )
        return dict(self.event.get("queryStringParameters") or {})

    def query_lists(self) -> dict[str, list[str]]:
        """Every query parameter with all its values, for the few that may repeat."""
        multi = self.event.get("multiValueQueryStringParameters") or {}
        single = self.event.get("queryStringParameters") or {}
        return {name: list(multi.get(name) or [value]) for name, value in single.items()}

    def json_body(self) -> Any:
        """The JSON body; an absent body is an empty object (no field is required). A body
        must say it is JSON: anything else is refused rather than guessed at."""
        raw = self.event.get("body")
        if raw is None or raw == "":
            return {}
        content_type = self.header("Content-Type") or ""
        if content_type.split(";")[0].strip().lower() != JSON:
            raise UnsupportedMediaType(
                "Send the body as JSON with 'Content-Type: application/json'.",
                param="Content-Type",
            )
        try:
            if self.event.get("isBase64Encoded"):
                raw = base64.b64decode(raw, validate=True).decode("utf-8")
            return json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError, binascii.Error):
            # ValueError covers bad JSON and bytes that are not UTF-8.
            raise InvalidRequest(
                "The request body is not valid JSON.", code="body_invalid_json"
            ) from None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser would accept them.
    raise ValueError(f"{name} is not valid JSON")
