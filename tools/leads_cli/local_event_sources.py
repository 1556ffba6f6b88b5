"""The template's event source mappings, started for the local run: a stream mapping or a
queue mapping for each, invoking the same warm functions the local API Gateway calls."""

from collections.abc import Callable
from typing import Protocol

from leads_cli.local_dynamodb import Endpoints
from leads_cli.local_functions import LocalFunction
from leads_cli.local_queue import LocalQueueMapping
from leads_cli.local_stream import LocalStreamMapping
from leads_cli.local_wakeup import Wakeups
from leads_cli.template import Template


class Running(Protocol):
    def stop(self) -> None: ...


def start_event_sources(
    template: Template,
    functions: dict[str, LocalFunction],
    endpoints: Endpoints,
    log: Callable[[str], None],
    wakeups: Wakeups,
) -> list[Running]:
    running: list[Running] = []
    for mapping in template.event_source_mappings:
        kind = LocalStreamMapping if mapping.kind == "stream" else LocalQueueMapping
        function = functions[mapping.function]
        started = kind(mapping, function, endpoints, template, log, wakeups.subscribe()).start()
        running.append(started)
    return running
