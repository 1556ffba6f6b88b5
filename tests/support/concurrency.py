"""Running work from many threads at exactly the same moment."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def all_at_once[T](count: int, work: Callable[[int], T]) -> list[T]:
    """``work(0..count-1)`` in ``count`` threads, released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(n: int) -> T:
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
