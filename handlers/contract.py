"""The record contract, schema_version 1, as msgspec Structs: decoding a record validates it.

Ranges are physical or practical bounds: a value outside them is a broken sensor or a broken
producer, and the record goes to Firehose's error output instead of the warehouse.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

# msgspec applies a pattern with re.search: \A and \Z anchor it to the whole string (`$` would
# also match before a trailing newline); [0-9], unlike `\d`, admits no other script's digits.
# Second-precision UTC with a literal Z; the ranges keep "2026-13-40T25:61:00Z" out.
_DATE_HOUR_MINUTE = (
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]"
)
_UTC_SECOND = r"\A" + _DATE_HOUR_MINUTE + r":[0-5][0-9]Z\Z"
_UTC_MINUTE = r"\A" + _DATE_HOUR_MINUTE + r":00Z\Z"

UtcSecond = Annotated[str, Meta(pattern=_UTC_SECOND, description="YYYY-MM-DDTHH:MM:SSZ")]
UtcMinute = Annotated[str, Meta(pattern=_UTC_MINUTE, description="YYYY-MM-DDTHH:MM:00Z")]
Identifier = Annotated[str, Meta(min_length=1, max_length=64)]
# depot_id becomes an S3 prefix through dynamic partitioning, so it is kept path-safe.
DepotId = Annotated[str, Meta(pattern=r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")]
Text = Annotated[str, Meta(min_length=1, max_length=256)]
Url = Annotated[str, Meta(min_length=1, max_length=2048)]
Percent = Annotated[float, Meta(ge=0, le=100)]
SpeedKmh = Annotated[float, Meta(ge=0, le=250)]
TirePressureKpa = Annotated[float, Meta(ge=0, le=1500)]

BrakeStatus = Literal["OK", "WORN", "FAULT"]
TransmissionStatus = Literal["OK", "SLIPPING", "FAULT"]
Category = Literal["mobile_phones", "laptops", "cameras"]


def _check_calendar_date(event_ts: str) -> None:
    # The pattern admits 2026-02-30; a real calendar check keeps it from failing a warehouse load.
    try:
        datetime.fromisoformat(event_ts)
    except ValueError:
        raise ValueError(f"Invalid calendar date {event_ts!r} - at `$.event_ts`") from None


class _Record(Struct, forbid_unknown_fields=True, gc=False):
    """Options shared by every contract Struct: unknown fields are errors, no GC tracking."""


class Gps(_Record):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    alt_m: Annotated[float, Meta(ge=-500, le=9000)]
    speed_kmh: SpeedKmh
    heading_deg: Annotated[float, Meta(ge=0, le=360)]


class Engine(_Record):
    rpm: Annotated[float, Meta(ge=0, le=10000)]
    fuel_level_pct: Percent
    coolant_temp_c: Annotated[float, Meta(ge=-60, le=200)]
    oil_pressure_kpa: Annotated[float, Meta(ge=0, le=2000)]
    battery_voltage_v: Annotated[float, Meta(ge=0, le=60)]


class TirePressure(_Record):
    fl: TirePressureKpa
    fr: TirePressureKpa
    rl: TirePressureKpa
    rr: TirePressureKpa


class Health(_Record):
    brake_status: BrakeStatus
    transmission_status: TransmissionStatus
    tire_pressure_kpa: TirePressure


class Environment(_Record):
    temp_c: Annotated[float, Meta(ge=-80, le=70)]
    humidity_pct: Percent
    pressure_hpa: Annotated[float, Meta(ge=300, le=1100)]


class TelemetryRecord(_Record):
    """One truck's reading for one minute."""

    schema_version: Literal[1]
    event_id: uuid.UUID
    truck_id: Identifier
    event_ts: UtcMinute
    driver_id: Identifier | None
    depot_id: DepotId
    gps: Gps
    vehicle_speed_kmh: SpeedKmh
    engine: Engine
    odometer_km: Annotated[float, Meta(ge=0, le=10_000_000)]
    fuel_rate_lph: Annotated[float, Meta(ge=0, le=500)]
    health: Health
    environment: Environment

    def __post_init__(self) -> None:
        _check_calendar_date(self.event_ts)


class ClickstreamRecord(_Record):
    """One click (or burst of clicks) on a product page."""

    schema_version: Literal[1]
    event_id: uuid.UUID
    event_ts: UtcSecond
    session_id: Identifier
    user_id: Identifier
    item_id: Identifier
    item_name: Text
    category: Category
    click_count: Annotated[int, Meta(ge=1, le=10_000)]
    page: Url
    device: Identifier

    def __post_init__(self) -> None:
        _check_calendar_date(self.event_ts)
