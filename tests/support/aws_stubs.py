"""A deployed stack for the `leads` CLI's --stack path, without an AWS account: CloudFormation
and API Gateway stubbed at the client (botocore's Stubber: each test says which calls it
expects, in order, with which parameters, and what AWS answers), DynamoDB in moto."""

from typing import Any

import botocore.session
from botocore.stub import ANY, Stubber

from leads_domain.data import api_gateway, stack_outputs

STACK = "leads-api-test"
REST_API_ID = "a1b2c3d4e5"
STAGE = "prod"
PLAN_IDS = {"test": "plan_test", "live": "plan_live", "large": "plan_large"}
OUTPUTS = {
    "LeadsTableName": "LeadsTable",
    "ApiKeysTableName": "ApiKeysTable",
    "IdempotencyTableName": "IdempotencyTable",
    "RestApiId": REST_API_ID,
    "StageName": STAGE,
    "TestModeUsagePlanId": PLAN_IDS["test"],
    "LiveModeUsagePlanId": PLAN_IDS["live"],
    "LargeUsagePlanId": PLAN_IDS["large"],
}


class Captured:
    """An expected parameter that matches anything and keeps what it matched."""

    value: Any = None

    def __eq__(self, other: object) -> bool:
        self.value = other
        return True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(self)


def api_key_name(account: str, mode: str) -> str:
    return f"leads/{REST_API_ID}/{STAGE}/{account}/{mode}"


class DeployedStack:
    """The stubbed clients, installed where leads_domain's data access makes them."""

    def __init__(self, monkeypatch: Any, outputs: dict[str, str] | None = None) -> None:
        session = botocore.session.get_session()
        self.cloudformation = session.create_client("cloudformation", region_name="us-east-1")
        self.apigateway = session.create_client("apigateway", region_name="us-east-1")
        self.stack_calls = Stubber(self.cloudformation)
        self.calls = Stubber(self.apigateway)
        self.outputs = OUTPUTS if outputs is None else outputs
        monkeypatch.setattr(stack_outputs, "cloudformation", lambda: self.cloudformation)
        monkeypatch.setattr(api_gateway, "apigateway", lambda: self.apigateway)
        self.stack_calls.activate()
        self.calls.activate()

    def close(self) -> None:
        self.stack_calls.deactivate()
        self.calls.deactivate()

    def done(self) -> None:
        """Every expected call was made."""
        self.stack_calls.assert_no_pending_responses()
        self.calls.assert_no_pending_responses()

    # What a command reads first: the stack's outputs.

    def expect_stack(self) -> None:
        outputs = [{"OutputKey": key, "OutputValue": value} for key, value in self.outputs.items()]
        self.stack_calls.add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": STACK,
                        "CreationTime": "2026-01-01T00:00:00Z",
                        "StackStatus": "UPDATE_COMPLETE",
                        "Outputs": outputs,
                    }
                ]
            },
            {"StackName": STACK},
        )

    # API Gateway calls, as leads_domain.data.api_gateway makes them.

    def expect_named_lookup(self, account: str, mode: str, found: tuple[str, str] | None) -> None:
        items = []
        if found:
            name = api_key_name(account, mode)
            items = [{"id": found[0], "value": found[1], "name": name, "enabled": True}]
        self.calls.add_response(
            "get_api_keys",
            {"items": items},
            {"nameQuery": api_key_name(account, mode), "includeValues": True},
        )

    def expect_create_api_key(self, account: str, mode: str, key_id: str) -> Captured:
        """The value sent, once the call is made."""
        value = Captured()
        self.calls.add_response(
            "create_api_key",
            {"id": key_id, "name": api_key_name(account, mode), "enabled": True},
            {
                "name": api_key_name(account, mode),
                "value": value,
                "description": ANY,
                "enabled": True,
            },
        )
        return value

    def expect_get_api_key(self, key_id: str, value: str) -> None:
        self.calls.add_response(
            "get_api_key",
            {"id": key_id, "value": value, "enabled": True},
            {"apiKey": key_id, "includeValue": True},
        )

    def expect_plans_of(self, key_id: str, plans: list[str]) -> None:
        self.calls.add_response(
            "get_usage_plans", {"items": [{"id": plan} for plan in plans]}, {"keyId": key_id}
        )

    def expect_join(self, plan: str, key_id: str) -> None:
        self.calls.add_response(
            "create_usage_plan_key",
            {"id": key_id, "type": "API_KEY"},
            {"usagePlanId": PLAN_IDS[plan], "keyId": key_id, "keyType": "API_KEY"},
        )

    def expect_leave(self, plan: str, key_id: str) -> None:
        self.calls.add_response(
            "delete_usage_plan_key", {}, {"usagePlanId": PLAN_IDS[plan], "keyId": key_id}
        )

    def expect_delete_api_key(self, key_id: str) -> None:
        self.calls.add_response("delete_api_key", {}, {"apiKey": key_id})

    def expect_flush(self) -> None:
        self.calls.add_response(
            "flush_stage_authorizers_cache", {}, {"restApiId": REST_API_ID, "stageName": STAGE}
        )

    def expect_first_key(self, account: str, mode: str, key_id: str, plan: str) -> Captured:
        """What the first key of a tenant costs: its API key made and put in its plan."""
        self.expect_named_lookup(account, mode, None)
        value = self.expect_create_api_key(account, mode, key_id)
        self.expect_plans_of(key_id, [])
        self.expect_join(plan, key_id)
        return value

    def expect_failure(self, operation: str, code: str = "TooManyRequestsException") -> None:
        self.calls.add_client_error(operation, service_error_code=code, http_status_code=429)
