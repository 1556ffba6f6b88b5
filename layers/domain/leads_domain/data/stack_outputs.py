"""A deployed stack's outputs (CloudFormation), as the `leads` CLI finds the stack's tables, API
and usage plans by them. No function calls this."""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.container import once_per_container
from leads_domain.data.clients import CLIENT_CONFIG, error_code, session
from leads_domain.errors import ManagementFailed


@once_per_container
def cloudformation() -> Any:
    return session().create_client("cloudformation", config=CLIENT_CONFIG)


def stack_outputs(stack: str) -> dict[str, str]:
    """Output key -> value of the stack."""
    try:
        stacks = cloudformation().describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        raise ManagementFailed(f"stack {stack}: {error_code(error)} {message}".strip()) from error
    except BotoCoreError as error:
        raise ManagementFailed(f"stack {stack}: {error}") from error
    return {
        output["OutputKey"]: str(output["OutputValue"]) for output in stacks[0].get("Outputs", [])
    }
