"""The Lambda context object, outside Lambda: for the local run, the tests and the benchmark.

Standard library only: the packaging test and the cold-start benchmark load this file by path
into a bare runtime Python that has nothing but a function's folder and the layer.
"""

import time
import uuid

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


class LambdaContext:
    """The parts of Lambda's context that handlers and Powertools read. Each invocation gets a
    context of its own: a fresh request id, and a deadline ``timeout_seconds`` from now."""

    def __init__(
        self, function_name: str = "local", memory_mb: int = 512, timeout_seconds: float = 15
    ) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
