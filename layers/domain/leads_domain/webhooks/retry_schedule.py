"""When a failed webhook delivery is tried again: exponential backoff with jitter, within a
window (3 days by default), after which the delivery is dead-lettered.

Each wait is applied as the SQS message's visibility timeout (ChangeMessageVisibility): SQS
lets a received message stay invisible for up to 12 hours, where a message's DelaySeconds
stops at 15 minutes, so the waits grow to 12 hours at most (less a margin for the attempt
that sets it). The jitter spreads retries of many deliveries that failed together (an
endpoint that was down) instead of sending them back all at once.
"""

import random
from dataclasses import dataclass

# SQS: a received message's visibility may be extended to 12 hours from its receipt; the
# margin covers the time the delivery attempt itself took before setting it.
MAX_VISIBILITY_SECONDS = 12 * 60 * 60 - 120


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    first_seconds: int  # the wait before the first retry (at most; jitter takes up to half)
    max_seconds: int  # no wait is longer
    window_seconds: int  # from the first attempt: no retry after this

    def next_wait(
        self, failed_attempts: int, elapsed_seconds: float, rng: random.Random | None = None
    ) -> int | None:
        """Seconds to wait before the next attempt, after ``failed_attempts`` failures and
        ``elapsed_seconds`` since the first attempt; None when the window is spent."""
        remaining = self.window_seconds - elapsed_seconds
        if remaining < 1:
            return None
        ceiling = min(self.max_seconds, MAX_VISIBILITY_SECONDS)
        exponent = min(max(failed_attempts, 1) - 1, 32)
        wait = min(ceiling, self.first_seconds * 2**exponent)
        # "Equal jitter": at least half the wait, so that retries still back off.
        jittered = (rng or random).uniform(wait / 2, wait)
        # The last retry falls at the window's end rather than past it.
        return max(1, round(min(jittered, remaining)))

    def most_attempts(self) -> int:
        """How many attempts the schedule can make at most (every wait at its shortest): the
        queue's maxReceiveCount must exceed it, so that SQS never dead-letters a delivery the
        schedule still means to retry."""
        attempts, elapsed = 1, 0.0
        while True:
            ceiling = min(self.max_seconds, MAX_VISIBILITY_SECONDS)
            wait = min(ceiling, self.first_seconds * 2 ** min(attempts - 1, 32)) / 2
            if self.window_seconds - elapsed < 1:
                return attempts
            elapsed += max(1, round(min(wait, self.window_seconds - elapsed)))
            attempts += 1
