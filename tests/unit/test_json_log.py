"""The authorizer's log lines (leads_domain.json_log) have the shape of every other function's
Powertools Logger lines, without importing Powertools."""

import json
import re
import uuid
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from leads_cli.lambda_context import LambdaContext
from leads_domain.json_log import JsonLogger

TRACE = "Root=1-65a4f1e8-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> str:
    # A service of its own per test: a logger's handler keeps the stdout it was made with.
    name = f"json-log-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", name)
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
    return name


def lines(capsys: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def log_twice(logger: Any) -> None:
    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> None:
        logger.info("Key accepted", extra={"key_id": "key_1", "mode": "test"})
        logger.debug("not at INFO")

    handler({}, LambdaContext("authorizer"))
    handler({}, LambdaContext("authorizer"))


def test_lines_have_the_keys_of_powertools_logger(service: str, capsys: Any) -> None:
    # Given the same two invocations logged by Powertools' Logger and by JsonLogger
    log_twice(Logger())
    powertools = lines(capsys)
    log_twice(JsonLogger("authorizer"))
    ours = lines(capsys)

    # Then each wrote one line per invocation (DEBUG is below INFO), with the same keys
    assert len(powertools) == len(ours) == 2
    for theirs, mine in zip(powertools, ours, strict=True):
        assert set(mine) == set(theirs)
        # (Powertools' cold start is its process's: an earlier test may have used it.)
        for key in set(mine) - {"timestamp", "location", "function_request_id", "cold_start"}:
            assert mine[key] == theirs[key], key
    # And the invocation's keys: the first cold, the second not
    assert [line["cold_start"] for line in ours] == [True, False]
    first = ours[0]
    assert first["service"] == service
    assert first["xray_trace_id"] == "1-65a4f1e8-0123456789abcdef01234567"
    assert (first["message"], first["key_id"], first["mode"]) == ("Key accepted", "key_1", "test")
    assert first["function_name"] == "authorizer"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}[+-]\d{4}", first["timestamp"])
    assert re.fullmatch(r"handler:\d+", first["location"])


def test_the_level_comes_from_the_environment(
    service: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "WARNING")
    logger = JsonLogger("authorizer")
    logger.info("quiet")
    logger.warning("Usage plan key missing", extra={"key_id": "key_1"})
    assert [line["message"] for line in lines(capsys)] == ["Usage plan key missing"]


def test_lambdas_own_level_applies_when_powertools_is_not_set(
    service: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("POWERTOOLS_LOG_LEVEL")
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
    JsonLogger("authorizer").debug("shown")
    assert [line["level"] for line in lines(capsys)] == ["DEBUG"]


def test_an_exception_is_logged_with_its_name(service: str, capsys: Any) -> None:
    logger = JsonLogger("authorizer")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("Failed")
    (line,) = lines(capsys)
    assert line["exception_name"] == "ValueError"
    assert "ValueError: boom" in line["exception"]
