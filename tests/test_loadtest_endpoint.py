"""`fleetctl loadtest` against the local Firehose-protocol endpoint: a fixed-delay endpoint is held
at the target rate with latency bracketing the delay, a throttling one fails the verdict, and the
dashboard shows exactly the saved numbers.

The run lasts FLEETCTL_TEST_LOADTEST_S seconds (8 by default; 30 for the documented check).
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from fleetctl.cli import app
from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint

pytestmark = pytest.mark.integration

STREAMS = {"fleet-telemetry", "fleet-clickstream"}
DURATION_S = float(os.environ.get("FLEETCTL_TEST_LOADTEST_S", "8"))
RATE = 2000  # records/s in all
DELAY_S = 0.1


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    saved: dict[str, Any]
    endpoint: FirehoseEndpoint


def load_test(tmp: Path, faults: Faults, *args: str) -> Run:
    """One CLI run against a fresh endpoint, with dummy AWS credentials and fast retries."""
    with pytest.MonkeyPatch.context() as env, FirehoseEndpoint(STREAMS, faults) as endpoint:
        for var in [v for v in os.environ if v.startswith(("FLEETCTL_", "AWS_"))]:
            env.delenv(var)
        env.setenv("FLEETCTL_HOME", str(tmp / "home"))
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_REGION", "eu-west-1")
        env.setenv("AWS_CONFIG_FILE", str(tmp / "no-aws-config"))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-aws-credentials"))
        env.setenv("AWS_ENDPOINT_URL_FIREHOSE", endpoint.url)
        env.setenv("FLEETCTL_SINKS_FIREHOSE_BASE_DELAY_S", "0.01")
        env.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_DELAY_S", "0.05")
        result = CliRunner().invoke(app, ["loadtest", *args])
    [path] = (tmp / "home" / "loadtests").glob("*/result.json")
    return Run(
        result.exit_code, result.stdout, result.stderr, orjson.loads(path.read_bytes()), endpoint
    )


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("steady")
    yield load_test(
        tmp,
        Faults(latency_s=DELAY_S),
        *("--rate", str(RATE), "--duration", str(DURATION_S), "--processes", "2"),
    )


def test_fixed_delay_endpoint_is_held_at_the_target_rate(steady: Run) -> None:
    assert steady.exit_code == 0, steady.stderr
    summary = steady.saved["summary"]
    for stream in ("clickstream", "telemetry"):
        s = summary["streams"][stream]
        assert s["target_per_s"] == RATE / 2
        assert s["achieved_ratio"] >= 0.98, s
        assert s["scheduled"] == s["sent"] == s["accepted"] == RATE / 2 * DURATION_S
    assert steady.saved["verdict"]["passed"] is True


def test_put_latency_percentiles_bracket_the_injected_delay(steady: Run) -> None:
    put = steady.saved["summary"]["total"]["put_ms"]
    # above: no call is faster than the endpoint's delay; below: HTTP, JSON and signing add a
    # little, and this shared 2-core machine runs the endpoint and both processes at once
    assert DELAY_S * 1000 <= put["p50"] <= put["p99"] <= 2 * DELAY_S * 1000, put


def test_every_record_reached_the_endpoint_once_with_distinct_event_ids(steady: Run) -> None:
    summary = steady.saved["summary"]
    endpoint = steady.endpoint
    assert endpoint.limit_violations == []
    for stream in ("clickstream", "telemetry"):
        arrived: Counter[bytes] = endpoint.accepted[f"fleet-{stream}"]
        assert set(arrived.values()) == {1}
        assert arrived.total() == summary["streams"][stream]["accepted"]
        ids = {orjson.loads(record)["event_id"] for record in arrived}
        assert len(ids) == arrived.total()  # two processes, disjoint trucks and click seeds
    assert endpoint.calls == summary["total"]["calls"]


def test_the_dashboard_shows_exactly_the_saved_numbers(steady: Run) -> None:
    rows = {
        cells[0]: cells[1:]
        for line in steady.stdout.splitlines()
        if len(cells := [c.strip() for c in line.strip("│┃ ").split("│")]) == 4
    }
    summary = steady.saved["summary"]
    columns = [summary["streams"]["clickstream"], summary["streams"]["telemetry"], summary["total"]]
    number = {
        "target records/s": lambda s: s["target_per_s"],
        "achieved records/s": lambda s: s["achieved_per_s"],
        "achieved / target": lambda s: s["achieved_ratio"],
        "target, last second": lambda s: s["last_second_scheduled"],
        "achieved, last second": lambda s: s["last_second_accepted"],
        "sent": lambda s: s["sent"],
        "accepted": lambda s: s["accepted"],
        "dead-lettered": lambda s: s["dead_lettered"],
        "batches": lambda s: s["calls"],
        "put p50 ms": lambda s: s["put_ms"]["p50"],
        "put p99 ms": lambda s: s["put_ms"]["p99"],
        "put max ms": lambda s: s["put_ms"]["max"],
    }
    for label, saved in number.items():
        shown = [float(cell.replace(",", "").removesuffix("%")) for cell in rows[label]]
        if label == "achieved / target":
            shown = [round(value / 100, 4) for value in shown]
        assert shown == [saved(column) for column in columns], label
    assert rows["lag p99 s"] == ["n/a"] * 3  # the Firehose sink cannot see the warehouse
    assert "PASS" in steady.stdout


def test_the_time_series_adds_up_to_the_summary(steady: Run) -> None:
    with open(steady.saved["files"]["timeseries"], newline="") as f:
        rows = list(csv.DictReader(f))
    summary = steady.saved["summary"]["streams"]
    for stream in ("clickstream", "telemetry"):
        mine = [row for row in rows if row["stream"] == stream]
        for field in ("scheduled", "sent", "accepted", "calls"):
            key = field if field != "calls" else "calls"
            assert sum(int(row[field]) for row in mine) == summary[stream][key]
        # open loop: every second of the run had its share scheduled
        assert [int(row["scheduled"]) for row in mine[: int(DURATION_S)]] == [RATE // 2] * int(
            DURATION_S
        )


def test_throttling_fails_the_verdict_and_exits_1(tmp_path: Path) -> None:
    # the endpoint takes 300 records/s per stream; the run asks 500
    faults = Faults(latency_s=0.01, throttle_records_per_s=300)
    run = load_test(tmp_path, faults, "--rate", "1000", "--duration", "4", "--json")
    assert run.exit_code == 1
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("error: load test failed: ")
    printed = orjson.loads(run.stdout)
    assert printed == run.saved
    verdict = run.saved["verdict"]
    assert verdict["passed"] is False
    failed = {(c["threshold"], c["scope"]) for c in verdict["checks"] if not c["passed"]}
    assert ("min_achieved_ratio", "clickstream") in failed
    assert ("min_achieved_ratio", "telemetry") in failed
    total = run.saved["summary"]["total"]
    assert total["throttled"] == run.endpoint.throttled_records > 0
    assert total["accepted"] == sum(c.total() for c in run.endpoint.accepted.values())
    assert total["accepted"] + total["dead_lettered"] == total["sent"]
