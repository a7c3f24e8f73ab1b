"""A truck's duty cycle: shifts, delivery routes, stops, refuelling, and the night at the depot.

`DutyCycle` is mixed into `Truck`; it moves the truck between modes and leaves the physics of
each minute to `Truck.step`.
"""

from simulators.fleet import (
    DEPOTS,
    driver_on_duty,
    dwell_minutes,
    minutes_left_in_shift,
    nearest_depots,
    parking_slot,
    plan_delivery_route,
)
from simulators.geo import haversine_km

PARKED, PRETRIP, DRIVING, IDLING, DWELLING, REFUELING = range(6)

OVERNIGHT_MIN = 3 * 60  # local time when the workshop and dispatch act on parked trucks
_REASSIGN_PER_DAY = 0.02
_REFUEL_BEFORE_ROUTE_BELOW, _REFUEL_AFTER_ROUTE_BELOW = 0.35, 0.45  # of the tank
_PUMP_L_PER_MIN = 75.0


class DutyCycle:
    """Mode changes of a `Truck` (whose attributes these methods use)."""

    __slots__ = ()

    def arrive(self) -> None:
        """Reached the current waypoint: unload at a stop, or end the route back at the depot."""
        route = self.route
        stops_left = len(route) - 1 - self.route_pos
        self.mode = IDLING
        if stops_left == 0:
            self.route = None
            self.region = self.depot.index
            self.payload_kg = 0.0
            self.countdown = 2
        else:
            self.payload_kg -= self.payload_kg / stops_left
            self.route_pos += 1
            self.countdown = 1

    def _depart(self) -> None:
        self.mode = DRIVING
        target_lat, target_lon = self.route[self.route_pos]
        self.leg_km = haversine_km(self.lat, self.lon, target_lat, target_lon)

    def advance_stationary(self, mode: int) -> None:
        """Count down a minute of pre-trip checks, idling, delivering or refuelling."""
        if mode == REFUELING:
            full_l = 0.98 * self.tank_l
            self.fuel_l = min(full_l, self.fuel_l + _PUMP_L_PER_MIN)
            if self.fuel_l >= full_l:
                self._leave_pump()
            return
        self.countdown -= 1
        if self.countdown > 0:
            return
        if mode == IDLING and self.route is None:
            if self.fuel_l < self.tank_l * _REFUEL_AFTER_ROUTE_BELOW:
                self.mode = REFUELING
            else:
                self._park()
        elif mode == IDLING:
            self.mode = DWELLING
            self.countdown = dwell_minutes(self.rng)
        else:
            self._depart()

    def _leave_pump(self) -> None:
        if self.route is None:
            self._park()
        else:
            self.mode = PRETRIP
            self.countdown = self.rng.randint(3, 8)

    def _park(self) -> None:
        self.mode = PARKED
        self.route_driver = None

    def start_route(self, day: int, shift: int, minute_of_day: int) -> None:
        """A parked truck's shift begins: plan the day's stops (or the move to a new depot)."""
        self.route_shift = 2 * day + shift
        if self.health.failed:
            return  # grounded until the workshop has repaired it overnight
        rng = self.rng
        if self.relocating:
            self.relocating = False
            self.slot = parking_slot(rng, self.depot)
            route = [self.slot]
            self.payload_kg = 0.0
        else:
            budget_min = minutes_left_in_shift(minute_of_day, self.stagger_min, shift)
            route = plan_delivery_route(rng, self.depot, self.slot, budget_min)
            if len(route) == 1:
                return
            self.payload_kg = self.payload_max_kg * rng.uniform(0.5, 1.0)
        self.route, self.route_pos = route, 0
        self.route_driver = driver_on_duty(self.crew, shift, day)
        if self.fuel_l < self.tank_l * _REFUEL_BEFORE_ROUTE_BELOW:
            self.mode = REFUELING
        else:
            self._leave_pump()

    def abort_route(self) -> None:
        """A failed truck skips its remaining stops and heads straight back to the depot."""
        self.route = self.route[-1:]
        self.route_pos = 0
        if self.mode == DRIVING:
            self._depart()

    def overnight(self) -> None:
        """New defects may start; a parked truck is serviced and, rarely, moved to another depot."""
        rng = self.rng
        self.health.start_defects(rng)
        if self.mode != PARKED:
            return
        self.health.service(rng)
        if not self.relocating and rng.random() < _REASSIGN_PER_DAY:
            self.depot = DEPOTS[rng.choice(nearest_depots(self.depot.index, 3))]
            self.relocating = True  # its next shift drives it to the new depot
