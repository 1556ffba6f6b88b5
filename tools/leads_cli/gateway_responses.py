"""API Gateway's own answers, those no function gives, as template.yaml customises them."""

import json
from typing import Any

from leads_cli.http_message import Answer
from leads_domain.http.answers import error_body

_DEFAULT_STATUS = {
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "UNAUTHORIZED": 401,
    "ACCESS_DENIED": 403,
    "INVALID_API_KEY": 403,
    "REQUEST_TOO_LARGE": 413,
    "AUTHORIZER_FAILURE": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "THROTTLED": 429,
    "QUOTA_EXCEEDED": 429,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 500,
}


class GatewayResponses:
    """The template's gateway responses (AWS::ApiGateway::GatewayResponse), by response type."""

    def __init__(self, specs: dict[str, dict[str, Any]]) -> None:
        self._specs = specs

    def answer(
        self,
        response_type: str,
        request_id: str,
        message: str,
        function: str = "-",
        status: int | None = None,
    ) -> Answer:
        """API Gateway's own answer of this type, as template.yaml customises it."""
        default_status = _DEFAULT_STATUS.get(response_type, 500)
        spec = self._specs.get(response_type) or self._specs.get(
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


def refusal(status: int, code: str, message: str, request_id: str) -> Answer:
    """An answer in the API's error shape for what no gateway response type covers (a request
    too long to read): a fixed message, never anything the client sent."""
    body = error_body("invalid_request_error", code, message, None, request_id)
    return Answer(status, [("Content-Type", "application/json")], json.dumps(body).encode())
