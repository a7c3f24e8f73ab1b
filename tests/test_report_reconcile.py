"""`fleetctl report reconcile` after real runs through the local pipeline: clean runs reconcile
(exit 0); planted deletions, duplicates and late loads are found exactly (exit 1)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from fleetctl.manifest import read_manifest
from tests.reconcile_support import (
    RUN_ARGS,
    TABLES,
    event_ids,
    plant,
    reconcile,
    simulate,
    warehouse,
)

pytestmark = pytest.mark.integration


def test_a_clean_run_reconciles_with_exit_code_0(cli, home) -> None:
    run_id = simulate(cli)
    code, document, stderr = reconcile(cli)
    assert code == 0, stderr
    assert document["run_id"] == run_id and document["reconciled"] is True
    assert document["verdict"].startswith(f"reconciled: run {run_id}:")
    manifest = read_manifest(home, run_id)
    for name, stream in document["streams"].items():
        generated = manifest.streams[name].generated
        assert (stream["generated"], stream["ids_sent"], stream["landed"]) == (generated,) * 3
        for kind in ("missing", "duplicated", "late", "unexpected"):
            assert stream[kind]["count"] == 0 and stream[kind]["sample"] == []
        assert stream["problems"] == [] and stream["reconciled"] is True
        assert stream["pipeline"]["transformed_ok"] == stream["pipeline"]["landed"] == generated
        bucket_sum = sum(b["generated"] for b in stream["buckets"])
        assert bucket_sum == sum(b["landed"] for b in stream["buckets"]) == generated


def test_planted_discrepancies_are_found_exactly_with_exit_code_1(cli) -> None:
    run_id = simulate(cli)
    with warehouse() as wh:
        telemetry = plant(
            wh, "telemetry", late=slice(0, 4), missing=slice(30, 33), duplicated=slice(50, 52)
        )
        clicks = plant(
            wh,
            "clickstream",
            late=slice(0, 2),
            missing=slice(40, 42),
            duplicated=slice(60, 61),
            copies=3,
        )
    code, document, stderr = reconcile(cli, "--samples", "100", "--bucket", "minute")
    assert code == 1
    assert document["reconciled"] is False
    assert stderr.strip().startswith("error: NOT reconciled: run " + run_id)
    for name, planted in (("telemetry", telemetry), ("clickstream", clicks)):
        stream = document["streams"][name]
        assert set(stream["missing"]["sample"]) == planted.missing
        assert stream["missing"]["count"] == len(planted.missing)
        assert {d["event_id"]: d["copies"] for d in stream["duplicated"]["sample"]} == (
            planted.duplicated
        )
        assert stream["duplicated"]["extra_rows"] == sum(n - 1 for n in planted.duplicated.values())
        assert {a["event_id"] for a in stream["late"]["sample"]} == planted.late
        assert all(a["event_ts"] < a["watermark"] for a in stream["late"]["sample"])
        assert stream["unexpected"]["count"] == 0
        assert stream["landed"] == stream["generated"] - len(planted.missing)
        assert stream["problems"][:3] == [
            f"{len(planted.missing)} missing",
            f"{len(planted.duplicated)} duplicated",
            f"{len(planted.late)} late",
        ]
        # the per-minute rows put each discrepancy in its minute
        buckets = {b["bucket"]: b for b in stream["buckets"]}
        assert sum(b["missing"] for b in buckets.values()) == len(planted.missing)
        assert sum(b["late"] for b in buckets.values()) == len(planted.late)
        assert all(b["generated"] == b["landed"] + b["missing"] for b in buckets.values())
    assert "telemetry 3 missing, 2 duplicated, 4 late" in document["verdict"]


def test_the_missing_are_placed_in_the_minute_they_were_generated(cli) -> None:
    simulate(cli)
    with warehouse() as wh:
        rows = event_ids(wh, "telemetry")
        planted = plant(
            wh, "telemetry", late=slice(0, 0), missing=slice(30, 33), duplicated=slice(0, 0)
        )
    minutes = Counter(r["EVENT_TS"].strftime("%Y-%m-%dT%H:%M:00Z") for r in rows[30:33])
    code, document, _ = reconcile(cli, "--bucket", "minute")
    assert code == 1
    found = {b["bucket"]: b["missing"] for b in document["streams"]["telemetry"]["buckets"]}
    assert {minute: n for minute, n in found.items() if n} == dict(minutes)
    assert len(planted.missing) == 3


def test_a_window_reconciles_only_its_event_time(cli) -> None:
    simulate(cli)
    with warehouse() as wh:
        rows = event_ids(wh, "telemetry")
        plant(wh, "telemetry", late=slice(0, 3), missing=slice(87, 90), duplicated=slice(0, 0))
    last_minute = rows[-1]["EVENT_TS"]
    assert all(r["EVENT_TS"] == last_minute for r in rows[87:90])  # 3 trucks: the last minute
    code, document, _ = reconcile(
        cli, "--from", "2026-11-27T00:10:00Z", "--to", "2026-11-27T00:20:00Z"
    )
    assert code == 0, document["verdict"]
    telemetry = document["streams"]["telemetry"]
    assert telemetry["generated"] == telemetry["landed"] == 3 * 10
    assert document["window"] == {"from": "2026-11-27T00:10:00Z", "to": "2026-11-27T00:20:00Z"}
    code, document, _ = reconcile(
        cli, "--from", "2026-11-27T00:00:00Z", "--to", "2026-11-27T00:05:00Z"
    )
    assert code == 1 and document["streams"]["telemetry"]["late"]["count"] == 3
    assert document["streams"]["telemetry"]["missing"]["count"] == 0


def test_rows_the_run_did_not_send_are_reported_and_fail_only_when_asked(cli) -> None:
    simulate(cli)
    with warehouse() as wh:
        (row,) = wh.query("SELECT EVENT_ID FROM RAW.CLICKSTREAM ORDER BY EVENT_TS LIMIT 1 OFFSET 5")
        wh.execute(
            "INSERT INTO RAW.CLICKSTREAM SELECT * REPLACE "
            "('00000000-0000-4000-8000-000000000001' AS EVENT_ID) "
            "FROM RAW.CLICKSTREAM WHERE EVENT_ID = %s",
            (row["EVENT_ID"],),
        )
    code, document, _ = reconcile(cli)
    assert code == 0
    assert document["streams"]["clickstream"]["unexpected"] == {
        "count": 1,
        "sample": ["00000000-0000-4000-8000-000000000001"],
    }
    code, document, stderr = reconcile(cli, "--fail-on-unexpected")
    assert code == 1 and "clickstream 1 unexpected" in stderr


def test_records_the_manifest_says_were_lost_fail_the_run(cli, home) -> None:
    run_id = simulate(cli)
    path = home / "runs" / f"{run_id}.json"
    manifest = json.loads(path.read_text())
    telemetry = manifest["streams"]["telemetry"]
    telemetry["accepted"] -= 2  # as if two had been dead-lettered: the warehouse has them all
    telemetry["dead_lettered"] = 2
    telemetry["transformed_ok"] -= 2
    telemetry["landed"] -= 3
    path.write_text(json.dumps(manifest))
    code, document, _ = reconcile(cli, "--run", run_id)
    assert code == 1
    assert document["streams"]["telemetry"]["problems"] == [
        "2 not accepted by Firehose",
        "1 transformed but not loaded",
    ]
    assert document["streams"]["clickstream"]["reconciled"] is True


def test_a_run_without_event_ids_is_a_one_line_error(cli, home) -> None:
    run_id = simulate(cli)
    (home / "runs" / run_id / "telemetry.ids.gz").unlink()
    result = cli("report", "reconcile", "--run", run_id)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: run {run_id}: no event-id file for telemetry")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_runs_and_contradictory_options_are_usage_errors(cli) -> None:
    assert cli("report", "reconcile", "--run", "nope").exit_code == 2
    simulate(cli)
    both = cli("report", "reconcile", "--run", "x", "--last")
    assert both.exit_code == 2 and "not both" in both.stderr
    bad = cli("report", "reconcile", "--from", "yesterday")
    assert bad.exit_code == 2 and "--from: not an ISO-8601 timestamp" in bad.stderr


def test_the_staged_ids_are_cleared_after_each_report(cli) -> None:
    simulate(cli)
    reconcile(cli)
    with warehouse() as wh:
        assert wh.query("SELECT COUNT(*) AS N FROM STAGE.RUN_EVENT_IDS") == [{"N": 0}]


def test_reconcile_runs_the_same_on_the_snowflake_target(cli, snowflake_env) -> None:
    assert cli("db", "migrate").exit_code == 0
    run_id = simulate(cli)
    code, document, stderr = reconcile(cli)
    assert code == 0, stderr
    assert document["store"] == "warehouse" and document["run_id"] == run_id
    deleted = cli(
        "sql", f"DELETE FROM {TABLES['telemetry']} WHERE EVENT_TS = '2026-11-27 00:07:00'"
    )
    assert deleted.exit_code == 0, deleted.output
    code, document, _ = reconcile(cli, "--bucket", "minute")
    telemetry = document["streams"]["telemetry"]
    assert code == 1 and telemetry["missing"]["count"] == 3
    assert [b["bucket"] for b in telemetry["buckets"] if b["missing"]] == ["2026-11-27T00:07:00Z"]


def test_a_replay_reconciles_by_event_id_without_per_minute_counts(cli, tmp_path) -> None:
    out = tmp_path / "out"
    assert cli("simulate", "--sink", "file", "--out", str(out), *RUN_ARGS).exit_code == 0
    replayed = cli("replay", str(out / "telemetry.jsonl"), str(out / "clickstream.jsonl"))
    assert replayed.exit_code == 0, replayed.output
    code, document, stderr = reconcile(cli)
    assert code == 0, stderr
    assert document["command"] == "replay"
    telemetry = document["streams"]["telemetry"]
    assert telemetry["landed"] == telemetry["ids_sent"] == 90
    assert [(b["generated"], b["missing"]) for b in telemetry["buckets"]] == [(None, None)]
    windowed = cli("report", "reconcile", "--from", "2026-11-27T00:10:00Z")
    assert windowed.exit_code == 2 and "reconcile the whole run" in windowed.stderr
