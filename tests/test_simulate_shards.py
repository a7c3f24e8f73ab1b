"""`simulate --shard K/N`: N shards, merged per stream by event time (equal times in shard order),
are the unsharded run byte for byte; shards are disjoint and their manifests add up."""

from __future__ import annotations

import heapq
import json
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetctl.errors import InputError
from fleetctl.shards import Shard
from fleetctl.simulate import SimulationRequest, run_simulation
from fleetctl.sinks.file import FileSink

STREAMS = ("telemetry", "clickstream")


def simulate_files(out: Path, home: Path, shard: Shard, **parameters: object) -> dict:
    request = SimulationRequest(sink="file", shard=shard, **parameters)  # type: ignore[arg-type]
    result = run_simulation(request, FileSink(out), home)
    return {s: (out / f"{s}.jsonl").read_bytes() for s in STREAMS} | {"manifest": result.manifest}


def merged(shards: list[bytes]) -> bytes:
    """The shards' lines merged by event_ts; heapq.merge is stable, so ties keep shard order."""
    lines = [shard.splitlines(keepends=True) for shard in shards]
    return b"".join(heapq.merge(*lines, key=lambda line: orjson.loads(line)["event_ts"]))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    trucks=st.integers(0, 9),
    minutes=st.integers(1, 25),
    clicks_per_minute=st.sampled_from([0.0, 3.0, 40.0]),
    count=st.integers(1, 5),
    seed=st.integers(0, 3),
    start_minute=st.integers(0, 1439),
)
def test_shards_merged_by_event_time_are_the_unsharded_output_byte_for_byte(
    tmp_path: Path,
    trucks: int,
    minutes: int,
    clicks_per_minute: float,
    count: int,
    seed: int,
    start_minute: int,
) -> None:
    start = datetime(2026, 11, 27, start_minute // 60, start_minute % 60, tzinfo=UTC)
    parameters = dict(
        trucks=trucks, minutes=minutes, clicks_per_minute=clicks_per_minute, seed=seed, start=start
    )
    case = tmp_path / f"{trucks}-{minutes}-{clicks_per_minute}-{count}-{seed}-{start_minute}"
    whole = simulate_files(case / "whole", case / "home", Shard(), **parameters)
    shards = [
        simulate_files(case / f"shard-{k}", case / "home", Shard(k, count), **parameters)
        for k in range(1, count + 1)
    ]
    for stream in STREAMS:
        assert merged([shard[stream] for shard in shards]) == whole[stream]
        per_minute: dict[str, int] = {}
        for shard in shards:
            for minute, n in shard["manifest"].streams[stream].per_minute.items():
                per_minute[minute] = per_minute.get(minute, 0) + n
        assert per_minute == whole["manifest"].streams[stream].per_minute


def test_each_shard_takes_a_contiguous_slice_of_the_trucks_and_a_share_of_the_clicks(
    tmp_path: Path,
) -> None:
    parameters = dict(
        trucks=10,
        minutes=30,
        clicks_per_minute=60.0,
        seed=1,
        start=datetime(2026, 11, 27, 10, tzinfo=UTC),
    )
    shards = [
        simulate_files(tmp_path / str(k), tmp_path / "home", Shard(k, 3), **parameters)
        for k in (1, 2, 3)
    ]
    trucks = [
        {orjson.loads(line)["truck_id"] for line in s["telemetry"].splitlines()} for s in shards
    ]
    assert [sorted(t) for t in trucks] == [
        [f"TRK-{n:05d}" for n in range(1, 4)],
        [f"TRK-{n:05d}" for n in range(4, 7)],
        [f"TRK-{n:05d}" for n in range(7, 11)],
    ]
    clicks = [len(s["clickstream"].splitlines()) for s in shards]
    assert all(n > 0 for n in clicks)  # every shard sends clicks, not only the first
    assert [s["manifest"].parameters["shard"] for s in shards] == ["1/3", "2/3", "3/3"]


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"])
def test_a_shard_that_is_not_k_of_n_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="--shard must be K/N"):
        Shard.parse(text)


def test_simulate_shard_on_the_command_line_names_a_bad_shard_in_one_line(cli) -> None:
    result = cli("simulate", "--sink", "file", "--shard", "5/4")
    assert result.exit_code == 2
    assert "--shard must be K/N with 1 <= K <= N" in result.stderr
    assert "Traceback" not in result.output


def test_simulate_shard_on_the_command_line_writes_its_part(cli, tmp_path: Path) -> None:
    args = ["simulate", "--trucks", "4", "--minutes", "3", "--sink", "file", "--json"]
    result = cli(*args, "--out", str(tmp_path / "s"), "--shard", "2/2")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["streams"]["telemetry"]["generated"] == 2 * 3
    lines = (tmp_path / "s" / "telemetry.jsonl").read_bytes().splitlines()
    assert {orjson.loads(line)["truck_id"] for line in lines} == {"TRK-00003", "TRK-00004"}


def test_replaying_the_shards_files_in_shard_order_writes_the_unsharded_files(
    cli, tmp_path: Path
) -> None:
    """The user's way to join shards: `replay` merges files by event time, ties in file order."""
    run = [
        "simulate",
        "--trucks",
        "7",
        "--minutes",
        "20",
        "--clicks-per-minute",
        "90",
        "--seed",
        "2",
    ]
    assert cli(*run, "--sink", "file", "--out", str(tmp_path / "whole")).exit_code == 0
    for k in (1, 2, 3):
        out = str(tmp_path / f"shard-{k}")
        result = cli(*run, "--sink", "file", "--out", out, "--shard", f"{k}/3")
        assert result.exit_code == 0, result.output
    files = [str(tmp_path / f"shard-{k}" / f"{s}.jsonl") for k in (1, 2, 3) for s in STREAMS]
    result = cli("replay", *files, "--sink", "file", "--out", str(tmp_path / "joined"))
    assert result.exit_code == 0, result.output
    for stream in STREAMS:
        joined = (tmp_path / "joined" / f"{stream}.jsonl").read_bytes()
        assert joined == (tmp_path / "whole" / f"{stream}.jsonl").read_bytes()
