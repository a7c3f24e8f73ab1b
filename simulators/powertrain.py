"""How a heavy truck's engine responds to road speed and load: gears, power, fuel and heat."""

from math import exp, floor, log

G = 9.81
AIR_KG_M3 = 1.2
ROLLING_RESISTANCE = 0.0065
DRIVETRAIN_EFFICIENCY = 0.92
FUEL_L_PER_KWH = 0.245  # ~205 g/kWh brake-specific consumption of diesel at 0.835 kg/L
MAX_ENGINE_KW = 330.0
OVERRUN_LPH = 0.4  # fuel cut-off while coasting downhill
STOP_AND_GO_W_PER_KG = 0.55  # braking to a stop and re-accelerating about twice a minute in town
URBAN_KMH = 50.0
IDLE_RPM = 600.0
COLD_IDLE_EXTRA_RPM = 150.0
# Coolant approaches its target by these fractions per minute.
WARM_UP_DRIVING = 1 - exp(-1 / 4)
WARM_UP_IDLING = 1 - exp(-1 / 12)
COOL_DOWN_OFF = 1 - exp(-1 / 45)

_TOP_GEAR_RPM_PER_KMH = 14.1
_SHIFT_UP_RPM, _GEAR_STEP = 1100.0, 1.25
_LOG_GEAR_STEP = log(_GEAR_STEP)


def gear_rpm(speed_kmh: float) -> float:
    """Engine speed at a road speed, with an automated 12-speed box shifting up at 1100 rpm."""
    rpm = speed_kmh * _TOP_GEAR_RPM_PER_KMH
    if rpm >= _SHIFT_UP_RPM:
        return rpm
    if speed_kmh < 6.0:
        return 750.0 + 25.0 * speed_kmh
    steps_below = log(rpm / _SHIFT_UP_RPM) / _LOG_GEAR_STEP
    return _SHIFT_UP_RPM * _GEAR_STEP ** (steps_below - floor(steps_below))


def engine_power_kw(
    mass_kg: float, cda_m2: float, speed_ms: float, prev_speed_ms: float, climb_m: float
) -> float:
    """Mean engine output over a minute: rolling, air, climbing and accelerating; 0 coasting."""
    power_w = mass_kg * G * (ROLLING_RESISTANCE * speed_ms + climb_m / 60.0) + (
        0.5 * AIR_KG_M3 * cda_m2 * speed_ms * speed_ms * speed_ms
    )
    gained_ms2 = speed_ms * speed_ms - prev_speed_ms * prev_speed_ms
    if gained_ms2 > 0.0:
        power_w += 0.5 * mass_kg * gained_ms2 / 60.0
    if speed_ms < URBAN_KMH / 3.6:
        power_w += mass_kg * STOP_AND_GO_W_PER_KG
    if power_w <= 0.0:
        return 0.0
    engine_kw = power_w / (DRIVETRAIN_EFFICIENCY * 1000.0)
    return engine_kw if engine_kw < MAX_ENGINE_KW else MAX_ENGINE_KW


def coolant_target_c(load: float, cooling_defect: float, ambient_c: float) -> float:
    """Thermostat-regulated temperature, higher under load and with a failing cooling system."""
    return 84.0 + 10.0 * load + 22.0 * cooling_defect + 0.08 * (ambient_c - 15.0)
