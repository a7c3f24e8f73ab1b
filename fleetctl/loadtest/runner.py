"""Run a load test: start the processes, agree on a start, merge their windows, judge the result."""

from __future__ import annotations

import math
import multiprocessing
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fleetctl.config import Settings
from fleetctl.errors import FleetctlError, InputError
from fleetctl.loadtest.aggregate import Aggregate, Snapshot, WindowRow
from fleetctl.loadtest.profiles import (
    LoadProfile,
    Thresholds,
    configured_thresholds,
    load_profile,
    steady_profile,
)
from fleetctl.loadtest.schedule import records_per_second
from fleetctl.loadtest.verdict import Verdict, judge
from fleetctl.loadtest.workers import Crashed, Finished, Progress, Ready, WorkerPlan, worker_main
from fleetctl.manifest import new_run_id, utc_now_iso
from fleetctl.sinks import SINKS, SinkReport

READY_TIMEOUT_S = 120.0  # spawning, imports, building the simulated fleet
START_DELAY_S = 0.3  # from "go" to the first send: every process is waiting by then
STOP_TIMEOUT_S = 60.0  # after Ctrl-C, for the sinks to drain


@dataclass(frozen=True)
class LoadTestRequest:
    profile: LoadProfile
    duration_s: float
    processes: int
    sink: str
    tick_s: float
    seed: int
    thresholds: Thresholds

    def __post_init__(self) -> None:
        if not self.duration_s > 0 or math.isinf(self.duration_s):
            raise InputError(
                f"--duration must be a positive number of seconds, got {self.duration_s}"
            )
        if self.processes < 1:
            raise InputError(f"--processes must be >= 1, got {self.processes}")
        if self.sink not in SINKS:
            raise InputError(f"unknown sink {self.sink!r} (choose from {', '.join(SINKS)})")
        if not 0 < self.tick_s <= 1:
            raise InputError(f"loadtest.flush_interval_s must be in (0, 1], got {self.tick_s}")

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        rate: float | None = None,
        profile: str | None = None,
        duration_s: float | None = None,
    ) -> LoadTestRequest:
        """`--rate` or `--profile` (else `loadtest.profile`); duration: flag, profile, config."""
        if rate is not None and profile is not None:
            raise InputError("give --rate or --profile, not both")
        if rate is not None:
            chosen = steady_profile(rate)
        elif name := profile or str(settings.get("loadtest.profile")):
            chosen = load_profile(name)
        else:
            raise InputError("give --rate R (records/s) or --profile NAME|FILE")
        defaults = configured_thresholds(settings)
        return cls(
            profile=chosen,
            duration_s=float(
                duration_s or chosen.duration_s or settings.get("loadtest.duration_s")
            ),
            processes=int(settings.get("loadtest.processes")),
            sink=str(settings.get("loadtest.sink")),
            tick_s=float(settings.get("loadtest.flush_interval_s")),
            seed=int(settings.get("loadtest.seed")),
            thresholds=chosen.thresholds.over(defaults),
        )


@dataclass
class LoadTestResult:
    id: str
    created_at: str
    request: LoadTestRequest
    snapshot: Snapshot
    verdict: Verdict
    rows: list[WindowRow]
    reports_lag: bool
    sink_reports: list[SinkReport] = field(default_factory=list)
    interrupted: bool = False


