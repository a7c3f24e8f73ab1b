"""Every figure of issue 13's targets next to its ceiling, measured in the same run.

- local pipeline, 200 trucks x 240 min: rows/s landed by `simulate` through the local sink,
  against the same records through the file sink, then loaded by DuckDB `read_json` with a dedupe
  anti-join insert on event_id (>= 0.5);
- backfill of that run's telemetry.jsonl: rows/s landed by `backfill`, against `read_json` +
  anti-join of the file (>= 0.25);
- telemetry handler on 500-record events: records/s, against msgspec decoding into the contract
  and encoding, with base64 both ways (>= 0.5);
- flat memory: peak RSS of 200 trucks x 1,200 minutes (5x the rows) over that of 240 (<= 1.25);
- per-load cost: median seconds of the last 10 telemetry loads of the 5x run over the first 10
  (<= 1.3);
- startup: median seconds of `fleetctl sql "select 1"` (<= 0.8 s), next to Python + DuckDB
  connect + query, and of `fleetctl --help` (<= 0.3 s), next to the `--help` of a two-command
  Typer app (the framework's own floor).

Each run is a process of its own (`benchmarks/target_runs.py`) in a fresh FLEETCTL_HOME, so its
peak RSS is its own (from `os.wait4`). fleetctl and ceiling rounds alternate, so load from other
processes on this shared machine hits both alike; figures are medians over rounds.
`--fleet-day` also runs 10,000 trucks x 1,440 minutes once (peak RSS <= 1.5 GB, per-load <= 1.3).

Run from the repository root: python -m benchmarks.bench_targets [--rounds 3] [--only a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLEETCTL = str(Path(sys.executable).with_name("fleetctl"))
SECTIONS = ("pipeline", "memory", "backfill", "handler", "startup")
TRUCKS, MINUTES, MEMORY_FACTOR = 200, 240, 5
FLEET_DAY = (10_000, 1_440)
FLEET_DAY_RSS_BYTES = 1.5e9
LOADS_COMPARED = 10


@dataclass
class Spawned:
    seconds: float  # wall clock of the whole process
    peak_rss: int  # bytes
    figures: dict


def spawn(args: list[str], env: dict[str, str] | None = None) -> Spawned:
    """Run `args` to the end; its wall time, peak RSS, and the JSON line it printed (if any)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read().decode()}")
        text = out.read().decode().strip()
    figures = json.loads(text.splitlines()[-1]) if text.startswith("{") else {}
    return Spawned(seconds, usage.ru_maxrss * 1024, figures)


def run(kind: str, home: Path, *options: object) -> Spawned:
    args = [sys.executable, "-m", "benchmarks.target_runs", kind, str(home), *map(str, options)]
    return spawn(args)


class Table:
    def __init__(self) -> None:
        self.missed: list[str] = []
        print(f"{'figure':<44} {'fleetctl':>12} {'ceiling':>12} {'ratio':>7}  target")

    def row(self, figure: str, ours: str, ceiling: str, ratio: float, target: str, ok: bool):
        verdict = "met" if ok else "MISSED"
        if not ok:
            self.missed.append(figure)
        print(f"{figure:<44} {ours:>12} {ceiling:>12} {ratio:7.2f}  {target} {verdict}")


def rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}/s"


def megabytes(size: float) -> str:
    return f"{size / 1e6:,.0f} MB"


def load_ratio(loads: dict[str, list[float]]) -> tuple[float, int]:
    """Median of the last 10 telemetry loads over the first 10, without the run's final load
    (it takes what is left, so it is smaller); and how many loads there were."""
    times = loads.get("telemetry", [])[:-1]
    if len(times) < 2 * LOADS_COMPARED:
        return float("nan"), len(times)
    first = statistics.median(times[:LOADS_COMPARED])
    return statistics.median(times[-LOADS_COMPARED:]) / first, len(times)


def pipeline_rounds(work: Path, rounds: int, table: Table) -> tuple[list[Spawned], Path]:
    ours, ceilings = [], []
    for n in range(rounds):
        ceilings.append(
            run("ceiling", work / f"ceiling-{n}", "--trucks", TRUCKS, "--minutes", MINUTES)
        )
        ours.append(
            run("pipeline", work / f"pipeline-{n}", "--trucks", TRUCKS, "--minutes", MINUTES)
        )
        assert ours[-1].figures["rows"] == ceilings[-1].figures["rows"], "different rows landed"
    rows = ours[0].figures["rows"]
    mine = statistics.median(s.figures["seconds"] for s in ours)
    theirs = statistics.median(s.figures["seconds"] for s in ceilings)
    figure = f"local pipeline {TRUCKS}x{MINUTES} ({rows:,} rows)"
    table.row(
        figure, rate(rows, mine), rate(rows, theirs), theirs / mine, ">= 0.50", theirs / mine >= 0.5
    )
    rss_ours = statistics.median(s.peak_rss for s in ours)
    rss_ceiling = statistics.median(s.peak_rss for s in ceilings)
    table.row(
        "  peak RSS",
        megabytes(rss_ours),
        megabytes(rss_ceiling),
        rss_ours / rss_ceiling,
        "(info)",
        True,
    )
    return ours, Path(ceilings[0].figures["out"]) / "telemetry.jsonl"


