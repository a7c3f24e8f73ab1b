"""Telemetry enrichment: fuel, distance, efficiency and CO2 of each one-minute reading, harsh
driving and idling flags, and maintenance alerts.

Lambda is stateless: "previous reading" and trends come only from the same truck's readings in
this batch, ordered by event_ts. The first reading of a truck in a batch has no previous one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from handlers.alerts import alerts_for
from handlers.contract import TelemetryRecord
from handlers.readings import TruckHistory, engine_running, moving
from handlers.timestamps import date_hour_keys, epoch_seconds
from handlers.transformed import TelemetryDerived

# Tank-to-wheel CO2 of fossil diesel: IPCC 2006 default 74.1 t CO2/TJ x 43.0 MJ/kg x 0.84 kg/L.
DIESEL_CO2_KG_PER_L = 2.68
# Readings are a minute apart, so these are speed changes within one minute: a proxy, since
# second-level braking events are not in per-minute data.
HARSH_BRAKING_KMH_PER_MIN = 30.0
HARSH_ACCELERATION_KMH_PER_MIN = 25.0


def enrich_readings(readings: Sequence[TelemetryRecord]) -> list[TelemetryDerived]:
    """Derived fields for each reading, aligned with `readings` (which hold no duplicate events)."""
    by_truck: defaultdict[str, list[int]] = defaultdict(list)
    for index, reading in enumerate(readings):
        by_truck[reading.truck_id].append(index)
    # a batch holds few distinct minutes: parse each once
    minute_of = {ts: epoch_seconds(ts) // 60 for ts in {reading.event_ts for reading in readings}}
    minutes = [minute_of[reading.event_ts] for reading in readings]
    derived: list[TelemetryDerived | None] = [None] * len(readings)
    for indexes in by_truck.values():
        indexes.sort(key=minutes.__getitem__)  # stable: a repeated minute keeps batch order
        history = TruckHistory()
        for i in indexes:
            derived[i] = derive_reading(readings[i], minutes[i], history)
    return derived  # type: ignore[return-value]  # every reading belongs to one truck


def derive_reading(
    reading: TelemetryRecord, minute: int, history: TruckHistory
) -> TelemetryDerived:
    """Derived fields of one reading; `history` holds the truck's earlier readings in the batch
    and takes this one.
    """
    previous = history.advance(minute, reading)
    speed_kmh = reading.vehicle_speed_kmh
    fuel_used_l = reading.fuel_rate_lph / 60
    distance_km = speed_kmh / 60
    is_moving = moving(reading)
    is_running = engine_running(reading)
    efficiency = round(100 * fuel_used_l / distance_km, 2) if is_moving else None
    if previous is None:
        speed_change_kmh = harsh_braking = harsh_acceleration = None
    else:
        speed_change_kmh = speed_kmh - previous.vehicle_speed_kmh
        harsh_braking = speed_change_kmh <= -HARSH_BRAKING_KMH_PER_MIN
        harsh_acceleration = speed_change_kmh >= HARSH_ACCELERATION_KMH_PER_MIN
        speed_change_kmh = round(speed_change_kmh, 2)
    return TelemetryDerived(
        fuel_used_l=round(fuel_used_l, 4),
        distance_km=round(distance_km, 4),
        fuel_efficiency_l_per_100km=efficiency,
        co2_kg=round(fuel_used_l * DIESEL_CO2_KG_PER_L, 4),
        engine_running=is_running,
        moving=is_moving,
        idling=is_running and not is_moving,
        speed_change_kmh=speed_change_kmh,
        harsh_braking=harsh_braking,
        harsh_acceleration=harsh_acceleration,
        alerts=alerts_for(reading, previous, history),
    )


def reading_partition_keys(reading: TelemetryRecord) -> dict[str, str]:
    """Dynamic-partitioning keys: date, hour and depot (a handful of depots, not per truck)."""
    return date_hour_keys(reading.event_ts) | {"depot_id": reading.depot_id}
