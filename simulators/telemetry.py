"""Per-minute truck telemetry for a fleet, or for a slice of one (first_truck..)."""

from datetime import datetime

from simulators.clock import epoch_minute, minute_timestamp
from simulators.environment import Weather
from simulators.fleet import DEPOTS
from simulators.truck import Truck


class TelemetrySimulator:
    """One reading per truck per simulated minute, trucks in index order.

    Every truck draws from its own random stream derived from (seed, truck index), so a slice of
    the fleet reproduces exactly the same trucks as the whole fleet, and the first minutes do not
    depend on how many follow.
    """

    def __init__(self, seed: int, start: datetime, trucks: int, first_truck: int = 0) -> None:
        if trucks < 0 or first_truck < 0:
            raise ValueError("trucks and first_truck must be >= 0")
        self._minute = epoch_minute(start)
        self._weather = Weather(seed, [depot.alt_m for depot in DEPOTS])
        self._trucks = [
            Truck(seed, self._minute, index) for index in range(first_truck, first_truck + trucks)
        ]

    def next_minute(self) -> list[dict]:
        minute = self._minute
        self._minute += 1
        timestamp = minute_timestamp(minute)
        conditions = self._weather.at(minute)
        return [truck.step(minute, timestamp, conditions) for truck in self._trucks]
