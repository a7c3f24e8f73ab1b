"""Telemetry enrichment against hand-computed values: fuel, efficiency, CO2, idling, harsh
driving, and each maintenance alert with the readings that raised it."""

from __future__ import annotations

import random

import pytest

from handlers import telemetry
from tests.handler_records import derived_fields, minute, telemetry_record


def derive(*records: dict) -> list[dict]:
    return derived_fields(telemetry.handler, list(records))


def alerts(derived: dict) -> dict[str, dict]:
    return {alert["code"]: alert for alert in derived["alerts"]}


@pytest.mark.parametrize(
    ("speed_kmh", "fuel_rate_lph", "fuel_used_l", "distance_km", "l_per_100km", "co2_kg"),
    [
        (60.0, 30.0, 0.5, 1.0, 50.0, 1.34),  # 0.5 L over 1 km; 0.5 L x 2.68 kg/L
        (45.0, 27.0, 0.45, 0.75, 60.0, 1.206),
        (90.0, 33.0, 0.55, 1.5, 36.67, 1.474),
    ],
)
def test_fuel_distance_efficiency_and_co2_of_a_moving_minute(
    speed_kmh: float,
    fuel_rate_lph: float,
    fuel_used_l: float,
    distance_km: float,
    l_per_100km: float,
    co2_kg: float,
) -> None:
    [derived] = derive(telemetry_record(vehicle_speed_kmh=speed_kmh, fuel_rate_lph=fuel_rate_lph))

    assert derived["fuel_used_l"] == fuel_used_l
    assert derived["distance_km"] == distance_km
    assert derived["fuel_efficiency_l_per_100km"] == l_per_100km
    assert derived["co2_kg"] == co2_kg
    assert (derived["moving"], derived["idling"], derived["engine_running"]) == (True, False, True)


def test_idling_truck_burns_fuel_with_no_efficiency_figure() -> None:
    [derived] = derive(
        telemetry_record(vehicle_speed_kmh=0.0, fuel_rate_lph=2.4, **{"engine.rpm": 650})
    )

    assert derived["idling"] is True
    assert derived["moving"] is False
    assert derived["distance_km"] == 0.0
    assert derived["fuel_efficiency_l_per_100km"] is None
    assert derived["fuel_used_l"] == 0.04
    assert derived["co2_kg"] == 0.1072


def test_parked_truck_with_engine_off_is_not_idling() -> None:
    [derived] = derive(
        telemetry_record(vehicle_speed_kmh=0.0, fuel_rate_lph=0.0, **{"engine.rpm": 0})
    )

    assert (derived["engine_running"], derived["idling"], derived["moving"]) == (
        False,
        False,
        False,
    )
    assert derived["fuel_efficiency_l_per_100km"] is None


def test_harsh_braking_and_acceleration_compare_with_the_same_trucks_previous_minute() -> None:
    speeds = {1: 80.0, 2: 45.0, 3: 75.0, 4: 60.0, 6: 10.0}
    own = [
        telemetry_record(n, event_ts=minute(n), vehicle_speed_kmh=speed)
        for n, speed in speeds.items()
    ]
    # Another truck in between must not count as "previous", and batch order must not matter.
    other = [
        telemetry_record(100 + n, truck_id="TRK-999", event_ts=minute(n), vehicle_speed_kmh=0.0)
        for n in speeds
    ]
    batch = own + other
    order = list(range(len(batch)))
    random.Random(3).shuffle(order)

    shuffled = derive(*(batch[i] for i in order))
    by_minute = {n: shuffled[order.index(i)] for i, n in enumerate(speeds)}

    assert by_minute[1]["speed_change_kmh"] is None  # first reading in the batch
    assert by_minute[1]["harsh_braking"] is None
    assert (by_minute[2]["speed_change_kmh"], by_minute[2]["harsh_braking"]) == (-35.0, True)
    assert by_minute[2]["harsh_acceleration"] is False
    assert (by_minute[3]["speed_change_kmh"], by_minute[3]["harsh_acceleration"]) == (30.0, True)
    assert (by_minute[4]["harsh_braking"], by_minute[4]["harsh_acceleration"]) == (False, False)
    assert by_minute[6]["speed_change_kmh"] is None  # minute 5 is missing: no previous minute


