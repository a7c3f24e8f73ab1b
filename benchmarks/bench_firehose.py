"""Records/s pushed by the Firehose sink to a local Firehose-protocol endpoint, concurrency 1 vs 8.

The endpoint (the test suite's own, tests/servers/firehose_endpoint.py) adds a fixed delay per call
like a network round trip, so the numbers measure how well calls overlap, not loopback speed. Prints
the median of several interleaved repeats for each setting and their ratio.

    python benchmarks/bench_firehose.py [--records 20000] [--repeats 5] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleetctl.config import load_settings  # noqa: E402
from fleetctl.sinks import open_sink  # noqa: E402
from simulators import TelemetrySimulator  # noqa: E402
from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint  # noqa: E402

STREAM = "fleet-telemetry"


def push(record_lines: list[bytes], concurrency: int, home: Path) -> float:
    """Seconds to hand every record to the sink and have the endpoint acknowledge it."""
    settings = load_settings(environ={"FLEETCTL_HOME": str(home)}).with_overrides(
        {"sinks.firehose.concurrency": concurrency}
    )
    sink = open_sink("firehose", settings)
    started = time.perf_counter()
    for start in range(0, len(record_lines), 500):
        sink.send("telemetry", record_lines[start : start + 500])
    report = sink.close()
    elapsed = time.perf_counter() - started
    if report.streams["telemetry"].accepted != len(record_lines):
        raise SystemExit(f"only {report.streams['telemetry'].accepted} records were accepted")
    return elapsed


def simulated_telemetry(count: int) -> list[bytes]:
    """Real telemetry readings from the simulator, serialized as the sinks receive them."""
    simulator = TelemetrySimulator(seed=1, start=datetime(2026, 11, 27, tzinfo=UTC), trucks=500)
    lines: list[bytes] = []
    while len(lines) < count:
        lines += [
            orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in simulator.next_minute()
        ]
    return lines[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()

    record_lines = simulated_telemetry(args.records)
    # dummy credentials: the endpoint is local and does not check signatures
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="eu-west-1"
    )
    faults = Faults(latency_s=args.latency_ms / 1000)
    seconds: dict[int, list[float]] = {1: [], 8: []}
    with FirehoseEndpoint({STREAM}, faults) as endpoint, tempfile.TemporaryDirectory() as home:
        os.environ["AWS_ENDPOINT_URL_FIREHOSE"] = endpoint.url
        push(record_lines[:1000], 1, Path(home))  # warm up imports and the connection pool
        for _ in range(args.repeats):
            for concurrency in seconds:  # interleaved, so drift in machine load hits both alike
                seconds[concurrency].append(push(record_lines, concurrency, Path(home)))

    rates = {c: args.records / statistics.median(s) for c, s in seconds.items()}
    print(
        f"{args.records:,} records of ~{len(record_lines[0])} B, {args.latency_ms:g} ms per call, "
        f"median of {args.repeats}"
    )
    for concurrency, rate in rates.items():
        print(f"  concurrency {concurrency}: {rate:>10,.0f} records/s")
    print(f"  ratio 8 / 1: {rates[8] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
