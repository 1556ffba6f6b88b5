"""How the local run's event source mappings wait: for the embedded server's next write, not
on a fast poll.

Polling every source every 0.1 s cost an idle `leads serve` 12% of a core (122 of 1,000 CPU
ticks in 10 s; 0 without the mappings), and the test suite keeps many local runs up at once.
A mapping still looks every IDLE_SECONDS, for what no write announces: a message whose
visibility timeout ends, or writes to a DynamoDB that the run does not embed.
"""

import threading
from collections.abc import Callable

IDLE_SECONDS = 1.0

# Requests that can give a mapping something to read: writes to a table (its stream) and
# messages sent to a queue. botocore speaks JSON to both, naming the action in X-Amz-Target.
_WRITES = frozenset(
    {
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
        "SendMessage",
        "SendMessageBatch",
    }
)


def is_write(target: str) -> bool:
    """Whether a request with this X-Amz-Target header may feed a mapping."""
    return target.rpartition(".")[2] in _WRITES


class Wakeups:
    """One event per waiting mapping, all set by each write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[threading.Event] = []

    def subscribe(self) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._events.append(event)
        return event

    def notify(self) -> None:
        with self._lock:
            events = list(self._events)
        for event in events:
            event.set()


class MappingThread:
    """The thread a local event source mapping runs in: ``step`` (non-zero when it found work)
    again at once while it finds work, else on the next write (``wakeup``) or after
    IDLE_SECONDS, until ``stop``."""

    def __init__(
        self,
        name: str,
        step: Callable[[], int],
        log: Callable[[str], None],
        wakeup: threading.Event | None,
        *,
        error_wait: float,
    ) -> None:
        self.stopped = threading.Event()
        # Set by the embedded server's writes; without one, a look every IDLE_SECONDS.
        self._wakeup = wakeup or threading.Event()
        self._name, self._step, self._log, self._error_wait = name, step, log, error_wait
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> None:
        self.stopped.set()
        self._wakeup.set()
        self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self.stopped.is_set():
            # Cleared before the step: a write during the step makes the next wait return at once.
            self._wakeup.clear()
            try:
                busy = self._step()
            except Exception as error:  # the local run must keep going; say what happened
                self._log(f"  {self._name}: {type(error).__name__}: {error}")
                self.stopped.wait(self._error_wait)
                continue
            if not busy:
                self._wakeup.wait(IDLE_SECONDS)
