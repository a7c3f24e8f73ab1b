"""Simulated time: whole UTC minutes since the epoch, their timestamps and local time of day."""

from datetime import UTC, datetime, timedelta

# Germany without daylight saving: shifts and diurnal curves keep fixed UTC times all year.
LOCAL_UTC_OFFSET_MIN = 60
MINUTES_PER_DAY = 1440
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_minute(start: datetime) -> int:
    """Whole minutes since the epoch; seconds are truncated. `start` must be timezone-aware."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be a timezone-aware datetime (UTC)")
    return int((start - _EPOCH).total_seconds() // 60)


def minute_timestamp(minute: int) -> str:
    """``YYYY-MM-DDTHH:MM:00Z`` for an epoch minute."""
    return (_EPOCH + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:00Z")
