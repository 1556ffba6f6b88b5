"""A progress bar on stderr: rows done of all, rows per second, time left.

On a terminal it redraws one line; elsewhere (a log, a pipe) it writes a line at most every few
seconds, so that a long import leaves a readable record rather than thousands of updates.
"""

import sys
import time
from typing import TextIO

WIDTH = 30
LOG_EVERY_SECONDS = 5.0


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, unit: str = "rows") -> None:
        self.total = total
        self.done = 0
        self.unit = unit
        self._stream = stream or sys.stderr
        self._terminal = self._stream.isatty()
        self._started = time.monotonic()
        self._shown_at = -LOG_EVERY_SECONDS

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self._terminal or now - self._shown_at >= LOG_EVERY_SECONDS or self.finished:
            self._shown_at = now
            self._show(now)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def rate(self) -> float:
        elapsed = time.monotonic() - self._started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        share = self.done / self.total if self.total else 1.0
        filled = round(WIDTH * share)
        left = (self.total - self.done) / rate if rate > 0 else None
        eta = "--:--" if left is None else _clock(left)
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done:,}/{self.total:,} {self.unit} "
            f"{share:4.0%}  {rate:,.0f} {self.unit}/s  {eta} left"
        )

    def close(self) -> None:
        if self._terminal:
            self._stream.write("\n")
            self._stream.flush()

    def _show(self, now: float) -> None:
        text = self.line(now)
        if self._terminal:
            self._stream.write("\r" + text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes:02}:{seconds:02}"
