"""Records sent with `--sink firehose` land in their delivery stream's S3 destination (moto)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import boto3
import orjson
import pytest

from tests import records

pytestmark = pytest.mark.integration


def create_delivery_streams(suffix: str) -> tuple[object, str]:
    """A bucket and a DirectPut delivery stream per logical stream, each under its own prefix."""
    # plain boto3 reads AWS_DEFAULT_REGION, not AWS_REGION (fleetctl reads both)
    s3 = boto3.client("s3", region_name=os.environ["AWS_REGION"])
    firehose = boto3.client("firehose", region_name=os.environ["AWS_REGION"])
    bucket = f"fleet-raw-{suffix}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for stream in ("clickstream", "telemetry"):
        firehose.create_delivery_stream(
            DeliveryStreamName=f"{stream}-{suffix}",
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                "BucketARN": f"arn:aws:s3:::{bucket}",
                "Prefix": f"{stream}/",
            },
        )
    return s3, bucket


def landed(s3, bucket: str, prefix: str) -> list[bytes]:
    keys = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for obj in page.get("Contents", [])
    ]
    return [
        line + b"\n"
        for key in keys
        for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines()
    ]


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