@pytest.mark.parametrize(
    ("status", "code", "severity"),
    [("WORN", "BRAKE_WORN", "warning"), ("FAULT", "BRAKE_FAULT", "critical")],
)
def test_brake_status_raises_alert(status: str, code: str, severity: str) -> None:
    [derived] = derive(telemetry_record(**{"health.brake_status": status}))

    assert derived["alerts"] == [
        {
            "code": code,
            "severity": severity,
            "message": derived["alerts"][0]["message"],
            "readings": {"brake_status": status},
        }
    ]


def test_healthy_reading_raises_no_alert() -> None:
    assert derive(telemetry_record())[0]["alerts"] == []


def test_transmission_fault_is_critical() -> None:
    [derived] = derive(telemetry_record(**{"health.transmission_status": "FAULT"}))

    alert = alerts(derived)["TRANSMISSION_FAULT"]
    assert alert["severity"] == "critical"
    assert alert["readings"]["transmission_status"] == "FAULT"


def test_slipping_is_a_warning_and_critical_when_rpm_rises_without_speed() -> None:
    before = telemetry_record(1, event_ts=minute(1), vehicle_speed_kmh=50.0, **{"engine.rpm": 1400})
    slipping = {"health.transmission_status": "SLIPPING"}
    rpm_jump = telemetry_record(
        2, event_ts=minute(2), vehicle_speed_kmh=50.5, **{"engine.rpm": 1900}, **slipping
    )

    first, confirmed = derive(before | {"health": rpm_jump["health"]}, rpm_jump)

    assert alerts(first)["TRANSMISSION_SLIPPING"]["severity"] == "warning"
    alert = alerts(confirmed)["TRANSMISSION_SLIPPING"]
    assert alert["severity"] == "critical"
    assert alert["readings"] == {
        "transmission_status": "SLIPPING",
        "rpm": 1900.0,
        "vehicle_speed_kmh": 50.5,
        "previous_rpm": 1400.0,
        "previous_speed_kmh": 50.0,
    }


def test_rpm_rising_without_speed_alone_is_an_info_anomaly() -> None:
    _, anomaly = derive(
        telemetry_record(1, event_ts=minute(1), vehicle_speed_kmh=40.0, **{"engine.rpm": 1200}),
        telemetry_record(2, event_ts=minute(2), vehicle_speed_kmh=38.0, **{"engine.rpm": 1700}),
    )

    assert [a["code"] for a in anomaly["alerts"]] == ["TRANSMISSION_RPM_SPEED_ANOMALY"]
    assert anomaly["alerts"][0]["severity"] == "info"


@pytest.mark.parametrize(
    ("oil_kpa", "rpm", "severity"),
    [(90.0, 800, "warning"), (60.0, 800, "critical"), (60.0, 0, None), (100.0, 800, None)],
)
def test_low_oil_pressure_counts_only_with_the_engine_running(
    oil_kpa: float, rpm: float, severity: str | None
) -> None:
    [derived] = derive(telemetry_record(**{"engine.oil_pressure_kpa": oil_kpa, "engine.rpm": rpm}))

    alert = alerts(derived).get("OIL_PRESSURE_LOW")
    assert (alert and alert["severity"]) == severity
    if alert:
        assert alert["readings"] == {"oil_pressure_kpa": oil_kpa, "rpm": float(rpm)}


def test_oil_pressure_declining_is_flagged_once_five_readings_show_the_trend() -> None:
    readings = [
        telemetry_record(n, event_ts=minute(n), **{"engine.oil_pressure_kpa": 320.0 - 10 * n})
        for n in range(6)
    ]

    derived = derive(*reversed(readings))[::-1]

    flagged = ["OIL_PRESSURE_DECLINING" in alerts(d) for d in derived]
    assert flagged == [False, False, False, False, True, True]
    # Five points 320..280 one minute apart: slope -10 kPa/min, fitted drop 40 kPa.
    assert alerts(derived[4])["OIL_PRESSURE_DECLINING"]["readings"] == {
        "oil_pressure_kpa": 280.0,
        "slope_kpa_per_min": -10.0,
        "fitted_drop_kpa": 40.0,
        "trend_readings": 5,
    }


