"""Rows/s landed by the local pipeline (`--sink local`) against the bare work it must do, in the
same run: the same transformation events run by the same handlers and every Ok record loaded in
one load per stream, without buffering hints, contract checks, accounting or dead letters.

The records are the README's first command (50 trucks, 120 minutes, 100 clicks a minute, seed 3).
Every round lands them into a fresh embedded warehouse under a temporary FLEETCTL_HOME (opening
and migrating it is not timed); pipeline and baseline rounds alternate, so load from other
processes on this shared machine hits both alike; figures are medians over rounds. The ratio says
how much of the bare work's speed the pipeline keeps.
Run from the repository root: python -m benchmarks.bench_local_pipeline [--repeats 3]
"""

from __future__ import annotations

import argparse
import binascii
import statistics
import tempfile
import time
from datetime import UTC, datetime

import orjson

from fleetctl.config import load_settings
from fleetctl.lambdas.events import BatchLimits, DeliveryStream, SourceRecord, firehose_batches
from fleetctl.lambdas.invoker import LocalInvoker
from fleetctl.lambdas.runtime import FunctionTable
from fleetctl.sinks import open_sink
from fleetctl.warehouse import loading, migrations, open_warehouse
from fleetctl.warehouse.dimension_build import build
from simulators import ClickstreamSimulator, TelemetrySimulator

TARGET_RATIO = 0.7  # the pipeline keeps at least this share of the bare work's rows/s
CHUNK = 500  # records per send, as fleetctl.pacing.feed sends them
START = datetime(2026, 11, 27, tzinfo=UTC)


def simulated_lines(trucks: int, minutes: int, clicks_per_minute: float, seed: int) -> dict:
    telemetry = TelemetrySimulator(seed=seed, start=START, trucks=trucks)
    clicks = ClickstreamSimulator(seed=seed, start=START, clicks_per_minute=clicks_per_minute)
    lines: dict[str, list[bytes]] = {"clickstream": [], "telemetry": []}
    for _ in range(minutes):
        for stream, simulator in (("clickstream", clicks), ("telemetry", telemetry)):
            lines[stream] += [
                orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in simulator.next_minute()
            ]
    return lines


def pipeline_round(lines: dict[str, list[bytes]]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-local-") as home:
        sink = open_sink("local", load_settings(environ={"FLEETCTL_HOME": home}))
        started = time.perf_counter()
        for stream, records in lines.items():
            for start in range(0, len(records), CHUNK):
                sink.send(stream, records[start : start + CHUNK])
        report = sink.close()
        seconds = time.perf_counter() - started
    return seconds, sum(s.landed for s in report.streams.values())


def bare_round(lines: dict[str, list[bytes]]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-local-") as home:
        settings = load_settings(environ={"FLEETCTL_HOME": home})
        invoker = LocalInvoker(FunctionTable.from_settings(settings))
        with open_warehouse(settings) as wh:
            migrations.apply(wh)
            started = time.perf_counter()
            landed = 0
            for stream, records in lines.items():
                function = str(settings.get(f"lambda.stream_functions.{stream}"))
                target = DeliveryStream(
                    str(settings.get(f"streams.{stream}")),
                    str(settings.get("lambda.region")),
                    str(settings.get("lambda.account_id")),
                )
                sources = (SourceRecord(r, "") for r in records)
                ok = []
                for batch in firehose_batches(sources, target, BatchLimits(max_records=10**6)):
                    answer = orjson.loads(invoker.invoke(function, batch.payload))
                    ok += [
                        orjson.loads(binascii.a2b_base64(a["data"]))
                        for a in answer["records"]
                        if a["result"] == "Ok"
                    ]
                landed += loading.load_records(wh, stream, ok).inserted
            build(wh, list(settings.get("scd2.tracked")))
            seconds = time.perf_counter() - started
    return seconds, landed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trucks", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=120)
    parser.add_argument("--clicks-per-minute", type=float, default=100.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    lines = simulated_lines(args.trucks, args.minutes, args.clicks_per_minute, seed=3)
    records = sum(map(len, lines.values()))
    print(f"{records:,} records ({', '.join(f'{len(v):,} {k}' for k, v in lines.items())})")
    timings: dict[str, list[float]] = {"pipeline": [], "bare": []}
    for round_ in range(args.repeats):
        for name, run in (("pipeline", pipeline_round), ("bare", bare_round)):
            seconds, landed = run(lines)
            assert landed == records, (name, landed, records)
            timings[name].append(seconds)
        print(
            f"round {round_ + 1}: pipeline {timings['pipeline'][-1]:.2f} s, "
            f"bare {timings['bare'][-1]:.2f} s"
        )
    pipeline_rate = records / statistics.median(timings["pipeline"])
    bare_rate = records / statistics.median(timings["bare"])
    ratio = pipeline_rate / bare_rate
    print(f"embedded warehouse, median of {args.repeats} rounds, each into a fresh warehouse")
    print(f"local pipeline            {pipeline_rate:10,.0f} rows/s landed")
    print(f"bare transform + 1 load   {bare_rate:10,.0f} rows/s landed")
    verdict = "within" if ratio >= TARGET_RATIO else "OUTSIDE"
    print(f"ratio {ratio:.2f}: {verdict} the {TARGET_RATIO:.2f} target")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
