"""What each events/ sample must answer once the example key and lead are seeded
(`leads examples`): the same expectation whether the function runs from the build with the
runtime's Python (tests/packaging) or in SAM's own container (tests/sam_local)."""

import json
from typing import Any

from leads_cli.examples import EXAMPLE_KEY_ID, EXAMPLE_LEAD_ID
from support.events import EVENTS, sample_event


def sample_folders() -> list[str]:
    """Every events/ sample, by the function folder it is for."""
    return sorted(path.stem for path in EVENTS.glob("*.json") if path.name != "env.json")


def _status(response: dict[str, Any]) -> int:
    return int(response["statusCode"])


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def assert_sample_answer(folder: str, response: dict[str, Any]) -> None:
    """events/<folder>.json's answer, from the function's handler return value."""
    if folder == "authorizer":
        assert response["policyDocument"]["Statement"][0]["Effect"] == "Allow"
        assert response["policyDocument"]["Statement"][0]["Resource"] == [
            "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/*/*"
        ]
        assert response["context"] == {
            "account": "acct_example",
            "mode": "test",
            "key_id": EXAMPLE_KEY_ID,
            "scope": "full",
        }
    elif folder == "create_lead":
        assert _status(response) == 201, response
        assert _body(response)["id"].startswith("lead_")
    elif folder == "create_leads_batch":
        assert _status(response) == 200, response
        answer = _body(response)
        assert (answer["created"], answer["failed"]) == (2, 1)
        assert answer["data"][2]["error"]["param"] == "leads[2].annual_revenue"
    elif folder == "delete_lead":
        assert _status(response) == 200, response
        assert _body(response) == {"id": EXAMPLE_LEAD_ID, "deleted": True}
    elif folder == "list_leads":
        assert _status(response) == 200, response
        page = _body(response)
        assert [lead["id"] for lead in page["data"]] == [EXAMPLE_LEAD_ID]
        assert page["total"] == 1
    elif folder in ("get_lead", "update_lead"):
        assert _status(response) == 200, response
        assert _body(response)["id"] == EXAMPLE_LEAD_ID
    elif folder == "upsert_lead":
        # The example lead has the sample's email: it is updated.
        assert _status(response) == 200, response
        assert _body(response)["id"] == EXAMPLE_LEAD_ID
    elif folder == "cors_preflight":
        assert _status(response) == 204, response
        assert (
            response["headers"]["Access-Control-Allow-Origin"]
            == (sample_event("cors_preflight")["headers"]["Origin"])
        )
    elif folder in ("publish_events", "deliver_webhooks"):
        # Every record taken: three events published; the delivery (to the disabled example
        # endpoint) dropped.
        assert response == {"batchItemFailures": []}
    elif folder == "create_webhook_endpoint":
        assert _status(response) == 201, response
        assert _body(response)["secret"].startswith("whsec_")
    elif folder in (
        "list_events",
        "get_event",
        "list_webhook_endpoints",
        "get_webhook_endpoint",
        "update_webhook_endpoint",
        "delete_webhook_endpoint",
    ):
        assert _status(response) == 200, response
    else:
        raise AssertionError(f"no expectation for {folder}: add one")
