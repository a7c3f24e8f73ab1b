"""`fleetctl simulate --sink firehose` end to end: the simulators' records reach Firehose exactly
once (fault-injecting endpoint) and land in S3 (moto), and the summary's counts add up."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint
from tests.servers.moto_streams import create_delivery_streams, landed

pytestmark = pytest.mark.integration

RUN = ["--trucks", "8", "--minutes", "30", "--clicks-per-minute", "40", "--seed", "11"]


def simulated_lines(cli, out: Path, *extra: str) -> dict[str, list[bytes]]:
    """What the same simulation writes with the file sink: the records Firehose must receive."""
    result = cli("simulate", *RUN, *extra, "--sink", "file", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return {
        stream: (out / f"{stream}.jsonl").read_bytes().splitlines(keepends=True)
        for stream in ("clickstream", "telemetry")
    }


def test_simulated_records_reach_firehose_exactly_once_despite_faults(
    cli, aws_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = simulated_lines(cli, tmp_path / "expected")
    faults = Faults(record_failure_rate=0.1, request_failure_rate=0.1, seed=5)
    with FirehoseEndpoint({"fleet-telemetry", "fleet-clickstream"}, faults) as endpoint:
        aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", endpoint.url)
        aws_env.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_ATTEMPTS", "20")
        result = cli("simulate", *RUN, "--sink", "firehose", "--concurrency", "3", "--json")

    assert result.exit_code == 0, result.stderr
    assert endpoint.limit_violations == []
    assert endpoint.accepted["fleet-telemetry"] == Counter(expected["telemetry"])
    assert endpoint.accepted["fleet-clickstream"] == Counter(expected["clickstream"])
    streams = orjson.loads(result.stdout)["streams"]
    for stream, lines in expected.items():
        counts = streams[stream]
        assert counts["generated"] == counts["accepted"] == len(lines)
        assert counts["dead_lettered"] == 0
    assert sum(s["retried"] for s in streams.values()) == (
        endpoint.failed_entries + endpoint.failed_call_records
    )


def test_simulated_records_land_in_the_s3_destination(
    cli, aws_env: pytest.MonkeyPatch, moto_url: str, tmp_path: Path
) -> None:
    expected = simulated_lines(cli, tmp_path / "expected")
    aws_env.setenv("AWS_ENDPOINT_URL", moto_url)
    s3, bucket = create_delivery_streams(suffix := secrets.token_hex(4))
    streams = ["--telemetry-stream", f"telemetry-{suffix}"]
    streams += ["--clickstream-stream", f"clickstream-{suffix}"]
    result = cli("simulate", *RUN, "--sink", "firehose", *streams)
    assert result.exit_code == 0, result.stderr
    for stream, lines in expected.items():
        arrived = landed(s3, bucket, f"{stream}/")
        assert sorted(arrived) == sorted(lines)
        ids = [orjson.loads(line)["event_id"] for line in arrived]
        assert len(set(ids)) == len(lines)


def test_speed_paces_simulated_minutes_and_sends_in_event_order(cli, tmp_path: Path) -> None:
    # 3 simulated minutes at 600x: minutes 1 and 2 start 0.1 s and 0.2 s after minute 0
    started = time.perf_counter()
    args = ["--trucks", "2", "--minutes", "3", "--clicks-per-minute", "30", "--speed", "600"]
    result = cli("simulate", *args, "--sink", "file", "--out", str(tmp_path / "paced"))
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started >= 0.2
    clicks = (tmp_path / "paced" / "clickstream.jsonl").read_bytes().splitlines()
    event_ts = [orjson.loads(line)["event_ts"] for line in clicks]
    assert event_ts == sorted(event_ts)


def test_simulating_into_a_dead_endpoint_exits_1_and_replay_delivers_the_dead_letters(
    cli, aws_env: pytest.MonkeyPatch, closed_port_url: str, tmp_path: Path
) -> None:
    expected = simulated_lines(cli, tmp_path / "expected")
    aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", closed_port_url)
    aws_env.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_ATTEMPTS", "2")
    failed = cli("simulate", *RUN, "--sink", "firehose", "--json")
    assert failed.exit_code == 1
    summary = orjson.loads(failed.stdout)
    total = sum(len(lines) for lines in expected.values())
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith(f"error: {total} records could not be delivered; they are in ")
    assert {name: s["dead_lettered"] for name, s in summary["streams"].items()} == {
        name: len(lines) for name, lines in expected.items()
    }

    with FirehoseEndpoint({"fleet-telemetry", "fleet-clickstream"}) as endpoint:
        aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", endpoint.url)
        recovered = cli("replay", summary["dead_letter_path"], "--sink", "firehose")
    assert recovered.exit_code == 0, recovered.stderr
    assert endpoint.accepted["fleet-telemetry"] == Counter(expected["telemetry"])
    assert endpoint.accepted["fleet-clickstream"] == Counter(expected["clickstream"])
