"""The Firehose transformation contract of both handlers: one answer per recordId, invalid
records ProcessingFailed with a reason naming the field, repeats Dropped, valid ones Ok."""

from __future__ import annotations

import ast
import base64
import logging
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from handlers import clickstream, telemetry
from handlers.transformed import FailedRecord, TransformedClickstream, TransformedTelemetry
from tests.handler_records import (
    as_json,
    click_record,
    decoded_data,
    event_of,
    firehose_event,
    telemetry_record,
    without,
)

# `sam local generate-event kinesis kinesis-firehose`: AWS's sample, data is plain text.
AWS_SAMPLE_EVENT = {
    "invocationId": "invocationIdExample",
    "deliveryStreamArn": "arn:aws:kinesis:EXAMPLE",
    "region": "us-east-1",
    "records": [
        {
            "recordId": "49546986683135544286507457936321625675700192471156785154",
            "approximateArrivalTimestamp": 1495072949453,
            "data": "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0IDEyMy4=",
        }
    ],
}


def test_aws_sample_event_gets_one_processing_failed_answer_naming_invalid_json() -> None:
    response = telemetry.handler(AWS_SAMPLE_EVENT, None)

    assert list(response) == ["records"]
    [answer] = response["records"]
    assert answer["recordId"] == AWS_SAMPLE_EVENT["records"][0]["recordId"]
    assert answer["result"] == "ProcessingFailed"
    failed = msgspec.json.decode(base64.b64decode(answer["data"]), type=FailedRecord)
    assert failed.error.startswith("Invalid JSON")
    assert failed.stream == "telemetry"
    assert failed.record_id == answer["recordId"]
    assert failed.raw_b64 == AWS_SAMPLE_EVENT["records"][0]["data"]


def test_streams_as_source_event_with_kinesis_metadata_is_transformed() -> None:
    event = event_of([telemetry_record()])
    event["sourceKinesisStreamArn"] = "arn:aws:kinesis:eu-central-1:123456789012:stream/fleet"
    event["records"][0]["kinesisRecordMetadata"] = {
        "shardId": "shardId-000000000000",
        "partitionKey": "TRK-001",
        "approximateArrivalTimestamp": 1795766100000,
        "sequenceNumber": "49546986683135544286507457936321625675700192471156785154",
        "subsequenceNumber": "",
    }

    [answer] = telemetry.handler(event, None)["records"]

    assert answer["result"] == "Ok"


def test_ok_records_carry_partition_keys_and_newline_terminated_output() -> None:
    response = telemetry.handler(event_of([telemetry_record()]), None)
    [answer] = response["records"]

    assert set(answer) == {"recordId", "result", "data", "metadata"}
    assert answer["metadata"] == {
        "partitionKeys": {"date": "2026-11-27", "hour": "08", "depot_id": "DEP-BER"}
    }
    data = base64.b64decode(answer["data"])
    assert data.endswith(b"}\n") and data.count(b"\n") == 1
    transformed = msgspec.json.decode(data, type=TransformedTelemetry)
    assert transformed.truck_id == "TRK-001"
    assert list(msgspec.json.decode(data)) == [*telemetry_record(), "derived"]


def test_clickstream_partition_keys_are_date_hour_and_category() -> None:
    [answer] = clickstream.handler(event_of([click_record(category="cameras")]), None)["records"]

    assert answer["metadata"] == {
        "partitionKeys": {"date": "2026-11-27", "hour": "08", "category": "cameras"}
    }
    msgspec.json.decode(base64.b64decode(answer["data"]), type=TransformedClickstream)


