"""Shapes of what the handlers emit: the validated record plus a `derived` object, and the
error document of a record that failed. docs/DESIGN.md "Transformed records" explains each field.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from handlers.contract import ClickstreamRecord, TelemetryRecord

Severity = Literal["info", "warning", "critical"]
Reading = float | int | str | None


class Alert(Struct, gc=False):
    """A maintenance alert and the values that triggered it."""

    code: str
    severity: Severity
    message: str
    readings: dict[str, Reading]


class TelemetryDerived(Struct, gc=False):
    fuel_used_l: float
    distance_km: float
    fuel_efficiency_l_per_100km: float | None
    co2_kg: float
    engine_running: bool
    moving: bool
    idling: bool
    speed_change_kmh: float | None
    harsh_braking: bool | None
    harsh_acceleration: bool | None
    alerts: list[Alert]


class ClickstreamDerived(Struct, gc=False):
    category_label: str
    item_clicks_in_minute: int
    session_click_index: int
    session_distinct_items: int
    session_elapsed_s: int
    co_clicked_item_ids: list[str]


class TransformedTelemetry(TelemetryRecord, forbid_unknown_fields=True):
    """An Ok telemetry record as delivered: the contract fields, then `derived`."""

    derived: TelemetryDerived


class TransformedClickstream(ClickstreamRecord, forbid_unknown_fields=True):
    """An Ok clickstream record as delivered: the contract fields, then `derived`."""

    derived: ClickstreamDerived


class FailedRecord(Struct, forbid_unknown_fields=True):
    """The `data` of a ProcessingFailed record: why it failed and the bytes that came in."""

    error: str
    stream: str
    record_id: str
    raw_b64: str
