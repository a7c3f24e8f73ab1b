"""Lambda entry point of the clickstream Firehose stream: validate, enrich, partition."""

from __future__ import annotations

from typing import Any

from handlers.contract import ClickstreamRecord
from handlers.enrich_clickstream import click_partition_keys, enrich_clicks
from handlers.firehose import FirehoseEvent, FirehoseResponse, StreamSpec, transform
from handlers.transformed import ClickstreamDerived

CLICKSTREAM: StreamSpec[ClickstreamRecord, ClickstreamDerived] = StreamSpec(
    name="clickstream",
    record_type=ClickstreamRecord,
    enrich=enrich_clicks,
    partition_keys=click_partition_keys,
)


def handler(event: FirehoseEvent, context: Any) -> FirehoseResponse:
    return transform(event, CLICKSTREAM)
