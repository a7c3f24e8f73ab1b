"""`--sink firehose` from the command line, configured the way a user configures the AWS SDK:
an endpoint that is down for good ends in a dead-letter file that `replay` delivers later."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec
import orjson
import pytest

from fleetctl.deadletters import DeadLetter
from fleetctl.manifest import read_manifest
from tests import records
from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint

pytestmark = pytest.mark.integration


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, list[bytes], list[bytes]]:
    telemetry = records.lines([records.telemetry(n, second=n // 10) for n in range(300)])
    clicks = records.lines([records.click(n, second=n // 7) for n in range(200)])
    path = tmp_path / "recorded.jsonl"
    path.write_bytes(
        b"".join(sorted([*telemetry, *clicks], key=lambda r: orjson.loads(r)["event_ts"]))
    )
    return path, telemetry, clicks


def test_endpoint_down_for_good_dead_letters_everything_then_replay_delivers_it(
    cli, aws_env: pytest.MonkeyPatch, closed_port_url: str, recorded, home: Path
) -> None:
    source, telemetry, clicks = recorded
    aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", closed_port_url)
    aws_env.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_ATTEMPTS", "3")

    failed = cli("replay", str(source), "--sink", "firehose", "--json")

    assert failed.exit_code == 1
    summary = orjson.loads(failed.stdout)
    dead_path = summary["dead_letter_path"]
    assert Path(dead_path).parent == home / "dead-letters"
    assert failed.stderr.strip().splitlines() == [
        f"error: 500 records could not be delivered; they are in {dead_path} "
        f"(replay them with: fleetctl replay {dead_path} --sink firehose)"
    ]
    counts = {
        name: (s["generated"], s["accepted"], s["retried"], s["dead_lettered"])
        for name, s in summary["streams"].items()
    }
    assert counts == {"telemetry": (300, 0, 600, 300), "clickstream": (200, 0, 400, 200)}
    manifest = read_manifest(home, summary["run_id"])
    assert manifest.streams["telemetry"].dead_lettered == 300
    assert manifest.streams["telemetry"].errors == {"EndpointConnectionError": 300}
    decoder = msgspec.json.Decoder(DeadLetter)
    letters = [decoder.decode(line) for line in Path(dead_path).read_bytes().splitlines()]
    assert Counter(x.data for x in letters) == Counter([*telemetry, *clicks])
    assert {(x.error_code, x.attempts) for x in letters} == {("EndpointConnectionError", 3)}

    faults = Faults(record_failure_rate=0.1, request_failure_rate=0.1, seed=3)
    with FirehoseEndpoint({"fleet-telemetry", "fleet-clickstream"}, faults) as endpoint:
        aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", endpoint.url)
        aws_env.setenv("FLEETCTL_SINKS_FIREHOSE_MAX_ATTEMPTS", "20")
        recovered = cli("replay", dead_path, "--sink", "firehose", "--json")

    assert recovered.exit_code == 0, recovered.stderr
    assert endpoint.accepted["fleet-telemetry"] == Counter(telemetry)
    assert endpoint.accepted["fleet-clickstream"] == Counter(clicks)
    streams = orjson.loads(recovered.stdout)["streams"]
    assert streams["telemetry"]["accepted"] == 300 and streams["clickstream"]["accepted"] == 200
    assert streams["telemetry"]["retried"] + streams["clickstream"]["retried"] == (
        endpoint.failed_entries + endpoint.failed_call_records
    )


def test_stream_name_flags_pick_the_delivery_streams(
    cli, aws_env: pytest.MonkeyPatch, recorded
) -> None:
    source, telemetry, clicks = recorded
    with FirehoseEndpoint({"staging-telemetry", "staging-clicks"}) as endpoint:
        aws_env.setenv("AWS_ENDPOINT_URL_FIREHOSE", endpoint.url)
        args = ["--telemetry-stream", "staging-telemetry", "--clickstream-stream", "staging-clicks"]
        result = cli("replay", str(source), "--sink", "firehose", "--concurrency", "2", *args)
    assert result.exit_code == 0, result.stderr
    assert endpoint.accepted["staging-telemetry"] == Counter(telemetry)
    assert endpoint.accepted["staging-clicks"] == Counter(clicks)


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "no AWS credentials found"),
        (["AWS_REGION"], "no AWS region: set AWS_REGION"),
    ],
)
def test_missing_aws_configuration_is_one_line_and_exit_2(
    cli, aws_env: pytest.MonkeyPatch, recorded, unset: list[str], message: str
) -> None:
    for var in unset:
        aws_env.delenv(var)
    result = cli("replay", str(recorded[0]), "--sink", "firehose")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
