"""Physical coherence of telemetry over simulated days: motion, fuel, engine, tires, faults."""

import statistics
from collections import defaultdict
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators import TelemetrySimulator
from simulators.fleet import DEPOTS
from simulators.geo import haversine_km, initial_bearing_deg

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
DEPOT_BY_ID = {depot.depot_id: depot for depot in DEPOTS}


def simulate(seed: int, trucks: int, minutes: int, start=START) -> dict[str, list[dict]]:
    """Each truck's readings in time order."""
    simulator = TelemetrySimulator(seed=seed, start=start, trucks=trucks)
    series = defaultdict(list)
    for _ in range(minutes):
        for record in simulator.next_minute():
            series[record["truck_id"]].append(record)
    return dict(series)


@pytest.fixture(scope="module")
def day() -> dict[str, list[dict]]:
    return simulate(seed=2026, trucks=50, minutes=1440)


def moved_km(a: dict, b: dict) -> float:
    return haversine_km(a["gps"]["lat"], a["gps"]["lon"], b["gps"]["lat"], b["gps"]["lon"])


def assert_motion_is_coherent(series: list[dict]) -> None:
    for a, b in pairwise(series):
        step_km = b["odometer_km"] - a["odometer_km"]
        assert step_km >= 0.0
        assert step_km == pytest.approx(moved_km(a, b), abs=0.003)
        # GPS speed is the minute's displacement, give or take GPS noise and rounding.
        assert b["gps"]["speed_kmh"] == pytest.approx(step_km * 60.0, abs=1.2)
        if step_km == 0.0:
            assert b["gps"]["speed_kmh"] == 0.0 and b["vehicle_speed_kmh"] == 0.0
        else:  # the fix moved the way the truck was heading
            gps_a, gps_b = a["gps"], b["gps"]
            bearing = initial_bearing_deg(gps_a["lat"], gps_a["lon"], gps_b["lat"], gps_b["lon"])
            assert abs((bearing - gps_b["heading_deg"] + 180.0) % 360.0 - 180.0) < 1.0
        if b["driver_id"] is None:  # off shift: parked, engine off
            assert step_km == 0.0 and b["engine"]["rpm"] == 0
        if b["engine"]["rpm"] == 0:
            assert step_km == 0.0
            assert b["fuel_rate_lph"] == 0.0 and b["engine"]["oil_pressure_kpa"] == 0.0
            assert 11.9 <= b["engine"]["battery_voltage_v"] <= 12.75
        else:
            assert 13.7 <= b["engine"]["battery_voltage_v"] <= 14.3


def test_odometer_gps_and_speeds_agree_minute_by_minute(day):
    for series in day.values():
        assert_motion_is_coherent(series)
        for r in series:
            if r["vehicle_speed_kmh"]:  # speedometers read 0-3 % high
                ratio = r["vehicle_speed_kmh"] / (r["gps"]["speed_kmh"] or 1e-9)
                assert 0.9 < ratio < 1.15 or r["gps"]["speed_kmh"] < 10


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**63))
def test_motion_is_coherent_for_any_seed(seed):
    for series in simulate(seed, trucks=3, minutes=1440).values():
        assert_motion_is_coherent(series)


def test_trucks_drive_plausible_distances_and_return_to_their_depot(day):
    distances = [s[-1]["odometer_km"] - s[0]["odometer_km"] for s in day.values()]
    assert statistics.median(distances) > 150.0 and max(distances) < 900.0
    for series in day.values():
        depot = DEPOT_BY_ID[series[-1]["depot_id"]]
        last = series[-1]["gps"]
        assert haversine_km(depot.lat, depot.lon, last["lat"], last["lon"]) < 0.5
        farthest = max(haversine_km(depot.lat, depot.lon, r["gps"]["lat"], r["gps"]["lon"])
                       for r in series)  # fmt: skip
        assert farthest < 60.0 or len({r["depot_id"] for r in series}) > 1


