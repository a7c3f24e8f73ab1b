"""Maintenance alert rules over one telemetry reading, the reading a minute before it, and the
truck's trends within the batch. Each rule returns at most one Alert; severities rise with risk.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.contract import TelemetryRecord
from handlers.readings import TIRE_POSITIONS, TruckHistory, engine_running
from handlers.transformed import Alert

Rule = Callable[[TelemetryRecord, TelemetryRecord | None, TruckHistory], Alert | None]

# Heavy-duty diesel oil pressure: ~100-200 kPa at idle, 250-450 kPa under load.
OIL_PRESSURE_WARNING_KPA = 100.0
OIL_PRESSURE_CRITICAL_KPA = 70.0
# Trends need a few points: noise over two or three minutes is not a decline.
TREND_MIN_READINGS = 5
OIL_DECLINE_KPA_PER_MIN = 2.0
OIL_DECLINE_MIN_DROP_KPA = 40.0
# Truck tyres run ~760 kPa (110 psi) cold; FMVSS 138 TPMS warns at 25% under placard.
TIRE_WARNING_KPA = 650.0
TIRE_CRITICAL_KPA = 570.0
TIRE_DECLINE_KPA_PER_MIN = 1.0
TIRE_DECLINE_MIN_DROP_KPA = 20.0
# Resting 12 V lead-acid: 12.2 V is about half charged, 11.8 V nearly flat. 24 V systems double.
BATTERY_WARNING_V_PER_12V = 12.2
BATTERY_CRITICAL_V_PER_12V = 11.8
BATTERY_24V_SYSTEM_ABOVE_V = 18.0
# Diesel coolant runs 85-95 C; dashboards warn from about 105 C.
COOLANT_WARNING_C = 105.0
COOLANT_CRITICAL_C = 112.0
# Engine speed climbing with no gain in road speed is how a slipping clutch pack shows.
SLIP_RPM_RISE = 400.0
SLIP_MAX_SPEED_GAIN_KMH = 1.0
SLIP_MIN_SPEED_KMH = 5.0


def brake_wear(
    reading: TelemetryRecord, _p: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    status = reading.health.brake_status
    if status == "OK":
        return None
    if status == "FAULT":
        return Alert("BRAKE_FAULT", "critical", "Brake fault reported", {"brake_status": status})
    return Alert("BRAKE_WORN", "warning", "Brake pads reported worn", {"brake_status": status})


def transmission(
    reading: TelemetryRecord, previous: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    status = reading.health.transmission_status
    readings = {
        "transmission_status": status,
        "rpm": reading.engine.rpm,
        "vehicle_speed_kmh": reading.vehicle_speed_kmh,
    }
    if status == "FAULT":
        return Alert("TRANSMISSION_FAULT", "critical", "Transmission fault reported", readings)
    slip_seen = _rpm_rises_without_speed(reading, previous)
    if slip_seen is not None:
        readings |= slip_seen
    if status == "SLIPPING":
        if slip_seen is None:
            return Alert(
                "TRANSMISSION_SLIPPING", "warning", "Transmission reports slipping", readings
            )
        return Alert(
            "TRANSMISSION_SLIPPING",
            "critical",
            "Transmission reports slipping and engine speed rose without road speed",
            readings,
        )
    if slip_seen is not None:
        return Alert(
            "TRANSMISSION_RPM_SPEED_ANOMALY",
            "info",
            "Engine speed rose without road speed (slip, or a downshift)",
            readings,
        )
    return None


def _rpm_rises_without_speed(
    reading: TelemetryRecord, previous: TelemetryRecord | None
) -> dict[str, float] | None:
    if previous is None or reading.vehicle_speed_kmh < SLIP_MIN_SPEED_KMH:
        return None
    rpm_rise = reading.engine.rpm - previous.engine.rpm
    speed_gain = reading.vehicle_speed_kmh - previous.vehicle_speed_kmh
    if rpm_rise < SLIP_RPM_RISE or speed_gain > SLIP_MAX_SPEED_GAIN_KMH:
        return None
    return {"previous_rpm": previous.engine.rpm, "previous_speed_kmh": previous.vehicle_speed_kmh}


def oil_pressure_low(
    reading: TelemetryRecord, _p: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    pressure = reading.engine.oil_pressure_kpa
    if pressure >= OIL_PRESSURE_WARNING_KPA or not engine_running(reading):
        return None
    severity = "critical" if pressure < OIL_PRESSURE_CRITICAL_KPA else "warning"
    limit = OIL_PRESSURE_CRITICAL_KPA if severity == "critical" else OIL_PRESSURE_WARNING_KPA
    return Alert(
        "OIL_PRESSURE_LOW",
        severity,
        f"Oil pressure {pressure:g} kPa below {limit:g} kPa with the engine running",
        {"oil_pressure_kpa": pressure, "rpm": reading.engine.rpm},
    )


def oil_pressure_declining(
    reading: TelemetryRecord, _p: TelemetryRecord | None, history: TruckHistory
) -> Alert | None:
    trend = history.oil_pressure
    if trend.count < TREND_MIN_READINGS or not engine_running(reading):
        return None
    slope = trend.slope_per_minute()
    if slope is None or slope > -OIL_DECLINE_KPA_PER_MIN:
        return None
    fitted_drop = -slope * trend.span_minutes
    if fitted_drop < OIL_DECLINE_MIN_DROP_KPA:
        return None
    return Alert(
        "OIL_PRESSURE_DECLINING",
        "warning",
        f"Oil pressure falling {-slope:.1f} kPa/min over {trend.span_minutes} minutes of readings",
        {
            "oil_pressure_kpa": reading.engine.oil_pressure_kpa,
            "slope_kpa_per_min": round(slope, 2),
            "fitted_drop_kpa": round(fitted_drop, 1),
            "trend_readings": trend.count,
        },
    )


def tire_pressure_low(
    reading: TelemetryRecord, _p: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    tires = reading.health.tire_pressure_kpa
    pressures = {f"{position}_kpa": getattr(tires, position) for position in TIRE_POSITIONS}
    low = {key: kpa for key, kpa in pressures.items() if kpa < TIRE_WARNING_KPA}
    if not low:
        return None
    critical = min(low.values()) < TIRE_CRITICAL_KPA
    return Alert(
        "TIRE_PRESSURE_LOW",
        "critical" if critical else "warning",
        f"Tyre pressure below {TIRE_CRITICAL_KPA if critical else TIRE_WARNING_KPA:g} kPa: "
        + ", ".join(key.removesuffix("_kpa") for key in low),
        low,
    )


def tire_pressure_falling(
    reading: TelemetryRecord, _p: TelemetryRecord | None, history: TruckHistory
) -> Alert | None:
    tires = reading.health.tire_pressure_kpa
    falling: list[str] = []
    readings: dict[str, float] = {}
    for position, trend in history.tire_pressure.items():
        if trend.count < TREND_MIN_READINGS:
            return None  # every tyre trend holds the same readings
        slope = trend.slope_per_minute()
        if slope is None or slope > -TIRE_DECLINE_KPA_PER_MIN:
            continue
        if -slope * trend.span_minutes >= TIRE_DECLINE_MIN_DROP_KPA:
            falling.append(position)
            readings[f"{position}_kpa"] = getattr(tires, position)
            readings[f"{position}_slope_kpa_per_min"] = round(slope, 2)
    if not falling:
        return None
    return Alert(
        "TIRE_PRESSURE_FALLING",
        "warning",
        f"Tyre pressure falling (slow leak?): {', '.join(falling)}",
        readings,
    )


def battery_voltage_low(
    reading: TelemetryRecord, _p: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    volts = reading.engine.battery_voltage_v
    # The contract does not say 12 V or 24 V; a healthy reading tells which system it is.
    cells = 2.0 if volts > BATTERY_24V_SYSTEM_ABOVE_V else 1.0
    if volts >= BATTERY_WARNING_V_PER_12V * cells:
        return None
    critical = volts < BATTERY_CRITICAL_V_PER_12V * cells
    limit = (BATTERY_CRITICAL_V_PER_12V if critical else BATTERY_WARNING_V_PER_12V) * cells
    return Alert(
        "BATTERY_VOLTAGE_LOW",
        "critical" if critical else "warning",
        f"Battery {volts:g} V below {limit:g} V ({12 * cells:g} V system)",
        {"battery_voltage_v": volts},
    )


def overheating(
    reading: TelemetryRecord, _p: TelemetryRecord | None, _h: TruckHistory
) -> Alert | None:
    coolant = reading.engine.coolant_temp_c
    if coolant < COOLANT_WARNING_C:
        return None
    critical = coolant >= COOLANT_CRITICAL_C
    limit = COOLANT_CRITICAL_C if critical else COOLANT_WARNING_C
    return Alert(
        "ENGINE_OVERHEATING",
        "critical" if critical else "warning",
        f"Coolant {coolant:g} C at or above {limit:g} C",
        {"coolant_temp_c": coolant},
    )


RULES: tuple[Rule, ...] = (
    brake_wear,
    transmission,
    oil_pressure_low,
    oil_pressure_declining,
    tire_pressure_low,
    tire_pressure_falling,
    battery_voltage_low,
    overheating,
)


def alerts_for(
    reading: TelemetryRecord, previous: TelemetryRecord | None, history: TruckHistory
) -> list[Alert]:
    """Alerts raised by `reading`; `history` must already include it."""
    return [alert for rule in RULES if (alert := rule(reading, previous, history)) is not None]
