"""The reports as people see them, at a fixed width of 100 columns, and their `--json`
documents, against tests/snapshots/ (update with `pytest --snapshot-update` after a deliberate
change, and review the diff)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from fleetctl.config import load_settings
from fleetctl.reports.clicks import ClicksRequest, clicks_report
from fleetctl.reports.fleet import FleetRequest, fleet_report
from fleetctl.reports.reconcile import ReconcileRequest, reconcile
from fleetctl.reports.scd2 import Scd2Request, scd2_report
from fleetctl.scd2.rules import DEFAULT_TRACKED
from fleetctl.views import (
    report_page,
    reports_clicks,
    reports_fleet,
    reports_reconcile,
    reports_scd2,
)
from tests.reconcile_support import plant, simulate, warehouse

pytestmark = pytest.mark.integration

WIDTH = 100


def rendered(page) -> str:
    console = Console(width=WIDTH, record=True, file=io.StringIO(), color_system=None)
    report_page.show(page, console)
    return console.export_text(styles=False)


def test_fleet_report_in_the_terminal(report_warehouse, snapshot) -> None:
    report = fleet_report(report_warehouse, FleetRequest())
    snapshot("report_fleet.txt", rendered(reports_fleet.page(report)))


def test_clicks_report_in_the_terminal(report_warehouse, snapshot) -> None:
    report = clicks_report(report_warehouse, ClicksRequest())
    snapshot("report_clicks.txt", rendered(reports_clicks.page(report)))


def test_scd2_report_in_the_terminal(report_warehouse, snapshot) -> None:
    report = scd2_report(report_warehouse, Scd2Request(tracked=DEFAULT_TRACKED))
    snapshot("report_scd2.txt", rendered(reports_scd2.page(report)))


@pytest.mark.parametrize("name", ["fleet", "clicks", "scd2"])
def test_json_documents(cli, report_env, snapshot, name) -> None:
    result = cli("report", name, "--json")
    assert result.exit_code == 0, result.output
    snapshot(f"report_{name}.json", result.stdout)


def test_reconcile_report_with_discrepancies_in_the_terminal(cli, home, snapshot) -> None:
    run_id = simulate(cli)
    with warehouse() as wh:
        plant(wh, "telemetry", late=slice(0, 2), missing=slice(30, 33), duplicated=slice(50, 51))
        outcome = reconcile(wh, load_settings().home, ReconcileRequest())
    text = rendered(reports_reconcile.page(outcome)).replace(run_id, "<run>")
    snapshot("report_reconcile.txt", text)
