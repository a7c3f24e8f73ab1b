"""Configuration layering: flag > environment > profile > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import ConfigError


def test_packaged_defaults_apply_without_any_environment() -> None:
    settings = load_settings(environ={})
    assert settings.profile == "local"
    assert settings.get("streams.telemetry") == "fleet-telemetry"
    assert settings.home == Path(".fleetctl")


def test_environment_overrides_profile_and_is_typed_like_the_default() -> None:
    settings = load_settings(environ={"FLEETCTL_SIMULATE_TRUCKS": "7", "FLEETCTL_HOME": "/x"})
    assert settings.get("simulate.trucks") == 7
    assert settings.home == Path("/x")


def test_flags_override_environment_but_unset_flags_do_not() -> None:
    settings = load_settings(environ={"FLEETCTL_SIMULATE_SEED": "5"}).with_overrides(
        {"simulate.seed": 9, "simulate.trucks": None}
    )
    assert settings.get("simulate.seed") == 9
    assert settings.get("simulate.trucks") == load_settings(environ={}).get("simulate.trucks")


def test_profile_file_layers_over_defaults_and_environment_layers_over_profile(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[defaults.streams]\ntelemetry = "t-default"\n'
        '[profiles.staging.streams]\ntelemetry = "t-staging"\nclickstream = "c-staging"\n'
    )
    env = {"FLEETCTL_CONFIG": str(extra), "FLEETCTL_PROFILE": "staging"}
    assert load_settings(environ=env).get("streams.telemetry") == "t-staging"
    assert (
        load_settings(environ={**env, "FLEETCTL_STREAMS_TELEMETRY": "t-env"}).get(
            "streams.telemetry"
        )
        == "t-env"
    )
    assert load_settings("local", environ=env).get("streams.telemetry") == "t-default"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FLEETCTL_PROFILE": "nope"}, "unknown profile 'nope'"),
        ({"FLEETCTL_SIMULATE_TRUCKS": "many"}, "FLEETCTL_SIMULATE_TRUCKS: expected an integer"),
        ({"FLEETCTL_CONFIG": "/does/not/exist.toml"}, "/does/not/exist.toml: cannot read"),
    ],
)
def test_bad_configuration_is_a_config_error_naming_the_culprit(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_malformed_config_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[defaults]\nhome = \n")
    with pytest.raises(ConfigError, match=r"bad\.toml: .*line 2"):
        load_settings(environ={"FLEETCTL_CONFIG": str(bad)})
