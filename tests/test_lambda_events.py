"""Transformation events: Firehose's shape, unique record ids, and batches within the record
cap, the buffer size, and Lambda's 6 MB limit for the request and the handler's response."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleetctl.errors import InputError
from fleetctl.lambdas.events import (
    PAYLOAD_LIMIT_BYTES,
    RECORD_MAX_BYTES,
    BatchLimits,
    DeliveryStream,
    SourceRecord,
    firehose_batches,
)
from handlers import clickstream, telemetry
from tests.handler_records import as_json, click_record, telemetry_record

STREAM = DeliveryStream("fleet-telemetry", "eu-central-1", "123456789012")


def records_of(sizes: list[int]) -> list[SourceRecord]:
    return [SourceRecord(b"x" * (size - 1) + b"\n", f"f:{i + 1}") for i, size in enumerate(sizes)]


def test_event_has_firehose_shape_and_carries_each_record_base64() -> None:
    lines = [as_json(telemetry_record(n)) for n in range(3)]
    source = [SourceRecord(line, f"t.jsonl:{i + 1}") for i, line in enumerate(lines)]

    [batch] = firehose_batches(source, STREAM, BatchLimits())
    event = json.loads(batch.payload)

    assert set(event) == {"invocationId", "deliveryStreamArn", "region", "records"}
    assert event["deliveryStreamArn"] == (
        "arn:aws:firehose:eu-central-1:123456789012:deliverystream/fleet-telemetry"
    )
    assert event["region"] == "eu-central-1"
    assert [base64.b64decode(r["data"], validate=True) for r in event["records"]] == lines
    assert [r["recordId"] for r in event["records"]] == batch.record_ids
    assert all(isinstance(r["approximateArrivalTimestamp"], int) for r in event["records"])
    assert batch.origins == ["t.jsonl:1", "t.jsonl:2", "t.jsonl:3"]


def test_record_ids_are_unique_and_increasing_across_batches() -> None:
    batches = list(firehose_batches(records_of([100] * 1050), STREAM, BatchLimits(max_records=500)))

    assert [b.records for b in batches] == [500, 500, 50]
    ids = [rid for b in batches for rid in b.record_ids]
    assert len(set(ids)) == 1050
    assert [int(rid) for rid in ids] == sorted(int(rid) for rid in ids)
    assert len({json.loads(b.payload)["invocationId"] for b in batches}) == 3


def test_buffer_size_closes_a_batch_before_it_is_passed() -> None:
    batches = list(firehose_batches(records_of([300_000] * 7), STREAM, BatchLimits(buffer_mb=1.0)))

    assert [b.records for b in batches] == [3, 3, 1]
    assert all(b.data_bytes <= 1_000_000 for b in batches)


def test_response_bound_splits_batches_the_request_limit_alone_would_allow() -> None:
    # 3 MB of input fits a 6 MB request, but the answer to it would not fit 6 MB.
    batches = list(firehose_batches(records_of([500_000] * 6), STREAM, BatchLimits(buffer_mb=3.0)))

    assert all(len(b.payload) < PAYLOAD_LIMIT_BYTES / 2 for b in batches)
    assert all(b.response_bound_bytes <= PAYLOAD_LIMIT_BYTES for b in batches)
    assert [b.records for b in batches] == [3, 3]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 400_000), min_size=1, max_size=60),
    max_records=st.integers(1, 40),
    buffer_mb=st.sampled_from([0.2, 1.0, 3.0]),
)
def test_every_batch_fits_every_limit_and_no_record_is_lost(
    sizes: list[int], max_records: int, buffer_mb: float
) -> None:
    limits = BatchLimits(max_records=max_records, buffer_mb=buffer_mb)
    batches = list(firehose_batches(records_of(sizes), STREAM, limits))

    assert [o for b in batches for o in b.origins] == [f"f:{i + 1}" for i in range(len(sizes))]
    for batch in batches:
        event = json.loads(batch.payload)
        assert len(event["records"]) == batch.records <= max_records
        assert len(batch.payload) <= PAYLOAD_LIMIT_BYTES
        assert batch.response_bound_bytes <= PAYLOAD_LIMIT_BYTES
        # A batch is over the buffer only when one record alone is.
        assert batch.data_bytes <= limits.buffer_bytes or batch.records == 1


@pytest.mark.parametrize(
    ("handler", "make"),
    [(telemetry.handler, telemetry_record), (clickstream.handler, click_record)],
)
def test_real_responses_stay_under_the_bound_batches_are_sized_by(handler, make) -> None:
    worst = [
        make(0),
        telemetry_record(
            1,
            **{
                "health.brake_status": "FAULT",
                "health.transmission_status": "FAULT",
                "engine.oil_pressure_kpa": 50.0,
                "engine.battery_voltage_v": 20.0,
                "engine.coolant_temp_c": 120.0,
                **{f"health.tire_pressure_kpa.{t}": 500.0 for t in ("fl", "fr", "rl", "rr")},
            },
        ),
    ]
    lines = [as_json(r) for r in worst] + [b"x", b"{}\n", b'{"a": "' + b"z" * 5000 + b'"}\n']
    source = [SourceRecord(line, str(i)) for i, line in enumerate(lines)]
    for batch in firehose_batches(source, STREAM, BatchLimits()):
        response = json.dumps(handler(json.loads(batch.payload), None)).encode()
        assert len(response) <= batch.response_bound_bytes


def test_record_over_firehose_limit_is_an_input_error_naming_its_line() -> None:
    source = records_of([10, RECORD_MAX_BYTES + 1])
    with pytest.raises(InputError, match=r"^f:2: record is 1,024,001 bytes, over Firehose's"):
        list(firehose_batches(source, STREAM, BatchLimits()))


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"max_records": 0}, "--batch-records must be >= 1, got 0"),
        ({"buffer_mb": 4.0}, "--buffer-mb must be within 0.2..3.0"),
        ({"buffer_mb": 0.1}, "--buffer-mb must be within 0.2..3.0"),
    ],
)
def test_limits_outside_firehose_ranges_are_refused(limits: dict, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        BatchLimits(**limits)
