"""API Gateway's throttling as the local run applies it: token buckets, one per usage plan key
(each tenant's, at its plan's rate and burst) and one per method for the stage's own throttle,
all from template.yaml's parameters.

A bucket holds at most ``burst`` tokens and gains ``rate`` per second; a request takes one, or
is throttled (429) when there is none, as API Gateway's token bucket algorithm does.
"""

import threading
import time
from collections.abc import Callable

from leads_cli.template import Throttle


class TokenBucket:
    def __init__(self, throttle: Throttle, clock: Callable[[], float]) -> None:
        self._throttle = throttle
        self._clock = clock
        self._tokens = float(throttle.burst)
        self._updated = clock()

    def take(self) -> bool:
        """One token if there is one (True), else nothing taken (False)."""
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._throttle.burst, self._tokens + elapsed * self._throttle.rate)
        self._updated = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class RateLimits:
    """Every bucket of the local run, made on first use. Safe to share between threads."""

    def __init__(
        self, stage_throttle: Throttle | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stage_throttle = stage_throttle
        self._clock = clock
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}
        self._lock = threading.Lock()

    def admit(self, method: str, resource: str, usage: tuple[str, Throttle] | None) -> bool:
        """Whether a request to ``method`` ``resource`` may pass: the stage's bucket for that
        method, then, for a metered route, the bucket of ``usage`` = (API key id, its plan's
        throttle)."""
        wanted: list[tuple[tuple[str, ...], Throttle]] = []
        if self._stage_throttle:
            wanted.append((("stage", method, resource), self._stage_throttle))
        if usage:
            key_id, throttle = usage
            wanted.append((("key", key_id, str(throttle)), throttle))
        with self._lock:
            return all(self._bucket(name, throttle).take() for name, throttle in wanted)

    def _bucket(self, name: tuple[str, ...], throttle: Throttle) -> TokenBucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = TokenBucket(throttle, self._clock)
        return bucket
