"""The local pipeline sink: each stream goes through an in-process Firehose stand-in (buffering,
the transformation Lambda in the emulated runtime, the contract check) into the configured store,
the path AWS runs, end to end on this machine.

Everything runs on the caller's thread; buffers whose interval hint has passed are delivered on
the next `send` of any stream, and `close` delivers the rest, then lets the store finish the run.
"""

from __future__ import annotations

import copy
import threading
import time

from fleetctl.config import Settings
from fleetctl.core import STREAMS, FinishesRun, SinkReport, Store
from fleetctl.deadletters import DeadLetterFile
from fleetctl.errors import ConfigError, InputError
from fleetctl.lambdas.invoker import Invoker, LocalInvoker
from fleetctl.lambdas.runtime import FunctionTable
from fleetctl.pipeline.accounting import StreamLedger
from fleetctl.pipeline.buffering import BufferHints, Clock
from fleetctl.pipeline.destination import Destination
from fleetctl.pipeline.firehose_standin import (
    SECTION,
    FirehoseStandIn,
    PipelineOptions,
    StandInOptions,
)
from fleetctl.sinks.base import LandingObserver
from fleetctl.stores import open_store

# Firehose's Snowflake destination accepts 1..128 MB (SnowflakeBufferingHints)
DESTINATION_RANGE_MB = (1.0, 128.0)


class LocalSink:
    name = "local"

    def __init__(
        self,
        store: Store,
        options: dict[str, StandInOptions],
        destination_hints: BufferHints,
        invoker: Invoker,
        dead_letters: DeadLetterFile,
        clock: Clock = time.monotonic,
    ) -> None:
        self._store = store
        self._dead_letters = dead_letters
        self._lock = threading.Lock()
        self._report = SinkReport(sink=self.name, store=store.name)
        self._standins: dict[str, FirehoseStandIn] = {}
        self._destinations: list[Destination] = []
        for stream, stream_options in options.items():
            ledger = StreamLedger(
                stream,
                stream_options.delivery_stream.name,
                self._report.stream(stream),
                self._lock,
                dead_letters,
            )
            destination = Destination(store, destination_hints, ledger, clock)
            self._destinations.append(destination)
            self._standins[stream] = FirehoseStandIn(
                stream_options, invoker, destination, ledger, clock
            )
        self._closed = False

    def send(self, stream: str, records: list[bytes]) -> None:
        try:
            standin = self._standins[stream]
        except KeyError:
            known = ", ".join(STREAMS)
            raise InputError(f"unknown stream {stream!r} (choose from {known})") from None
        standin.put(records)
        for each in self._standins.values():
            each.poll()

    def observe_landing(self, observer: LandingObserver) -> None:
        """`ReportsLag`: after each load, the observer hears its records' end-to-end lags."""
        for destination in self._destinations:
            destination.observer = observer

    def flush(self) -> None:
        """Deliver every buffer now: what was sent so far has landed when this returns."""
        for standin in self._standins.values():
            standin.flush()

    def progress(self) -> SinkReport:
        with self._lock:
            return copy.deepcopy(self._report)

    def close(self) -> SinkReport:
        """Deliver every buffer, let the store finish the run (e.g. refresh derived tables)."""
        if self._closed:
            return self.progress()
        self._closed = True
        try:
            self.flush()
            if isinstance(self._store, FinishesRun):
                self._store.finish()
        finally:
            self._store.close()
            self._dead_letters.close()
            if self._dead_letters.count:
                self._report.dead_letter_path = str(self._dead_letters.path)
        return self.progress()


def open_sink(
    settings: Settings,
    clock: Clock = time.monotonic,
    invoker: Invoker | None = None,
    store: Store | None = None,
) -> LocalSink:
    """The pipeline, every setting checked before the store is opened; `invoker` runs the
    functions (default: their handlers in this process, from `lambda.functions`); `store`
    replaces the configured one (the pipeline closes it)."""
    pipeline = PipelineOptions.from_settings(settings)
    options = {s: StandInOptions.from_settings(settings, s, pipeline) for s in STREAMS}
    destination_hints = BufferHints.from_settings(
        pipeline.destination_buffer_mb,
        pipeline.destination_buffer_interval_s,
        f"{SECTION}.destination_buffer",
        DESTINATION_RANGE_MB,
    )
    functions = FunctionTable.from_settings(settings)
    for stream, stream_options in options.items():
        if stream_options.function_name not in functions.handlers:
            known = ", ".join(sorted(functions.handlers)) or "none"
            raise ConfigError(
                f"lambda.stream_functions.{stream}: function {stream_options.function_name!r} "
                f"is not in lambda.functions (known: {known})"
            )
    store = store or open_store(settings)
    dead_letters = DeadLetterFile(settings.home / "dead-letters", LocalSink.name)
    return LocalSink(
        store, options, destination_hints, invoker or LocalInvoker(functions), dead_letters, clock
    )
