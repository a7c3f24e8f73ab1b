"""`fleetctl simulate --sink file`: the issue's day of a fleet, reproducible byte for byte, every
record on the contract, and a manifest that adds up."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import msgspec
import pytest

from handlers.contract import ClickstreamRecord, TelemetryRecord

pytestmark = pytest.mark.integration
DAY = ["--trucks", "100", "--minutes", "1440", "--clicks-per-minute", "100", "--seed", "1"]


def simulate(cli, out: Path, *extra: str) -> dict:
    result = cli("simulate", *DAY, "--sink", "file", "--out", str(out), "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_day_of_a_hundred_trucks_is_reproducible_and_on_the_contract(
    cli, tmp_path: Path, home: Path
) -> None:
    first = simulate(cli, tmp_path / "a")
    again = simulate(cli, tmp_path / "b")
    for name in ("telemetry.jsonl", "clickstream.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()

    readings = (tmp_path / "a" / "telemetry.jsonl").read_bytes().splitlines()
    clicks = (tmp_path / "a" / "clickstream.jsonl").read_bytes().splitlines()
    assert len(readings) == 144_000 == first["streams"]["telemetry"]["generated"]
    assert len(clicks) == first["streams"]["clickstream"]["generated"]
    decode_reading = msgspec.json.Decoder(TelemetryRecord).decode
    decode_click = msgspec.json.Decoder(ClickstreamRecord).decode
    ids = {decode_reading(line).event_id for line in readings}
    ids |= {decode_click(line).event_id for line in clicks}
    assert len(ids) == len(readings) + len(clicks)  # unique across the run
    assert first["run_id"] != again["run_id"]

    manifest = json.loads(Path(first["manifest"]).read_text())
    for stream, lines in (("telemetry", readings), ("clickstream", clicks)):
        per_minute = manifest["streams"][stream]["per_minute"]
        assert sum(per_minute.values()) == len(lines)
    assert set(manifest["streams"]["telemetry"]["per_minute"].values()) == {100}
    assert manifest["parameters"]["seed"] == 1


def test_compressed_output_is_the_same_records_and_reproducible(cli, tmp_path: Path) -> None:
    args = ["--trucks", "5", "--minutes", "30", "--seed", "4"]
    for out in ("plain", "gz1", "gz2"):
        extra = [] if out == "plain" else ["--compress"]
        result = cli("simulate", *args, "--sink", "file", "--out", str(tmp_path / out), *extra)
        assert result.exit_code == 0, result.output
    plain = (tmp_path / "plain" / "telemetry.jsonl").read_bytes()
    packed = (tmp_path / "gz1" / "telemetry.jsonl.gz").read_bytes()
    assert gzip.decompress(packed) == plain
    assert packed == (tmp_path / "gz2" / "telemetry.jsonl.gz").read_bytes()
