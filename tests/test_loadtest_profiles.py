"""Load profiles: the packaged ones parse, bad files are one line naming file and field, and rates
and their integral follow the points."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.errors import InputError
from fleetctl.loadtest.profiles import (
    RateCurve,
    Thresholds,
    known_profiles,
    load_profile,
    steady_profile,
)


def test_packaged_profiles_are_the_documented_four_and_all_parse() -> None:
    assert known_profiles() == ["black-friday", "ramp", "spike", "steady"]
    black_friday = load_profile("black-friday")
    # 10,000 trucks reporting every minute
    assert black_friday.streams["telemetry"].rate_at(300) * 60 == pytest.approx(10_000, rel=1e-3)
    assert black_friday.streams["clickstream"].rate_at(265) == 6000
    assert black_friday.duration_s == 600
    assert black_friday.thresholds.error_rate == 0.0001


def test_rate_is_linear_between_points_and_the_last_one_holds() -> None:
    curve = RateCurve([(0, 100), (10, 300), (20, 300)])
    assert curve.rate_at(5) == 200
    assert curve.rate_at(15) == 300
    assert curve.rate_at(99) == 300
    assert curve.count_until(10) == pytest.approx(2000)  # trapezoid (100 + 300) / 2 x 10
    assert curve.count_until(25) == pytest.approx(2000 + 300 * 15)
    assert curve.peak(8) == pytest.approx(260)


def test_steady_rate_is_split_evenly_between_streams() -> None:
    profile = steady_profile(1000)
    assert {name: c.rate_at(7) for name, c in profile.streams.items()} == {
        "clickstream": 500,
        "telemetry": 500,
    }
    with pytest.raises(InputError, match="--rate must be a positive number"):
        steady_profile(0)


TELEMETRY = "[streams.telemetry]\n"
AT_RATE = "- at `$.streams.telemetry.rate`"
BAD_PROFILES = [
    (
        TELEMETRY + "rate = [[0, -5]]",
        "Expected `float` >= 0.0 - at `$.streams.telemetry.rate[0][1]`",
    ),
    (TELEMETRY + "rate = [[0, 5]]\nspeed = 2", "unknown field `speed` - at `$.streams.telemetry`"),
    (
        "[streams.trucks]\nrate = [[0, 5]]",
        "Object contains unknown field `trucks` - at `$.streams`",
    ),
    (TELEMETRY + "rate = [[5, 5]]", f"the first point must be at 0 s {AT_RATE}"),
    (
        TELEMETRY + "rate = [[0, 5], [9, 1], [9, 3]]",
        f"times must increase (9 s after 9 s) {AT_RATE}",
    ),
    ("[streams.clickstream]\nrate = [[0, 0]]", "no stream has a rate above 0 - at `$.streams`"),
    ("description = 'x'", "Object missing required field `streams`"),
    (
        TELEMETRY + "rate = [[0, 5]]\n[thresholds]\nerror_rate = 2",
        "<= 1.0 - at `$.thresholds.error_rate`",
    ),
    ("[streams.telemetry", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_PROFILES)
def test_a_bad_profile_is_one_input_error_naming_file_and_field(
    text: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_profile(str(path))
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_profile_name_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown load profile 'cyber-monday' .*black-friday"):
        load_profile("cyber-monday")


def test_profile_thresholds_override_configured_ones_key_by_key() -> None:
    mine = Thresholds(p99_put_ms=200)
    merged = mine.over(Thresholds(p99_put_ms=1000, error_rate=0.01))
    assert merged == Thresholds(p99_put_ms=200, error_rate=0.01)
