"""`fleetctl loadtest --distributed`: a Locust master and worker, headless, push simulator batches
through fleetctl's Firehose sink into the local endpoint; Locust counts what the endpoint got."""

from __future__ import annotations

import csv
import importlib.util
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        importlib.util.find_spec("locust") is None,
        reason="needs the optional extra: pip install -e '.[distributed]'",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
STREAMS = {"fleet-telemetry", "fleet-clickstream"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def distributed_run(tmp_path: Path, url: str, **settings: str) -> tuple[int, list[dict], str]:
    """Master (headless, 4 users for 4 s) and one worker: the master's exit status, stats, log."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "FLEETCTL_HOME": str(tmp_path / "home"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_FIREHOSE": url,
        **{f"FLEETCTL_{key.upper()}": value for key, value in settings.items()},
    }
    port = str(free_port())
    fleetctl = [sys.executable, "-m", "fleetctl", "loadtest", "--distributed"]
    master_args = ["--headless", "-u", "4", "-r", "4", "--run-time", "4s", "--expect-workers", "1"]
    master_args += ["--master-bind-port", port, "--csv", str(tmp_path / "locust")]
    quiet = {"env": env, "cwd": tmp_path, "stdout": subprocess.DEVNULL, "text": True}
    master = subprocess.Popen(
        [*fleetctl, "master", "--", *master_args], stderr=subprocess.PIPE, **quiet
    )
    worker = subprocess.Popen(
        [*fleetctl, "worker", "--", "--master-port", port], stderr=subprocess.DEVNULL, **quiet
    )
    try:
        _, master_log = master.communicate(timeout=90)
        worker.communicate(timeout=30)
    finally:
        for process in (master, worker):
            process.kill()
    assert worker.returncode == 0, master_log
    with open(tmp_path / "locust_stats.csv", newline="") as f:
        return master.returncode, list(csv.DictReader(f)), master_log


def test_locust_workers_push_through_the_firehose_sink_and_report_each_batch(
    tmp_path: Path,
) -> None:
    with FirehoseEndpoint(STREAMS, Faults(latency_s=0.02)) as endpoint:
        status, stats, log = distributed_run(
            tmp_path, endpoint.url, loadtest_locust_batch_records="50"
        )
    assert status == 0, log
    rows = {row["Name"]: row for row in stats if row["Type"] == "firehose"}
    assert set(rows) == {"clickstream", "telemetry"}
    requests = sum(int(row["Request Count"]) for row in rows.values())
    assert requests == endpoint.calls > 0  # one Locust request per PutRecordBatch, no retries
    assert all(int(row["Failure Count"]) == 0 for row in rows.values())
    for stream, row in rows.items():
        arrived = endpoint.accepted[f"fleet-{stream}"].total()
        assert arrived == 50 * int(row["Request Count"])
        assert float(row["Min Response Time"]) >= 20  # the endpoint's delay is in every request


def test_a_missed_threshold_makes_the_master_exit_1(tmp_path: Path) -> None:
    with FirehoseEndpoint(STREAMS, Faults(latency_s=0.05)) as endpoint:
        status, stats, log = distributed_run(
            tmp_path, endpoint.url, loadtest_thresholds_p99_put_ms="20"
        )
    assert status == 1, log
    assert "threshold failed: put latency p99" in log
    assert int(next(r for r in stats if r["Name"] == "Aggregated")["Request Count"]) > 0