TELEMETRY_INVALID = [
    pytest.param(telemetry_record(**{"gps.lat": 90.5}), "$.gps.lat", id="lat>90"),
    pytest.param(telemetry_record(**{"gps.lat": -91}), "$.gps.lat", id="lat<-90"),
    pytest.param(telemetry_record(**{"gps.lon": 180.01}), "$.gps.lon", id="lon>180"),
    pytest.param(telemetry_record(**{"gps.lon": -200}), "$.gps.lon", id="lon<-180"),
    pytest.param(telemetry_record(odometer_km=-0.1), "$.odometer_km", id="negative-odometer"),
    pytest.param(
        telemetry_record(**{"engine.fuel_level_pct": 100.5}),
        "$.engine.fuel_level_pct",
        id="fuel>100",
    ),
    pytest.param(
        telemetry_record(**{"engine.fuel_level_pct": -1}), "$.engine.fuel_level_pct", id="fuel<0"
    ),
    pytest.param(
        telemetry_record(vehicle_speed_kmh=-3), "$.vehicle_speed_kmh", id="negative-speed"
    ),
    pytest.param(
        telemetry_record(**{"gps.speed_kmh": -0.5}), "$.gps.speed_kmh", id="negative-gps-speed"
    ),
    pytest.param(
        telemetry_record(**{"health.brake_status": "SQUEAKY"}),
        "$.health.brake_status",
        id="brake-enum",
    ),
    pytest.param(
        telemetry_record(**{"health.transmission_status": "ok"}),
        "$.health.transmission_status",
        id="transmission-enum",
    ),
    pytest.param(telemetry_record(schema_version=2), "$.schema_version", id="schema-version-2"),
    pytest.param(telemetry_record(schema_version="1"), "$.schema_version", id="schema-version-str"),
    pytest.param(telemetry_record(event_ts="2026-11-27 08:15:00"), "$.event_ts", id="ts-space"),
    pytest.param(
        telemetry_record(event_ts="2026-11-27T08:15:00+00:00"), "$.event_ts", id="ts-offset"
    ),
    pytest.param(
        telemetry_record(event_ts="2026-11-27T08:15:30Z"), "$.event_ts", id="ts-not-minute"
    ),
    pytest.param(telemetry_record(event_ts="2026-02-30T08:15:00Z"), "$.event_ts", id="ts-feb-30"),
    pytest.param(telemetry_record(event_ts=1795766100), "$.event_ts", id="ts-epoch-number"),
    pytest.param(telemetry_record(event_id="not-a-uuid"), "$.event_id", id="event-id"),
    pytest.param(telemetry_record(**{"engine.rpm": "1400"}), "$.engine.rpm", id="rpm-string"),
    pytest.param(telemetry_record(driver_id=17), "$.driver_id", id="driver-id-number"),
    pytest.param(telemetry_record(depot_id="../etc"), "$.depot_id", id="depot-not-path-safe"),
    pytest.param(
        telemetry_record(**{"engine.turbo_psi": 12}),
        "`turbo_psi` - at `$.engine`",
        id="extra-nested",
    ),
    pytest.param(telemetry_record(colour="red"), "unknown field `colour`", id="extra-top"),
    pytest.param(
        without(telemetry_record(), "truck_id"), "required field `truck_id`", id="missing-top"
    ),
    pytest.param(
        without(telemetry_record(), "health.tire_pressure_kpa.rl"),
        "required field `rl` - at `$.health.tire_pressure_kpa`",
        id="missing-nested",
    ),
]

CLICK_INVALID = [
    pytest.param(
        click_record(click_count=0), "Expected `int` >= 1 - at `$.click_count`", id="click-count-0"
    ),
    pytest.param(click_record(click_count=1.5), "$.click_count", id="click-count-float"),
    pytest.param(click_record(category="tablets"), "$.category", id="unknown-category"),
    pytest.param(click_record(category="Laptops"), "$.category", id="category-case"),
    pytest.param(click_record(schema_version=0), "$.schema_version", id="schema-version-0"),
    pytest.param(click_record(event_ts="2026-11-27T08:15:07"), "$.event_ts", id="ts-no-zone"),
    pytest.param(click_record(event_ts="2026-11-27T08:15:07.250Z"), "$.event_ts", id="ts-fraction"),
    pytest.param(click_record(event_ts="2026-13-01T08:15:07Z"), "$.event_ts", id="ts-month-13"),
    pytest.param(click_record(session_id=""), "$.session_id", id="empty-session"),
    pytest.param(click_record(user_id=None), "$.user_id", id="null-user"),
    pytest.param(without(click_record(), "item_id"), "required field `item_id`", id="missing-item"),
    pytest.param(click_record(referrer="x"), "unknown field `referrer`", id="extra-field"),
]


def _assert_failed_between_valid_neighbours(handler: Any, make: Any, bad: dict, field: str) -> None:
    event = event_of([make(101), bad, make(102, event_ts=make()["event_ts"])])
    answers = handler(event, None)["records"]

    assert [a["recordId"] for a in answers] == [r["recordId"] for r in event["records"]]
    assert [a["result"] for a in answers] == ["Ok", "ProcessingFailed", "Ok"]
    failed = msgspec.json.decode(base64.b64decode(answers[1]["data"]), type=FailedRecord)
    assert field in failed.error
    assert "metadata" not in answers[1]


@pytest.mark.parametrize(("record", "field"), TELEMETRY_INVALID)
def test_invalid_telemetry_fails_alone_with_reason_naming_field(record: dict, field: str) -> None:
    _assert_failed_between_valid_neighbours(telemetry.handler, telemetry_record, record, field)


