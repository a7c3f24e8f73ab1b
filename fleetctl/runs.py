"""A run's delivery: feed events to a sink, wait for it, and account for it in the run manifest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from fleetctl.manifest import RunManifest, StreamManifest, utc_now_iso, write_manifest
from fleetctl.pacing import Event, Pacer, feed
from fleetctl.sinks import Sink, SinkReport


@dataclass
class RunResult:
    manifest: RunManifest
    manifest_path: Path
    report: SinkReport
    seconds: float

    @property
    def records(self) -> int:
        return sum(s.generated for s in self.manifest.streams.values())


def deliver(
    manifest: RunManifest,
    events: Iterable[Event],
    sink: Sink,
    home: Path,
    pacer: Pacer | None = None,
    on_sent: Callable[[int], None] | None = None,
) -> RunResult:
    """Send `events` (which count themselves into `manifest`) and close the sink.

    The manifest is written even when the run is interrupted: a partial run is accounted for too.
    """
    started = time.perf_counter()
    try:
        feed(sink, events, pacer, on_sent)
    finally:
        report = sink.close()
        _record_delivery(manifest, report)
        manifest.finished_at = utc_now_iso()
        path = write_manifest(home, manifest)
    return RunResult(manifest, path, report, time.perf_counter() - started)


def _record_delivery(manifest: RunManifest, report: SinkReport) -> None:
    manifest.outputs = report.outputs
    manifest.dead_letter_path = report.dead_letter_path
    for name, delivery in report.streams.items():
        stats = manifest.streams.setdefault(name, StreamManifest())
        stats.accepted = delivery.accepted
        stats.retried = delivery.retried
        stats.dead_lettered = delivery.dead_lettered
        stats.errors = dict(delivery.errors)
