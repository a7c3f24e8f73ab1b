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


TEST_FUNCTIONS = {
    "fleet-raising": "tests.lambda_functions.raising",
    "fleet-lossy": "tests.lambda_functions.loses_last_record",
}


@pytest.fixture
def lambda_config(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FLEETCTL_CONFIG adding the test-only functions of tests/lambda_functions.py."""
    path = tmp_path / "lambda-functions.toml"
    lines = ["[defaults.lambda.functions]"]
    lines += [f'{name} = "{handler}"' for name, handler in TEST_FUNCTIONS.items()]
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("FLEETCTL_CONFIG", str(path))
    return path


@pytest.fixture
def lambda_endpoint(lambda_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`fleetctl lambda serve`'s server on 127.0.0.1, a free port, in a thread; boto3 in this
    process is pointed at it through AWS_ENDPOINT_URL_LAMBDA with dummy credentials.
    """
    from fleetctl.config import load_settings
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.lambdas.server import LambdaServer

    server = LambdaServer(("127.0.0.1", 0), FunctionTable.from_settings(load_settings()))
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield server.url
    server.stop()
