"""Malformed transformation events: every record with a recordId is answered, and an event with
nothing to answer fails with one ValueError naming what is missing, never a KeyError, TypeError
or AttributeError from deep inside the handler."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import clickstream, telemetry
from tests.handler_records import decoded_data, event_of, telemetry_record

HANDLERS = [
    pytest.param(telemetry.handler, id="telemetry"),
    pytest.param(clickstream.handler, id="clickstream"),
]


@pytest.mark.parametrize("handler", HANDLERS)
@pytest.mark.parametrize(
    ("event", "missing"),
    [
        pytest.param(
            {"invocationId": "x", "region": "eu-central-1"}, "has no `records`", id="no-records"
        ),
        pytest.param({"records": None}, "`records` is null, expected a list", id="records-null"),
        pytest.param(
            {"records": "abc"}, "`records` is a str, expected a list", id="records-string"
        ),
        pytest.param({"records": {"recordId": "1"}}, "`records` is a dict", id="records-object"),
        pytest.param(None, "event is null, expected an object", id="event-null"),
        pytest.param([{"recordId": "1"}], "event is a list, expected an object", id="event-list"),
        pytest.param(
            {"records": [None, "abc", 3]}, "none of its 3 records", id="records-not-objects"
        ),
        pytest.param(
            {"records": [{"data": "eyJhIjoxfQ=="}, {"recordId": None}, {"recordId": 7}]},
            "none of its 3 records is an object with a recordId string",
            id="no-record-id",
        ),
    ],
)
def test_event_with_no_usable_records_raises_one_value_error_naming_what_is_missing(
    handler: Any, event: Any, missing: str
) -> None:
    with pytest.raises(ValueError, match="Firehose event") as raised:
        handler(event, None)

    assert type(raised.value) is ValueError
    assert missing in str(raised.value)


def test_every_record_with_a_record_id_is_answered_in_order_beside_malformed_ones() -> None:
    event = event_of([telemetry_record(1), telemetry_record(2)])
    good, other = event["records"]
    event["records"] = [
        "not a record",
        good,
        None,
        {"data": good["data"]},  # no recordId: nothing to answer it with
        {"recordId": "no-data"},
        {"recordId": "data-is-a-list", "data": ["eyJhIjoxfQ=="]},
        {"recordId": 12, "data": other["data"]},
        other,
    ]

    answers = telemetry.handler(event, None)["records"]

    assert [(a["recordId"], a["result"]) for a in answers] == [
        (good["recordId"], "Ok"),
        ("no-data", "ProcessingFailed"),
        ("data-is-a-list", "ProcessingFailed"),
        (other["recordId"], "Ok"),
    ]
    assert decoded_data(answers[1])["error"] == "Record data is not a base64 string"


def test_records_without_a_record_id_are_logged_as_unanswerable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = event_of([telemetry_record(1)])
    event["records"] += [None, {"data": event["records"][0]["data"]}]

    with caplog.at_level("WARNING", logger="handlers.firehose"):
        [answer] = telemetry.handler(event, None)["records"]

    assert answer["result"] == "Ok"
    assert caplog.messages == ["2 records without a recordId string cannot be answered"]
