"""What the simulators generate is exactly what the production handlers accept."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers import clickstream, telemetry
from simulators import ClickstreamSimulator, TelemetrySimulator
from tests.handler_records import decoded_data, event_of

STARTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def failures(handler, records: list[dict], stream: str) -> list[str]:
    answers = handler(event_of(records, stream), None)["records"]
    return [decoded_data(a)["error"] for a in answers if a["result"] != "Ok"]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32), start=STARTS)
def test_every_simulated_record_passes_the_contract(seed: int, start: datetime) -> None:
    trucks = TelemetrySimulator(seed=seed, start=start, trucks=12)
    clicks = ClickstreamSimulator(seed=seed, start=start, clicks_per_minute=40)
    readings = [r for _ in range(90) for r in trucks.next_minute()]
    events = [r for _ in range(90) for r in clicks.next_minute()]
    assert failures(telemetry.handler, readings, "telemetry") == []
    assert failures(clickstream.handler, events, "clickstream") == []


def test_a_simulated_day_of_a_fleet_passes_the_contract_and_raises_alerts() -> None:
    fleet = TelemetrySimulator(seed=7, start=datetime(2026, 11, 27, tzinfo=UTC), trucks=60)
    day = [r for _ in range(24 * 60) for r in fleet.next_minute()]
    answers = telemetry.handler(event_of(day), None)["records"]
    assert {a["result"] for a in answers} == {"Ok"}
    codes = {alert["code"] for a in answers for alert in decoded_data(a)["derived"]["alerts"]}
    # faults develop during a day of a 60-truck fleet, and the handlers see them coming
    assert {"BRAKE_WORN", "TRANSMISSION_SLIPPING"} <= codes


def test_the_simulators_dicts_have_the_contracts_fields_in_its_order() -> None:
    """The simulators may not import the contract (one-way rule), so their own dicts are held to
    it here: the same fields, nested alike, in declaration order (DESIGN's record format)."""
    from fleetctl.schema import RECORDS, fields

    def paths(record: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        found = []
        for key, value in record.items():
            if isinstance(value, dict):
                found += paths(value, (*prefix, key))
            else:
                found.append((*prefix, key))
        return found

    start = datetime(2026, 11, 27, tzinfo=UTC)
    clicks = ClickstreamSimulator(seed=3, start=start, clicks_per_minute=30)
    simulated = {
        "telemetry": TelemetrySimulator(seed=3, start=start, trucks=2).next_minute()[0],
        "clickstream": next(r for _ in range(10) for r in clicks.next_minute()),
    }
    for stream, record in simulated.items():
        assert paths(record) == [f.path for f in fields(RECORDS[stream])], stream
