"""Weather and terrain: temperature, humidity and pressure per region and minute; altitude."""

from datetime import date
from math import cos, exp, pi, sin

from simulators.clock import LOCAL_UTC_OFFSET_MIN, MINUTES_PER_DAY
from simulators.ids import derived_rng

# Barometric scale height at ~15 C: station pressure falls ~12 hPa per 100 m of altitude.
_SCALE_HEIGHT_M = 8434.0
_LAPSE_C_PER_M = 0.0065
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_TWO_PI = 2.0 * pi


def altitude_m(lat: float, lon: float) -> float:
    """Smooth terrain: the North German plain rising towards the Alps, plus rolling hills."""
    base = max(0.0, 480.0 * (53.6 - lat) / 5.5)
    relief = 35.0 * sin(lat * 41.3) * cos(lon * 27.1) + 20.0 * sin(lon * 63.7 + lat * 12.9)
    return max(2.0, base + relief + 25.0)


def pressure_ratio(alt_m: float) -> float:
    """Station pressure over sea-level pressure at `alt_m`."""
    return exp(-alt_m / _SCALE_HEIGHT_M)


class Weather:
    """Ambient conditions that depend only on (seed, region, time), so any fleet slice agrees."""

    __slots__ = ("_days", "_region_alt_m", "_seed")

    def __init__(self, seed: int, region_alt_m: list[float]) -> None:
        self._seed = seed
        self._region_alt_m = region_alt_m
        self._days: dict[tuple[int, int], tuple[float, float, float, float]] = {}

    def at(self, minute: int) -> list[tuple[float, float, float]]:
        """(temp_c, humidity_pct, sea_level_hpa) of every region during `minute`.

        Humidity comes rounded to 0.1 % because every truck in a region reports the same value.
        """
        return [self.conditions(region, minute) for region in range(len(self._region_alt_m))]

    def conditions(self, region: int, minute: int) -> tuple[float, float, float]:
        local = minute + LOCAL_UTC_OFFSET_MIN
        day, minute_of_day = divmod(local, MINUTES_PER_DAY)
        frac = minute_of_day / MINUTES_PER_DAY
        # Day-to-day weather is interpolated across midnight so nothing jumps.
        mean_a, amp_a, rh_a, p_a = self._day(region, day)
        mean_b, amp_b, rh_b, p_b = self._day(region, day + 1)
        mean_c = mean_a + (mean_b - mean_a) * frac
        amp_c = amp_a + (amp_b - amp_a) * frac
        swing = cos(_TWO_PI * (frac - 15.0 / 24.0))  # warmest mid-afternoon
        temp_c = mean_c + amp_c * swing
        humidity = rh_a + (rh_b - rh_a) * frac - 2.5 * amp_c * swing
        pressure = p_a + (p_b - p_a) * frac
        return temp_c, round(min(100.0, max(20.0, humidity)), 1), pressure

    def _day(self, region: int, day: int) -> tuple[float, float, float, float]:
        key = (region, day)
        found = self._days.get(key)
        if found is None:
            if len(self._days) > 256:
                self._days.clear()
            found = self._days[key] = self._daily(region, day)
        return found

    def _daily(self, region: int, day: int) -> tuple[float, float, float, float]:
        national = derived_rng(self._seed, "weather", day)
        local = derived_rng(self._seed, "weather", day, region)
        doy = date.fromordinal(_EPOCH_ORDINAL + day).timetuple().tm_yday
        seasonal_c = 9.5 - 9.0 * cos(_TWO_PI * (doy - 15) / 365.0)
        mean_c = (
            seasonal_c
            + national.gauss(0.0, 3.0)
            + local.gauss(0.0, 1.0)
            - _LAPSE_C_PER_M * self._region_alt_m[region]
        )
        amp_c = 2.5 + 3.5 * national.random()
        humidity = 62.0 + 20.0 * national.random() + local.gauss(0.0, 3.0)
        sea_level_hpa = 1013.25 + national.gauss(0.0, 8.0) + local.gauss(0.0, 1.5)
        return mean_c, amp_c, humidity, sea_level_hpa
