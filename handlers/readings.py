"""What one truck reading means (engine running, moving) and what the batch has shown so far of
the same truck: the reading one minute earlier and least-squares trends of slow-moving values.
"""

from __future__ import annotations

from handlers.contract import TelemetryRecord

# Below any diesel idle speed (600-800 rpm) yet above sensor noise of a stopped engine.
ENGINE_RUNNING_MIN_RPM = 300.0
# GPS/CAN speed jitters around zero while parked; under 1 km/h counts as standing still.
MOVING_MIN_SPEED_KMH = 1.0
TIRE_POSITIONS = ("fl", "fr", "rl", "rr")


def engine_running(reading: TelemetryRecord) -> bool:
    return reading.engine.rpm >= ENGINE_RUNNING_MIN_RPM


def moving(reading: TelemetryRecord) -> bool:
    return reading.vehicle_speed_kmh >= MOVING_MIN_SPEED_KMH


class LinearTrend:
    """Least-squares line through (minute, value) points, updated one point at a time."""

    __slots__ = ("count", "first_minute", "last_minute", "sum_x", "sum_xx", "sum_xy", "sum_y")

    def __init__(self) -> None:
        self.count = 0
        self.first_minute = self.last_minute = 0
        self.sum_x = self.sum_y = self.sum_xx = self.sum_xy = 0.0

    def add(self, minute: int, value: float) -> None:
        if self.count == 0:
            self.first_minute = minute
        self.last_minute = minute
        x = minute - self.first_minute  # small x keeps the sums exact enough
        self.count += 1
        self.sum_x += x
        self.sum_y += value
        self.sum_xx += x * x
        self.sum_xy += x * value

    def slope_per_minute(self) -> float | None:
        """Change of the value per minute, or None before two distinct minutes are seen."""
        spread = self.count * self.sum_xx - self.sum_x * self.sum_x
        if spread <= 0:
            return None
        return (self.count * self.sum_xy - self.sum_x * self.sum_y) / spread

    @property
    def span_minutes(self) -> int:
        return self.last_minute - self.first_minute


class TruckHistory:
    """One truck's readings in this batch, fed in event-time order."""

    __slots__ = ("last_minute", "last_reading", "oil_pressure", "tire_pressure")

    def __init__(self) -> None:
        self.last_minute: int | None = None
        self.last_reading: TelemetryRecord | None = None
        # Oil pressure is zero with the engine off, so only running-engine readings trend.
        self.oil_pressure = LinearTrend()
        self.tire_pressure = {position: LinearTrend() for position in TIRE_POSITIONS}

    def advance(self, minute: int, reading: TelemetryRecord) -> TelemetryRecord | None:
        """Add `reading` (taken at `minute` since the epoch); return the reading of the minute
        before, if the batch holds it. A gap or a repeated minute gives None.
        """
        previous = self.last_reading if self.last_minute == minute - 1 else None
        self.last_minute = minute
        self.last_reading = reading
        if engine_running(reading):
            self.oil_pressure.add(minute, reading.engine.oil_pressure_kpa)
        tires = reading.health.tire_pressure_kpa
        trends = self.tire_pressure
        trends["fl"].add(minute, tires.fl)
        trends["fr"].add(minute, tires.fr)
        trends["rl"].add(minute, tires.rl)
        trends["rr"].add(minute, tires.rr)
        return previous
