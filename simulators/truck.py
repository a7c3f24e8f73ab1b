"""One truck's state and its per-minute physics: driving, engine, fuel, tires and health.

Rounding is written ``round(x * 10) / 10`` rather than ``round(x, 1)``: it yields the same short
float, costs half as much, and a record carries twenty of them.
"""

from simulators.clock import LOCAL_UTC_OFFSET_MIN, MINUTES_PER_DAY
from simulators.duty import (
    DRIVING,
    IDLING,
    OVERNIGHT_MIN,
    PARKED,
    PRETRIP,
    REFUELING,
    DutyCycle,
)
from simulators.environment import altitude_m, pressure_ratio
from simulators.fleet import (
    DEPOTS,
    MAX_SHIFT_STAGGER_MIN,
    driver_on_duty,
    parking_slot,
    shift_at,
    truck_crew,
)
from simulators.geo import destination_point, haversine_km, local_distance_bearing
from simulators.health import Health
from simulators.ids import derived_rng, truck_id, uuid_namespace
from simulators.powertrain import (
    COLD_IDLE_EXTRA_RPM,
    COOL_DOWN_OFF,
    FUEL_L_PER_KWH,
    IDLE_RPM,
    MAX_ENGINE_KW,
    OVERRUN_LPH,
    URBAN_KMH,
    WARM_UP_DRIVING,
    WARM_UP_IDLING,
    coolant_target_c,
    engine_power_kw,
    gear_rpm,
)

_TIRE_HEAT_C_AT_80_KMH = 18.0
_KELVIN = 273.15
_TIRE_REF_K = 293.15  # cold pressures are specified at 20 C
_ATM_KPA = 101.325


