"""The event-time window a report covers (`--from`, `--to`) and the timestamp text reports use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fleetctl.errors import InputError

TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SQL_TS_FORMAT = "%Y-%m-%d %H:%M:%S"
# bounds standing in for "no limit", so every query has the same bound parameters
EARLIEST = datetime(1970, 1, 1)
LATEST = datetime(9999, 12, 31)


def parse_instant(text: str, flag: str) -> datetime:
    """An ISO-8601 instant or date as naive UTC (the warehouse's TIMESTAMP_NTZ); no offset = UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag}: not an ISO-8601 timestamp: {text!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@dataclass(frozen=True)
class Window:
    """Event time from `start` (inclusive) to `end` (exclusive); None is unbounded."""

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Window:
        window = cls(
            parse_instant(start, "--from") if start else None,
            parse_instant(end, "--to") if end else None,
        )
        if window.start and window.end and window.end <= window.start:
            raise InputError("--to must be later than --from")
        return window

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None

    def params(self) -> dict[str, Any]:
        return {
            "from_ts": (self.start or EARLIEST).strftime(SQL_TS_FORMAT),
            "to_ts": (self.end or LATEST).strftime(SQL_TS_FORMAT),
        }

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )

    def document(self) -> dict[str, str | None]:
        return {"from": iso(self.start), "to": iso(self.end)}


def iso(moment: datetime | None) -> str | None:
    """`2026-11-27T10:15:00Z`: the record contract's spelling of a UTC instant."""
    return None if moment is None else moment.strftime(TS_FORMAT)


def parse_iso(text: str) -> datetime:
    """The contract's `YYYY-MM-DDTHH:MM:SSZ` back to naive UTC."""
    return datetime.strptime(text, TS_FORMAT)
