"""The SCD2 rule as plain Python: the dimension is a pure function of the set of valid events.

Per truck, events are ordered by (event_ts, event_id) and repeated event_ids are dropped. When
several events share an event_ts, the last of them in that order holds the truck's state at that
instant (the others would open versions of zero length). A new version starts at every instant
whose tracked values differ, NULL-safely, from the previous instant's; it lasts until the next
version starts, and the last version is current (effective_to None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import md5
from typing import Any

DEFAULT_TRACKED = ("driver_id", "depot_id", "brake_status", "transmission_status")
NULL_MARK = "~"  # stands for NULL inside the row hash; no tracked value is a bare "~"


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    truck_id: str
    event_ts: datetime
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Version:
    truck_id: str
    values: tuple[Any, ...]
    effective_from: datetime
    effective_to: datetime | None

    @property
    def is_current(self) -> bool:
        return self.effective_to is None


def row_hash(values: Sequence[Any]) -> str:
    """MD5 over the tracked values, as the SQL engine computes it: `~` for NULL, `|` between."""
    return md5("|".join(NULL_MARK if v is None else str(v) for v in values).encode()).hexdigest()


def surrogate_key(truck_id: str, effective_from: datetime) -> str:
    """Deterministic, so an incremental build and a full rebuild give identical keys."""
    return md5(f"{truck_id}|{effective_from:%Y-%m-%d %H:%M:%S}".encode()).hexdigest()


def versions(events: Iterable[Event]) -> list[Version]:
    """All versions of all trucks, ordered by truck and effective_from."""
    unique: dict[str, Event] = {}
    for event in events:
        unique.setdefault(event.event_id, event)
    state_at: dict[str, dict[datetime, tuple[Any, ...]]] = {}
    for event in sorted(unique.values(), key=lambda e: (e.truck_id, e.event_ts, e.event_id)):
        state_at.setdefault(event.truck_id, {})[event.event_ts] = event.values

    result: list[Version] = []
    for truck_id in sorted(state_at):
        starts: list[tuple[datetime, tuple[Any, ...]]] = []
        for instant in sorted(state_at[truck_id]):
            values = state_at[truck_id][instant]
            if not starts or starts[-1][1] != values:
                starts.append((instant, values))
        ends = [instant for instant, _ in starts[1:]] + [None]
        result.extend(
            Version(truck_id, values, instant, end)
            for (instant, values), end in zip(starts, ends, strict=True)
        )
    return result
