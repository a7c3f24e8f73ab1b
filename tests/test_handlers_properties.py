"""Properties of the Firehose contract over generated input: whatever the records hold, each
handler answers every recordId once, in order, with a well-formed result, and never raises."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import clickstream, telemetry
from handlers.enrich_telemetry import DIESEL_CO2_KG_PER_L
from handlers.transformed import FailedRecord, TransformedClickstream, TransformedTelemetry
from tests.handler_records import click_record, firehose_event, telemetry_record

HANDLERS = {"telemetry": telemetry.handler, "clickstream": clickstream.handler}
TRANSFORMED = {"telemetry": TransformedTelemetry, "clickstream": TransformedClickstream}
PARTITION_KEYS = {
    "telemetry": {"date", "hour", "depot_id"},
    "clickstream": {"date", "hour", "category"},
}
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A few fixed ids so that generated batches repeat event_ids now and then.
BEFORE_MIDNIGHT = datetime(2026, 11, 27, 23, 55, tzinfo=UTC)
REPEATED_IDS = [str(uuid.UUID(int=n)) for n in range(1, 4)]
event_ids = st.one_of(st.uuids().map(str), st.sampled_from(REPEATED_IDS))


def timestamp(seconds: int) -> str:
    """A contract timestamp `seconds` after 23:55 UTC, so batches cross midnight."""
    return (BEFORE_MIDNIGHT + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False)


valid_telemetry = st.fixed_dictionaries(
    {
        "schema_version": st.just(1),
        "event_id": event_ids,
        "truck_id": st.sampled_from(["T1", "T2", "T3"]),
        "event_ts": st.integers(0, 12).map(lambda m: timestamp(60 * m)),
        "driver_id": st.one_of(st.none(), st.just("DRV-1")),
        "depot_id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True),
        "gps": st.fixed_dictionaries(
            {
                "lat": floats(-90, 90),
                "lon": floats(-180, 180),
                "alt_m": floats(-500, 9000),
                "speed_kmh": floats(0, 250),
                "heading_deg": floats(0, 360),
            }
        ),
        "vehicle_speed_kmh": st.one_of(st.just(0.0), floats(0, 250)),
        "engine": st.fixed_dictionaries(
            {
                "rpm": st.one_of(st.integers(0, 10000), floats(0, 10000)),
                "fuel_level_pct": floats(0, 100),
                "coolant_temp_c": floats(-60, 200),
                "oil_pressure_kpa": floats(0, 2000),
                "battery_voltage_v": floats(0, 60),
            }
        ),
        "odometer_km": floats(0, 10_000_000),
        "fuel_rate_lph": floats(0, 500),
        "health": st.fixed_dictionaries(
            {
                "brake_status": st.sampled_from(["OK", "WORN", "FAULT"]),
                "transmission_status": st.sampled_from(["OK", "SLIPPING", "FAULT"]),
                "tire_pressure_kpa": st.fixed_dictionaries(
                    {tire: floats(0, 1500) for tire in ("fl", "fr", "rl", "rr")}
                ),
            }
        ),
        "environment": st.fixed_dictionaries(
            {
                "temp_c": floats(-80, 70),
                "humidity_pct": floats(0, 100),
                "pressure_hpa": floats(300, 1100),
            }
        ),
    }
)

valid_click = st.fixed_dictionaries(
    {
        "schema_version": st.just(1),
        "event_id": event_ids,
        "event_ts": st.integers(0, 600).map(timestamp),
        "session_id": st.sampled_from(["S1", "S2"]),
        "user_id": st.just("U1"),
        "item_id": st.sampled_from([f"I{n}" for n in range(9)]),
        "item_name": st.text(min_size=1, max_size=20),
        "category": st.sampled_from(["mobile_phones", "laptops", "cameras"]),
        "click_count": st.integers(1, 10_000),
        "page": st.text(min_size=1, max_size=30),
        "device": st.sampled_from(["mobile", "desktop"]),
    }
)

VALID = {"telemetry": valid_telemetry, "clickstream": valid_click}
EXAMPLE = {"telemetry": telemetry_record(), "clickstream": click_record()}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_record(draw: st.DrawFn, stream: str) -> dict[str, Any]:
    """A valid record with one field, top-level or nested, replaced, removed or added."""
    record = json.loads(json.dumps(EXAMPLE[stream]))
    target = record
    key = draw(st.sampled_from(sorted(target)))
    while isinstance(target[key], dict) and draw(st.booleans()):
        target = target[key]
        key = draw(st.sampled_from(sorted(target)))
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "replace":
        target[key] = draw(json_values)
    elif action == "remove":
        del target[key]
    else:
        target[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
    return record


def to_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def any_payload(stream: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        VALID[stream].map(to_bytes),
        mutated_record(stream).map(to_bytes),
        json_values.map(to_bytes),
    )


def assert_well_formed(stream: str, event: dict[str, Any], response: Any) -> None:
    assert isinstance(response, dict) and list(response) == ["records"]
    answers = response["records"]
    assert [a["recordId"] for a in answers] == [r["recordId"] for r in event["records"]]
    ok_event_ids = []
    for record, answer in zip(event["records"], answers, strict=True):
        data = base64.b64decode(answer["data"], validate=True)
        if answer["result"] == "Ok":
            assert data.endswith(b"}\n")
            assert set(answer) == {"recordId", "result", "data", "metadata"}
            assert set(answer["metadata"]["partitionKeys"]) == PARTITION_KEYS[stream]
            assert all(isinstance(v, str) for v in answer["metadata"]["partitionKeys"].values())
            ok_event_ids.append(msgspec.json.decode(data, type=TRANSFORMED[stream]).event_id)
        elif answer["result"] == "Dropped":
            assert set(answer) == {"recordId", "result", "data"}
            assert answer["data"] == record["data"]
        else:
            assert answer["result"] == "ProcessingFailed"
            assert set(answer) == {"recordId", "result", "data"}
            assert data.endswith(b"}\n")
            failed = msgspec.json.decode(data, type=FailedRecord)
            assert failed.error and "\n" not in failed.error
            assert (failed.stream, failed.record_id) == (stream, record["recordId"])
            assert failed.raw_b64 == record["data"]
    assert len(ok_event_ids) == len(set(ok_event_ids))


@SETTINGS
@given(st.data())
def test_any_record_bytes_get_one_well_formed_answer_each(data: st.DataObject) -> None:
    stream = data.draw(st.sampled_from(sorted(HANDLERS)))
    payloads = data.draw(st.lists(any_payload(stream), max_size=12))
    event = firehose_event(payloads, stream)

    assert_well_formed(stream, event, HANDLERS[stream](event, None))


@SETTINGS
@given(st.sampled_from(sorted(HANDLERS)), st.lists(st.text(max_size=40), max_size=8))
def test_any_data_string_gets_one_well_formed_answer_each(stream: str, strings: list[str]) -> None:
    event = firehose_event(list(strings), stream)

    assert_well_formed(stream, event, HANDLERS[stream](event, None))


@SETTINGS
@given(st.data())
def test_every_valid_record_is_ok_unless_its_event_id_came_before(data: st.DataObject) -> None:
    stream = data.draw(st.sampled_from(sorted(HANDLERS)))
    records = data.draw(st.lists(VALID[stream], min_size=1, max_size=15))
    event = firehose_event([to_bytes(r) for r in records], stream)

    response = HANDLERS[stream](event, None)

    assert_well_formed(stream, event, response)
    seen: set[uuid.UUID] = set()
    for record, answer in zip(records, response["records"], strict=True):
        event_id = uuid.UUID(record["event_id"])
        assert answer["result"] == ("Dropped" if event_id in seen else "Ok")
        seen.add(event_id)


@SETTINGS
@given(st.lists(valid_telemetry, min_size=1, max_size=15))
def test_telemetry_derived_fields_agree_with_the_reading(records: list[dict[str, Any]]) -> None:
    event = firehose_event([to_bytes(r) for r in records])

    for answer in telemetry.handler(event, None)["records"]:
        if answer["result"] != "Ok":
            continue
        out = msgspec.json.decode(base64.b64decode(answer["data"]), type=TransformedTelemetry)
        derived = out.derived
        assert derived.co2_kg == round(out.fuel_rate_lph / 60 * DIESEL_CO2_KG_PER_L, 4)
        assert derived.moving == (out.vehicle_speed_kmh >= 1.0)
        assert (derived.fuel_efficiency_l_per_100km is None) == (not derived.moving)
        assert derived.idling == (derived.engine_running and not derived.moving)
        assert (derived.speed_change_kmh is None) == (derived.harsh_braking is None)
        assert len({alert.code for alert in derived.alerts}) == len(derived.alerts)
