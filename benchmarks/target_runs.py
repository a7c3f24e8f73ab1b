"""One measured run of `bench_targets` per process, so that each has its own peak RSS.

`python -m benchmarks.target_runs KIND HOME [options]` does the work of one figure in a fresh
FLEETCTL_HOME and prints one JSON line: seconds (timed from before the sink or warehouse is
opened until everything has landed; interpreter start and imports are the startup figures' part),
rows landed, and, for the pipeline, each load's seconds. The parent reads the peak RSS of the
process from `os.wait4`.

Kinds: `pipeline` (simulate through the local pipeline), `ceiling` (simulate through the file sink,
then DuckDB `read_json` + a dedupe anti-join on event_id), `backfill` (a JSONL file through
`backfill`), `backfill-ceiling` (the same file by `read_json` + anti-join), `handler` (the
telemetry handler against msgspec decode + encode with base64, 500-record events).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

START = "2026-11-27T06:00:00Z"  # the CLI's default start
HANDLER_BATCH = 500
# read_json's schema detection samples the first rows; the whole file fixes every field's type
READ_JSON = "read_json(?, format = 'newline_delimited', sample_size = -1)"


def _settings(home: Path, **overrides: Any) -> Any:
    from fleetctl.config import load_settings

    return load_settings(environ={"FLEETCTL_HOME": str(home)}).with_overrides(overrides)


def _request(settings: Any, trucks: int, minutes: int, sink: str) -> Any:
    from fleetctl.simulate import SimulationRequest

    settings = settings.with_overrides(
        {"simulate.trucks": trucks, "simulate.minutes": minutes, "simulate.start": START}
    )
    request = SimulationRequest.from_settings(settings)
    return SimulationRequest(**{**request.__dict__, "sink": sink})


class TimedStore:
    """The configured store, with the seconds of each load of each stream written down."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.name = store.name
        self.load_seconds: dict[str, list[float]] = {}

    def load(self, stream: str, records: Any) -> Any:
        started = time.perf_counter()
        result = self._store.load(stream, records)
        self.load_seconds.setdefault(stream, []).append(time.perf_counter() - started)
        return result

    def load_rejected(self, rows: Any) -> Any:
        return self._store.load_rejected(rows)

    def finish(self) -> None:
        self._store.finish()

    def close(self) -> None:
        self._store.close()


def pipeline(home: Path, trucks: int, minutes: int) -> dict[str, Any]:
    from fleetctl.sinks.local import open_sink

    from fleetctl.simulate import run_simulation
    from fleetctl.stores import open_store

    settings = _settings(home)
    request = _request(settings, trucks, minutes, "local")
    started = time.perf_counter()
    store = TimedStore(open_store(settings))
    result = run_simulation(request, open_sink(settings, store=store), home)
    seconds = time.perf_counter() - started
    landed = sum(s.landed for s in result.report.streams.values())
    return {"seconds": seconds, "rows": landed, "loads": store.load_seconds}


def ceiling(home: Path, trucks: int, minutes: int) -> dict[str, Any]:
    from fleetctl.simulate import run_simulation
    from fleetctl.sinks.file import FileSink

    out = home / "out"
    settings = _settings(home)
    request = _request(settings, trucks, minutes, "file")
    started = time.perf_counter()
    sink = FileSink(out)
    run_simulation(request, sink, home)
    rows = _read_json_anti_join(home / "ceiling.db", sink.paths)
    return {"seconds": time.perf_counter() - started, "rows": rows, "out": str(out)}


def _read_json_anti_join(database: Path, files: dict[str, Path]) -> int:
    """Each file into its table: the first row of each event_id that the table lacks."""
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        inserted = 0
        for stream, path in files.items():
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {stream} AS SELECT * FROM {READ_JSON} LIMIT 0",
                [str(path)],
            )
            inserted += connection.execute(
                f"INSERT INTO {stream} SELECT s.* FROM ("
                f"  SELECT * FROM {READ_JSON}"
                "   QUALIFY row_number() OVER (PARTITION BY event_id) = 1"
                f") s ANTI JOIN {stream} t ON t.event_id = s.event_id",
                [str(path)],
            ).fetchone()[0]
        return inserted
    finally:
        connection.close()


