"""Every pattern that checks input matches the whole string: a trailing newline (which `$`
lets through) or another script's digits (which `\\d` admits) are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.config import load_settings
from fleetctl.dynamodb import items
from fleetctl.dynamodb.tables import TableNames
from fleetctl.errors import ConfigError, InputError
from fleetctl.scd2.tracked import tracked_columns
from fleetctl.warehouse import staging
from handlers import clickstream, telemetry
from tests.handler_records import click_record, decoded_data, event_of, telemetry_record
from tests.warehouse_records import telemetry as warehouse_telemetry

HANDLERS = {"telemetry": telemetry.handler, "clickstream": clickstream.handler}


@pytest.mark.parametrize(
    ("stream", "record", "field"),
    [
        pytest.param("telemetry", telemetry_record(depot_id="DEP-01\n"), "depot_id", id="depot-id"),
        pytest.param(
            "telemetry",
            telemetry_record(event_ts="2026-11-27T08:15:00Z\n"),
            "event_ts",
            id="telemetry-event-ts",
        ),
        pytest.param(
            "clickstream",
            click_record(event_ts="2026-11-27T08:15:07Z\n"),
            "event_ts",
            id="click-ts",
        ),
        pytest.param(
            "clickstream",
            click_record(event_ts="\u0662\u0660\u0662\u0666-11-27T08:15:07Z"),
            "event_ts",
            id="arabic-indic-digits",
        ),
    ],
)
def test_contract_patterns_refuse_a_trailing_newline(stream: str, record: dict, field: str) -> None:
    [answer] = HANDLERS[stream](event_of([record], stream), None)["records"]

    assert answer["result"] == "ProcessingFailed"
    assert "metadata" not in answer  # no S3 prefix is ever made of it
    error = decoded_data(answer)["error"]
    assert error.startswith("Expected `str` matching regex")
    assert error.endswith(f"- at `$.{field}`")


def test_a_database_name_with_a_trailing_newline_is_one_line_and_exit_2(
    cli, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEETCTL_WAREHOUSE_DATABASE", "FLEET\n")

    result = cli("db", "status")

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: warehouse.database: 'FLEET\\n' is not a valid identifier "
        "(letters, digits, _ and $, not starting with a digit)"
    ]
    assert not list((home / "warehouse").glob("FLEET*"))


@pytest.mark.parametrize("name", ["driver_id\n", "driver_id\x00"])
def test_a_tracked_attribute_with_a_trailing_character_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="is not a valid column name"):
        tracked_columns([name])


def test_a_dynamodb_table_name_with_a_trailing_newline_is_refused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEETCTL_DYNAMODB_TABLES_TELEMETRY", "fleet-telemetry\n")

    with pytest.raises(ConfigError, match=r"dynamodb.tables.telemetry: .* is not a DynamoDB table"):
        TableNames.from_settings(load_settings())


def test_a_dynamodb_record_timestamp_with_a_trailing_newline_is_refused() -> None:
    record = warehouse_telemetry(1) | {"event_ts": "2026-11-27T08:00:00Z\n"}

    with pytest.raises(InputError, match="telemetry record 1: event_ts"):
        items.first_of_each_event("telemetry", [record])


def test_a_load_id_with_a_trailing_newline_never_reaches_a_stage_path() -> None:
    with pytest.raises(ValueError, match="load id must be 32 hex digits"):
        staging.copy_into(lambda *_: None, "STAGE.X", None, "0" * 32 + "\n")  # type: ignore[arg-type]
