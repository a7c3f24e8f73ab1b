"""Delivery streams with an S3 destination on moto server, and what landed in their bucket."""

from __future__ import annotations

import os

import boto3


def create_delivery_streams(suffix: str) -> tuple[object, str]:
    """A bucket and a DirectPut delivery stream per logical stream, each under its own prefix."""
    # plain boto3 reads AWS_DEFAULT_REGION, not AWS_REGION (fleetctl reads both)
    region = os.environ["AWS_REGION"]
    s3 = boto3.client("s3", region_name=region)
    firehose = boto3.client("firehose", region_name=region)
    bucket = f"fleet-raw-{suffix}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
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
