"""Small contract-shaped records for tests that must not depend on the simulators."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import orjson

START = datetime(2026, 11, 27, tzinfo=UTC)


def ts(second: int) -> str:
    return (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")


def telemetry(n: int, second: int = 0, padding: int = 0) -> dict:
    """Telemetry-shaped: `truck_id` is what tells replay it is telemetry; `padding` adds bytes."""
    return {
        "schema_version": 1,
        "event_id": str(uuid.UUID(int=n + 1)),
        "truck_id": f"TRK-{n % 50:05d}",
        "event_ts": ts(second),
        "odometer_km": 1000.0 + n,
        "note": "x" * padding,
    }


def click(n: int, second: int = 0) -> dict:
    return {
        "schema_version": 1,
        "event_id": str(uuid.UUID(int=10**9 + n)),
        "event_ts": ts(second),
        "session_id": f"s-{n % 7}",
        "item_id": f"item-{n % 13}",
        "category": "laptops",
        "click_count": 1,
    }


def line(record: dict) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def lines(records: list[dict]) -> list[bytes]:
    return [line(r) for r in records]
