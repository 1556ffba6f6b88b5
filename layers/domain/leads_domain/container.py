"""What a Lambda container makes once, on first use, and keeps for every later invocation.

Settings, clients and configured utilities are made lazily (nothing at import time that a test
would have to reload a module to undo) and all registered here, so a test, the benchmark or the
CLI that changes the environment forgets every one of them with one call.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

_UNSET: Any = object()
_made: list["Once[Any]"] = []


class Once[T]:
    """``factory()``, called on first use only (two first uses at once may both call it, and
    one result wins: harmless for what is kept here)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._value: T = _UNSET
        update_wrapper(self, factory)

    def __call__(self) -> T:
        if self._value is _UNSET:
            self._value = self._factory()
        return self._value

    def forget(self) -> None:
        self._value = _UNSET

    def use(self, value: T) -> None:
        """Keep ``value`` instead of making one (a test's instrumented client, say)."""
        self._value = value


def once_per_container[T](factory: Callable[[], T]) -> Once[T]:
    made = Once(factory)
    _made.append(made)
    return made


def forget_all() -> None:
    """Drop everything made so far, as a new container would start."""
    for made in _made:
        made.forget()
