"""Load-test ceiling: records/s `fleetctl loadtest` pushes to a local Firehose endpoint with 1 and
with 2 generating processes, and their ratio.

Each run asks for far more than can be delivered (open loop: the schedule falls behind and every
process sends flat out), so what is accepted per second is the ceiling. The endpoint (the test
suite's own, tests/servers/firehose_endpoint.py) runs in a process of its own with a fixed delay
per call; it is Python too, and on a small machine it competes with the senders for cores, which
is part of what is measured. Prints the median of interleaved repeats.

    python benchmarks/bench_loadtest_ceiling.py [--seconds 8] [--repeats 3] [--latency-ms 5]

The documented 30 s fixed-delay check runs the test suite's load test for longer:

    FLEETCTL_TEST_LOADTEST_S=30 python -m pytest tests/test_loadtest_endpoint.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleetctl.config import load_settings  # noqa: E402
from fleetctl.loadtest.runner import LoadTestRequest, run_loadtest  # noqa: E402

STREAMS = {"fleet-telemetry", "fleet-clickstream"}
ASKED_PER_S = 200_000  # far above what one small machine delivers


def serve(latency_s: float, urls: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    from tests.servers.firehose_endpoint import Faults, FirehoseEndpoint

    faults = Faults(latency_s=latency_s)
    with FirehoseEndpoint(STREAMS, faults, keep_records=False) as endpoint:
        urls.put(endpoint.url)
        stop.wait()


def ceiling(processes: int, seconds: float, home: Path) -> tuple[float, float]:
    """Records/s accepted, and the put latency p50 (ms), of one flat-out run."""
    settings = load_settings(environ={**os.environ, "FLEETCTL_HOME": str(home)})
    request = LoadTestRequest.from_settings(
        settings.with_overrides({"loadtest.processes": processes}),
        rate=ASKED_PER_S,
        duration_s=seconds,
    )
    summary = run_loadtest(request, settings).snapshot.total
    if summary.dead_lettered:
        raise SystemExit(f"{summary.dead_lettered} records were dead-lettered")
    return summary.achieved_per_s, summary.put_ms.p50 if summary.put_ms else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    urls, stop = context.Queue(), context.Event()
    server = context.Process(target=serve, args=(args.latency_ms / 1000, urls, stop), daemon=True)
    server.start()
    # dummy credentials: the endpoint is local and does not check signatures
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="eu-west-1",
        AWS_ENDPOINT_URL_FIREHOSE=urls.get(timeout=60),
    )
    rates: dict[int, list[float]] = {1: [], 2: []}
    latencies: dict[int, list[float]] = {1: [], 2: []}
    try:
        with tempfile.TemporaryDirectory() as home:
            for _ in range(args.repeats):
                for processes in rates:  # interleaved, so drift in machine load hits both alike
                    rate, p50 = ceiling(processes, args.seconds, Path(home))
                    rates[processes].append(rate)
                    latencies[processes].append(p50)
    finally:
        stop.set()
        server.join(timeout=10)

    print(
        f"flat-out load tests of {args.seconds:g} s, {args.latency_ms:g} ms per call, "
        f"{os.cpu_count()} cores, median of {args.repeats}"
    )
    medians = {p: statistics.median(r) for p, r in rates.items()}
    for processes, rate in medians.items():
        p50 = statistics.median(latencies[processes])
        print(
            f"  {processes} process{'es' if processes > 1 else '  '}: {rate:>9,.0f} records/s"
            f"  (put p50 {p50:,.1f} ms; runs: {', '.join(f'{r:,.0f}' for r in rates[processes])})"
        )
    print(f"  ratio 2 / 1: {medians[2] / medians[1]:.2f}x")


if __name__ == "__main__":
    main()