def run_loadtest(
    request: LoadTestRequest,
    settings: Settings,
    on_snapshot: Callable[[Snapshot], None] | None = None,
    refresh_s: float = 0.5,
) -> LoadTestResult:
    """Drive the profile through `request.processes` processes and judge the final snapshot."""
    created_at = utc_now_iso()
    scheduled = records_per_second(request.profile.streams, request.duration_s, request.tick_s)
    aggregate = Aggregate(scheduled, request.duration_s, request.processes)
    context = multiprocessing.get_context("spawn")  # no forking a process that runs threads
    messages = context.Queue()
    go, stop = context.Event(), context.Event()
    start_at = context.Value("d", 0.0)
    sink_settings = _sink_settings(settings, request.sink)
    workers = [
        context.Process(
            target=worker_main,
            args=(_plan(request, sink_settings, part), messages, start_at, go, stop),
            name=f"loadtest-{part}",
            daemon=True,
        )
        for part in range(request.processes)
    ]
    for worker in workers:
        worker.start()
    finished: dict[int, Finished] = {}
    interrupted = False
    try:
        reports_lag = _await_ready(messages, workers)
        start_at.value = time.time() + START_DELAY_S
        go.set()
        last_refresh = 0.0
        stop_deadline = math.inf
        while len(finished) < len(workers):
            try:
                message = _next(messages, workers, finished, refresh_s)
            except KeyboardInterrupt:
                interrupted = True
                stop.set()
                stop_deadline = time.monotonic() + STOP_TIMEOUT_S
                continue
            if isinstance(message, Progress):
                aggregate.add(message.part, message.windows, message.watermark)
            elif isinstance(message, Finished):
                finished[message.part] = message
                aggregate.add(message.part, message.windows, None)
            if time.monotonic() > stop_deadline:
                raise TimeoutError("load-test processes did not stop in time")
            if on_snapshot is not None and time.monotonic() - last_refresh >= refresh_s:
                last_refresh = time.monotonic()
                on_snapshot(aggregate.snapshot(aggregate.reported_s, False, reports_lag))
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    aggregate.finish()
    elapsed_s = max([request.duration_s, *(f.drained_s for f in finished.values())])
    snapshot = aggregate.snapshot(elapsed_s, True, reports_lag)
    return LoadTestResult(
        id=new_run_id(),
        created_at=created_at,
        request=request,
        snapshot=snapshot,
        verdict=judge(snapshot, request.thresholds, request.sink),
        rows=aggregate.rows(),
        reports_lag=reports_lag,
        sink_reports=[finished[part].report for part in sorted(finished)],
        interrupted=interrupted,
    )


def _sink_settings(settings: Settings, sink: str) -> Settings:
    """The sink's settings for a load test: a batching sink's calls in flight per process from
    `loadtest.concurrency` (a load test wants more than a batch job), and no records/s cap (the
    schedule sets the pace; a cap would hide what the target can take)."""
    if not SINKS[sink].batching:
        return settings
    return settings.with_overrides(
        {
            f"sinks.{sink}.concurrency": int(settings.get("loadtest.concurrency")),
            f"sinks.{sink}.rate": 0.0,
        }
    )


def _plan(request: LoadTestRequest, settings: Settings, part: int) -> WorkerPlan:
    return WorkerPlan(
        part=part,
        parts=request.processes,
        streams=request.profile.streams,
        duration_s=request.duration_s,
        tick_s=request.tick_s,
        seed=request.seed,
        sink=request.sink,
        settings=settings,
    )


def _await_ready(messages: multiprocessing.Queue, workers: list) -> bool:
    """Wait until every process has its sink and simulators; whether all sinks report lag."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    ready: list[Ready] = []
    while len(ready) < len(workers):
        if time.monotonic() > deadline:
            raise TimeoutError(f"load-test processes not ready after {READY_TIMEOUT_S:g} s")
        message = _next(messages, workers, {}, 1.0)
        if isinstance(message, Ready):
            ready.append(message)
    return all(m.reports_lag for m in ready)


def _next(
    messages: multiprocessing.Queue,
    workers: list[multiprocessing.Process],
    finished: dict[int, Finished],
    timeout_s: float,
) -> Ready | Progress | Finished | None:
    """The next message, or None after `timeout_s`; a crashed process ends the run."""
    try:
        message = messages.get(timeout=timeout_s)
    except queue.Empty:
        for part, worker in enumerate(workers):
            if part not in finished and not worker.is_alive():
                raise RuntimeError(
                    f"load-test process {worker.name} exited with status {worker.exitcode}"
                ) from None
        return None
    if isinstance(message, Crashed):
        if isinstance(message.error, FleetctlError):
            raise message.error
        raise RuntimeError(f"load-test process {message.part}: {message.error}")
    return message
