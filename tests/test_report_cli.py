"""The `report` commands as a user runs them: one JSON document on stdout, documented key by key
in the README; the page written with --html; one-line errors for bad options."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fleetctl.warehouse import loading
from tests.reconcile_support import simulate

pytestmark = pytest.mark.integration

README = Path(__file__).parents[1] / "README.md"


def documented_shape(report: str) -> str:
    """The README's JSON shape block of `report` under "## Reports"."""
    section = README.read_text().split("\n## Reports\n", 1)[1].split("\n## ", 1)[0]
    for block in re.findall(r"```\n(\{.*?)\n```", section, flags=re.S):
        if f'"report": "{report}"' in block:
            return block
    raise AssertionError(f"README documents no JSON shape for {report}")


def keys(document: Any) -> list[str]:
    """Every key of a JSON document, nested ones too, in document order, each once."""
    found: list[str] = []
    values = [document]
    while values:
        value = values.pop(0)
        if isinstance(value, dict):
            for key, nested in value.items():
                # free-form objects: alert readings and an SCD2 version's current values
                if key not in found:
                    found.append(key)
                if key not in ("readings", "current"):
                    values.append(nested)
        elif isinstance(value, list):
            values.extend(value)
    return found


def assert_documented(report: str, document: dict[str, Any]) -> None:
    shape = documented_shape(report)
    quoted = re.findall(r'"(\w+)"', shape)
    missing = [key for key in keys(document) if key not in quoted]
    assert not missing, f"README's {report} JSON shape lacks {missing}"
    assert top_level_keys(shape) == list(document)


def top_level_keys(shape: str) -> list[str]:
    """The quoted names at the outermost level of a shape, in order."""
    found, depth = [], 0
    for token in re.finditer(r'[{}\[\]]|(?<!: )"(\w+)"', shape):  # keys, not values
        if token[0] in "{[":
            depth += 1
        elif token[0] in "}]":
            depth -= 1
        elif depth == 1:
            found.append(token[1])
    return found


@pytest.mark.parametrize("report", ["fleet", "clicks", "scd2"])
def test_json_is_one_document_with_the_documented_keys(cli, report_env, report) -> None:
    result = cli("report", report, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # nothing else on stdout
    assert document["report"] == report
    assert_documented(report, document)


def test_reconcile_json_has_the_documented_keys(cli) -> None:
    simulate(cli)
    result = cli("report", "reconcile", "--json", "--bucket", "minute")
    assert result.exit_code == 0, result.stderr
    assert_documented("reconcile", json.loads(result.stdout))


def test_html_is_written_beside_the_terminal_output(cli, report_env, tmp_path) -> None:
    page = tmp_path / "out" / "scd2.html"
    result = cli("report", "scd2", "--html", str(page))
    assert result.exit_code == 0, result.output
    assert "Integrity checks" in result.stdout and f"wrote {page}" in result.stdout
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "hash_matches_values" in html
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing fetched from anywhere
    with_json = cli("report", "scd2", "--json", "--html", str(page))
    assert json.loads(with_json.stdout)["report"] == "scd2"  # still only JSON on stdout


def test_values_from_the_data_are_escaped_in_the_page(cli, warehouse, tmp_path) -> None:
    from tests.warehouse_records import clickstream

    loading.load_records(
        warehouse,
        "clickstream",
        [clickstream(n, item_name="<script>alert(1)</script>") for n in range(8)],
    )
    warehouse.close()
    page = tmp_path / "clicks.html"
    assert cli("report", "clicks", "--html", str(page)).exit_code == 0
    html = page.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fleet", "--from", "soon"), "--from: not an ISO-8601 timestamp: 'soon'"),
        (
            ("clicks", "--from", "2026-11-28", "--to", "2026-11-27"),
            "--to must be later than --from",
        ),
        (("clicks", "--top", "0"), "--top (reports.top_items): expected an integer >= 1, got 0"),
        (("fleet", "--min-stop", "0"), "--min-stop (reports.min_stop_minutes): expected"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_code_2(cli, report_env, args, message) -> None:
    result = cli("report", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_reports_on_an_empty_warehouse_say_so(cli, warehouse) -> None:
    warehouse.close()
    fleet = cli("report", "fleet")
    assert fleet.exit_code == 0, fleet.output
    assert "no telemetry in the window" in fleet.stdout
    clicks = json.loads(cli("report", "clicks", "--json").stdout)
    assert clicks["totals"]["clicks"] == 0 and clicks["trend"] == []
    scd2 = cli("report", "scd2")
    assert scd2.exit_code == 0 and "the dimension is empty" in scd2.stdout
