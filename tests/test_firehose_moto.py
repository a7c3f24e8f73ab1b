"""Records sent with `--sink firehose` land in their delivery stream's S3 destination (moto)."""

from __future__ import annotations

import secrets
from pathlib import Path

import orjson
import pytest

from tests import records
from tests.servers.moto_streams import create_delivery_streams, landed

pytestmark = pytest.mark.integration


def test_replayed_records_land_in_s3_with_the_same_ids(
    cli, aws_env: pytest.MonkeyPatch, moto_url: str, tmp_path: Path
) -> None:
    aws_env.setenv("AWS_ENDPOINT_URL", moto_url)
    suffix = secrets.token_hex(4)
    s3, bucket = create_delivery_streams(suffix)
    telemetry = records.lines([records.telemetry(n, second=n) for n in range(1200)])
    clicks = records.lines([records.click(n, second=n) for n in range(300)])
    source = tmp_path / "recorded.jsonl"
    source.write_bytes(b"".join(telemetry + clicks))

    streams = ["--telemetry-stream", f"telemetry-{suffix}"]
    streams += ["--clickstream-stream", f"clickstream-{suffix}"]
    result = cli("replay", str(source), "--sink", "firehose", "--json", *streams)

    assert result.exit_code == 0, result.stderr
    assert sorted(landed(s3, bucket, "telemetry/")) == sorted(telemetry)
    assert sorted(landed(s3, bucket, "clickstream/")) == sorted(clicks)
    ids = [orjson.loads(line)["event_id"] for line in landed(s3, bucket, "telemetry/")]
    assert len(ids) == len(set(ids)) == 1200
    summary = orjson.loads(result.stdout)["streams"]["telemetry"]
    assert (summary["accepted"], summary["dead_lettered"]) == (1200, 0)
