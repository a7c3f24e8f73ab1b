"""The tracked attributes (`scd2.tracked`): the telemetry fields whose change opens a new version
of a truck, checked once for both stores."""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.schema import stream_fields

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # whole string: fullmatch
# what can be tracked: CORE.DIM_TRUCK and the DynamoDB dimension have a column for each
TRACKABLE = ("driver_id", "depot_id", "brake_status", "transmission_status")


def tracked_attributes(settings: Settings) -> list[str]:
    """`scd2.tracked`, decoded and checked: a configuration mistake stops a run before it sends."""
    tracked = settings.options("scd2", TrackedOptions).tracked
    tracked_columns(tracked)
    return tracked


class TrackedOptions(msgspec.Struct, kw_only=True):
    tracked: list[str]


def tracked_columns(tracked: Sequence[str]) -> list[str]:
    """Upper-case column names for the configured attributes; each must be trackable."""
    columns = []
    for name in tracked:
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise ConfigError(f"scd2.tracked: {name!r} is not a valid column name")
        if name.lower() not in TRACKABLE:
            known = ", ".join(sorted(TRACKABLE))
            raise ConfigError(f"scd2.tracked: {name!r} is not a tracked-able column ({known})")
        columns.append(name.upper())
    if not columns:
        raise ConfigError("scd2.tracked: at least one attribute must be tracked")
    return columns


def record_path(column: str) -> tuple[str, ...]:
    """Where the tracked `column` (as `tracked_columns` names it) sits in a telemetry record."""
    name = column.lower()
    return next(f.path for f in stream_fields("telemetry") if f.path[-1] == name)
