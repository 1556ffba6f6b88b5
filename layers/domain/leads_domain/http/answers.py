"""The API's answers as Lambda proxy responses, with the headers every answer carries."""

import json
from typing import Any, NamedTuple

from leads_domain.cors import allowed_origin
from leads_domain.http.parameters import etag
from leads_domain.http.request import JSON, Request
from leads_domain.logic.rules import VersionedLead
from leads_domain.settings import get_settings

# Answers carry personal data: no cache may keep them, and no browser may sniff them as HTML.
_SAFE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class Answer(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str] = {}


def lead_answer(status: int, result: VersionedLead) -> Answer:
    """A Lead, with the ETag that PATCH and DELETE accept in If-Match."""
    return Answer(status, result.lead, {"ETag": etag(result.version)})


def batch_answer(result: Any, request_id: str | None) -> Answer:
    """A batch's answer (``logic.batches.BatchResult``): one entry per lead sent, the Lead or
    its error in the API's error shape; with ``Idempotent-Replayed: true`` when the answer is
    the one remembered for an earlier attempt with the same Idempotency-Key."""
    data = [
        entry
        if isinstance(entry, dict)
        else error_body(entry.type, entry.code, entry.message, entry.param, request_id)
        for entry in result.entries
    ]
    created = result.created
    body = {"data": data, "created": created, "failed": len(data) - created}
    return Answer(200, body, {"Idempotent-Replayed": "true"} if result.replayed else {})


def error_body(
    type_: str, code: str, message: str, param: str | None, request_id: str | None
) -> dict[str, Any]:
    """The API's one error shape; template.yaml's gateway responses use it too."""
    return {
        "error": {
            "type": type_,
            "code": code,
            "message": message,
            "param": param,
            "request_id": request_id,
        }
    }


def proxy_response(answer: Answer, request: Request) -> dict[str, Any]:
    headers = {"Content-Type": JSON, **_SAFE_HEADERS, **answer.headers, **_cors_headers(request)}
    return {
        "statusCode": answer.status,
        "headers": headers,
        "body": json.dumps(answer.body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _cors_headers(request: Request) -> dict[str, str]:
    if not get_settings().cors_allowed_origins:
        return {}
    origin = allowed_origin(request.header("Origin"))
    if not origin:
        return {"Vary": "Origin"}
    # Browsers hide response headers from scripts unless they are exposed.
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "ETag, Retry-After",
        "Vary": "Origin",
    }