def memory(work: Path, smaller: list[Spawned], table: Table) -> None:
    minutes = MINUTES * MEMORY_FACTOR
    larger = run("pipeline", work / "pipeline-5x", "--trucks", TRUCKS, "--minutes", minutes)
    small_rss = statistics.median(s.peak_rss for s in smaller)
    ratio = larger.peak_rss / small_rss
    figure = f"flat memory: peak RSS {minutes} / {MINUTES} min"
    table.row(
        figure, megabytes(larger.peak_rss), megabytes(small_rss), ratio, "<= 1.25", ratio <= 1.25
    )
    seconds = larger.figures["seconds"]
    print(f"{'  (5x run: ' + rate(larger.figures['rows'], seconds) + ')':<44}")
    per_load, count = load_ratio(larger.figures["loads"])
    figure = f"per-load: last/first {LOADS_COMPARED} of {count} loads"
    table.row(figure, "", "", per_load, "<= 1.30", per_load <= 1.3)


def backfill(work: Path, source: Path, rounds: int, table: Table) -> None:
    ours, ceilings = [], []
    for n in range(rounds):
        ceilings.append(run("backfill-ceiling", work / f"backfill-ceiling-{n}", "--source", source))
        ours.append(run("backfill", work / f"backfill-{n}", "--source", source))
    rows = ours[0].figures["rows"]
    mine = statistics.median(s.figures["seconds"] for s in ours)
    theirs = statistics.median(s.figures["seconds"] for s in ceilings)
    ratio = theirs / mine
    table.row(
        f"backfill telemetry.jsonl ({rows:,} rows)",
        rate(rows, mine),
        rate(rows, theirs),
        ratio,
        ">= 0.25",
        ratio >= 0.25,
    )


def handler(work: Path, table: Table) -> None:
    figures = run("handler", work / "handler", "--repeats", 30).figures
    records = figures["records"]
    ratio = figures["bare"] / figures["handler"]
    table.row(
        f"telemetry handler, {records}-record events",
        rate(records, figures["handler"]),
        rate(records, figures["bare"]),
        ratio,
        ">= 0.50",
        ratio >= 0.5,
    )


def startup(work: Path, rounds: int, table: Table) -> None:
    home = work / "startup"
    env = {**os.environ, "FLEETCTL_HOME": str(home)}
    spawn([FLEETCTL, "db", "migrate"], env)
    database = home / "warehouse" / "FLEET.db"
    bare_sql = f"import duckdb; duckdb.connect({str(database)!r}).execute('select 1').fetchall()"
    commands = {
        "sql": [FLEETCTL, "sql", "select 1"],
        "bare sql": [sys.executable, "-c", bare_sql],
        "help": [FLEETCTL, "--help"],
        "bare help": [sys.executable, "-m", "benchmarks.target_runs", "typer-help", str(home)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, args in commands.items():
            times[name].append(spawn(args, env).seconds)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, label, limit in (
        ("sql", 'fleetctl sql "select 1"', 0.8),
        ("help", "fleetctl --help", 0.3),
    ):
        ours, bare = median[name], median[f"bare {name}"]
        table.row(
            f"startup: {label} (s)",
            f"{ours:.2f} s",
            f"{bare:.2f} s",
            ours / bare,
            f"<= {limit} s",
            ours <= limit,
        )


def fleet_day(work: Path, table: Table) -> None:
    trucks, minutes = FLEET_DAY
    day = run("pipeline", work / "fleet-day", "--trucks", trucks, "--minutes", minutes)
    rows, seconds = day.figures["rows"], day.figures["seconds"]
    print(
        f"fleet-day {trucks:,} trucks x {minutes:,} min: {rows:,} rows "
        f"in {seconds:,.0f} s ({rate(rows, seconds)})"
    )
    rss_ok = day.peak_rss <= FLEET_DAY_RSS_BYTES
    table.row(
        "fleet-day: peak RSS",
        megabytes(day.peak_rss),
        "",
        day.peak_rss / FLEET_DAY_RSS_BYTES,
        "<= 1.5 GB",
        rss_ok,
    )
    per_load, count = load_ratio(day.figures["loads"])
    table.row(
        f"fleet-day per-load: last/first {LOADS_COMPARED} of {count}",
        "",
        "",
        per_load,
        "<= 1.30",
        per_load <= 1.3,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each timed pair")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"some of {','.join(SECTIONS)}")
    parser.add_argument("--fleet-day", action="store_true", help="also 10,000 trucks x 1,440 min")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    if unknown := sections - set(SECTIONS):
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="bench-targets-") as tmp:
        work = Path(tmp)
        print(f"medians of {args.rounds} alternating rounds; a ratio is what its target bounds")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
        table = Table()
        if sections & {"pipeline", "memory", "backfill"}:
            smaller, source = pipeline_rounds(work, args.rounds, table)
            if "memory" in sections:
                memory(work, smaller, table)
            if "backfill" in sections:
                backfill(work, source, args.rounds, table)
        if "handler" in sections:
            handler(work, table)
        if "startup" in sections:
            startup(work, max(args.rounds, 7), table)
        if args.fleet_day:
            fleet_day(work, table)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if table.missed:
        print(f"missed: {'; '.join(table.missed)}")
    return 1 if table.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