class Truck(DutyCycle):
    """Everything a truck remembers between minutes; memory does not grow with time."""

    __slots__ = (
        "alt_m",
        "cda_m2",
        "coolant_c",
        "countdown",
        "crew",
        "depot",
        "fix",
        "fuel_l",
        "fuel_pct",
        "heading_deg",
        "health",
        "idle_lph",
        "lat",
        "leg_km",
        "lon",
        "mass_empty_kg",
        "minute_zero",
        "mode",
        "odometer_km",
        "odometer_rounded",
        "payload_kg",
        "payload_max_kg",
        "pressure_ratio",
        "prev_speed_kmh",
        "region",
        "relocating",
        "rng",
        "route",
        "route_driver",
        "route_pos",
        "route_shift",
        "sensor_bias_c",
        "slot",
        "speedo_factor",
        "stagger_min",
        "tank_l",
        "tire_heat_c",
        "truck_id",
        "uuids",
    )  # fmt: skip

    def __init__(self, seed: int, start_minute: int, index: int) -> None:
        rng = self.rng = derived_rng(seed, "truck", index)
        self.truck_id = truck_id(index)
        self.crew = truck_crew(index)
        self.uuids = uuid_namespace(seed, start_minute, "telemetry", index)
        self.minute_zero = start_minute
        self.depot = DEPOTS[rng.randrange(len(DEPOTS))]
        self.region = self.depot.index
        self.slot = parking_slot(rng, self.depot)
        self.heading_deg = round(rng.uniform(0, 360), 1) % 360.0
        self.stagger_min = rng.randrange(MAX_SHIFT_STAGGER_MIN)
        self.tank_l = float(rng.choice((400, 500, 600, 700, 800)))
        self.fuel_l = self.tank_l * rng.uniform(0.3, 0.95)
        self.fuel_pct = round(1e4 * self.fuel_l / self.tank_l) / 100
        self.odometer_km = rng.uniform(40_000, 650_000)
        self.odometer_rounded = round(self.odometer_km * 1000) / 1000
        self.mass_empty_kg = rng.uniform(14_000, 17_000)
        self.payload_max_kg = rng.uniform(12_000, 24_000)
        self.payload_kg = 0.0
        self.cda_m2 = rng.uniform(5.5, 6.5)
        self.idle_lph = rng.uniform(2.0, 3.0)
        self.speedo_factor = 1.0 + rng.uniform(0.0, 0.03)  # speedometers read slightly high
        self.sensor_bias_c = rng.gauss(0.0, 0.4)
        self.health = Health(rng)
        self._place(*self.slot)
        self.mode = PARKED
        self.countdown = self.route_pos = 0
        self.route: list[tuple[float, float]] | None = None
        self.route_shift = -1
        self.route_driver: str | None = None
        self.relocating = False
        self.leg_km = self.prev_speed_kmh = self.tire_heat_c = 0.0
        self.coolant_c: float | None = None  # set to ambient by the first minute

    def step(
        self, minute: int, timestamp: str, conditions: list[tuple[float, float, float]]
    ) -> dict:
        """Advance one minute and return that minute's telemetry record.

        `conditions` holds (temp_c, humidity_pct, sea_level_hpa) per depot region.
        """
        day, minute_of_day = divmod(minute + LOCAL_UTC_OFFSET_MIN, MINUTES_PER_DAY)
        if minute_of_day == OVERNIGHT_MIN:
            self.overnight()
        shift = shift_at(minute_of_day, self.stagger_min)
        mode = self.mode
        if mode == PARKED and shift >= 0 and self.route_shift != 2 * day + shift:
            self.start_route(day, shift, minute_of_day)
            mode = self.mode
        temp_c, humidity_pct, sea_level_hpa = conditions[self.region]
        coolant_c = temp_c if self.coolant_c is None else self.coolant_c
        health = self.health
        rand = self.rng.random

        if mode == DRIVING:
            distance_km, engine_kw = self._drive()
            speed_kmh = distance_km * 60.0
            load = engine_kw / MAX_ENGINE_KW
            fuel_lph = self.idle_lph + engine_kw * FUEL_L_PER_KWH if engine_kw else OVERRUN_LPH
            rpm = gear_rpm(speed_kmh) * (1.0 + 0.12 * load) * (1.0 + health.slip)
            target_c = coolant_target_c(load, health.cooling, temp_c)
            coolant_c += (target_c - coolant_c) * WARM_UP_DRIVING
            heat_c = _TIRE_HEAT_C_AT_80_KMH / 80.0 * speed_kmh
            self.tire_heat_c += (heat_c - self.tire_heat_c) * 0.15
            gps_kmh = speed_kmh + (rand() + rand() - 1.0) * 0.8
            if gps_kmh < 0.0:
                gps_kmh = 0.0
            self.fuel_l -= fuel_lph / 60.0
            self.fuel_pct = round(1e4 * self.fuel_l / self.tank_l) / 100
            self.odometer_km += distance_km
            self.odometer_rounded = round(self.odometer_km * 1000) / 1000
            health.advance(distance_km, speed_kmh < URBAN_KMH, True)
            if health.failed and self.route is not None and self.route_pos < len(self.route) - 1:
                self.abort_route()
        else:
            speed_kmh = gps_kmh = 0.0
            if self.tire_heat_c:
                self.tire_heat_c = 0.0 if self.tire_heat_c < 0.05 else self.tire_heat_c * 0.96
            if mode in (PRETRIP, IDLING):
                cold = coolant_c < 40.0
                fuel_lph = self.idle_lph * 1.15 if cold else self.idle_lph
                rpm = IDLE_RPM + COLD_IDLE_EXTRA_RPM if cold else IDLE_RPM
                target_c = coolant_target_c(0.05, health.cooling, temp_c)
                coolant_c += (target_c - coolant_c) * WARM_UP_IDLING
                self.fuel_l -= fuel_lph / 60.0
                self.fuel_pct = round(1e4 * self.fuel_l / self.tank_l) / 100
                health.advance(0.0, False, True)
            else:
                fuel_lph = rpm = 0.0
                coolant_c += (temp_c - coolant_c) * COOL_DOWN_OFF
                if health.degrades_when_idle():
                    health.advance(0.0, False, False)
            if mode != PARKED:
                self.advance_stationary(mode)
                if mode == REFUELING:
                    self.fuel_pct = round(1e4 * self.fuel_l / self.tank_l) / 100
        self.prev_speed_kmh = speed_kmh
        self.coolant_c = coolant_c

        if rpm:
            rpm += rand() * 30.0 - 15.0
            thick_oil = 1.0 + 0.5 * (70.0 - coolant_c) / 70.0 if coolant_c < 70.0 else 1.0
            oil_kpa = (110.0 + 0.21 * rpm) * thick_oil * health.oil + rand() * 6.0 - 3.0
            battery_v = 13.75 + 0.5 * health.battery + rand() * 0.08 - 0.04
        else:
            oil_kpa = 0.0
            battery_v = 12.0 + 0.68 * health.battery

        driver = self.route_driver
        if driver is None and shift >= 0:
            driver = driver_on_duty(self.crew, shift, day)
        lat, lon, alt = self.fix
        tires = (temp_c + self.tire_heat_c + _KELVIN) / _TIRE_REF_K
        fl, fr, rl, rr = health.tire_cold_kpa
        return {
            "schema_version": 1,
            "event_id": f"{self.uuids}{minute - self.minute_zero:012x}",  # see ids.uuid_in
            "truck_id": self.truck_id,
            "event_ts": timestamp,
            "driver_id": driver,
            "depot_id": self.depot.depot_id,
            "gps": {
                "lat": lat,
                "lon": lon,
                "alt_m": alt,
                "speed_kmh": round(gps_kmh * 10) / 10,
                "heading_deg": self.heading_deg,
            },
            "vehicle_speed_kmh": round(speed_kmh * self.speedo_factor * 10) / 10,
            "engine": {
                "rpm": round(rpm),
                "fuel_level_pct": self.fuel_pct,
                "coolant_temp_c": round(coolant_c * 10) / 10,
                "oil_pressure_kpa": round(oil_kpa * 10) / 10,
                "battery_voltage_v": round(battery_v * 100) / 100,
            },
            "odometer_km": self.odometer_rounded,
            "fuel_rate_lph": round(fuel_lph * 100) / 100,
            "health": {
                "brake_status": health.brake_status,
                "transmission_status": health.transmission_status,
                "tire_pressure_kpa": {
                    "fl": round(((fl + _ATM_KPA) * tires - _ATM_KPA) * 10) / 10,
                    "fr": round(((fr + _ATM_KPA) * tires - _ATM_KPA) * 10) / 10,
                    "rl": round(((rl + _ATM_KPA) * tires - _ATM_KPA) * 10) / 10,
                    "rr": round(((rr + _ATM_KPA) * tires - _ATM_KPA) * 10) / 10,
                },
            },
            "environment": {
                "temp_c": round((temp_c + self.sensor_bias_c) * 10) / 10,
                "humidity_pct": humidity_pct,
                "pressure_hpa": round(sea_level_hpa * self.pressure_ratio * 10) / 10,
            },
        }

    def _place(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon
        self.alt_m = altitude_m(lat, lon)
        self.pressure_ratio = pressure_ratio(self.alt_m)
        self.fix = (round(lat * 1e6) / 1e6, round(lon * 1e6) / 1e6, round(self.alt_m * 10) / 10)

    def _drive(self) -> tuple[float, float]:
        """Move towards the next waypoint for a minute; returns (distance_km, engine_kw)."""
        rng = self.rng
        target_lat, target_lon = self.route[self.route_pos]
        remaining_km, bearing = local_distance_bearing(self.lat, self.lon, target_lat, target_lon)
        if remaining_km < 2.5 or self.leg_km - remaining_km < 2.0:
            low, high = 20.0, 45.0  # town streets at both ends of a leg
        elif self.leg_km > 25.0:
            low, high = 72.0, 87.0  # motorway, trucks limited to ~89 km/h
        else:
            low, high = 48.0, 68.0
        cruise_kmh = low + (high - low) * rng.random()
        if rng.random() < 0.03:
            cruise_kmh *= 0.3  # congestion
        step_km = (0.45 * self.prev_speed_kmh + 0.55 * cruise_kmh) / 60.0
        old_alt_m = self.alt_m
        if step_km * 1.25 >= remaining_km:  # arrive rather than leave a few metres for later
            step_km = haversine_km(self.lat, self.lon, target_lat, target_lon)
            self._place(target_lat, target_lon)
            self.arrive()
        else:
            if remaining_km > 3.0 * step_km:
                bearing = (bearing + rng.random() * 24.0 - 12.0) % 360.0  # roads are not straight
            self._place(*destination_point(self.lat, self.lon, bearing, step_km))
        self.heading_deg = round(bearing * 10) / 10 % 360.0
        mass_kg = self.mass_empty_kg + self.payload_kg
        engine_kw = engine_power_kw(
            mass_kg, self.cda_m2, step_km / 0.06, self.prev_speed_kmh / 3.6, self.alt_m - old_alt_m
        )
        return step_km, engine_kw
