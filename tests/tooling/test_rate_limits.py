"""The local run's token buckets (rate_limits.py), on a clock the test moves: API Gateway's
algorithm, a bucket per usage plan key and one per method for the stage."""

from leads_cli.rate_limits import RateLimits, TokenBucket
from leads_cli.template import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_serves_its_burst_then_its_rate():
    clock = Clock()
    bucket = TokenBucket(Throttle(rate=2, burst=3), clock)

    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token at 2 per second
    assert [bucket.take(), bucket.take()] == [True, False]
    clock.now += 60  # never more than the burst
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_each_usage_plan_key_has_its_own_bucket():
    clock = Clock()
    limits = RateLimits(None, clock)
    plan = Throttle(rate=1, burst=2)

    busy = [limits.admit("GET", "/api/crm/lead", ("key_busy", plan)) for _ in range(5)]
    calm = [limits.admit("GET", "/api/crm/lead", ("key_calm", plan)) for _ in range(2)]

    assert busy == [True, True, False, False, False]
    assert calm == [True, True]


def test_the_stage_bucket_is_per_method_and_shared_by_every_key():
    clock = Clock()
    limits = RateLimits(Throttle(rate=1, burst=2), clock)
    plan = Throttle(rate=100, burst=100)

    gets = [limits.admit("GET", "/api/crm/lead", (f"key_{n}", plan)) for n in range(3)]
    post = limits.admit("POST", "/api/crm/lead", ("key_0", plan))

    assert gets == [True, True, False]
    assert post is True


def test_a_route_without_an_api_key_only_meets_the_stage_bucket():
    limits = RateLimits(Throttle(rate=1, burst=1), Clock())
    assert [limits.admit("OPTIONS", "/api/crm/lead", None) for _ in range(2)] == [True, False]
