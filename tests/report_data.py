"""Deterministic report data: the simulators' records, transformed by the real handlers in fixed
Firehose-sized batches, loaded into a warehouse as the pipeline would, and the SCD2 dimension
built. Same seed, same records, same derived fields, same report."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fleetctl.scd2.rules import DEFAULT_TRACKED
from fleetctl.warehouse import Warehouse, loading
from fleetctl.warehouse import dimension_build as engine
from handlers import clickstream, telemetry
from simulators import ClickstreamSimulator, TelemetrySimulator

START = datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
HANDLERS = {"telemetry": telemetry.handler, "clickstream": clickstream.handler}


@dataclass(frozen=True)
class Simulation:
    """Local 06:00 is 05:00 UTC: from 04:30 UTC the early shift's routes are all inside."""

    trucks: int = 3
    minutes: int = 600
    clicks_per_minute: float = 6.0
    seed: int = 7
    start: datetime = START
    batch_minutes: int = 30  # records of this many minutes per transformation event


def simulated(sim: Simulation) -> dict[str, list[list[dict[str, Any]]]]:
    """Per stream, the raw records in batches of `batch_minutes` minutes."""
    sources = {
        "telemetry": TelemetrySimulator(seed=sim.seed, start=sim.start, trucks=sim.trucks),
        "clickstream": ClickstreamSimulator(
            seed=sim.seed, start=sim.start, clicks_per_minute=sim.clicks_per_minute
        ),
    }
    batches: dict[str, list[list[dict[str, Any]]]] = {name: [] for name in sources}
    for minute in range(sim.minutes):
        for name, source in sources.items():
            if minute % sim.batch_minutes == 0:
                batches[name].append([])
            batches[name][-1].extend(source.next_minute())
    return batches


def transformed(stream: str, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Ok records of one transformation event, decoded."""
    event = {
        "invocationId": "report-data",
        "deliveryStreamArn": f"arn:aws:firehose:eu-central-1:123456789012:deliverystream/{stream}",
        "region": "eu-central-1",
        "records": [
            {
                "recordId": str(i),
                "approximateArrivalTimestamp": 0,
                "data": base64.b64encode(json.dumps(r).encode() + b"\n").decode(),
            }
            for i, r in enumerate(batch)
        ],
    }
    answers = HANDLERS[stream](event, None)["records"]
    return [json.loads(base64.b64decode(a["data"])) for a in answers if a["result"] == "Ok"]


def land(wh: Warehouse, sim: Simulation = Simulation()) -> dict[str, list[dict[str, Any]]]:
    """Transform and load every batch (one RAW load per batch), then build the dimension."""
    landed: dict[str, list[dict[str, Any]]] = {}
    for stream, batches in simulated(sim).items():
        landed[stream] = []
        for batch in batches:
            records = transformed(stream, batch)
            loading.load_records(wh, stream, records)
            landed[stream].extend(records)
    engine.build(wh, DEFAULT_TRACKED)
    return landed
