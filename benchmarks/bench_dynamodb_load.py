"""Records/s and API calls per record loading transformed telemetry into the DynamoDB store on moto
server: fleetctl's load (key lookups, alerts, readings, truck state, SCD2 dimension) against a
baseline of plain BatchWriteItem calls of the same items (what a loader that counts nothing, keeps
no state and no history does), in the same run.

Every round starts moto afresh with new tables and alternates the two, so both see the same load
from other processes on this shared machine; figures are medians over rounds. moto scans a whole
table for a Query and copies the tables a transaction touches, so absolute rates here say little
about DynamoDB; calls per record do (DynamoDB's latency per call is flat).
Run from the repository root: python -m benchmarks.bench_dynamodb_load [--trucks N --minutes M]
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from benchmarks.bench_handlers import as_event
from fleetctl.config import load_settings
from fleetctl.dynamodb.calls import WRITE_BATCH_ITEMS, serialize
from fleetctl.dynamodb.items import event_item
from fleetctl.dynamodb.store import open_store
from fleetctl.dynamodb.tables import create_store_tables
from handlers import telemetry
from simulators import TelemetrySimulator

FEED_RECORDS = 500  # what the pipeline hands a store at once (fleetctl/pacing.feed)
START = datetime(2026, 11, 27, tzinfo=UTC)


def transformed_telemetry(trucks: int, minutes: int) -> list[dict[str, Any]]:
    """Simulated readings, minute by minute, as the telemetry handler returns them."""
    fleet = TelemetrySimulator(seed=5, start=START, trucks=trucks)
    readings = [r for _ in range(minutes) for r in fleet.next_minute()]
    answers = telemetry.handler(as_event(readings), None)["records"]
    return [orjson.loads(base64.b64decode(a["data"])) for a in answers if a["result"] == "Ok"]


def counting(client: Any) -> Counter[str]:
    """Count the API calls `client` makes, by operation."""
    calls: Counter[str] = Counter()
    client.meta.events.register(
        "before-call.dynamodb.*", lambda model, **_: calls.update([model.name])
    )
    return calls


def store_load(records: list[dict[str, Any]]) -> tuple[float, Counter[str]]:
    with open_store(load_settings()) as store:
        calls = counting(store.calls.client)
        started = time.perf_counter()
        for start in range(0, len(records), FEED_RECORDS):
            store.load("telemetry", records[start : start + FEED_RECORDS])
        return time.perf_counter() - started, calls


def plain_batch_writes(records: list[dict[str, Any]]) -> tuple[float, Counter[str]]:
    with open_store(load_settings()) as store:
        client, table = store.calls.client, store.options.tables.telemetry
        calls = counting(client)
        items = [serialize(event_item(r, 90)) for r in records]
        started = time.perf_counter()
        for start in range(0, len(items), WRITE_BATCH_ITEMS):
            chunk = items[start : start + WRITE_BATCH_ITEMS]
            client.batch_write_item(
                RequestItems={table: [{"PutRequest": {"Item": i}} for i in chunk]}
            )
        return time.perf_counter() - started, calls


def round_on_fresh_moto(
    load: Callable, records: list[dict[str, Any]]
) -> tuple[float, Counter[str]]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://{host}:{port}"
    os.environ["FLEETCTL_DYNAMODB_TABLE_PREFIX"] = f"bench{uuid.uuid4().hex[:6]}-"
    try:
        create_store_tables(load_settings())
        return load(records)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trucks", type=int, default=100)
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_REGION", "eu-west-1")
    os.environ["FLEETCTL_STORE"] = "dynamodb"

    records = transformed_telemetry(args.trucks, args.minutes)
    seconds: dict[str, list[float]] = {"store": [], "baseline": []}
    calls: dict[str, Counter[str]] = {}
    for _ in range(args.rounds):
        for name, load in (("store", store_load), ("baseline", plain_batch_writes)):
            elapsed, calls[name] = round_on_fresh_moto(load, records)
            seconds[name].append(elapsed)

    n = len(records)
    rate = {name: n / statistics.median(values) for name, values in seconds.items()}
    print(f"{n:,} readings of {args.trucks} trucks x {args.minutes} minutes, "
          f"loads of {FEED_RECORDS}, median of {args.rounds} rounds on moto server")  # fmt: skip
    for name in ("store", "baseline"):
        per_record = sum(calls[name].values()) / n
        detail = ", ".join(f"{op} {count}" for op, count in sorted(calls[name].items()))
        print(
            f"  {name:9s} {rate[name]:8,.0f} records/s  {per_record:.3f} calls/record  ({detail})"
        )
    print(f"  store / baseline: {rate['store'] / rate['baseline']:.2f}x the records/s")


if __name__ == "__main__":
    main()
