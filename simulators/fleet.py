"""The fleet's world: depots in real German cities, driver crews, shifts and delivery routes."""

import random
from dataclasses import dataclass
from itertools import pairwise

from simulators.environment import altitude_m
from simulators.geo import destination_point, haversine_km
from simulators.ids import depot_id, driver_id


@dataclass(frozen=True, slots=True)
class Depot:
    index: int
    depot_id: str
    city: str
    lat: float
    lon: float
    alt_m: float


_CITIES = (
    ("Hamburg", 53.5511, 9.9937),
    ("Berlin", 52.5200, 13.4050),
    ("Munich", 48.1351, 11.5820),
    ("Cologne", 50.9375, 6.9603),
    ("Frankfurt", 50.1109, 8.6821),
    ("Stuttgart", 48.7758, 9.1829),
    ("Leipzig", 51.3397, 12.3731),
    ("Nuremberg", 49.4521, 11.0767),
    ("Hanover", 52.3759, 9.7320),
    ("Bremen", 53.0793, 8.8017),
)
DEPOTS = tuple(
    Depot(i, depot_id(i), city, lat, lon, altitude_m(lat, lon))
    for i, (city, lat, lon) in enumerate(_CITIES)
)

SHIFT_MINUTES = 480
EARLY_SHIFT_START_MIN = 6 * 60  # local time; early 06-14, late 14-22, parked overnight
MAX_SHIFT_STAGGER_MIN = 45
_ROAD_SPEED_KMH = 48.0  # planning average including towns, lights and approach roads
_DWELL_MIN = (8, 25)
_STOP_RADIUS_KM = (4.0, 42.0)


def shift_at(minute_of_day: int, stagger_min: int) -> int:
    """0 for the early shift, 1 for the late shift, -1 while the truck is off shift."""
    since_start = minute_of_day - EARLY_SHIFT_START_MIN - stagger_min
    if 0 <= since_start < 2 * SHIFT_MINUTES:
        return since_start // SHIFT_MINUTES
    return -1


def minutes_left_in_shift(minute_of_day: int, stagger_min: int, shift: int) -> int:
    end = EARLY_SHIFT_START_MIN + stagger_min + (shift + 1) * SHIFT_MINUTES
    return end - minute_of_day


def truck_crew(truck_index: int) -> tuple[str, str]:
    """Each truck has a crew of two drivers from its depot; they move with it if it moves."""
    return driver_id(2 * truck_index + 1), driver_id(2 * truck_index + 2)


def driver_on_duty(crew: tuple[str, str], shift: int, day: int) -> str:
    """The crew swaps early and late shifts every week."""
    return crew[(shift + day // 7) % 2]


def nearest_depots(index: int, count: int) -> list[int]:
    home = DEPOTS[index]
    others = [d for d in DEPOTS if d.index != index]
    others.sort(key=lambda d: haversine_km(home.lat, home.lon, d.lat, d.lon))
    return [d.index for d in others[:count]]


def parking_slot(rng: random.Random, depot: Depot) -> tuple[float, float]:
    """A parking place in the depot's yard, a few dozen metres from its reference point."""
    return destination_point(depot.lat, depot.lon, rng.uniform(0, 360), rng.uniform(0.02, 0.15))


def plan_delivery_route(
    rng: random.Random, depot: Depot, slot: tuple[float, float], budget_min: int
) -> list[tuple[float, float]]:
    """Stops around the depot visited as a loop (by bearing) that fits the shift, then home.

    Returns only the slot when not even one stop fits.
    """
    count = rng.randint(4, 9)
    first_bearing = rng.uniform(0, 360)
    stops = []
    for k in range(count):
        bearing = (first_bearing + 360.0 * (k + rng.random() * 0.8) / count) % 360.0
        lat, lon = destination_point(depot.lat, depot.lon, bearing, rng.uniform(*_STOP_RADIUS_KM))
        stops.append((round(lat, 6), round(lon, 6)))
    while stops and _estimated_minutes(slot, stops) > budget_min:
        stops.pop()
    return [*stops, slot]


def _estimated_minutes(slot: tuple[float, float], stops: list[tuple[float, float]]) -> float:
    path = [slot, *stops, slot]
    km = sum(haversine_km(*a, *b) for a, b in pairwise(path))
    return 10 + km / _ROAD_SPEED_KMH * 60 + len(stops) * (sum(_DWELL_MIN) / 2 + 3)


def dwell_minutes(rng: random.Random) -> int:
    return rng.randint(*_DWELL_MIN)
