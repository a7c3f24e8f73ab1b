"""Small factories of transformed records (contract fields plus `derived`) for warehouse tests,
and the per-minute click counts computed independently of the warehouse.

Each is decoded by handlers/contract.py before a test's overrides (`on_contract`); values vary
with `n` so that a column loaded from the wrong field, or rounded, shows up.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fleetctl.warehouse import Warehouse
from tests.handler_records import on_contract

START = datetime(2026, 11, 27, tzinfo=UTC)
BRAKES = ("OK", "WORN", "FAULT")
GEARBOXES = ("OK", "SLIPPING", "FAULT")
CATEGORIES = ("mobile_phones", "laptops", "cameras")


def event_id(stream: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fleetctl-test/{stream}/{n}"))


def ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def alert(code: str, severity: str = "warning", **readings: Any) -> dict[str, Any]:
    return {"code": code, "severity": severity, "message": f"{code} test", "readings": readings}


def telemetry(n: int, *, alerts: list[dict[str, Any]] | None = None, **fields: Any) -> dict:
    """Reading `n`: truck n % 5, minute n // 5 after START."""
    record: dict[str, Any] = {
        "schema_version": 1,
        "event_id": event_id("telemetry", n),
        "truck_id": f"TRK-{n % 5:05d}",
        "event_ts": ts(START + timedelta(minutes=n // 5)),
        "driver_id": None if n % 7 == 0 else f"DRV-{n % 11:04d}",
        "depot_id": f"DEP-{n % 3:02d}",
        "gps": {
            "lat": 48.137154 + n * 1e-5,
            "lon": 11.576124 - n * 2e-5,
            "alt_m": 519.5 + n % 10,
            "speed_kmh": (n * 7) % 90 + 0.25,
            "heading_deg": (n * 13) % 360 + 0.5,
        },
        "vehicle_speed_kmh": (n * 7) % 90 + 0.125,
        "engine": {
            "rpm": 800.0 + (n * 37) % 1500,
            "fuel_level_pct": 100.0 - (n % 100) * 0.75,
            "coolant_temp_c": 85.5 + n % 9,
            "oil_pressure_kpa": 310.0 - n % 40,
            "battery_voltage_v": 13.8 - (n % 5) * 0.1,
        },
        "odometer_km": 120_000.0 + n * 1.3,
        "fuel_rate_lph": 18.0 + (n % 12) * 0.6,
        "health": {
            "brake_status": BRAKES[n % 3],
            "transmission_status": GEARBOXES[n % 3],
            "tire_pressure_kpa": {
                "fl": 820.0 + n % 5,
                "fr": 821.5,
                "rl": 830.25,
                "rr": 829.0 - n % 3,
            },
        },
        "environment": {
            "temp_c": -2.5 + n % 8,
            "humidity_pct": 60.0 + n % 30,
            "pressure_hpa": 1009.0,
        },
        "derived": {
            "fuel_used_l": round((18.0 + (n % 12) * 0.6) / 60, 4),
            "distance_km": round(((n * 7) % 90 + 0.125) / 60, 4),
            "idling": n % 9 == 0,
            "harsh_braking": None,
            "alerts": alerts if alerts is not None else [],
        },
    }
    on_contract(record, "telemetry")
    record.update(fields)
    return record


def clickstream(n: int, **fields: Any) -> dict[str, Any]:
    """Click `n`: item n % 4, session n % 6, second 13 * n after START (uneven minutes)."""
    record: dict[str, Any] = {
        "schema_version": 1,
        "event_id": event_id("clickstream", n),
        "event_ts": ts(START + timedelta(seconds=13 * n)),
        "session_id": f"sess-{n % 6}",
        "user_id": f"user-{n % 6}",
        "item_id": f"ITEM-{n % 4}",
        "item_name": f"Item number {n % 4}",
        "category": CATEGORIES[n % 4 % 3],
        "click_count": 1 + n % 3,
        "page": "product",
        "device": ("desktop", "mobile", "tablet")[n % 3],
        "derived": {"category_label": "Laptops", "co_clicked_item_ids": [f"ITEM-{(n + 1) % 4}"]},
    }
    on_contract(record, "clickstream")
    record.update(fields)
    return record


def expected_clicks_per_minute(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per item and UTC minute, over each event_id once: the rule the warehouse must follow."""
    groups: dict[tuple[datetime, str], list[dict[str, Any]]] = defaultdict(list)
    for r in {r["event_id"]: r for r in records}.values():
        minute = datetime.strptime(r["event_ts"][:16], "%Y-%m-%dT%H:%M")
        groups[(minute, r["item_id"])].append(r)
    return [
        {
            "MINUTE_TS": minute,
            "ITEM_ID": item,
            "ITEM_NAME": group[0]["item_name"],
            "CATEGORY": group[0]["category"],
            "CLICKS": sum(r["click_count"] for r in group),
            "EVENTS": len(group),
            "SESSIONS": len({r["session_id"] for r in group}),
        }
        for (minute, item), group in sorted(groups.items())
    ]


def clicks_per_minute(wh: Warehouse) -> list[dict[str, Any]]:
    """CORE.ITEM_CLICKS_MINUTE as the warehouse has it, without the time of the last update."""
    return [
        {k: v for k, v in row.items() if k != "UPDATED_AT"}
        for row in wh.query("SELECT * FROM CORE.ITEM_CLICKS_MINUTE ORDER BY MINUTE_TS, ITEM_ID")
    ]
