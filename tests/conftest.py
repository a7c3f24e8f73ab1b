"""Shared fixtures: an isolated FLEETCTL_HOME, a CLI runner, warehouses and the fakesnow server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fleetctl.cli import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private FLEETCTL_HOME, and no FLEETCTL_* settings leaking in from the environment."""
    import os

    for var in [v for v in os.environ if v.startswith("FLEETCTL_")]:
        monkeypatch.delenv(var)
    state = tmp_path / "home"
    monkeypatch.setenv("FLEETCTL_HOME", str(state))
    return state


@pytest.fixture
def cli(home: Path):
    """Run `fleetctl ARGS...` in-process; returns Click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    return run


@pytest.fixture
def warehouse(home: Path):
    """The embedded warehouse under the private FLEETCTL_HOME, migrated."""
    from fleetctl.config import load_settings
    from fleetctl.warehouse import open_warehouse

    with open_warehouse(load_settings()) as wh:
        wh.migrate()
        yield wh


@pytest.fixture(scope="session")
def fakesnow_server() -> Iterator[dict[str, Any]]:
    """fakesnow's HTTP server on 127.0.0.1 (random port), for the real Snowflake connector."""
    import fakesnow

    with fakesnow.server(host="127.0.0.1") as connection_kwargs:
        yield connection_kwargs


@pytest.fixture
def snowflake_env(
    home: Path, fakesnow_server: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Environment that points fleetctl's `snowflake` target at the fakesnow server, with a
    database of this test's own (the server's in-memory databases are shared by all tests)."""
    env = {
        "FLEETCTL_WAREHOUSE_TARGET": "snowflake",
        "FLEETCTL_WAREHOUSE_ACCOUNT": fakesnow_server["account"],
        "FLEETCTL_WAREHOUSE_USER": fakesnow_server["user"],
        "FLEETCTL_WAREHOUSE_HOST": fakesnow_server["host"],
        "FLEETCTL_WAREHOUSE_PORT": str(fakesnow_server["port"]),
        "FLEETCTL_WAREHOUSE_PROTOCOL": fakesnow_server["protocol"],
        "FLEETCTL_WAREHOUSE_DATABASE": f"T{uuid.uuid4().hex[:12].upper()}",
        "SNOWFLAKE_PASSWORD": fakesnow_server["password"],
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
