"""The Firehose sink against a fault-injecting Firehose endpoint over real HTTP: every record is
accepted exactly once, no call breaks a limit, the counts are exact, the rest is dead-lettered."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest

from fleetctl.config import load_settings
from fleetctl.deadletters import DeadLetter
from fleetctl.sinks import CallOutcome, open_sink
from fleetctl.sinks.firehose import FirehoseSink
from tests import records
from tests.servers.firehose_endpoint import MAX_BYTES, Faults, FirehoseEndpoint

pytestmark = pytest.mark.integration

STREAMS = {"fleet-telemetry", "fleet-clickstream"}


def firehose_sink(monkeypatch: pytest.MonkeyPatch, url: str, **overrides: Any) -> FirehoseSink:
    monkeypatch.setenv("AWS_ENDPOINT_URL_FIREHOSE", url)
    keys = {f"sinks.firehose.{k}": v for k, v in overrides.items()}
    return open_sink("firehose", load_settings().with_overrides(keys))


def dead_letters(path: str | None) -> list[DeadLetter]:
    assert path is not None
    decoder = msgspec.json.Decoder(DeadLetter)
    return [decoder.decode(line) for line in Path(path).read_bytes().splitlines()]


def test_partial_failures_are_resent_until_every_record_is_accepted_exactly_once(
    aws_env: pytest.MonkeyPatch,
) -> None:
    faults = Faults(record_failure_rate=0.2, request_failure_rate=0.15, seed=7)
    telemetry = records.lines([records.telemetry(n, padding=n % 900) for n in range(2600)])
    clicks = records.lines([records.click(n) for n in range(700)])
    with FirehoseEndpoint(STREAMS, faults) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, concurrency=4, max_attempts=20)
        for start in range(0, 2600, 650):  # sends larger than one batch are split by the sink
            sink.send("telemetry", telemetry[start : start + 650])
        sink.send("clickstream", clicks)
        report = sink.close()

    assert endpoint.failed_calls > 0 and endpoint.failed_entries > 0  # the faults did happen
    assert endpoint.accepted["fleet-telemetry"] == Counter(telemetry)
    assert endpoint.accepted["fleet-clickstream"] == Counter(clicks)
    assert set(endpoint.accepted["fleet-telemetry"].values()) == {1}
    assert endpoint.limit_violations == []
    assert endpoint.max_records_per_call <= 500
    assert report.streams["telemetry"].accepted == 2600
    assert report.streams["clickstream"].accepted == 700
    assert report.dead_lettered == 0 and report.dead_letter_path is None
    # every record in a failed call or a failed entry was resent once for that failure
    retried = sum(s.retried for s in report.streams.values())
    assert retried == endpoint.failed_entries + endpoint.failed_call_records


def test_big_records_are_batched_by_bytes_and_an_oversize_one_is_dead_lettered(
    aws_env: pytest.MonkeyPatch,
) -> None:
    big = records.lines([records.telemetry(n, padding=300 * 1024) for n in range(40)])
    oversize = records.line(records.telemetry(999, padding=1000 * 1024))
    with FirehoseEndpoint(STREAMS) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url)
        sink.send("telemetry", [*big[:20], oversize, *big[20:]])
        report = sink.close()

    assert endpoint.limit_violations == []
    assert 3 * 1024 * 1024 < endpoint.max_bytes_per_call <= MAX_BYTES  # full, but not over
    assert endpoint.accepted["fleet-telemetry"] == Counter(big)
    delivery = report.streams["telemetry"]
    assert (delivery.accepted, delivery.dead_lettered, delivery.retried) == (40, 1, 0)
    [letter] = dead_letters(report.dead_letter_path)
    assert letter.error_code == "RecordTooLarge" and letter.attempts == 0
    assert letter.data == oversize


def test_records_failing_at_the_attempt_bound_are_dead_lettered_with_counts(
    aws_env: pytest.MonkeyPatch,
) -> None:
    sent = records.lines([records.click(n) for n in range(120)])
    with FirehoseEndpoint(STREAMS, Faults(record_failure_rate=1.0)) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, max_attempts=3)
        sink.send("clickstream", sent)
        report = sink.close()

    delivery = report.streams["clickstream"]
    assert (delivery.accepted, delivery.retried, delivery.dead_lettered) == (0, 240, 120)
    assert delivery.errors == {"ServiceUnavailableException": 120}
    letters = dead_letters(report.dead_letter_path)
    assert [letter.data for letter in letters] == sent
    assert {(x.stream, x.delivery_stream, x.attempts) for x in letters} == {
        ("clickstream", "fleet-clickstream", 3)
    }
    assert all(x.first_attempt_at <= x.last_attempt_at for x in letters)


def test_a_throttled_call_is_made_exactly_max_attempts_times(aws_env: pytest.MonkeyPatch) -> None:
    # botocore's own retries would multiply the calls and hide them from the counts
    sent = records.lines([records.telemetry(n) for n in range(10)])
    with FirehoseEndpoint(STREAMS, Faults(request_failure_rate=1.0)) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, max_attempts=4)
        sink.send("telemetry", sent)
        report = sink.close()

    assert endpoint.calls == 4
    delivery = report.streams["telemetry"]
    assert (delivery.accepted, delivery.retried, delivery.dead_lettered) == (0, 30, 10)
    assert {x.attempts for x in dead_letters(report.dead_letter_path)} == {4}


def test_a_missing_delivery_stream_is_not_retried(aws_env: pytest.MonkeyPatch) -> None:
    with FirehoseEndpoint({"fleet-clickstream"}) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url)
        sink.send("telemetry", records.lines([records.telemetry(n) for n in range(5)]))
        report = sink.close()

    assert endpoint.calls == 1
    assert report.streams["telemetry"].errors == {"ResourceNotFoundException": 5}
    assert {x.attempts for x in dead_letters(report.dead_letter_path)} == {1}


@pytest.mark.parametrize(("concurrency", "expected"), [(1, 1), (4, 4)])
def test_concurrency_sets_how_many_calls_are_in_flight(
    aws_env: pytest.MonkeyPatch, concurrency: int, expected: int
) -> None:
    sent = records.lines([records.click(n) for n in range(8 * 50)])
    with FirehoseEndpoint(STREAMS, Faults(latency_s=0.1)) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, concurrency=concurrency)
        for start in range(0, len(sent), 50):
            sink.send("clickstream", sent[start : start + 50])
        sink.close()
    assert endpoint.max_in_flight == expected


def test_rate_caps_records_per_second(aws_env: pytest.MonkeyPatch) -> None:
    sent = records.lines([records.click(n) for n in range(500)])
    with FirehoseEndpoint(STREAMS) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, rate=1000.0)
        started = time.perf_counter()
        sink.send("clickstream", sent)
        sink.close()
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.4  # five batches of 100 at 1,000/s: the first at once, the last at 0.4 s
    assert endpoint.max_records_per_call <= 100  # a tenth of a second's worth per call
    assert endpoint.accepted["fleet-clickstream"] == Counter(sent)


class Outcomes:
    """A call observer that keeps what it is told (from the sink's threads)."""

    def __init__(self) -> None:
        self.seen: list[CallOutcome] = []
        self._lock = threading.Lock()

    def call_finished(self, outcome: CallOutcome) -> None:
        with self._lock:
            self.seen.append(outcome)


def test_the_call_observer_hears_every_batch_with_latency_retries_and_throttles(
    aws_env: pytest.MonkeyPatch,
) -> None:
    # 400 records/s per stream with a 1 s burst: the later batches are throttled, then resent
    faults = Faults(latency_s=0.03, throttle_records_per_s=400, record_failure_rate=0.05, seed=3)
    telemetry = records.lines([records.telemetry(n) for n in range(600)])
    observer = Outcomes()
    with FirehoseEndpoint(STREAMS, faults) as endpoint:
        sink = firehose_sink(aws_env, endpoint.url, concurrency=3, max_attempts=50, max_delay_s=0.1)
        sink.observe_calls(observer)
        for start in range(0, 600, 100):
            sink.send("telemetry", telemetry[start : start + 100])
        report = sink.close()

    delivery = report.streams["telemetry"]
    assert len(observer.seen) == 6  # one outcome per batch, whatever its retries
    assert sum(o.records for o in observer.seen) == 600
    assert sum(o.accepted for o in observer.seen) == delivery.accepted == 600
    assert sum(o.retried for o in observer.seen) == delivery.retried > 0
    assert sum(o.throttled for o in observer.seen) == (
        endpoint.throttled_records + endpoint.failed_entries
    )
    assert endpoint.throttled_calls > 0
    assert sum(o.attempts for o in observer.seen) == endpoint.calls
    assert all(o.seconds >= 0.03 * o.attempts for o in observer.seen)
    assert sum(o.bytes for o in observer.seen) == sum(map(len, telemetry))
