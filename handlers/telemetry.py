"""Lambda entry point of the telemetry Firehose stream: validate, enrich, partition by depot."""

from __future__ import annotations

from typing import Any

from handlers.contract import TelemetryRecord
from handlers.enrich_telemetry import enrich_readings, reading_partition_keys
from handlers.firehose import FirehoseEvent, FirehoseResponse, StreamSpec, transform
from handlers.transformed import TelemetryDerived

TELEMETRY: StreamSpec[TelemetryRecord, TelemetryDerived] = StreamSpec(
    name="telemetry",
    record_type=TelemetryRecord,
    enrich=enrich_readings,
    partition_keys=reading_partition_keys,
)


def handler(event: FirehoseEvent, context: Any) -> FirehoseResponse:
    return transform(event, TELEMETRY)