def test_fuel_level_falls_with_the_integrated_fuel_rate_and_jumps_up_at_refuels(day):
    refuels = 0
    for series in day.values():
        used_l = tank_pct = 0.0
        filling = False
        for a, b in pairwise(series):
            drop_pct = a["engine"]["fuel_level_pct"] - b["engine"]["fuel_level_pct"]
            if drop_pct < 0:  # refuelling: parked, engine off, until (nearly) full
                assert b["engine"]["rpm"] == 0 and b["gps"]["speed_kmh"] == 0.0
                refuels += not filling
                filling = True
                continue
            if filling:
                assert a["engine"]["fuel_level_pct"] >= 97.0
                filling = False
            used_l += b["fuel_rate_lph"] / 60.0
            tank_pct += drop_pct
        if used_l > 20.0:
            tank_l = used_l / tank_pct * 100.0  # implied tank size must be a real one
            assert 380.0 < tank_l < 820.0
    assert refuels >= 5


def test_consumption_per_100_km_is_that_of_a_heavy_truck(day):
    for series in day.values():
        km = series[-1]["odometer_km"] - series[0]["odometer_km"]
        litres = sum(r["fuel_rate_lph"] for r in series[1:]) / 60.0
        if km > 50.0:
            assert 22.0 < litres / km * 100.0 < 42.0
    idling = [r["fuel_rate_lph"] for s in day.values() for r in s
              if r["engine"]["rpm"] and r["gps"]["speed_kmh"] == 0.0]  # fmt: skip
    assert idling and all(1.9 <= lph <= 3.5 for lph in idling)


def test_engine_warms_up_after_a_cold_start_and_cools_down_when_off(day):
    for series in day.values():
        first_on = next((k for k, r in enumerate(series) if r["engine"]["rpm"]), None)
        if first_on is None:
            continue
        cold = series[first_on - 1]
        assert abs(cold["engine"]["coolant_temp_c"] - cold["environment"]["temp_c"]) < 3.0
        warm = series[first_on + 30]
        assert warm["engine"]["coolant_temp_c"] > cold["engine"]["coolant_temp_c"] + 40.0
        assert series[first_on]["engine"]["rpm"] > 700  # cold idle runs faster
    for a, b in (p for s in day.values() for p in pairwise(s)):
        if a["engine"]["rpm"] == 0 and b["engine"]["rpm"] == 0:
            ambient = b["environment"]["temp_c"]
            assert (
                abs(b["engine"]["coolant_temp_c"] - ambient)
                <= abs(a["engine"]["coolant_temp_c"] - ambient) + 0.6
            )


def test_oil_pressure_follows_rpm(day):
    running = [r["engine"] for s in day.values() for r in s if r["engine"]["rpm"]]
    idle = [e["oil_pressure_kpa"] for e in running if e["rpm"] < 800]
    cruise = [e["oil_pressure_kpa"] for e in running if e["rpm"] > 1100]
    assert statistics.median(cruise) > statistics.median(idle) + 40.0


def test_tire_pressure_tracks_ambient_temperature_like_a_gas(day):
    correlations = []
    for series in day.values():
        night = [r for r in series if r["driver_id"] is None][:300]  # parked, tires at ambient
        temps = [r["environment"]["temp_c"] for r in night]
        pressures = [r["health"]["tire_pressure_kpa"]["fr"] for r in night]
        correlations.append(statistics.correlation(temps, pressures))
        # Gay-Lussac: a degree changes absolute pressure by 1/T, ~3.3 kPa around 0 C.
        slope = statistics.linear_regression(temps, pressures).slope
        assert 2.0 < slope < 4.5 or min(pressures) < 800.0  # leaking tires drift too
    assert statistics.median(correlations) > 0.95


def fault_runs(series: list[dict], field: str, warning: str) -> list[tuple[int, int]]:
    """(first FAULT minute, minutes spent at `warning` just before) for each failure."""
    statuses = [r["health"][field] for r in series]
    runs = []
    for k, (before, now) in enumerate(pairwise(statuses), start=1):
        if now == "FAULT" and before != "FAULT":
            warned = 0
            while k - warned - 1 >= 0 and statuses[k - warned - 1] == warning:
                warned += 1
            runs.append((k, warned))
    return runs


