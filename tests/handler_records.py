"""Valid schema-v1 records and Firehose events for the handler tests.

Factories take overrides as dotted paths (`"engine.rpm": 0`) so a test names only what it means.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any

import msgspec

_NAMESPACE = uuid.UUID("6f1c2a8e-5b7d-4c1e-9a3f-2d8e4b6c0a17")


def event_id(n: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, str(n)))


def on_contract(record: dict[str, Any], stream: str) -> dict[str, Any]:
    """`record` as it is, once the contract has decoded it: a fixture that drifts from
    handlers/contract.py fails here, by field path, instead of in some test far away."""
    from fleetctl.schema import RECORDS

    msgspec.convert({k: v for k, v in record.items() if k != "derived"}, RECORDS[stream])
    return record


def telemetry_record(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A healthy truck cruising at 60 km/h burning 30 L/h; `n` only varies the event_id."""
    record = {
        "schema_version": 1,
        "event_id": event_id(n),
        "truck_id": "TRK-001",
        "event_ts": "2026-11-27T08:15:00Z",
        "driver_id": "DRV-042",
        "depot_id": "DEP-BER",
        "gps": {"lat": 52.52, "lon": 13.405, "alt_m": 34.0, "speed_kmh": 60.5, "heading_deg": 90.0},
        "vehicle_speed_kmh": 60.0,
        "engine": {
            "rpm": 1400,
            "fuel_level_pct": 64.5,
            "coolant_temp_c": 88.0,
            "oil_pressure_kpa": 320.0,
            "battery_voltage_v": 27.6,
        },
        "odometer_km": 182344.2,
        "fuel_rate_lph": 30.0,
        "health": {
            "brake_status": "OK",
            "transmission_status": "OK",
            "tire_pressure_kpa": {"fl": 760.0, "fr": 758.0, "rl": 762.0, "rr": 761.0},
        },
        "environment": {"temp_c": 4.5, "humidity_pct": 81.0, "pressure_hpa": 1013.2},
    }
    return _apply(on_contract(record, "telemetry"), overrides)


def click_record(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A phone-page click in session S-1; `n` only varies the event_id."""
    record = {
        "schema_version": 1,
        "event_id": event_id(n),
        "event_ts": "2026-11-27T08:15:07Z",
        "session_id": "S-1",
        "user_id": "U-100",
        "item_id": "SKU-PHONE-1",
        "item_name": "Pixel 11 Pro",
        "category": "mobile_phones",
        "click_count": 1,
        "page": "/p/SKU-PHONE-1",
        "device": "mobile",
    }
    return _apply(on_contract(record, "clickstream"), overrides)


def _apply(record: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    record = copy.deepcopy(record)
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        target = record
        for key in parents:
            target = target[key]
        target[leaf] = value
    return record


def without(record: dict[str, Any], dotted: str) -> dict[str, Any]:
    """A copy of `record` with the field at `dotted` removed."""
    record = copy.deepcopy(record)
    *parents, leaf = dotted.split(".")
    target = record
    for key in parents:
        target = target[key]
    del target[leaf]
    return record


def firehose_event(payloads: list[bytes | str], stream: str = "telemetry") -> dict[str, Any]:
    """A transformation event shaped like AWS's sample, one record per payload.

    `bytes` payloads are base64-encoded as Firehose does; a `str` is sent as the data verbatim.
    """
    return {
        "invocationId": "invocationIdExample",
        "deliveryStreamArn": f"arn:aws:firehose:eu-central-1:123456789012:deliverystream/{stream}",
        "region": "eu-central-1",
        "records": [
            {
                "recordId": f"49546986683135544286507457936321625675700192471156785{i:03d}",
                "approximateArrivalTimestamp": 1795766100000 + i,
                "data": p if isinstance(p, str) else base64.b64encode(p).decode("ascii"),
            }
            for i, p in enumerate(payloads)
        ],
    }


def as_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode() + b"\n"


def event_of(records: list[dict[str, Any]], stream: str = "telemetry") -> dict[str, Any]:
    return firehose_event([as_json(r) for r in records], stream)


def decoded_data(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON document inside a response record's base64 `data`."""
    return json.loads(base64.b64decode(result["data"], validate=True))


def derived_fields(handler: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `derived` object of each record after `handler`; every record must come out Ok."""
    answers = handler(event_of(records), None)["records"]
    assert [a["result"] for a in answers] == ["Ok"] * len(records)
    return [decoded_data(a)["derived"] for a in answers]


def minute(n: int) -> str:
    """The n-th minute after 2026-11-27T08:00Z as a contract timestamp (n < 60)."""
    return f"2026-11-27T08:{n:02d}:00Z"
