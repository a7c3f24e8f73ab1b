"""Connection options for real Snowflake: identity from settings, secrets only from env/key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import ConfigError
from fleetctl.warehouse import WarehouseOptions
from fleetctl.warehouse.snowflake import connection_options, scrub

ACCOUNT = {"FLEETCTL_WAREHOUSE_ACCOUNT": "myorg-fleet", "FLEETCTL_WAREHOUSE_USER": "LOADER"}


def options(env: dict[str, str]) -> dict:
    return connection_options(WarehouseOptions.from_settings(load_settings(environ=env)), env)


def test_password_comes_from_the_named_environment_variable() -> None:
    env = {**ACCOUNT, "FLEETCTL_WAREHOUSE_PASSWORD_ENV": "MY_PW", "MY_PW": "pw-from-env"}
    found = options(env)
    assert found["password"] == "pw-from-env"
    assert (found["account"], found["user"]) == ("myorg-fleet", "LOADER")
    assert (found["database"], found["schema"]) == ("FLEET", "PUBLIC")
    assert "host" not in found and "authenticator" not in found


def test_a_missing_password_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="environment variable SNOWFLAKE_PASSWORD is not set"):
        options(dict(ACCOUNT))


def test_account_and_user_are_required() -> None:
    with pytest.raises(ConfigError, match=r"warehouse\.account is not set .*ACCOUNT"):
        options({"SNOWFLAKE_PASSWORD": "x"})


def test_key_pair_reads_the_key_file_and_its_passphrase_from_the_environment(
    tmp_path: Path,
) -> None:
    key = tmp_path / "loader.p8"
    key.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    env = {
        **ACCOUNT,
        "FLEETCTL_WAREHOUSE_AUTHENTICATOR": "SNOWFLAKE_JWT",
        "FLEETCTL_WAREHOUSE_PRIVATE_KEY_FILE": str(key),
        "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "pass-from-env",
    }
    found = options(env)
    assert found["authenticator"] == "SNOWFLAKE_JWT"
    assert found["private_key_file"] == str(key)
    assert found["private_key_file_pwd"] == "pass-from-env"
    assert "password" not in found


def test_key_pair_without_a_readable_key_file_is_a_config_error(tmp_path: Path) -> None:
    env = {
        **ACCOUNT,
        "FLEETCTL_WAREHOUSE_AUTHENTICATOR": "snowflake_jwt",
        "FLEETCTL_WAREHOUSE_PRIVATE_KEY_FILE": str(tmp_path / "missing.p8"),
    }
    with pytest.raises(ConfigError, match="private_key_file: no such file"):
        options(env)


def test_sso_needs_no_secret() -> None:
    env = {**ACCOUNT, "FLEETCTL_WAREHOUSE_AUTHENTICATOR": "externalbrowser"}
    assert options(env)["authenticator"] == "externalbrowser"


def test_unknown_authenticator_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown authenticator 'okta'"):
        options({**ACCOUNT, "FLEETCTL_WAREHOUSE_AUTHENTICATOR": "okta"})


def test_host_port_and_protocol_reach_a_compatible_endpoint() -> None:
    env = {
        **ACCOUNT,
        "SNOWFLAKE_PASSWORD": "x",
        "FLEETCTL_WAREHOUSE_HOST": "127.0.0.1",
        "FLEETCTL_WAREHOUSE_PORT": "8123",
        "FLEETCTL_WAREHOUSE_PROTOCOL": "http",
        "FLEETCTL_WAREHOUSE_ROLE": "LOADER_ROLE",
        "FLEETCTL_WAREHOUSE_WAREHOUSE": "LOAD_WH",
    }
    found = options(env)
    assert (found["host"], found["port"], found["protocol"]) == ("127.0.0.1", 8123, "http")
    assert (found["role"], found["warehouse"]) == ("LOADER_ROLE", "LOAD_WH")


def test_role_must_be_an_identifier() -> None:
    env = {**ACCOUNT, "SNOWFLAKE_PASSWORD": "x", "FLEETCTL_WAREHOUSE_ROLE": "x' OR '1"}
    with pytest.raises(ConfigError, match=r"warehouse\.role: .* is not a valid identifier"):
        options(env)


def test_aws_profile_is_a_key_pair_example_for_real_snowflake() -> None:
    settings = load_settings(profile="aws", environ={})
    assert settings.get("warehouse.target") == "snowflake"
    assert settings.get("warehouse.authenticator") == "SNOWFLAKE_JWT"


def test_scrub_removes_every_secret() -> None:
    assert (
        scrub("login failed for pw=hunter2 (hunter2)", ["hunter2"])
        == "login failed for pw=*** (***)"
    )
