"""`simulate --shard K/N`: which part of the single-machine output shard K of N generates.

Telemetry: shard K takes a contiguous slice of the trucks, `[(K-1)·T/N, K·T/N)` rounded down, so
its readings are the whole run's readings of those trucks, byte for byte (each truck draws from its
own random stream). Clickstream is one random stream for the whole site, so every shard runs it
all and keeps the clicks whose event-time second (since the epoch) is K-1 modulo N.

Merging the shards' output per stream by `event_ts`, equal times in shard order (1 first; a
stable merge such as Python's `heapq.merge(*shards, key=event_ts)`), gives exactly the unsharded
output: at one instant, telemetry holds the trucks in index order, which is shard order, and every
click of one second comes from one shard, in the order it generated them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fleetctl.errors import InputError

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    number: int = 1  # K, from 1
    count: int = 1  # N

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.match(text)
        if match is None or not 1 <= int(match[1]) <= int(match[2]):
            raise InputError(f"--shard must be K/N with 1 <= K <= N, e.g. 2/8; got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @property
    def whole(self) -> bool:
        return self.count == 1

    def trucks(self, fleet: int) -> range:
        """Indexes of this shard's trucks in a fleet of `fleet`."""
        return range((self.number - 1) * fleet // self.count, self.number * fleet // self.count)

    def owns_second(self, epoch_second: int) -> bool:
        """Whether the clicks of this event-time second are this shard's."""
        return epoch_second % self.count == self.number - 1

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"
