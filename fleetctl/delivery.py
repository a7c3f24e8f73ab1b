"""A run's delivery: feed events to a sink, wait for it, and account for it in the run manifest,
with the event ids it sent kept per stream beside the manifest for reconciliation.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fleetctl.core import SinkReport
from fleetctl.manifest import RunManifest, StreamManifest, run_dir, utc_now_iso, write_manifest
from fleetctl.pacing import Event, Pacer, feed
from fleetctl.sinks import Sink
from fleetctl.sinks.base import Flushes

IDS_SUFFIX = ".ids.gz"
IDS_WRITE_EVERY = 4096  # ids per gzip write: one call per id would cost more than the ids
IDS_GZIP_LEVEL = 6


@dataclass
class RunResult:
    manifest: RunManifest
    manifest_path: Path
    report: SinkReport
    seconds: float

    @property
    def records(self) -> int:
        return sum(s.generated for s in self.manifest.streams.values())


class EventIdFiles:
    """`<directory>/<stream>.ids.gz`: the event id of every record handed to the sink, one a line
    in send order, written as the run goes (flat memory). Records without an id are skipped."""

    def __init__(self, directory: Path, streams: Iterable[str]) -> None:
        self.directory = directory
        self.paths: dict[str, Path] = {}
        self._files: dict[str, gzip.GzipFile] = {}
        self._pending: dict[str, list[str]] = {}
        for stream in streams:
            self._open(stream)

    def tee(self, events: Iterable[Event]) -> Iterator[Event]:
        for event in events:
            if event.event_id is not None:
                pending = self._pending.get(event.stream)
                if pending is None:
                    pending = self._open(event.stream)
                pending.append(event.event_id)
                if len(pending) >= IDS_WRITE_EVERY:
                    self._write(event.stream)
            yield event

    def close(self) -> None:
        for stream, file in self._files.items():
            self._write(stream)
            file.close()
        self._files.clear()

    def _open(self, stream: str) -> list[str]:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{stream}{IDS_SUFFIX}"
        # mtime=0 keeps the sidecars of same-seed runs byte-identical
        self._files[stream] = gzip.GzipFile(path, "wb", IDS_GZIP_LEVEL, mtime=0)
        self.paths[stream] = path
        self._pending[stream] = pending = []
        return pending

    def _write(self, stream: str) -> None:
        if pending := self._pending[stream]:
            self._files[stream].write(("\n".join(pending) + "\n").encode())
            pending.clear()


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
    return deliver_parts(manifest, [Part(events)], sink, home, pacer, on_sent)


@dataclass(frozen=True)
class Part:
    """A stretch of a run's events; once it is sent, `landed` runs after the sink has flushed."""

    events: Iterable[Event]
    landed: Callable[[], None] | None = None


def deliver_parts(
    manifest: RunManifest,
    parts: Iterable[Part],
    sink: Sink,
    home: Path,
    pacer: Pacer | None = None,
    on_sent: Callable[[int], None] | None = None,
) -> RunResult:
    """`deliver`, in parts: after each part the sink delivers everything it holds (when it can
    flush), so a part's `landed` may record it as done, e.g. to resume a backfill after it."""
    started = time.perf_counter()
    ids = EventIdFiles(run_dir(home, manifest.run_id), manifest.streams)
    try:
        for part in parts:
            feed(sink, ids.tee(part.events), pacer, on_sent)
            if part.landed is not None:
                if isinstance(sink, Flushes):
                    sink.flush()
                part.landed()
    finally:
        ids.close()
        report = sink.close()
        _record_delivery(manifest, report, ids.paths)
        manifest.finished_at = utc_now_iso()
        path = write_manifest(home, manifest)
    return RunResult(manifest, path, report, time.perf_counter() - started)


def _record_delivery(manifest: RunManifest, report: SinkReport, ids: dict[str, Path]) -> None:
    manifest.outputs = report.outputs
    manifest.dead_letter_path = report.dead_letter_path
    manifest.store = report.store
    for name, path in ids.items():
        manifest.streams.setdefault(name, StreamManifest()).ids_path = str(path)
    for name, delivery in report.streams.items():
        manifest.streams.setdefault(name, StreamManifest()).copy_counts(delivery)
