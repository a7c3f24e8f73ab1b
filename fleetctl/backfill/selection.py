"""Which recorded lines a backfill sends, and to which stream.

A line that parses as a contract record goes to its stream (telemetry has a `truck_id`) when it
falls inside `--from`/`--to` (event time, `from` inclusive, `to` exclusive) and, with `--trucks`,
belongs to one of those trucks (clickstream is then left out). A line that does not parse is sent
all the same, to the stream of the line before it, so the handler rejects it into RAW.REJECTED
with its reason instead of it vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from fleetctl.errors import InputError

CONTRACT_TS = "%Y-%m-%dT%H:%M:%SZ"


def parse_instant(text: str, option: str) -> str:
    """An ISO-8601 instant as the contract writes event times, so they compare as text."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: not an ISO-8601 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(CONTRACT_TS)


@dataclass(frozen=True)
class Selection:
    start: str | None = None  # contract-formatted, inclusive
    end: str | None = None  # contract-formatted, exclusive
    trucks: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.start and self.end and self.start >= self.end:
            raise InputError(f"--from {self.start} is not before --to {self.end}")

    @property
    def key(self) -> str:
        """Identifies the selection in the resume ledger: a source loaded under another
        selection has not been loaded under this one."""
        return f"{self.start or ''}|{self.end or ''}|{','.join(sorted(self.trucks))}"


class Router:
    """Gives each line of one source its stream, or None when the selection leaves it out."""

    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.previous = "telemetry"

    def route(self, line: bytes) -> str | None:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            return self.previous
        if not isinstance(record, dict):
            return self.previous
        stream = "telemetry" if "truck_id" in record else "clickstream"
        self.previous = stream
        return stream if self._selected(stream, record) else None

    def _selected(self, stream: str, record: dict) -> bool:
        chosen = self.selection
        if chosen.trucks and (stream != "telemetry" or record.get("truck_id") not in chosen.trucks):
            return False
        event_ts = record.get("event_ts")
        if not isinstance(event_ts, str):
            return True  # the handler judges it
        if chosen.start and event_ts < chosen.start:
            return False
        return not (chosen.end and event_ts >= chosen.end)
