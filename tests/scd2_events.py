"""SCD2 test helpers: land events in the warehouse, read the dimension back as `Version`s."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from fleetctl.instants import CONTRACT_TS
from fleetctl.scd2.rules import DEFAULT_TRACKED, Event, Version
from fleetctl.warehouse import Warehouse, loading
from tests.warehouse_records import START, telemetry, ts

T0 = START.replace(tzinfo=None)


def event(n: int, truck: str, minute: int, driver: str | None, brake: str = "OK") -> Event:
    """Event `n` of `truck` at `minute`; depot and gearbox stay put, driver and brakes vary."""
    event_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"scd2/{n}"))
    return Event(event_id, truck, T0 + timedelta(minutes=minute), (driver, "DEP-01", brake, "OK"))


def as_event(record: dict) -> Event:
    """A telemetry record (as simulated, transformed or stored) as an event of the SCD2 rule."""
    health = record.get("health") or {}
    values = (
        record.get("driver_id"),
        record.get("depot_id"),
        health.get("brake_status"),
        health.get("transmission_status"),
    )
    moment = datetime.strptime(record["event_ts"], CONTRACT_TS)
    return Event(record["event_id"], record["truck_id"], moment, values)


def as_record(e: Event) -> dict:
    driver, depot, brake, gearbox = e.values
    record = telemetry(0, event_id=e.event_id, truck_id=e.truck_id, event_ts=ts(e.event_ts))
    record.update(driver_id=driver, depot_id=depot)
    record["health"] = {**record["health"], "brake_status": brake, "transmission_status": gearbox}
    return record


def land(wh: Warehouse, events: Iterable[Event]) -> None:
    """One RAW load, as the pipeline would make it."""
    loading.load_records(wh, "telemetry", [as_record(e) for e in events])


def dimension(wh: Warehouse) -> list[Version]:
    rows = wh.query(
        "SELECT TRUCK_ID, DRIVER_ID, DEPOT_ID, BRAKE_STATUS, TRANSMISSION_STATUS, EFFECTIVE_FROM,"
        " EFFECTIVE_TO FROM CORE.DIM_TRUCK ORDER BY TRUCK_ID, EFFECTIVE_FROM"
    )
    columns = [c.upper() for c in DEFAULT_TRACKED]
    return [
        Version(
            r["TRUCK_ID"],
            tuple(r[c] for c in columns),
            r["EFFECTIVE_FROM"],
            r["EFFECTIVE_TO"],
        )
        for r in rows
    ]


def minute_of(moment: datetime | None) -> int | None:
    return None if moment is None else int((moment - T0).total_seconds() // 60)
