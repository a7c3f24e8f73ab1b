"""Helpers for the contract's `YYYY-MM-DDTHH:MM:SSZ` timestamps."""

from __future__ import annotations

from datetime import datetime


def epoch_seconds(event_ts: str) -> int:
    """Seconds since the Unix epoch of a validated contract timestamp."""
    return int(datetime.fromisoformat(event_ts).timestamp())


def date_hour_keys(event_ts: str) -> dict[str, str]:
    """Firehose partition keys `date` (YYYY-MM-DD) and `hour` (HH, UTC) of a timestamp."""
    return {"date": event_ts[:10], "hour": event_ts[11:13]}
