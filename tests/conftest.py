"""Shared fixtures: an isolated FLEETCTL_HOME, a CLI runner, AWS settings for local servers,
warehouses and the fakesnow server."""

from __future__ import annotations

import os
import socket
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
def aws_env(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Dummy credentials and a region from the environment only, as a user would set them, and
    fast retries; tests then set AWS_ENDPOINT_URL(_FIREHOSE) to their local server."""
    for var in [v for v in os.environ if v.startswith("AWS_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("FLEETCTL_SINKS_FIREHOSE_BASE_DELAY_S", "0.001")
    monkeypatch.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_DELAY_S", "0.01")
    monkeypatch.setenv("FLEETCTL_DYNAMODB_BASE_DELAY_S", "0.001")
    monkeypatch.setenv("FLEETCTL_DYNAMODB_MAX_DELAY_S", "0.01")
    return monkeypatch


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto server on 127.0.0.1, a random port, for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def dynamodb_env(aws_env: pytest.MonkeyPatch, moto_url: str) -> str:
    """The dynamodb store on moto server, tables of this test's own (moto's are shared by all
    tests) created; returns the table prefix."""
    from fleetctl.config import load_settings
    from fleetctl.dynamodb.tables import create_store_tables

    prefix = f"t{uuid.uuid4().hex[:10]}-"
    aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_url)
    aws_env.setenv("FLEETCTL_STORE", "dynamodb")
    aws_env.setenv("FLEETCTL_DYNAMODB_TABLE_PREFIX", prefix)
    create_store_tables(load_settings())
    return prefix


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens: connections are refused, as when an endpoint is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


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
def lambda_endpoint(lambda_config: Path, aws_env: pytest.MonkeyPatch) -> Iterator[str]:
    """`fleetctl lambda serve`'s server on 127.0.0.1, a free port, in a thread; boto3 in this
    process is pointed at it through AWS_ENDPOINT_URL_LAMBDA with dummy credentials.
    """
    from fleetctl.config import load_settings
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.lambdas.server import LambdaServer

    server = LambdaServer(("127.0.0.1", 0), FunctionTable.from_settings(load_settings()))
    server.start()
    aws_env.setenv("AWS_ENDPOINT_URL_LAMBDA", server.url)
    yield server.url
    server.stop()


@pytest.fixture
def warehouse(home: Path):
    """The embedded warehouse under the private FLEETCTL_HOME, migrated."""
    from fleetctl.config import load_settings
    from fleetctl.warehouse import migrations, open_warehouse

    with open_warehouse(load_settings()) as wh:
        migrations.apply(wh)
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


SNAPSHOTS = Path(__file__).parent / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        help="Rewrite the files under tests/snapshots/ with the output the tests produce now.",
    )


@pytest.fixture
def snapshot(request: pytest.FixtureRequest):
    """`snapshot(name, text)`: text must equal tests/snapshots/<name> (rewritten with
    --snapshot-update)."""
    update = request.config.getoption("--snapshot-update")

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.is_file():
            pytest.fail(f"no snapshot {path}: run pytest with --snapshot-update to record it")
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check


@pytest.fixture(scope="session")
def report_records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list]]:
    """A FLEETCTL_HOME whose embedded warehouse holds tests/report_data.py's simulation (3 trucks,
    10 hours, clicks), transformed by the real handlers, and its SCD2 dimension; and the records
    loaded, per stream. Reports only read it, so one copy serves the session."""
    from fleetctl.config import load_settings
    from fleetctl.warehouse import migrations, open_warehouse
    from tests.report_data import land

    state = tmp_path_factory.mktemp("report-home")
    with open_warehouse(load_settings(environ={"FLEETCTL_HOME": str(state)})) as wh:
        migrations.apply(wh)
        landed = land(wh)
    return state, landed


@pytest.fixture(scope="session")
def report_home(report_records: tuple[Path, dict[str, list]]) -> Path:
    return report_records[0]


@pytest.fixture
def report_warehouse(report_home: Path, home: Path, monkeypatch: pytest.MonkeyPatch):
    """The report warehouse opened, and FLEETCTL_HOME pointing at it for CLI runs."""
    from fleetctl.config import load_settings
    from fleetctl.warehouse import open_warehouse

    monkeypatch.setenv("FLEETCTL_HOME", str(report_home))
    with open_warehouse(load_settings()) as wh:
        yield wh


@pytest.fixture
def report_env(report_home: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """FLEETCTL_HOME pointing at the report warehouse, for CLI runs (which open it themselves:
    do not hold `report_warehouse` open in the same test)."""
    monkeypatch.setenv("FLEETCTL_HOME", str(report_home))
    return report_home
