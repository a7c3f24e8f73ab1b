"""`--sink local` end to end through the CLI: every simulated record lands once in the embedded
warehouse, reruns land nothing new, refused records are kept and replayable, and nothing accepted
is lost when the function crashes, answers wrongly or the store refuses a load."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from fleetctl.config import load_settings
from fleetctl.core import DeliveryCounts
from fleetctl.errors import WarehouseError
from fleetctl.pipeline.accounting import StreamLedger
from tests.pipeline_support import dead_letters, telemetry_lines

SMALL = ["--trucks", "4", "--minutes", "15", "--clicks-per-minute", "20", "--seed", "9"]
MUST_SHOW = ["--trucks", "50", "--minutes", "120", "--clicks-per-minute", "100", "--seed", "3"]


def run_json(cli, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def row_count(cli, table: str) -> int:
    [row] = run_json(cli, "sql", f"SELECT COUNT(*) AS N FROM {table}")
    return row["N"]


def assert_accounted(stream: dict[str, Any]) -> None:
    """Every accepted record is Ok, Dropped, ProcessingFailed or a dead letter of its invocation;
    every Ok record landed, was a duplicate, or is a dead letter of its load."""
    errors = stream["errors"]
    invocation_failures = errors.get("Lambda.FunctionError", 0)
    invocation_failures += errors.get("Lambda.InvalidResponse", 0)
    load_failures = errors.get("Store.LoadFailed", 0)
    assert stream["accepted"] == (
        stream["transformed_ok"]
        + stream["dropped"]
        + stream["processing_failed"]
        + invocation_failures
    )
    assert stream["transformed_ok"] == (
        stream["landed"] + stream["duplicates_skipped"] + load_failures
    )
    assert stream["processing_failed"] >= errors.get("Store.LoadRejectedFailed", 0)
    assert stream["generated"] == stream["accepted"] + errors.get("RecordTooLarge", 0)
    assert stream["dead_lettered"] == sum(errors.values())


def test_simulate_lands_every_record_once_and_a_rerun_lands_nothing_new(cli) -> None:
    first = run_json(cli, "simulate", *SMALL)
    again = run_json(cli, "simulate", *SMALL)

    assert (first["sink"], first["store"]) == ("local", "warehouse")
    telemetry, clicks = first["streams"]["telemetry"], first["streams"]["clickstream"]
    assert telemetry["generated"] == 4 * 15
    assert clicks["generated"] > 0
    for stream in (telemetry, clicks):
        assert stream["landed"] == stream["transformed_ok"] == stream["generated"]
        assert stream["duplicates_skipped"] == stream["dropped"] == stream["processing_failed"] == 0
        assert_accounted(stream)
    for stream in again["streams"].values():
        assert stream["landed"] == 0
        assert stream["duplicates_skipped"] == stream["transformed_ok"] == stream["generated"]
        assert_accounted(stream)
    assert row_count(cli, "RAW.TRUCK_TELEMETRY") == telemetry["generated"]
    assert row_count(cli, "RAW.CLICKSTREAM") == clicks["generated"]
    # the truck dimension was refreshed from the run: one current version per truck
    assert row_count(cli, "CORE.DIM_TRUCK WHERE IS_CURRENT") == 4
    assert first["dead_letter_path"] is None


def test_the_summary_table_shows_what_landed(cli) -> None:
    cli("simulate", *SMALL)
    result = cli("simulate", *SMALL)
    assert result.exit_code == 0, result.stderr
    assert "local" in result.stdout
    assert "transformed and landed in warehouse" in result.stdout
    header = next(line for line in result.stdout.splitlines() if "duplicates" in line)
    headings = [word for word in header.replace("┃", " ").split() if word != "stream"]
    assert headings == ["ok", "dropped", "rejected", "landed", "duplicates"]


@pytest.mark.integration
def test_the_readme_command_lands_exactly_6000_readings_and_a_rerun_changes_nothing(cli) -> None:
    first = run_json(cli, "simulate", *MUST_SHOW)
    counts = (row_count(cli, "RAW.TRUCK_TELEMETRY"), row_count(cli, "RAW.CLICKSTREAM"))
    again = run_json(cli, "simulate", *MUST_SHOW)

    clicks_generated = first["streams"]["clickstream"]["generated"]
    assert counts == (6000, clicks_generated)
    [only] = run_json(cli, "sql", "select count(*) from RAW.TRUCK_TELEMETRY")  # README's query
    assert list(only.values()) == [6000]
    assert (row_count(cli, "RAW.TRUCK_TELEMETRY"), row_count(cli, "RAW.CLICKSTREAM")) == counts
    assert again["streams"]["clickstream"]["generated"] == clicks_generated
    for stream in again["streams"].values():
        assert stream["duplicates_skipped"] == stream["generated"]
        assert stream["landed"] == 0
    assert row_count(cli, "RAW.REJECTED") == 0


def broken_file(path: Path) -> tuple[Path, list[bytes]]:
    """Eight readings, two breaking the contract, one repeated: the broken lines are returned."""
    lines = telemetry_lines(8)
    low_rpm = orjson.loads(lines[2])
    low_rpm["engine"]["rpm"] = -5
    no_depot = orjson.loads(lines[5])
    del no_depot["depot_id"]
    broken = [orjson.dumps(low_rpm) + b"\n", orjson.dumps(no_depot) + b"\n"]
    lines[2], lines[5] = broken
    path.write_bytes(b"".join([*lines, lines[0]]))
    return path, broken


def test_refused_records_land_in_rejected_and_dead_letters_that_replay_idempotently(
    cli, tmp_path: Path
) -> None:
    source, broken = broken_file(tmp_path / "broken.jsonl")
    first = run_json(cli, "replay", str(source))

    telemetry = first["streams"]["telemetry"]
    ids = gzip.decompress(Path(telemetry["ids_path"]).read_bytes()).decode().splitlines()
    assert ids == [orjson.loads(line)["event_id"] for line in source.read_bytes().splitlines()]
    assert (telemetry["accepted"], telemetry["transformed_ok"]) == (9, 6)
    assert (telemetry["processing_failed"], telemetry["dropped"]) == (2, 1)
    assert (telemetry["landed"], telemetry["dead_lettered"]) == (6, 0)
    assert_accounted(telemetry)
    rejected = run_json(cli, "sql", "SELECT REASON, RAW, EVENT_ID FROM RAW.REJECTED ORDER BY RAW")
    assert sorted(bytes.fromhex(r["RAW"]) for r in rejected) == sorted(broken)
    reasons = {r["REASON"] for r in rejected}
    assert reasons == {
        "Expected `float` >= 0.0 - at `$.engine.rpm`",
        "Object missing required field `depot_id`",
    }
    assert {r["EVENT_ID"] for r in rejected} == {orjson.loads(b)["event_id"] for b in broken}
    letters = dead_letters(first["dead_letter_path"])
    assert sorted(letter.data for letter in letters) == sorted(broken)
    assert {(letter.error_code, letter.stream, letter.attempts) for letter in letters} == {
        ("ProcessingFailed", "telemetry", 1)
    }
    assert {letter.error_message for letter in letters} == reasons

    again = run_json(cli, "replay", first["dead_letter_path"])
    assert again["streams"]["telemetry"]["processing_failed"] == 2
    assert again["streams"]["telemetry"]["landed"] == 0
    assert row_count(cli, "RAW.REJECTED") == 2
    assert row_count(cli, "RAW.TRUCK_TELEMETRY") == 6


def test_a_crashing_function_loses_nothing_and_the_dead_letters_replay_once_it_is_fixed(
    cli, lambda_config: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "readings.jsonl"
    source.write_bytes(b"".join(telemetry_lines(12)))
    monkeypatch.setenv("FLEETCTL_LAMBDA_STREAM_FUNCTIONS_TELEMETRY", "fleet-raising")
    failed = cli("replay", str(source), "--json")

    assert failed.exit_code == 1
    summary = json.loads(failed.stdout)
    telemetry = summary["streams"]["telemetry"]
    assert telemetry["errors"] == {"Lambda.FunctionError": 12}
    assert telemetry["retried"] == 3 * 12  # Firehose's three retries of the invocation
    assert telemetry["landed"] == 0
    assert_accounted(telemetry)
    path = summary["dead_letter_path"]
    assert failed.stderr.strip().splitlines() == [
        f"error: 12 records could not be delivered; they are in {path} "
        f"(replay them with: fleetctl replay {path} --sink local)"
    ]
    letters = dead_letters(path)
    assert [letter.data for letter in letters] == telemetry_lines(12)
    assert {(letter.error_code, letter.attempts) for letter in letters} == {
        ("Lambda.FunctionError", 4)
    }
    assert "RuntimeError: sensor table unavailable for 12 records" in letters[0].error_message

    monkeypatch.delenv("FLEETCTL_LAMBDA_STREAM_FUNCTIONS_TELEMETRY")
    fixed = run_json(cli, "replay", path)
    assert fixed["streams"]["telemetry"]["landed"] == 12
    assert row_count(cli, "RAW.TRUCK_TELEMETRY") == 12


def test_an_answer_breaking_the_contract_dead_letters_the_whole_event(
    cli, lambda_config: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "readings.jsonl"
    source.write_bytes(b"".join(telemetry_lines(5)))
    monkeypatch.setenv("FLEETCTL_LAMBDA_STREAM_FUNCTIONS_TELEMETRY", "fleet-lossy")
    failed = cli("replay", str(source), "--json")

    assert failed.exit_code == 1
    telemetry = json.loads(failed.stdout)["streams"]["telemetry"]
    assert telemetry["errors"] == {"Lambda.InvalidResponse": 5}
    assert telemetry["transformed_ok"] == telemetry["landed"] == 0
    letters = dead_letters(json.loads(failed.stdout)["dead_letter_path"])
    assert [letter.data for letter in letters] == telemetry_lines(5)
    assert "recordIds not answered" in letters[0].error_message


class RefusingStore:
    """A store whose warehouse went away: every load fails the way the warehouse layer fails."""

    name = "snowflake"

    def load(self, stream: str, records: Any) -> Any:
        raise WarehouseError("250001: could not connect to Snowflake backend")

    def load_rejected(self, rows: Any) -> Any:
        raise WarehouseError("250001: could not connect to Snowflake backend")

    def close(self) -> None:
        pass


def test_records_a_store_refuses_go_to_the_dead_letters_and_replay_into_a_working_one(
    cli, home: Path, tmp_path: Path
) -> None:
    from fleetctl.deadletters import DeadLetterFile
    from fleetctl.lambdas.invoker import LocalInvoker
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.pipeline.buffering import BufferHints
    from fleetctl.pipeline.firehose_standin import StandInOptions
    from fleetctl.pipeline.sink import LocalSink

    settings = load_settings()
    source, _ = broken_file(tmp_path / "broken.jsonl")
    lines = source.read_bytes().splitlines(keepends=True)
    sink = LocalSink(
        RefusingStore(),
        {s: StandInOptions.from_settings(settings, s) for s in ("telemetry", "clickstream")},
        BufferHints(8.0, 60.0),
        LocalInvoker(FunctionTable.from_settings(settings)),
        DeadLetterFile(home / "dead-letters", "local"),
    )
    sink.send("telemetry", lines)
    report = sink.close()

    delivery = report.streams["telemetry"]
    assert delivery.errors == {"Store.LoadFailed": 6, "Store.LoadRejectedFailed": 2}
    assert (delivery.landed, delivery.transformed_ok, delivery.processing_failed) == (0, 6, 2)
    letters = dead_letters(report.dead_letter_path)
    assert sorted(letter.data for letter in letters) == sorted(set(lines))
    assert all("could not connect" in letter.error_message for letter in letters)

    replayed = run_json(cli, "replay", str(report.dead_letter_path))
    assert replayed["streams"]["telemetry"]["landed"] == 6
    assert replayed["streams"]["telemetry"]["processing_failed"] == 2
    assert row_count(cli, "RAW.REJECTED") == 2


def test_a_ledger_counts_only_undelivered_failures_as_dead_lettered(tmp_path: Path) -> None:
    import threading

    from fleetctl.deadletters import DeadLetterFile
    from fleetctl.pipeline.accounting import Failure

    delivery = DeliveryCounts()
    letters = DeadLetterFile(tmp_path, "local")
    ledger = StreamLedger("telemetry", "fleet-telemetry", delivery, threading.Lock(), letters)
    ledger.keep([Failure(b"a\n", "ProcessingFailed", "bad", 1, None, None)], undelivered=False)
    ledger.keep([Failure(b"b\n", "Lambda.FunctionError", "boom", 4, None, None)], undelivered=True)
    letters.close()
    assert (delivery.dead_lettered, delivery.errors) == (1, {"Lambda.FunctionError": 1})
    assert [letter.data for letter in dead_letters(letters.path)] == [b"a\n", b"b\n"]


def test_flags_of_another_sink_are_refused_not_ignored(cli, tmp_path: Path) -> None:
    out = cli("simulate", "--out", str(tmp_path / "o"))
    store = cli("simulate", "--sink", "file", "--store", "dynamodb")
    assert (out.exit_code, store.exit_code) == (2, 2)
    assert out.stderr.strip() == (
        "error: --out is an option of the file sink, not of local (add --sink file)"
    )
    assert "--store is an option of the local sink, not of file" in store.stderr
    assert not (tmp_path / "o").exists()


def test_ids_of_a_local_run_are_those_the_file_sink_writes_for_the_same_seed(
    cli, tmp_path: Path
) -> None:
    local = run_json(cli, "simulate", *SMALL)
    files = run_json(cli, "simulate", *SMALL, "--sink", "file", "--out", str(tmp_path / "o"))
    for stream in ("telemetry", "clickstream"):
        written = [
            orjson.loads(line)["event_id"]
            for line in (tmp_path / "o" / f"{stream}.jsonl").read_bytes().splitlines()
        ]
        for run in (local, files):
            path = Path(run["streams"][stream]["ids_path"])
            assert path.parent.name == run["run_id"]
            assert gzip.decompress(path.read_bytes()).decode().splitlines() == written


def test_a_record_firehose_would_refuse_is_dead_lettered_at_the_put_not_accepted(
    home: Path,
) -> None:
    from tests.pipeline_support import pipeline

    huge = b'{"truck_id": "' + b"x" * 1_100_000 + b'"}\n'
    lines = telemetry_lines(3)
    sink, invoker = pipeline()
    sink.send("telemetry", [lines[0], huge, *lines[1:]])
    report = sink.close()

    delivery = report.streams["telemetry"]
    assert (delivery.accepted, delivery.landed) == (3, 3)
    assert (delivery.dead_lettered, delivery.errors) == (1, {"RecordTooLarge": 1})
    [letter] = dead_letters(report.dead_letter_path)
    assert (letter.data, letter.attempts) == (huge, 0)
    assert all(len(payload) < 1_000_000 for _, payload, _ in invoker.calls)


def test_the_warehouse_store_is_still_accepted_by_its_earlier_name_snowflake(cli) -> None:
    run = run_json(cli, "simulate", *SMALL, "--store", "snowflake")
    assert run["store"] == "warehouse"
    assert row_count(cli, "RAW.TRUCK_TELEMETRY") == run["streams"]["telemetry"]["landed"] == 60
