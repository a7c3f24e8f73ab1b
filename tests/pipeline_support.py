"""Helpers for the local pipeline's tests: a hand-turned clock, an invoker that keeps every event
and answer it passes to the real in-process runtime, and the pipeline built on them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import orjson

from fleetctl.config import Settings, load_settings
from fleetctl.deadletters import DeadLetter
from fleetctl.lambdas.events import TransformationBatch
from fleetctl.lambdas.invoker import LocalInvoker
from fleetctl.lambdas.runtime import FunctionTable
from fleetctl.pipeline.sink import LocalSink, open_sink
from tests.handler_records import as_json, click_record, telemetry_record

START = datetime(2026, 11, 27, tzinfo=UTC)


class HandClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingInvoker:
    """The real in-process invoker, keeping each (function, event payload, answer payload)."""

    label = "local"

    def __init__(self, settings: Settings) -> None:
        self._inner = LocalInvoker(FunctionTable.from_settings(settings))
        self.calls: list[tuple[str, bytes, bytes]] = []

    def invoke(self, function_name: str, payload: bytes) -> bytes:
        answer = self._inner.invoke(function_name, payload)
        self.calls.append((function_name, payload, answer))
        return answer

    def events(self) -> list[dict[str, Any]]:
        return [orjson.loads(payload) for _, payload, _ in self.calls]


def pipeline(
    overrides: dict[str, Any] | None = None, clock: HandClock | None = None
) -> tuple[LocalSink, RecordingInvoker]:
    """The local sink on the embedded warehouse of the test's FLEETCTL_HOME."""
    settings = load_settings().with_overrides(overrides or {})
    invoker = RecordingInvoker(settings)
    return open_sink(settings, clock or HandClock(), invoker), invoker


def batch_of(payload: bytes, number: int = 1) -> TransformationBatch:
    """The batch a transformation event was built from, for the contract check."""
    event = orjson.loads(payload)
    records = event["records"]
    datas = [r["data"] for r in records]
    return TransformationBatch(
        number=number,
        payload=payload,
        record_ids=[r["recordId"] for r in records],
        datas=datas,
        origins=[f"record {n}" for n in range(len(records))],
        data_bytes=sum(len(base64.b64decode(d)) for d in datas),
        response_bound_bytes=0,
    )


def dead_letters(path: str | Path | None) -> list[DeadLetter]:
    assert path is not None
    decoder = msgspec.json.Decoder(DeadLetter)
    return [decoder.decode(line) for line in Path(path).read_bytes().splitlines()]


def at_minute(n: int) -> str:
    """The n-th minute after 2026-11-27T00:00Z as a contract timestamp."""
    return (START + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def telemetry_lines(count: int, first: int = 0) -> list[bytes]:
    """Valid readings of five trucks, one a minute each, sizes varying by driver_id."""
    return [
        as_json(
            telemetry_record(
                n,
                truck_id=f"TRK-{n % 5:03d}",
                driver_id="D" * (1 + n % 60),
                event_ts=at_minute(n // 5),
            )
        )
        for n in range(first, first + count)
    ]


def click_lines(count: int, first: int = 0) -> list[bytes]:
    return [
        as_json(click_record(n, event_ts=at_minute(n // 10).replace(":00Z", f":{n % 60:02d}Z")))
        for n in range(first, first + count)
    ]
