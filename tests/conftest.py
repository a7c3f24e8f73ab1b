"""Shared fixtures: an isolated FLEETCTL_HOME and a CLI runner."""

from __future__ import annotations

from pathlib import Path

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
