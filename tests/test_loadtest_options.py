"""`fleetctl loadtest` options: where a run's settings come from, and misuse as one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import InputError
from fleetctl.loadtest.distributed import Role, locust_command
from fleetctl.loadtest.runner import LoadTestRequest


def test_request_duration_is_flag_then_profile_then_config(tmp_path: Path) -> None:
    settings = load_settings(environ={"FLEETCTL_LOADTEST_DURATION_S": "42"})
    assert LoadTestRequest.from_settings(settings, rate=10).duration_s == 42
    assert LoadTestRequest.from_settings(settings, profile="spike").duration_s == 180
    request = LoadTestRequest.from_settings(settings, profile="spike", duration_s=7)
    assert request.duration_s == 7
    assert request.thresholds.p99_put_ms == 2000  # the profile's, over the configured 1000
    assert request.thresholds.min_achieved_ratio == 0.98  # configured default
    with pytest.raises(InputError, match="give --rate or --profile, not both"):
        LoadTestRequest.from_settings(settings, rate=10, profile="spike")
    with pytest.raises(InputError, match="give --rate R"):
        LoadTestRequest.from_settings(settings)
    with pytest.raises(InputError, match="--processes must be >= 1"):
        LoadTestRequest.from_settings(settings.with_overrides({"loadtest.processes": 0}), rate=1)


def test_cli_reports_a_bad_profile_in_one_line_with_exit_2(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[streams.telemetry]\nrate = [[0, 'fast']]\n")
    result = cli("loadtest", "--profile", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: Expected `float`, got `str` - at `$.streams.telemetry.rate[0][1]`"
    ]


def test_cli_refuses_locust_arguments_without_distributed(cli) -> None:
    result = cli("loadtest", "--rate", "10", "--", "-u", "5")
    assert result.exit_code == 2
    assert "unexpected arguments '-u 5'" in result.stderr


def test_processes_belong_to_locust_workers(cli) -> None:
    result = cli("loadtest", "--distributed", "master", "--processes", "2")
    assert result.exit_code == 2
    assert "--processes with --distributed applies to workers" in result.stderr


def test_locust_arguments_after_the_double_dash_pass_through() -> None:
    command = locust_command(Role.worker, ["--master-host", "10.0.0.5"], processes=2)
    assert command[1:4] == ["-m", "locust", "-f"]
    assert command[4].endswith("fleetctl/loadtest/locustfile.py")
    assert command[5:] == ["--worker", "--processes", "2", "--master-host", "10.0.0.5"]
