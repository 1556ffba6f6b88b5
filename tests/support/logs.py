"""What the functions log, captured: Powertools' JSON lines, anything printed, and every record
that reaches the root logger."""

import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leads_domain import observability


class LogOutput:
    """What the functions log: Powertools' JSON lines on stdout, anything else printed, and
    every record that reaches the root logger."""

    def __init__(self, stream: io.StringIO, capsys: Any, caplog: Any) -> None:
        self._stream = stream
        self._capsys = capsys
        self._caplog = caplog
        self._printed = ""

    def powertools_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self._stream.getvalue().splitlines() if line]

    def text(self, *, exclude: tuple[str, ...] = ()) -> str:
        """Everything logged, as one text; ``exclude``: root-logger names to leave out."""
        captured = self._capsys.readouterr()
        self._printed += captured.out + captured.err
        records = [
            f"{record.name} {record.levelname} {record.getMessage()} "
            f"{json.dumps(record.__dict__, default=str)}"
            for record in self._caplog.records
            if not record.name.startswith(exclude)
        ]
        return "\n".join([self._stream.getvalue(), self._printed, *records])


def capture_logs(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, caplog: Any
) -> Iterator[Callable[..., LogOutput]]:
    """log_output(level="DEBUG"): start capturing the functions' logs at this level. Call it
    after the functions are loaded (their Powertools Logger then exists)."""
    restore: list[tuple[logging.Logger, int]] = []

    def start(level: str = "DEBUG") -> LogOutput:
        monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", level)
        stream = io.StringIO()
        # The service's logger (Powertools'), as the functions' shared one was made (an earlier
        # test may have loaded it under the template's service name), and the authorizer's own
        # beneath each (json_log.py).
        services = {os.environ["POWERTOOLS_SERVICE_NAME"], observability.logger.name}
        owned = [
            logger
            for name, logger in logging.Logger.manager.loggerDict.items()
            if isinstance(logger, logging.Logger)
            and any(name == service or name.startswith(f"{service}.") for service in services)
        ]
        assert any(logger.handlers for logger in owned), (
            "load the functions first: their loggers own these handlers"
        )
        for logger in owned:
            restore.append((logger, logger.level))
            logger.setLevel(level)
            for handler in logger.handlers:
                # The loggers' own (not pytest's capture handlers, StreamHandlers too).
                if type(handler) is logging.StreamHandler:
                    monkeypatch.setattr(handler, "stream", stream)
        caplog.set_level(level)
        capsys.readouterr()
        return LogOutput(stream, capsys, caplog)

    yield start
    for logger, level in reversed(restore):
        logger.setLevel(level)
