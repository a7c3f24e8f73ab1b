"""`fleetctl simulate --store dynamodb`: the local pipeline lands in DynamoDB (moto server) what
it generated, with the truck dimension following the SCD2 rule, and a rerun adds nothing."""

from __future__ import annotations

import json

import pytest

from fleetctl.scd2.rules import versions
from tests.dynamodb_tables import dimension, names, scan, stored_records
from tests.scd2_events import as_event

pytestmark = pytest.mark.integration


def test_simulate_into_dynamodb_lands_every_record_once(cli, dynamodb_env: str) -> None:
    args = ["simulate", "--trucks", "4", "--minutes", "45", "--clicks-per-minute", "6"]
    first = cli(*args, "--seed", "8", "--store", "dynamodb", "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)["streams"]
    tables = names()
    readings = stored_records(tables.telemetry)
    assert len(readings) == summary["telemetry"]["generated"] == 4 * 45
    assert len(scan(tables.clickstream)) == summary["clickstream"]["generated"]
    assert summary["telemetry"]["landed"] == 4 * 45
    assert dimension(tables.dim_truck) == versions([as_event(r) for r in readings])

    again = json.loads(cli(*args, "--seed", "8", "--store", "dynamodb", "--json").stdout)
    assert again["streams"]["telemetry"]["landed"] == 0
    assert again["streams"]["telemetry"]["duplicates_skipped"] == 4 * 45
    assert len(stored_records(tables.telemetry)) == 4 * 45