def backfill(home: Path, source: Path) -> dict[str, Any]:
    from fleetctl.backfill.run import BackfillRequest, run_backfill

    from fleetctl.backfill.selection import Selection

    settings = _settings(home)
    started = time.perf_counter()
    result = run_backfill(BackfillRequest(sources=(str(source),), selection=Selection()), settings)
    seconds = time.perf_counter() - started
    landed = sum(s.landed for s in result.run.report.streams.values())
    return {"seconds": seconds, "rows": landed}


def backfill_ceiling(home: Path, source: Path) -> dict[str, Any]:
    started = time.perf_counter()
    rows = _read_json_anti_join(home / "ceiling.db", {"telemetry": source})
    return {"seconds": time.perf_counter() - started, "rows": rows}


def handler(home: Path, repeats: int) -> dict[str, Any]:
    """Median CPU seconds per 500-record event (of this thread: on a shared machine, time spent
    descheduled is not the code's): the handler, and msgspec doing only the contract's decode and
    an encode, with the base64 both ways and the answer's records."""
    import msgspec
    import orjson

    from handlers import telemetry
    from handlers.contract import TelemetryRecord
    from simulators import TelemetrySimulator

    decode = msgspec.json.Decoder(TelemetryRecord).decode
    encode = msgspec.json.Encoder().encode

    def bare(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        records = []
        for record in event["records"]:
            data = encode(decode(binascii.a2b_base64(record["data"]))) + b"\n"
            records.append(
                {
                    "recordId": record["recordId"],
                    "result": "Ok",
                    "data": binascii.b2a_base64(data, newline=False).decode("ascii"),
                }
            )
        return {"records": records}

    # 50 trucks over ten minutes of the morning shift: most driving, some parked
    from fleetctl.simulate import parse_start

    simulator = TelemetrySimulator(seed=1, start=parse_start("2026-11-27T07:00:00Z"), trucks=50)
    lines = [orjson.dumps(r) + b"\n" for _ in range(10) for r in simulator.next_minute()]
    event = {
        "invocationId": "bench",
        "deliveryStreamArn": "arn:aws:firehose:eu-central-1:123456789012:deliverystream/bench",
        "region": "eu-central-1",
        "records": [
            {
                "recordId": f"{n:056d}",
                "approximateArrivalTimestamp": 1795766100000 + n,
                "data": base64.b64encode(line).decode("ascii"),
            }
            for n, line in enumerate(lines[:HANDLER_BATCH])
        ],
    }
    results = {r["result"] for r in telemetry.handler(event, None)["records"]}
    assert results == {"Ok"}, results
    timings: dict[str, list[float]] = {"handler": [], "bare": []}
    for _ in range(repeats):  # alternating, so bursts of load elsewhere hit both alike
        for name, fn in (("handler", telemetry.handler), ("bare", bare)):
            started = time.thread_time()
            fn(event, None)
            timings[name].append(time.thread_time() - started)
    medians = {name: statistics.median(times) for name, times in timings.items()}
    return {"records": HANDLER_BATCH, **medians}


def typer_help() -> None:
    import typer

    app = typer.Typer()

    @app.command()
    def first(count: int = 1) -> None:
        """The first command."""

    @app.command()
    def second(name: str = "") -> None:
        """The second command."""

    app(["--help"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind")
    parser.add_argument("home", type=Path)
    parser.add_argument("--trucks", type=int, default=200)
    parser.add_argument("--minutes", type=int, default=240)
    parser.add_argument("--source", type=Path)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if args.kind == "typer-help":
        typer_help()
    args.home.mkdir(parents=True, exist_ok=True)
    if args.kind == "pipeline":
        figures = pipeline(args.home, args.trucks, args.minutes)
    elif args.kind == "ceiling":
        figures = ceiling(args.home, args.trucks, args.minutes)
    elif args.kind == "backfill":
        figures = backfill(args.home, args.source)
    elif args.kind == "backfill-ceiling":
        figures = backfill_ceiling(args.home, args.source)
    elif args.kind == "handler":
        figures = handler(args.home, args.repeats)
    else:
        parser.error(f"unknown kind {args.kind!r}")
    json.dump(figures, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