@pytest.mark.parametrize(("record", "field"), CLICK_INVALID)
def test_invalid_click_fails_alone_with_reason_naming_field(record: dict, field: str) -> None:
    _assert_failed_between_valid_neighbours(clickstream.handler, click_record, record, field)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param("not base64!", "Invalid base64", id="bad-alphabet"),
        pytest.param("eyJh", "Invalid JSON", id="base64-of-truncated-json"),
        pytest.param("eyJhIjoxfQ", "Invalid base64", id="missing-padding"),
        pytest.param(base64.b64encode(b"\xff\xfe").decode(), "Invalid JSON", id="not-utf8"),
        pytest.param(base64.b64encode(b"[1, 2]").decode(), "Expected `object`", id="json-array"),
        pytest.param("", "Invalid JSON", id="empty"),
    ],
)
def test_undecodable_data_fails_with_reason(data: str, reason: str) -> None:
    event = firehose_event([data])

    [answer] = telemetry.handler(event, None)["records"]

    assert answer["result"] == "ProcessingFailed"
    assert decoded_data(answer)["error"].startswith(reason)
    assert decoded_data(answer)["raw_b64"] == data


def test_record_without_data_string_fails_instead_of_failing_the_batch() -> None:
    event = event_of([telemetry_record(1), telemetry_record(2)])
    event["records"][0]["data"] = None

    answers = telemetry.handler(event, None)["records"]

    assert [a["result"] for a in answers] == ["ProcessingFailed", "Ok"]
    assert decoded_data(answers[0]) == {
        "error": "Record data is not a base64 string",
        "stream": "telemetry",
        "record_id": event["records"][0]["recordId"],
        "raw_b64": "",
    }


def test_reason_stays_on_one_line_when_a_field_name_holds_a_line_break() -> None:
    event = event_of([telemetry_record() | {"bad\nname": 1}])

    [answer] = telemetry.handler(event, None)["records"]

    assert decoded_data(answer)["error"] == "Object contains unknown field `bad\\nname`"


def test_failure_reason_is_logged_with_record_id(caplog: pytest.LogCaptureFixture) -> None:
    event = event_of([click_record(click_count=0)], "clickstream")

    with caplog.at_level(logging.WARNING, logger="handlers.firehose"):
        clickstream.handler(event, None)

    [message] = caplog.messages
    assert event["records"][0]["recordId"] in message
    assert "Expected `int` >= 1 - at `$.click_count`" in message


def test_repeated_event_id_keeps_first_and_drops_later_copies_unchanged() -> None:
    first = telemetry_record(7)
    repeat = telemetry_record(7, vehicle_speed_kmh=12.0)  # same event_id, other content
    event = event_of([first, telemetry_record(8), repeat, first])

    answers = telemetry.handler(event, None)["records"]

    assert [a["result"] for a in answers] == ["Ok", "Ok", "Dropped", "Dropped"]
    assert decoded_data(answers[0])["vehicle_speed_kmh"] == 60.0
    assert answers[2]["data"] == event["records"][2]["data"]
    assert "metadata" not in answers[2]


def test_event_id_repeated_in_another_spelling_is_dropped() -> None:
    upper = click_record(1, event_id=click_record(1)["event_id"].upper())
    event = event_of([click_record(1), upper], "clickstream")

    answers = clickstream.handler(event, None)["records"]

    assert [a["result"] for a in answers] == ["Ok", "Dropped"]


def test_invalid_first_copy_does_not_hide_a_valid_later_copy() -> None:
    event = event_of([telemetry_record(3, odometer_km=-1), telemetry_record(3)])

    answers = telemetry.handler(event, None)["records"]

    assert [a["result"] for a in answers] == ["ProcessingFailed", "Ok"]


def test_empty_batch_answers_with_no_records() -> None:
    assert clickstream.handler(firehose_event([]), None) == {"records": []}


def test_output_line_round_trips_through_the_input_contract_fields() -> None:
    record = telemetry_record(driver_id=None)
    [answer] = telemetry.handler(event_of([record]), None)["records"]

    output = decoded_data(answer)
    del output["derived"]
    assert output == msgspec.json.decode(as_json(record))  # ints re-encoded as floats compare equal


def test_handlers_import_only_stdlib_and_msgspec() -> None:
    allowed = set(sys.stdlib_module_names) | {"msgspec", "handlers", "__future__"}
    for path in (Path(__file__).parents[1] / "handlers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path} imports {roots - allowed}"