def test_faults_develop_gradually_in_a_minority_of_trucks(day):
    failures = {"brake_status": 0, "transmission_status": 0}
    affected = set()
    for truck, series in day.items():
        for field, warning in (("brake_status", "WORN"), ("transmission_status", "SLIPPING")):
            order = {"OK": 0, warning: 1, "FAULT": 2}
            for a, b in pairwise(series):
                before, now = order[a["health"][field]], order[b["health"][field]]
                if now < before:  # repairs happen overnight in the depot workshop
                    assert b["driver_id"] is None and b["engine"]["rpm"] == 0
                assert now <= before + 1  # never OK straight to FAULT
            for _, warned in fault_runs(series, field, warning):
                assert warned >= 20
                failures[field] += 1
                affected.add(truck)
    assert failures["brake_status"] > 0 and failures["transmission_status"] > 0
    assert len(affected) < len(day) / 4


def test_a_slipping_transmission_shows_in_the_rpm_to_speed_ratio(day):
    ratios = defaultdict(list)
    for r in (r for s in day.values() for r in s):
        if r["vehicle_speed_kmh"] > 80.0:  # top gear: rpm proportional to speed
            ratio = r["engine"]["rpm"] / r["vehicle_speed_kmh"]
            ratios[r["health"]["transmission_status"]].append(ratio)
    assert statistics.median(ratios["SLIPPING"]) > statistics.median(ratios["OK"]) * 1.03


def test_a_failed_truck_stops_delivering_and_goes_back_to_its_depot(day):
    failed_trucks = 0
    for series in day.values():
        failed = next((k for k, r in enumerate(series) if "FAULT" in r["health"].values()), None)
        if failed is None:
            continue
        failed_trucks += 1
        depot = DEPOT_BY_ID[series[failed]["depot_id"]]
        stops = []  # where the engine is switched off: at most the stop it is at, then home
        for r in series[failed:]:
            place = (r["gps"]["lat"], r["gps"]["lon"])
            if r["engine"]["rpm"] == 0 and (not stops or stops[-1] != place):
                stops.append(place)
        assert 1 <= len(stops) <= 2
        assert haversine_km(depot.lat, depot.lon, *stops[-1]) < 0.5
    assert failed_trucks


def test_drivers_work_two_shifts_and_hand_over_per_truck(day):
    for series in day.values():
        on_duty = [r["driver_id"] for r in series if r["driver_id"]]
        assert len(set(on_duty)) == 2  # the truck's crew of two, early and late shift
        off = sum(1 for r in series if r["driver_id"] is None)
        assert 420 <= off <= 540  # about eight hours a night


def test_environment_is_plausible_and_diurnal(day):
    series = next(iter(day.values()))
    temps = [r["environment"]["temp_c"] for r in series]
    afternoon, dawn = statistics.mean(temps[780:900]), statistics.mean(temps[240:360])
    assert afternoon > dawn + 2.0  # 14:00-16:00 local warmer than 05:00-07:00
    by_altitude = sorted((r["gps"]["alt_m"], r["environment"]["pressure_hpa"])
                         for s in day.values() for r in s[:1])  # fmt: skip
    lows, highs = by_altitude[:10], by_altitude[-10:]
    assert statistics.mean(p for _, p in lows) > statistics.mean(p for _, p in highs)


def test_a_reassigned_truck_drives_to_its_new_depot():
    fleet = simulate(seed=0, trucks=50, minutes=1440)
    moved = [s for s in fleet.values() if len({r["depot_id"] for r in s}) > 1]
    assert moved
    for series in moved:
        change = next(k for k, r in enumerate(series) if r["depot_id"] != series[0]["depot_id"])
        assert series[change]["driver_id"] is None  # decided overnight, while parked
        new_depot = DEPOT_BY_ID[series[-1]["depot_id"]]
        end = series[-1]["gps"]
        assert haversine_km(new_depot.lat, new_depot.lon, end["lat"], end["lon"]) < 0.5
