"""The response check: a real handler's answer passes, and each way of breaking Firehose's or
the handlers' contract is reported with the batch, record and input line."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleetctl.lambdas.contract_check import check_response
from fleetctl.lambdas.events import (
    PAYLOAD_LIMIT_BYTES,
    BatchLimits,
    DeliveryStream,
    SourceRecord,
    TransformationBatch,
    firehose_batches,
)
from handlers import telemetry
from tests.handler_records import as_json, minute, telemetry_record

STREAM = DeliveryStream("fleet-telemetry", "eu-central-1", "123456789012")


@pytest.fixture(scope="module")
def batch_and_response() -> tuple[TransformationBatch, dict[str, Any]]:
    lines = [as_json(telemetry_record(n, event_ts=minute(n))) for n in range(4)]
    lines += [b"not json\n", as_json(telemetry_record(0))]  # a failure, then a repeat: Dropped
    source = [SourceRecord(line, f"in.jsonl:{i + 1}") for i, line in enumerate(lines)]
    [batch] = firehose_batches(source, STREAM, BatchLimits())
    return batch, telemetry.handler(json.loads(batch.payload), None)


def check(batch: TransformationBatch, response: Any, limit: int = PAYLOAD_LIMIT_BYTES):
    return check_response(batch, json.dumps(response).encode(), "telemetry", limit)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_real_handler_answer_passes_and_is_decoded(batch_and_response) -> None:
    batch, response = batch_and_response
    checked = check(batch, response)

    assert checked.violations == []
    assert [a.result for a in checked.answers] == ["Ok"] * 4 + ["ProcessingFailed", "Dropped"]
    assert checked.answers[4].reason.startswith("Invalid JSON")
    assert json.loads(checked.answers[0].data)["derived"]["fuel_used_l"] == 0.5


def with_document(answer: dict[str, Any], **changes: Any) -> None:
    document = json.loads(base64.b64decode(answer["data"]))
    answer["data"] = b64(json.dumps({**document, **changes}).encode() + b"\n")


CASES: dict[str, tuple[Callable[[list[dict[str, Any]]], Any], str]] = {
    "missing answer": (lambda r: r.pop(), "1 recordIds not answered, first"),
    "answered twice": (lambda r: r.append(dict(r[0])), "answered 2 times"),
    "unknown id": (
        lambda r: r[0].update(recordId="nope"),
        "recordId 'nope' was not in the request",
    ),
    "out of order": (
        lambda r: r.insert(0, r.pop(1)),
        "answers out of request order from position 0",
    ),
    "bad result": (lambda r: r[0].update(result="OK"), "result 'OK' is not one of"),
    "not base64": (lambda r: r[0].update(data="%%%"), "data is not base64"),
    "no newline": (
        lambda r: r[0].update(data=b64(base64.b64decode(r[0]["data"]).rstrip(b"\n"))),
        "data is not newline-terminated",
    ),
    "two lines": (
        lambda r: r[0].update(data=b64(b"{}\n" + base64.b64decode(r[0]["data"]))),
        "data holds more than one line",
    ),
    "extra field in data": (
        lambda r: r[0].update(data=b64(base64.b64decode(r[0]["data"])[:-2] + b',"x":1}\n')),
        "Object contains unknown field `x`",
    ),
    "extra key": (lambda r: r[0].update(note="hi"), "unexpected keys note"),
    "no partition keys": (lambda r: r[0].pop("metadata"), "metadata is not"),
    "dropped data changed": (lambda r: r[5].update(data=b64(b"{}\n")), "Dropped data differs"),
    "error document of another record": (
        lambda r: with_document(r[4], record_id="other"),
        "error document names another record or stream",
    ),
    "error document loses the input": (
        lambda r: with_document(r[4], raw_b64=""),
        "error document's raw_b64 differs from the data sent",
    ),
    "missing data": (lambda r: r[1].pop("data"), "missing data"),
}


@pytest.mark.parametrize("case", CASES)
def test_broken_answer_is_reported_with_batch_record_and_line(
    case: str, batch_and_response
) -> None:
    batch, response = batch_and_response
    broken = copy.deepcopy(response)
    change, expected = CASES[case]
    change(broken["records"])

    violations = check(batch, broken).violations

    assert violations, case
    assert any(expected in v for v in violations), violations
    assert all(v.startswith("batch 1") for v in violations)


def test_violation_names_the_input_line(batch_and_response) -> None:
    batch, response = batch_and_response
    broken = copy.deepcopy(response)
    broken["records"][2]["result"] = "Nope"

    [violation] = check(batch, broken).violations

    assert violation.startswith(f"batch 1 record {batch.record_ids[2]} (in.jsonl:3): result")


def test_extra_top_level_key_and_oversized_payload_are_violations(batch_and_response) -> None:
    batch, response = batch_and_response
    violations = check(batch, {**response, "status": "ok"}, limit=100).violations

    assert any("keys besides 'records': status" in v for v in violations)
    assert any("over Lambda's 100-byte limit" in v for v in violations)


def test_non_json_response_is_one_violation(batch_and_response) -> None:
    batch, _ = batch_and_response
    checked = check_response(batch, b"<html>", "telemetry", PAYLOAD_LIMIT_BYTES)
    assert len(checked.violations) == 1
    assert checked.violations[0].startswith("batch 1: response is not JSON")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=200),
            st.integers(0, 5).map(lambda n: as_json(telemetry_record(n, event_ts=minute(n)))),
            st.integers(0, 5).map(lambda n: as_json(telemetry_record(n, **{"engine.rpm": -n}))),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_real_handler_answers_pass_for_any_record_bytes(payloads: list[bytes]) -> None:
    source = [SourceRecord(p, f"in:{i}") for i, p in enumerate(payloads)]
    for batch in firehose_batches(source, STREAM, BatchLimits(max_records=7)):
        response = telemetry.handler(json.loads(batch.payload), None)
        checked = check(batch, response)
        assert checked.violations == []
        assert [a.record_id for a in checked.answers] == batch.record_ids