def test_engine_off_readings_do_not_make_an_oil_pressure_trend() -> None:
    readings = [
        telemetry_record(n, event_ts=minute(n), **{"engine.oil_pressure_kpa": 320.0})
        for n in range(6)
    ]
    readings[4] = telemetry_record(
        4,
        event_ts=minute(4),
        vehicle_speed_kmh=0.0,
        **{"engine.rpm": 0, "engine.oil_pressure_kpa": 0},
    )

    assert not any("OIL_PRESSURE_DECLINING" in alerts(d) for d in derive(*readings))


def test_low_tyres_are_listed_with_severity_of_the_worst() -> None:
    warning, critical = derive(
        telemetry_record(1, **{"health.tire_pressure_kpa.fl": 640.0}),
        telemetry_record(
            2,
            truck_id="TRK-002",
            **{"health.tire_pressure_kpa.fl": 640.0, "health.tire_pressure_kpa.rr": 560.0},
        ),
    )

    assert alerts(warning)["TIRE_PRESSURE_LOW"]["severity"] == "warning"
    assert alerts(warning)["TIRE_PRESSURE_LOW"]["readings"] == {"fl_kpa": 640.0}
    assert alerts(critical)["TIRE_PRESSURE_LOW"]["severity"] == "critical"
    assert alerts(critical)["TIRE_PRESSURE_LOW"]["readings"] == {"fl_kpa": 640.0, "rr_kpa": 560.0}


def test_slowly_falling_tyre_is_flagged_before_it_is_low() -> None:
    readings = [
        telemetry_record(n, event_ts=minute(n), **{"health.tire_pressure_kpa.rl": 760.0 - 5 * n})
        for n in range(6)
    ]

    derived = derive(*readings)

    assert ["TIRE_PRESSURE_FALLING" in alerts(d) for d in derived] == [False] * 4 + [True] * 2
    assert alerts(derived[4])["TIRE_PRESSURE_FALLING"]["readings"] == {
        "rl_kpa": 740.0,
        "rl_slope_kpa_per_min": -5.0,
    }
    assert "TIRE_PRESSURE_LOW" not in alerts(derived[5])


@pytest.mark.parametrize(
    ("volts", "severity"),
    [
        (27.6, None),
        (24.5, None),
        (23.9, "warning"),  # 24 V system: below 24.4 V
        (23.0, "critical"),  # below 23.6 V
        (12.6, None),
        (12.0, "warning"),  # 12 V system: below 12.2 V
        (11.5, "critical"),  # below 11.8 V
    ],
)
def test_battery_voltage_low_for_12_and_24_volt_systems(volts: float, severity: str | None) -> None:
    [derived] = derive(telemetry_record(**{"engine.battery_voltage_v": volts}))

    alert = alerts(derived).get("BATTERY_VOLTAGE_LOW")
    assert (alert and alert["severity"]) == severity
    if alert:
        assert alert["readings"] == {"battery_voltage_v": volts}


@pytest.mark.parametrize(
    ("coolant_c", "severity"), [(104.9, None), (105.0, "warning"), (112.0, "critical")]
)
def test_overheating_from_coolant_temperature(coolant_c: float, severity: str | None) -> None:
    [derived] = derive(telemetry_record(**{"engine.coolant_temp_c": coolant_c}))

    alert = alerts(derived).get("ENGINE_OVERHEATING")
    assert (alert and alert["severity"]) == severity
    if alert:
        assert alert["readings"] == {"coolant_temp_c": coolant_c}


def test_a_steep_drop_over_fewer_than_five_readings_is_not_a_trend() -> None:
    readings = [
        telemetry_record(
            n,
            event_ts=minute(n),
            **{
                "engine.oil_pressure_kpa": 400.0 - 60 * n,
                "health.tire_pressure_kpa.fr": 760.0 - 30 * n,
            },
        )
        for n in range(4)
    ]

    derived = derive(*readings)

    codes = {alert["code"] for d in derived for alert in d["alerts"]}
    assert not codes & {"OIL_PRESSURE_DECLINING", "TIRE_PRESSURE_FALLING"}


def test_revving_while_standing_still_is_no_transmission_anomaly() -> None:
    _, revving = derive(
        telemetry_record(1, event_ts=minute(1), vehicle_speed_kmh=0.0, **{"engine.rpm": 700}),
        telemetry_record(2, event_ts=minute(2), vehicle_speed_kmh=0.0, **{"engine.rpm": 1500}),
    )

    assert revving["alerts"] == []
