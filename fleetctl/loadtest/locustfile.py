"""Locust user class for `fleetctl loadtest --distributed`: each user pushes simulator batches
through a batching sink (`loadtest.sink`, Firehose by default), and every delivered batch (one
call with its retries) is reported to Locust as a request of the sink's type named after its
stream.

Settings come from the usual layers (FLEETCTL_* variables, `loadtest.locust.*`). At the end the
master applies `loadtest.thresholds.p99_put_ms` and `error_rate` (failed batches / batches here)
and exits 1 when either is exceeded.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

from locust import User, constant_throughput, events, task
from locust.env import Environment
from locust.runners import WorkerRunner

from fleetctl.config import load_settings
from fleetctl.errors import InputError
from fleetctl.loadtest.profiles import configured_thresholds
from fleetctl.loadtest.record_sources import sources_for
from fleetctl.sinks import CallOutcome, batching_sinks, open_sink

SETTINGS = load_settings()
SINK = str(SETTINGS.get("loadtest.sink"))
if SINK not in batching_sinks():
    raise InputError(
        f"loadtest.sink: --distributed needs a batching sink ({', '.join(batching_sinks())}), "
        f"not {SINK}"
    )
BATCH_RECORDS = int(SETTINGS.get("loadtest.locust.batch_records"))
USERS_PER_WORKER_MAX = 100_000  # keeps users of different workers on different trucks
_user_numbers = itertools.count()


class DeadLettered(Exception):
    """Records of a batch that the service never accepted (they are in a dead-letter file)."""


class BatchingSinkUser(User):
    wait_time = constant_throughput(float(SETTINGS.get("loadtest.locust.batches_per_s")))

    def on_start(self) -> None:
        worker = getattr(self.environment.runner, "worker_index", 0)
        part = worker * USERS_PER_WORKER_MAX + next(_user_numbers)
        # one user's fleet is one batch of trucks: a telemetry batch is a minute of its fleet
        peak_per_s = {"clickstream": BATCH_RECORDS / 60, "telemetry": BATCH_RECORDS / 60}
        seed = int(SETTINGS.get("loadtest.seed"))
        self._sources = sources_for(peak_per_s, seed, part)
        self._sink = open_sink(SINK, SETTINGS.with_overrides({f"sinks.{SINK}.concurrency": 1}))
        self._sink.observe_calls(self)

    def call_finished(self, outcome: CallOutcome) -> None:
        failure = None
        if outcome.dead_lettered:
            failure = DeadLettered(f"{outcome.dead_lettered} of {outcome.records} records")
        self.environment.events.request.fire(
            request_type=SINK,
            name=outcome.stream,
            response_time=outcome.seconds * 1000,
            response_length=outcome.bytes,
            exception=failure,
            context={"records": outcome.records, "retried": outcome.retried},
        )

    @task(int(SETTINGS.get("loadtest.locust.clickstream_weight")))
    def clickstream(self) -> None:
        self._sink.send("clickstream", self._sources["clickstream"].take(BATCH_RECORDS))

    @task(int(SETTINGS.get("loadtest.locust.telemetry_weight")))
    def telemetry(self) -> None:
        self._sink.send("telemetry", self._sources["telemetry"].take(BATCH_RECORDS))

    def on_stop(self) -> None:
        self._sink.close()


@events.quitting.add_listener
def apply_thresholds(environment: Environment, **_kwargs: Any) -> None:
    """The release gate under Locust: p99 and failure ratio of batches against the thresholds."""
    if isinstance(environment.runner, WorkerRunner):
        return
    thresholds = configured_thresholds(SETTINGS)
    total = environment.stats.total
    failures = []
    p99_ms = total.get_response_time_percentile(0.99)
    if thresholds.p99_put_ms is not None and p99_ms > thresholds.p99_put_ms:
        failures.append(f"put latency p99 {p99_ms:g} ms > {thresholds.p99_put_ms:g} ms")
    if thresholds.error_rate is not None and total.fail_ratio > thresholds.error_rate:
        failures.append(f"failed batches {total.fail_ratio:.4%} > {thresholds.error_rate:.4%}")
    for failure in failures:
        logging.error("threshold failed: %s", failure)
    if failures:
        environment.process_exit_code = 1
