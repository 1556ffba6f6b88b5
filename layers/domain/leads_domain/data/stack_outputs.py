"""A deployed stack's outputs (CloudFormation), as the `leads` CLI finds the stack's tables, API
and usage plans by them. No function calls this. Failures are the SDK's own, for the CLI to
explain (no region, no credentials, no such stack)."""

from typing import Any

from leads_domain.container import once_per_container
from leads_domain.data.clients import CLIENT_CONFIG, session


@once_per_container
def cloudformation() -> Any:
    return session().create_client("cloudformation", config=CLIENT_CONFIG)


def stack_outputs(stack: str) -> dict[str, str]:
    """Output key -> value of the stack."""
    outputs = cloudformation().describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    return {output["OutputKey"]: str(output["OutputValue"]) for output in outputs}
