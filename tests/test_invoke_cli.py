"""`fleetctl invoke` in-process: counts per result with reasons and input lines, JSON output,
contract violations and function errors as exit 1, bad input as one line and exit 2."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.handler_records import as_json, click_record, minute, telemetry_record


def write_lines(path: Path, lines: list[bytes]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(b"".join(lines))
    return path


@pytest.fixture
def telemetry_file(tmp_path: Path) -> Path:
    """30 valid readings, a line that is not JSON, a blank line, a repeat, an out-of-range rpm."""
    lines = [
        as_json(telemetry_record(n, truck_id=f"TRK-{n % 3}", event_ts=minute(n // 3)))
        for n in range(30)
    ]
    lines += [
        b"{not json\n",
        b"\n",
        as_json(telemetry_record(4)),
        as_json(telemetry_record(99, **{"engine.rpm": -1})),
    ]
    return write_lines(tmp_path / "telemetry.jsonl", lines)


def test_counts_results_and_names_the_lines_that_failed(cli, telemetry_file: Path) -> None:
    result = cli("invoke", "telemetry", "--input", str(telemetry_file), "--json")

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["records"] == 33
    assert doc["blank_lines_skipped"] == 1
    assert doc["batches"] == 1
    assert doc["function"] == "fleet-telemetry-transform"
    local = doc["runs"]["local"]
    assert local["results"] == {"Ok": 30, "Dropped": 1, "ProcessingFailed": 2}
    assert local["violation_count"] == 0
    reasons = {r["origin"].rsplit(":", 1)[1]: r["reason"] for r in local["sample_reasons"]}
    assert reasons["31"].startswith("Invalid JSON")
    assert reasons["34"] == "Expected `float` >= 0.0 - at `$.engine.rpm`"


def test_batches_split_by_batch_records_change_batch_scoped_results(
    cli, telemetry_file: Path
) -> None:
    # The repeat of record 4 lands in another batch than its first copy: both are Ok there.
    result = cli(
        "invoke", "telemetry", "--input", str(telemetry_file), "--batch-records", "10", "--json"
    )

    doc = json.loads(result.stdout)
    assert doc["batches"] == 4
    assert doc["runs"]["local"]["results"] == {"Ok": 31, "Dropped": 0, "ProcessingFailed": 2}


def test_gzip_input_and_clickstream_function(cli, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "clicks.jsonl.gz", [as_json(click_record(n)) for n in range(5)])
    result = cli("invoke", "clickstream", "--input", str(path), "--json")

    doc = json.loads(result.stdout)
    assert doc["function"] == "fleet-clickstream-transform"
    assert doc["runs"]["local"]["results"]["Ok"] == 5


def test_table_output_shows_counts_reasons_and_lines(
    cli, telemetry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(telemetry_file.parent)
    result = cli("invoke", "telemetry", "--input", telemetry_file.name)

    assert result.exit_code == 0
    assert "telemetry → fleet-telemetry-transform (local)" in result.stdout
    assert "ProcessingFailed reasons (local)" in result.stdout
    assert "│ telemetry.jsonl:34" in result.stdout
    assert "33 records from telemetry.jsonl, 1 blank line skipped in 1 batches" in result.stdout


@pytest.mark.parametrize(("stream", "count"), [("telemetry", 1234), ("clickstream", 777)])
def test_generate_sends_exactly_n_simulated_records_that_all_pass(
    cli, stream: str, count: int
) -> None:
    result = cli("invoke", stream, "--generate", str(count), "--seed", "5", "--json")

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["records"] == count
    assert doc["source"] == f"the {stream} simulator (seed 5)"
    assert doc["runs"]["local"]["results"] == {"Ok": count, "Dropped": 0, "ProcessingFailed": 0}


def test_contract_violations_exit_1_and_are_listed(
    cli, lambda_config: Path, telemetry_file: Path
) -> None:
    result = cli(
        "invoke", "telemetry", "--input", str(telemetry_file), "--function-name", "fleet-lossy"
    )

    assert result.exit_code == 1
    assert "1 contract violations (local)" in result.stdout
    assert "batch 1: 1 recordIds not answered" in result.stdout
    assert result.stderr.strip() == (
        "error: fleet-lossy broke the transformation contract 1 times (see the summary)"
    )


def test_handler_exception_is_one_line_naming_function_and_batch(
    cli, lambda_config: Path, telemetry_file: Path
) -> None:
    result = cli(
        "invoke", "telemetry", "--input", str(telemetry_file), "--function-name", "fleet-raising"
    )

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: fleet-raising failed (Unhandled): RuntimeError: sensor table unavailable for 33 "
        f"records [local, batch 1: {telemetry_file}:1..{telemetry_file}:34]"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["telemetry"], "give exactly one of --input PATH or --generate N"),
        (["telemetry", "--input", "x", "--generate", "3"], "give exactly one of"),
        (["telemetry", "--input", "/no/such.jsonl"], "/no/such.jsonl: cannot read input"),
        (["telemetry", "--generate", "0"], "--generate must be >= 1, got 0"),
        (["telemetry", "--input", "/", "--buffer-mb", "9"], "--buffer-mb must be within"),
        (["trucks", "--generate", "1"], "'trucks' is not one of 'clickstream', 'telemetry'"),
    ],
)
def test_bad_invocations_give_one_line_and_exit_2(cli, args: list[str], message: str) -> None:
    result = cli("invoke", *args)

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_unknown_local_function_is_a_config_error(cli, telemetry_file: Path) -> None:
    result = cli("invoke", "telemetry", "--input", str(telemetry_file), "--function-name", "nope")

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: function 'nope' is not in lambda.functions "
        "(known: fleet-clickstream-transform, fleet-telemetry-transform)"
    )


def test_directory_as_input_is_an_input_error(cli, tmp_path: Path) -> None:
    result = cli("invoke", "telemetry", "--input", str(tmp_path))

    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path}: cannot read input (Is a directory)"


def test_truncated_gzip_is_an_input_error_after_the_last_good_line(cli, tmp_path: Path) -> None:
    whole = gzip.compress(b"".join(as_json(telemetry_record(n)) for n in range(200)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])

    result = cli("invoke", "telemetry", "--input", str(path))

    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: unreadable after line ")
