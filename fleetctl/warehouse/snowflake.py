"""A real Snowflake connection (or any Snowflake-compatible endpoint) from `warehouse.*` settings.

Secrets never come from the configuration: the password from the environment variable that
`warehouse.password_env` names, a key pair from `warehouse.private_key_file` (its passphrase from
`warehouse.private_key_passphrase_env`), SSO from the browser. No message we raise contains one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fleetctl.config import Settings, env_var_for
from fleetctl.errors import ConfigError, WarehouseError
from fleetctl.warehouse import WarehouseOptions, identifier
from fleetctl.warehouse.connection import Warehouse, one_line

PASSWORD = "snowflake"
KEY_PAIR = "snowflake_jwt"
SSO = "externalbrowser"


def open_warehouse(settings: Settings) -> Warehouse:
    from fleetctl.warehouse.connector import import_connector

    snowflake_connector = import_connector()
    options = WarehouseOptions.from_settings(settings)
    connect = connection_options(options, os.environ)
    secrets = [v for k, v in connect.items() if k in ("password", "private_key_file_pwd") and v]
    where = (
        f"{connect['protocol']}://{connect['host']}:{connect['port']}"
        if "host" in connect
        else f"{connect['account']}.snowflakecomputing.com"
    )
    try:
        connection = snowflake_connector.connect(**connect)
    except snowflake_connector.errors.Error as e:
        message = f"cannot connect to Snowflake at {where} as {connect['user']}: {one_line(e)}"
        raise WarehouseError(scrub(message, secrets)) from None
    return Warehouse(
        connection,
        target="snowflake",
        location=where,
        database=connect["database"],
        schema=connect["schema"],
        load_batch_rows=options.load_batch_rows,
        on_close=connection.close,
    )


def connection_options(options: WarehouseOptions, environ: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments for `snowflake.connector.connect`, secrets read from `environ`."""
    connect: dict[str, Any] = {
        "account": _required(options.account, "account"),
        "user": _required(options.user, "user"),
        "database": identifier(options.database, "database"),
        "schema": identifier(options.schema, "schema"),
        "login_timeout": options.login_timeout_s,
        # the connector reports some failures to Snowflake's telemetry service on its own; a
        # loader has no business sending anything anywhere but the configured endpoint
        "session_parameters": {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
    }
    for key in ("role", "warehouse"):
        if value := identifier(getattr(options, key), key, optional=True):
            connect[key] = value
    if options.host:
        connect.update(host=options.host, port=options.port, protocol=options.protocol)
    connect.update(_credentials(options, environ))
    return connect


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret replaced: a last guard should a library ever echo one."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _credentials(options: WarehouseOptions, environ: Mapping[str, str]) -> dict[str, Any]:
    authenticator = options.authenticator
    kind = authenticator.lower()
    if kind == PASSWORD:
        variable = options.password_env
        if not environ.get(variable):
            raise ConfigError(
                f"warehouse.password_env: environment variable {variable} is not set "
                "(it holds the Snowflake password)"
            )
        return {"password": environ[variable]}
    if kind == KEY_PAIR:
        if not options.private_key_file:
            raise ConfigError(
                "warehouse.private_key_file is not set (SNOWFLAKE_JWT needs the private key; "
                f"set {env_var_for('warehouse.private_key_file')})"
            )
        key_file = Path(options.private_key_file).expanduser()
        if not key_file.is_file():
            raise ConfigError(f"warehouse.private_key_file: no such file: {key_file}")
        credentials: dict[str, Any] = {
            "authenticator": "SNOWFLAKE_JWT",
            "private_key_file": str(key_file),
        }
        if passphrase := environ.get(options.private_key_passphrase_env):
            credentials["private_key_file_pwd"] = passphrase
        return credentials
    if kind == SSO:
        return {"authenticator": "externalbrowser"}
    raise ConfigError(
        f"warehouse.authenticator: unknown authenticator {authenticator!r} "
        "(choose from snowflake, SNOWFLAKE_JWT, externalbrowser)"
    )


def _required(value: str, key: str) -> str:
    if not value:
        key = f"warehouse.{key}"
        raise ConfigError(f"{key} is not set (set it in a profile or as {env_var_for(key)})")
    return value
