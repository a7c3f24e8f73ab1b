"""Wear and slowly developing defects of one truck, so failures can be predicted before they happen.

Defects start rarely (per truck and day) and worsen with use: brake pads wear fast (OK -> WORN ->
FAULT), the transmission slips more and more (OK -> SLIPPING -> FAULT), oil pressure, battery and
cooling degrade, tires leak. Overnight the depot workshop repairs what has failed and, when it has
time, some of what is degrading.
"""

import random

BRAKE_WORN, BRAKE_FAULT = 0.80, 0.95  # fraction of pad life used
SLIP_SLIPPING, SLIP_FAULT = 0.03, 0.10  # extra engine revolutions per wheel revolution
TIRE_NOMINAL_COLD_KPA = 850.0  # gauge pressure at 20 C
_NATURAL_BRAKE_WEAR_PER_KM = 1.0 / 150_000
_URBAN_BRAKE_FACTOR = 1.8
_TIRE_REFILL_BELOW_KPA = 790.0
_WORKSHOP_HAS_TIME = 0.35

# Defect: (chance per truck-day, lowest rate, highest rate). Brakes per km, slip per driving
# minute, oil and cooling per engine minute, battery per minute, tire leaks in kPa per minute.
_DEFECTS = {
    "brake_defect": (0.03, 1 / 900, 1 / 400),
    "slip_gain": (0.025, 0.0006, 0.0014),
    "oil_loss": (0.03, 0.0004, 0.0010),
    "battery_loss": (0.03, 0.00015, 0.0004),
    "cooling_gain": (0.03, 0.0010, 0.0030),
}
_TIRE_LEAK = (0.02, 0.008, 0.05)


class Health:
    __slots__ = (
        "battery",
        "battery_loss",
        "brake_defect",
        "brake_status",
        "brake_wear",
        "cooling",
        "cooling_gain",
        "failed",
        "oil",
        "oil_loss",
        "slip",
        "slip_gain",
        "tire_cold_kpa",
        "tire_leak_kpa",
        "transmission_status",
    )

    def __init__(self, rng: random.Random) -> None:
        """A truck as found at the start of a simulation: used, and possibly already degrading."""
        self.brake_wear = rng.uniform(0.05, 0.85)
        self.brake_defect = self.slip_gain = self.oil_loss = 0.0
        self.battery_loss = self.cooling_gain = self.slip = self.cooling = 0.0
        self.oil = 1.0
        self.battery = rng.uniform(0.85, 1.0)
        self.tire_cold_kpa = [TIRE_NOMINAL_COLD_KPA + rng.gauss(0, 8) for _ in range(4)]
        self.tire_leak_kpa: list[float] | None = None
        # A fleet that has been running has defects in progress: twice a day's onsets, part-way.
        self.start_defects(rng, scale=2.0)
        if self.brake_defect:
            self.brake_wear = rng.uniform(0.45, 0.75)
        if self.slip_gain:
            self.slip = rng.uniform(0.0, 0.02)
        self._update_statuses()

    def start_defects(self, rng: random.Random, scale: float = 1.0) -> None:
        """Roll the day's new defects."""
        for name, (chance, low, high) in _DEFECTS.items():
            if rng.random() < chance * scale and not getattr(self, name):
                setattr(self, name, rng.uniform(low, high))
        for tire in range(4):
            if rng.random() < _TIRE_LEAK[0] * scale:
                if self.tire_leak_kpa is None:
                    self.tire_leak_kpa = [0.0] * 4
                self.tire_leak_kpa[tire] = rng.uniform(_TIRE_LEAK[1], _TIRE_LEAK[2])

    def degrades_when_idle(self) -> bool:
        return bool(self.battery_loss) or self.tire_leak_kpa is not None

    def advance(self, distance_km: float, urban: bool, engine_on: bool) -> None:
        """One minute of use."""
        if distance_km:
            wear = distance_km * (_NATURAL_BRAKE_WEAR_PER_KM + self.brake_defect)
            if urban:
                wear *= _URBAN_BRAKE_FACTOR
            self.brake_wear = min(1.0, self.brake_wear + wear)
            if self.slip_gain:
                self.slip = min(0.2, self.slip + self.slip_gain)
            self._update_statuses()
        if engine_on:
            if self.oil_loss:
                self.oil = max(0.3, self.oil - self.oil_loss)
            if self.cooling_gain:
                self.cooling = min(1.0, self.cooling + self.cooling_gain)
        if self.battery_loss:
            self.battery = max(0.1, self.battery - self.battery_loss)
        if self.tire_leak_kpa is not None:
            leaks = zip(self.tire_cold_kpa, self.tire_leak_kpa, strict=True)
            self.tire_cold_kpa = [kpa - leak for kpa, leak in leaks]

    def service(self, rng: random.Random) -> None:
        """The depot workshop overnight: failed parts always, degrading ones when there is time."""
        has_time = [rng.random() < _WORKSHOP_HAS_TIME for _ in range(5)]
        if self.brake_wear >= BRAKE_FAULT or (self.brake_wear >= BRAKE_WORN and has_time[0]):
            self.brake_wear = rng.uniform(0.0, 0.08)
            self.brake_defect = 0.0
        if self.slip >= SLIP_FAULT or (self.slip >= SLIP_SLIPPING and has_time[1]):
            self.slip = self.slip_gain = 0.0
        if self.oil < 0.75 and has_time[2]:
            self.oil, self.oil_loss = 1.0, 0.0
        if self.battery < 0.6 and has_time[3]:
            self.battery, self.battery_loss = 1.0, 0.0
        if self.cooling > 0.5 and has_time[4]:
            self.cooling = self.cooling_gain = 0.0
        if min(self.tire_cold_kpa) < _TIRE_REFILL_BELOW_KPA:
            self.tire_cold_kpa = [TIRE_NOMINAL_COLD_KPA] * 4
            self.tire_leak_kpa = None
        self._update_statuses()

    def _update_statuses(self) -> None:
        wear, slip = self.brake_wear, self.slip
        self.brake_status = "OK" if wear < BRAKE_WORN else "WORN" if wear < BRAKE_FAULT else "FAULT"
        self.transmission_status = (
            "OK" if slip < SLIP_SLIPPING else "SLIPPING" if slip < SLIP_FAULT else "FAULT"
        )
        self.failed = wear >= BRAKE_FAULT or slip >= SLIP_FAULT
