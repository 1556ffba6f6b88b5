"""JSON log lines in the shape of Powertools' Logger, written with the standard library only:
the authorizer's logger.

The authorizer has the tightest cold-start target (1.15x of the floor) and logs two lines per
request. Importing Powertools imports its Logger, Metrics and Tracer together (its package
imports all three) and typing_extensions: in an interleaved A/B of the built authorizer with
bytecode (bench/README.md, "What the authorizer and the operations import"), ~9 ms of CPU and
~13 ms of wall time of a ~250 ms cold start, 0.09-0.11x of the floor. So the authorizer writes
the same keys as every other function's Powertools Logger (level, location, message,
timestamp, service, the Lambda context's keys, cold_start, xray_trace_id and each `extra`),
at the level POWERTOOLS_LOG_LEVEL (or Lambda's AWS_LAMBDA_LOG_LEVEL) sets, on stdout. It never
logs events (POWERTOOLS_LOGGER_LOG_EVENT is "false" for every function anyway).
"""

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

# What a LogRecord carries of its own: anything else in its __dict__ came from `extra=`.
RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
}


def _level() -> str:
    # Powertools' order: its own variable first, then Lambda's advanced logging controls.
    return (
        os.environ.get("POWERTOOLS_LOG_LEVEL") or os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "INFO"
    ).upper()


def _trace_id() -> str | None:
    header = os.environ.get("_X_AMZN_TRACE_ID")
    return header.split(";", 1)[0].removeprefix("Root=") if header else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record: Powertools' standard keys, then the invocation's, then the
    record's extras."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self.invocation: dict[str, Any] = {}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage(),
            "timestamp": self._timestamp(record),
            "service": self.service,
            **self.invocation,
        }
        line.update(
            (name, value)
            for name, value in record.__dict__.items()
            if name not in RECORD_ATTRIBUTES
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
            line["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        line["xray_trace_id"] = _trace_id()
        return json.dumps(
            {name: value for name, value in line.items() if value is not None}, default=str
        )

    @staticmethod
    def _timestamp(record: logging.LogRecord) -> str:
        # Powertools' default: '2026-12-07 09:05:01,123+0000'.
        moment = time.localtime(record.created)
        return (
            f"{time.strftime('%Y-%m-%d %H:%M:%S', moment)},{int(record.msecs):03d}"
            f"{time.strftime('%z', moment)}"
        )


class JsonLogger:
    """``logger.info(message, extra={...})`` and friends, and ``inject_lambda_context`` for the
    handler, as Powertools' Logger offers them."""

    def __init__(self, name: str) -> None:
        service = os.environ.get("POWERTOOLS_SERVICE_NAME") or "service_undefined"
        # A logger of its own under the service's: where several functions share a process
        # (`leads serve`, the tests), Powertools' Logger owns the service's logger itself.
        self._logger = logging.getLogger(f"{service}.{name}")
        self._formatter = JsonFormatter(service)
        if not self._logger.handlers:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(self._formatter)
            self._logger.addHandler(handler)
        self._logger.setLevel(_level())
        self._logger.propagate = False
        self._cold_start = True

    def debug(self, message: str, **kwargs: Any) -> None:
        self._logger.debug(message, stacklevel=2, **kwargs)

    def info(self, message: str, **kwargs: Any) -> None:
        self._logger.info(message, stacklevel=2, **kwargs)

    def warning(self, message: str, **kwargs: Any) -> None:
        self._logger.warning(message, stacklevel=2, **kwargs)

    def exception(self, message: str, **kwargs: Any) -> None:
        self._logger.exception(message, stacklevel=2, **kwargs)

    def inject_lambda_context(
        self, handler: Callable[[Any, Any], Any]
    ) -> Callable[[Any, Any], Any]:
        """Each line of an invocation carries its Lambda context's keys and whether the
        container started cold for it."""

        @wraps(handler)
        def with_context(event: Any, context: Any) -> Any:
            self._formatter.invocation = {
                "cold_start": self._cold_start,
                "function_name": getattr(context, "function_name", None),
                "function_memory_size": getattr(context, "memory_limit_in_mb", None),
                "function_arn": getattr(context, "invoked_function_arn", None),
                "function_request_id": getattr(context, "aws_request_id", None),
            }
            self._cold_start = False
            try:
                return handler(event, context)
            finally:
                self._formatter.invocation = {}

        return with_context
