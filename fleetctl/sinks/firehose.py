"""Firehose sink: PutRecordBatch within the service limits, through the batching sink's engine
(several calls in flight, failed records resent with backoff and jitter, dead letters).

botocore's own retries are switched off because they report no attempt count for connection
errors and their retry quota can stop them early: the engine's one loop counts every resend.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fleetctl import aws
from fleetctl.batching import FIREHOSE_LIMITS
from fleetctl.config import Settings
from fleetctl.core import STREAMS
from fleetctl.retries import classify
from fleetctl.sinks.batch_delivery import BatchingOptions, BatchingSink, Failed, PutAnswer

SECTION = "sinks.firehose"


class FirehoseOptions(BatchingOptions, kw_only=True):
    """`sinks.firehose.*`, decoded once."""

    connect_timeout_s: float
    read_timeout_s: float


class FirehoseSink(BatchingSink):
    name = "firehose"

    def __init__(
        self,
        client: Any,
        options: FirehoseOptions,
        delivery_streams: Mapping[str, str],
        dead_letter_dir: Path,
        **engine: Any,
    ) -> None:
        super().__init__(options, delivery_streams, dead_letter_dir, FIREHOSE_LIMITS, **engine)
        self._client = client

    def put(self, destination: str, records: list[bytes]) -> PutAnswer:
        """One PutRecordBatch call: the records that failed, and whether resending them may help."""
        try:
            response = self._client.put_record_batch(
                DeliveryStreamName=destination, Records=[{"Data": r} for r in records]
            )
        except Exception as error:
            if (failure := classify(error)) is None:
                raise
            return PutAnswer(
                [Failed(r, failure.code, failure.message) for r in records], failure.retryable
            )
        if response.get("FailedPutCount", 0) == 0:
            return PutAnswer([])
        entries = response.get("RequestResponses", [])
        if len(entries) != len(records):
            # cannot tell which records landed: resend all (at least once beats lost)
            message = f"{len(entries)} responses for {len(records)} records"
            return PutAnswer([Failed(r, "MalformedResponse", message, True) for r in records])
        # failed entries sit at the position of the request's record (AWS PutRecordBatch docs)
        return PutAnswer(
            [
                Failed(record, entry["ErrorCode"], entry.get("ErrorMessage", ""))
                for record, entry in zip(records, entries, strict=True)
                if entry.get("ErrorCode")
            ]
        )


def open_sink(settings: Settings) -> FirehoseSink:
    """A sink on the standard AWS configuration chain: profiles, AWS_REGION, AWS_ENDPOINT_URL..."""
    from botocore.config import Config

    options = settings.options(SECTION, FirehoseOptions)
    config = Config(
        # one attempt per call: the engine's own loop retries, and counts every resend
        retries={"mode": "standard", "total_max_attempts": 1},
        max_pool_connections=options.concurrency,
        connect_timeout=options.connect_timeout_s,
        read_timeout=options.read_timeout_s,
    )
    client = aws.client("firehose", config, require_credentials=True)
    delivery_streams = {stream: str(settings.get(f"streams.{stream}")) for stream in STREAMS}
    return FirehoseSink(client, options, delivery_streams, settings.home / "dead-letters")
