"""The webhook retry schedule: exponential waits with jitter, none over SQS's 12 hours, none
past the window; the queue's redrive count above the most attempts it makes."""

import itertools
import random

from leads_cli import template as template_module
from leads_cli.main import LOCAL_PARAMETERS
from leads_domain.webhooks.retry_schedule import MAX_VISIBILITY_SECONDS, RetrySchedule

DAY = 24 * 60 * 60


def template_schedule(parameters: dict[str, str]) -> RetrySchedule:
    return RetrySchedule(
        int(parameters["WebhookRetryFirstSeconds"]),
        int(parameters["WebhookRetryMaxSeconds"]),
        int(parameters["WebhookRetryWindowSeconds"]),
    )


def run(schedule: RetrySchedule, seed: int) -> list[int]:
    rng, waits, elapsed = random.Random(seed), [], 0.0
    while (wait := schedule.next_wait(len(waits) + 1, elapsed, rng)) is not None:
        waits.append(wait)
        elapsed += wait
    return waits


def test_the_default_schedule_backs_off_for_three_days_within_sqs_limits():
    schedule = template_schedule(template_module.load().parameters)
    assert schedule == RetrySchedule(60, 43200, 3 * DAY)
    for seed in range(20):
        waits = run(schedule, seed)
        assert 30 <= waits[0] <= 60
        # Backing off (each wait at least half the one before), but for the last, which is
        # cut to the window's end.
        assert all(later >= earlier / 2 for earlier, later in itertools.pairwise(waits[:-1]))
        assert max(waits) <= MAX_VISIBILITY_SECONDS
        assert sum(waits) == 3 * DAY, "the last retry falls at the window's end"
        assert 12 <= len(waits) + 1 <= schedule.most_attempts()


def test_jitter_spreads_retries():
    schedule = RetrySchedule(60, 43200, 3 * DAY)
    assert len({tuple(run(schedule, seed)[:4]) for seed in range(10)}) > 1


def test_the_local_run_retries_within_five_seconds():
    schedule = template_schedule(LOCAL_PARAMETERS)
    assert all(run(schedule, seed)[0] <= 5 for seed in range(20))


def test_the_queue_never_dead_letters_a_delivery_the_schedule_still_retries():
    queue = template_module.read_raw()["Resources"]["WebhookDeliveryQueue"]["Properties"]
    most = int(queue["RedrivePolicy"]["maxReceiveCount"])
    for parameters in (template_module.load().parameters, LOCAL_PARAMETERS):
        assert template_schedule(parameters).most_attempts() < most


def test_no_wait_once_the_window_is_spent():
    schedule = RetrySchedule(1, 10, 100)
    assert schedule.next_wait(3, 100) is None
    assert schedule.next_wait(3, 99.5) is None
    assert schedule.next_wait(30, 95) == 5
