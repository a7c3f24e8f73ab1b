"""Firehose's buffering hints: a buffer is delivered once it holds the size hint or its oldest
record has waited the interval hint, whichever comes first.

A buffer never grows past its size hint: a record that would take it over closes the buffer first,
so what is delivered at once is at most the hint (a lone record larger than the hint goes alone).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from fleetctl.errors import ConfigError

T = TypeVar("T")
Clock = Callable[[], float]
BYTES_PER_MB = 1_000_000  # Firehose's MB, as in fleetctl.lambdas.events.BatchLimits


@dataclass(frozen=True)
class BufferHints:
    size_mb: float
    interval_s: float

    @property
    def size_bytes(self) -> int:
        return int(self.size_mb * BYTES_PER_MB)

    @classmethod
    def from_settings(
        cls, size_mb: float, interval_s: float, key: str, size_range_mb: tuple[float, float]
    ) -> BufferHints:
        """Hints from the settings under `key` (`…buffer_mb`, `…buffer_interval_s`), checked."""
        low, high = size_range_mb
        if not low <= size_mb <= high:
            raise ConfigError(f"{key}_mb must be within {low}..{high}, got {size_mb}")
        if interval_s < 0:
            raise ConfigError(f"{key}_interval_s must be >= 0, got {interval_s}")
        return cls(size_mb, interval_s)


class Buffer(Generic[T]):
    """Items and their byte sizes, with the time the oldest arrived (on a monotonic clock)."""

    def __init__(self, hints: BufferHints, clock: Clock = time.monotonic) -> None:
        self.hints = hints
        self.items: list[T] = []
        self.bytes = 0
        self._clock = clock
        self._oldest_s: float | None = None

    def __len__(self) -> int:
        return len(self.items)

    def would_overflow(self, size: int) -> bool:
        return bool(self.items) and self.bytes + size > self.hints.size_bytes

    def add(self, item: T, size: int) -> None:
        if self._oldest_s is None:
            self._oldest_s = self._clock()
        self.items.append(item)
        self.bytes += size

    @property
    def full(self) -> bool:
        return self.bytes >= self.hints.size_bytes

    @property
    def expired(self) -> bool:
        if self._oldest_s is None:
            return False
        return self._clock() - self._oldest_s >= self.hints.interval_s

    def take(self) -> list[T]:
        """Empty the buffer, returning what it held in arrival order."""
        items = self.items
        self.items, self.bytes, self._oldest_s = [], 0, None
        return items
