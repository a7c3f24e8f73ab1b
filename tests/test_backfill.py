"""`fleetctl backfill`: history through the handlers into the warehouse, the dimension rebuilt to
the rule, rejects kept, filters honoured, resumable, and a dry run that changes nothing."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from fleetctl.backfill import job as backfill_run
from fleetctl.backfill.sources import FileSource
from fleetctl.config import load_settings
from fleetctl.scd2.rules import versions
from fleetctl.warehouse import open_warehouse
from simulators import ClickstreamSimulator, TelemetrySimulator
from tests.scd2_events import as_event, dimension

pytestmark = pytest.mark.integration
START = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # drivers start their shifts: versions change


def history(minutes: int, trucks: int = 6, seed: int = 11) -> tuple[list[dict], list[dict]]:
    fleet = TelemetrySimulator(seed=seed, start=START, trucks=trucks)
    shop = ClickstreamSimulator(seed=seed, start=START, clicks_per_minute=5)
    readings = [r for _ in range(minutes) for r in fleet.next_minute()]
    clicks = [r for _ in range(minutes) for r in shop.next_minute()]
    return readings, clicks


def write(path: Path, records: list[dict], extra_lines: list[bytes] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records]
    path.write_bytes(b"".join([*lines, *extra_lines]))
    return path


def query(sql: str) -> list[dict]:
    with open_warehouse(load_settings()) as wh:
        return wh.query(sql)


def current_dimension() -> list:
    with open_warehouse(load_settings()) as wh:
        return dimension(wh)


def backfill(cli, *args: str) -> dict:
    result = cli("backfill", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_history_lands_through_the_handlers_and_the_dimension_follows_the_rule(
    cli, tmp_path: Path
) -> None:
    readings, clicks = history(120)
    write(tmp_path / "hist" / "2026-11-27-05.jsonl", readings[: len(readings) // 2])
    write(tmp_path / "hist" / "2026-11-27-06.jsonl", readings[len(readings) // 2 :])
    write(tmp_path / "hist" / "clicks.jsonl", clicks)
    doc = backfill(cli, "--source", str(tmp_path / "hist"))
    assert [s["records"] for s in doc["sources"]] == [
        len(readings) // 2,
        len(readings) - len(readings) // 2,
        len(clicks),
    ]
    counts = query(
        "SELECT (SELECT COUNT(*) FROM RAW.TRUCK_TELEMETRY) AS T,"
        " (SELECT COUNT(*) FROM RAW.CLICKSTREAM) AS C"
    )
    assert counts == [{"T": len(readings), "C": len(clicks)}]
    assert current_dimension() == versions(map(as_event, readings))
    assert doc["ok"] and all(c["violations"] == 0 for c in doc["checks"])


def test_late_history_splits_versions_and_a_full_rebuild_agrees(cli, tmp_path: Path) -> None:
    readings, _ = history(180)
    later, earlier = readings[len(readings) // 3 :], readings[: len(readings) // 3]
    backfill(cli, "--source", str(write(tmp_path / "later.jsonl", later)))
    doc = backfill(cli, "--source", str(write(tmp_path / "earlier.jsonl", earlier)))
    assert doc["dimension"]["versions"]["added"] > 0
    assert current_dimension() == versions(map(as_event, readings))
    rebuilt = backfill(cli, "--full")
    assert rebuilt["dimension"]["mode"] == "full"
    assert rebuilt["dimension"]["changes"] == []


def test_invalid_lines_are_rejected_into_raw_rejected_with_their_reason(
    cli, tmp_path: Path
) -> None:
    readings, _ = history(10, trucks=2)
    broken = {**readings[0], "event_id": "00000000-0000-4000-8000-000000000001"}
    broken["gps"] = {**broken["gps"], "lat": 200.0}
    source = write(
        tmp_path / "mixed.jsonl",
        readings,
        [b"{not json at all\n", orjson.dumps(broken, option=orjson.OPT_APPEND_NEWLINE)],
    )
    doc = backfill(cli, "--source", str(source))
    telemetry = doc["pipeline"]["streams"]["telemetry"]
    assert (telemetry["landed"], telemetry["processing_failed"]) == (len(readings), 2)
    reasons = [r["REASON"] for r in query("SELECT REASON FROM RAW.REJECTED ORDER BY REASON")]
    assert len(reasons) == 2
    assert any("$.gps.lat" in reason for reason in reasons)
    assert any("Invalid JSON" in reason for reason in reasons)


def test_from_to_and_trucks_choose_what_is_loaded(cli, tmp_path: Path) -> None:
    readings, clicks = history(60)
    source = write(tmp_path / "all.jsonl", readings + clicks)
    chosen = {"TRK-00002", "TRK-00004"}
    doc = backfill(
        cli,
        "--source",
        str(source),
        "--from",
        "2026-11-27T05:10:00Z",
        "--to",
        "2026-11-27T05:40:00+00:00",
        "--trucks",
        ",".join(sorted(chosen)),
    )
    expected = [
        r
        for r in readings
        if r["truck_id"] in chosen
        and "2026-11-27T05:10:00Z" <= r["event_ts"] < "2026-11-27T05:40:00Z"
    ]
    assert doc["sources"][0]["records"] == len(expected) == 2 * 30
    assert query("SELECT COUNT(*) AS N FROM RAW.CLICKSTREAM") == [{"N": 0}]
    landed = query("SELECT EVENT_ID FROM RAW.TRUCK_TELEMETRY ORDER BY EVENT_ID")
    assert [r["EVENT_ID"] for r in landed] == sorted(r["event_id"] for r in expected)


def test_an_interrupted_backfill_resumes_without_duplicates(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readings, _ = history(90)
    third = len(readings) // 3
    files = [
        write(tmp_path / f"part-{i}.jsonl", readings[i * third : (i + 1) * third]) for i in range(3)
    ]
    real_lines = FileSource.lines

    def interrupted(self: FileSource):
        for n, line in enumerate(real_lines(self)):
            if self.path == files[1] and n == 100:
                raise KeyboardInterrupt  # Ctrl-C in the middle of the second file
            yield line

    request = backfill_run.BackfillRequest(
        sources=tuple(str(f) for f in files), selection=backfill_run.Selection()
    )
    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(FileSource, "lines", interrupted)
        backfill_run.run_backfill(request, load_settings())

    resumed = backfill(cli, *[arg for f in files for arg in ("--source", str(f))])
    assert [s["status"] for s in resumed["sources"]] == ["skipped", "landed", "landed"]
    counts = query("SELECT COUNT(*) AS N, COUNT(DISTINCT EVENT_ID) AS U FROM RAW.TRUCK_TELEMETRY")
    assert counts == [{"N": 3 * third, "U": 3 * third}]
    assert current_dimension() == versions(map(as_event, readings[: 3 * third]))


def test_a_dry_run_changes_nothing_and_foretells_the_real_run(cli, tmp_path: Path) -> None:
    readings, _ = history(120)
    half = len(readings) // 2
    backfill(cli, "--source", str(write(tmp_path / "first.jsonl", readings[half:])))
    before = (current_dimension(), query("SELECT COUNT(*) AS N FROM RAW.TRUCK_TELEMETRY"))
    second = str(write(tmp_path / "second.jsonl", readings[:half]))
    preview = backfill(cli, "--source", second, "--dry-run")
    assert not preview["dimension"]["applied"]
    assert preview["dimension"]["changes"]
    assert (current_dimension(), query("SELECT COUNT(*) AS N FROM RAW.TRUCK_TELEMETRY")) == before
    assert query("SELECT COUNT(*) AS N FROM STAGE.TRUCK_TELEMETRY") == [{"N": 0}]
    real = backfill(cli, "--source", second)
    assert real["dimension"]["changes"] == preview["dimension"]["changes"]
    assert current_dimension() == versions(map(as_event, readings))


def test_history_in_s3_is_read_object_by_object(
    cli, tmp_path: Path, aws_env: pytest.MonkeyPatch, moto_url: str
) -> None:
    import boto3

    aws_env.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="eu-west-1")
    bucket = "fleet-history-backfill"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    readings, _ = history(60)
    for hour, chunk in enumerate((readings[:180], readings[180:])):
        body = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in chunk)
        key = f"telemetry/2026/11/27/0{5 + hour}/fleet-telemetry-{hour}.gz"
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(body))
    doc = backfill(cli, "--source", f"s3://{bucket}/telemetry/")
    assert [s["name"] for s in doc["sources"]] == [
        f"s3://{bucket}/telemetry/2026/11/27/05/fleet-telemetry-0.gz",
        f"s3://{bucket}/telemetry/2026/11/27/06/fleet-telemetry-1.gz",
    ]
    assert query("SELECT COUNT(*) AS N FROM RAW.TRUCK_TELEMETRY") == [{"N": len(readings)}]
    assert current_dimension() == versions(map(as_event, readings))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "/nowhere/at/all"], "/nowhere/at/all: no such file or directory"),
        (["--from", "yesterday"], "--from: not an ISO-8601 timestamp"),
        (["--from", "2026-11-28", "--to", "2026-11-27"], "is not before --to"),
        (["--trucks", "TRK-00001"], "--trucks chooses what to load"),
    ],
)
def test_bad_options_are_one_line_errors(cli, args: list[str], message: str) -> None:
    result = cli("backfill", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_store_that_cannot_land_history_is_refused_before_it_is_opened(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no AWS settings at all: the refusal comes from the store registry, not from a failed client
    monkeypatch.setenv("FLEETCTL_STORE", "dynamodb")
    result = cli("backfill", "--source", str(write(tmp_path / "h.jsonl", history(2)[0])))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: backfill rebuilds a store's truck dimension from history; the dynamodb store "
        "cannot (use --store warehouse)"
    ]
