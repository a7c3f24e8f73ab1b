"""Firehose's buffering in the local pipeline: the size hint bounds and fills each transformation
event, the interval hint delivers what waited long enough (on a hand-turned clock), close delivers
the rest, and every event the real handlers answer passes the contract check."""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.errors import ConfigError
from fleetctl.lambdas.contract_check import check_response
from fleetctl.lambdas.events import PAYLOAD_LIMIT_BYTES
from fleetctl.pipeline.buffering import Buffer, BufferHints
from fleetctl.pipeline.sink import open_sink
from fleetctl.sinks import ReportsLag
from fleetctl.warehouse import open_warehouse
from tests.handler_records import as_json, telemetry_record
from tests.pipeline_support import HandClock, batch_of, click_lines, pipeline, telemetry_lines

HINT_BYTES = 200_000  # sinks.local.<stream>.buffer_mb = 0.2, Firehose's smallest


def sizes_per_event(events: list[dict]) -> list[list[int]]:
    return [[len(base64.b64decode(r["data"])) for r in e["records"]] for e in events]


def count(table: str) -> int:
    with open_warehouse(load_settings()) as wh:
        return wh.query(f"SELECT COUNT(*) AS N FROM {table}")[0]["N"]


def test_buffer_is_full_at_its_hint_and_a_record_that_would_pass_it_must_wait() -> None:
    clock = HandClock()
    buffer: Buffer[str] = Buffer(BufferHints(size_mb=0.2, interval_s=60), clock)
    buffer.add("a", 150_000)
    assert not buffer.full
    assert buffer.would_overflow(50_001)
    assert not buffer.would_overflow(50_000)
    buffer.add("b", 50_000)
    assert buffer.full
    assert buffer.take() == ["a", "b"]
    assert (len(buffer), buffer.bytes, buffer.would_overflow(10**9)) == (0, 0, False)


def test_interval_runs_from_the_oldest_record_and_restarts_once_taken() -> None:
    clock = HandClock()
    buffer: Buffer[str] = Buffer(BufferHints(size_mb=1, interval_s=60), clock)
    assert not buffer.expired  # an empty buffer never is
    buffer.add("a", 1)
    clock.advance(30)
    buffer.add("b", 1)
    clock.advance(29.9)
    assert not buffer.expired
    clock.advance(0.1)
    assert buffer.expired
    buffer.take()
    buffer.add("c", 1)
    assert not buffer.expired


def test_each_event_holds_at_most_the_size_hint_and_as_much_as_fits(home: Path) -> None:
    lines = telemetry_lines(1000)
    sink, invoker = pipeline({"sinks.local.telemetry.buffer_mb": 0.2})
    for start in range(0, len(lines), 128):
        sink.send("telemetry", lines[start : start + 128])
    events_before_close = len(invoker.calls)
    report = sink.close()

    sizes = sizes_per_event(invoker.events())
    assert len(sizes) >= 3
    assert all(sum(event) <= HINT_BYTES for event in sizes)
    # an event went out only when the next record would have taken it over the hint...
    assert all(sum(event) + following[0] > HINT_BYTES for event, following in pairwise(sizes))
    # ...so before close (the clock never moved) every event but the last was already sent
    assert events_before_close == len(sizes) - 1
    sent = [base64.b64decode(r["data"]) for e in invoker.events() for r in e["records"]]
    assert sent == lines
    for number, (_, payload, answer) in enumerate(invoker.calls, start=1):
        checked = check_response(
            batch_of(payload, number), answer, "telemetry", PAYLOAD_LIMIT_BYTES
        )
        assert checked.violations == []
        assert [a.result for a in checked.answers] == ["Ok"] * len(checked.answers)
    assert {name for name, _, _ in invoker.calls} == {"fleet-telemetry-transform"}
    assert report.streams["telemetry"].landed == 1000
    assert count("RAW.TRUCK_TELEMETRY") == 1000


def test_interval_hints_deliver_on_the_next_send_of_any_stream(home: Path) -> None:
    clock = HandClock()
    telemetry, clicks = telemetry_lines(5), click_lines(3)
    sink, invoker = pipeline({}, clock)  # 60 s for the processor and the destination
    sink.send("telemetry", telemetry[:3])
    clock.advance(59.9)
    sink.send("telemetry", telemetry[3:])
    assert invoker.calls == []

    clock.advance(0.1)
    sink.send("clickstream", clicks[:2])  # the telemetry buffer is 60 s old now
    assert [
        (name, len(event["records"]))
        for (name, _, _), event in zip(invoker.calls, invoker.events(), strict=True)
    ] == [("fleet-telemetry-transform", 5)]
    # transformed, but waiting in the destination buffer for its own interval
    assert sink.progress().streams["telemetry"].transformed_ok == 5
    assert sink.progress().streams["telemetry"].landed == 0

    clock.advance(60)
    sink.send("clickstream", clicks[2:])
    progress = sink.progress().streams
    assert [len(e["records"]) for e in invoker.events()] == [5, 3]
    assert (progress["telemetry"].landed, progress["clickstream"].landed) == (5, 0)

    report = sink.close()  # the clickstream's destination buffer had not waited 60 s
    assert (report.streams["telemetry"].landed, report.streams["clickstream"].landed) == (5, 3)
    assert count("RAW.CLICKSTREAM") == 3


def test_close_delivers_what_neither_hint_released(home: Path) -> None:
    sink, invoker = pipeline({})
    sink.send("clickstream", click_lines(7))
    assert invoker.calls == []
    report = sink.close()
    assert [len(e["records"]) for e in invoker.events()] == [7]
    assert report.streams["clickstream"].landed == 7
    assert report.dead_letter_path is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("sinks.local.telemetry.buffer_mb", 3.5, "sinks.local.telemetry.buffer_mb must be within"),
        ("sinks.local.clickstream.buffer_interval_s", -1.0, "buffer_interval_s must be >= 0"),
        ("sinks.local.destination_buffer_mb", 0.5, "destination_buffer_mb must be within 1.0..128"),
        ("sinks.local.lambda_retries", -1, "sinks.local.lambda_retries must be >= 0"),
        ("lambda.stream_functions.telemetry", "nope", "function 'nope' is not in lambda.functions"),
        ("scd2.tracked", ["odometer_km"], "scd2.tracked: 'odometer_km' is not a tracked-able"),
    ],
)
def test_bad_pipeline_settings_are_refused_before_anything_opens(
    home: Path, key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        open_sink(load_settings().with_overrides({key: value}), HandClock())
    assert not (home / "warehouse").exists()


def test_each_load_reports_the_end_to_end_lag_of_its_records(home: Path) -> None:
    class Lags:
        def __init__(self) -> None:
            self.heard: list[tuple[str, list[float]]] = []

        def records_landed(self, stream: str, lags_s: Sequence[float]) -> None:
            self.heard.append((stream, list(lags_s)))

    two_minutes_ago = time.strftime("%Y-%m-%dT%H:%M:00Z", time.gmtime(time.time() - 120))
    lines = [
        as_json(telemetry_record(n, truck_id=f"TRK-{n}", event_ts=two_minutes_ago))
        for n in range(5)
    ]
    sink, _ = pipeline({})
    assert isinstance(sink, ReportsLag)
    lags = Lags()
    sink.observe_landing(lags)
    sink.send("telemetry", lines)
    sink.close()

    [(stream, heard)] = lags.heard
    assert stream == "telemetry"
    assert len(heard) == 5
    assert all(120 <= lag < 240 for lag in heard)  # from the start of that minute to now
