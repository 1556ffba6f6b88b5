"""What stops a `leads` command, said in one line on stderr with a non-zero exit: the
operator's own mistakes (CommandError), changes that could not be finished (ManagementFailed)
and AWS's or DynamoDB's refusals, never a traceback."""

import argparse
import sys
from collections.abc import Callable

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from leads_domain.errors import ManagementFailed, ServiceUnavailable
from leads_domain.settings import MissingSetting

# Exit codes: 2 for what the operator must pass or set differently, 1 for what failed.
USAGE = 2
FAILED = 1


class CommandError(Exception):
    """A mistake the operator can fix; the message says how."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run(command: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """Run the command; anything known to stop it becomes one line and an exit code."""
    try:
        return int(command(args) or 0)
    except CommandError as error:
        return _say(str(error), error.exit_code)
    except ManagementFailed as error:
        # A change to API Gateway or the keys table failed; the message says what to run.
        return _say(error.message, FAILED)
    except ServiceUnavailable as error:
        # The data layer's answer for clients; the operator needs the cause.
        cause = error.__cause__
        if isinstance(cause, BotoCoreError | ClientError):
            return _say(*explain(cause))
        return _say("DynamoDB could not be used just now; try again.", FAILED)
    except (BotoCoreError, ClientError) as error:
        return _say(*explain(error))
    except MissingSetting as error:
        return _say(f"{error}: pass --endpoint-url URL or --stack NAME", USAGE)


def explain(error: BotoCoreError | ClientError) -> tuple[str, int]:
    """What the operator should know about an AWS error, and the exit code."""
    if isinstance(error, NoRegionError):
        return "no AWS region: pass --region REGION (or set AWS_REGION).", USAGE
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return (
            "no AWS credentials: configure them (aws configure, AWS_PROFILE), or pass "
            "--endpoint-url URL for a local DynamoDB.",
            USAGE,
        )
    if isinstance(error, EndpointConnectionError):
        endpoint = error.kwargs.get("endpoint_url", "the endpoint")
        return (
            f"cannot reach {endpoint}: is it running? (`make run` prints its DynamoDB endpoint.)",
            FAILED,
        )
    if isinstance(error, HTTPClientError):
        return "the connection to DynamoDB failed or timed out; try again.", FAILED
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code == "ResourceNotFoundException":
            return (
                "the keys table does not exist there: pass the endpoint `make run` printed, "
                "or the --stack and --region of a deployed stack.",
                USAGE,
            )
        message = str(error.response.get("Error", {}).get("Message", ""))
        if code == "ValidationError" and "does not exist" in message:
            return f"{message.rstrip('.')}: check --stack and --region.", USAGE
        return f"AWS refused the request ({code or 'no error code'}).", FAILED
    return f"the AWS SDK failed ({type(error).__name__}).", FAILED


def _say(message: str, exit_code: int) -> int:
    print(f"leads: {message}", file=sys.stderr)
    return exit_code
