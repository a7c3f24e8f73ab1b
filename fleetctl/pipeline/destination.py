"""Firehose's destination side in the local pipeline: Ok records buffered to the destination's
hints and loaded into the store; ProcessingFailed records kept as the store's rejected records.

A load the store refuses (unreachable, a record it cannot take) loses nothing: the records go to
the dead letters with their original bytes, so a replay sends them through the handler again.
"""

from __future__ import annotations

import binascii
import time
from collections.abc import Mapping, Sequence
from typing import Any

from fleetctl.core import RejectedRecord, Store
from fleetctl.deadletters import iso_now_ms
from fleetctl.errors import FleetctlError
from fleetctl.pacing import event_time_s
from fleetctl.pipeline.accounting import Failure, StreamLedger
from fleetctl.pipeline.buffering import Buffer, BufferHints, Clock
from fleetctl.sinks.base import LandingObserver

LOAD_FAILED = "Store.LoadFailed"  # Ok records the store did not take
REJECTED_LOAD_FAILED = "Store.LoadRejectedFailed"  # ProcessingFailed ones it did not keep
PROCESSING_FAILED = "ProcessingFailed"

# a transformed record, and the base64 of the bytes the producer sent (what a replay resends)
Transformed = tuple[Mapping[str, Any], str]


class Destination:
    def __init__(
        self, store: Store, hints: BufferHints, ledger: StreamLedger, clock: Clock
    ) -> None:
        self._store = store
        self._ledger = ledger
        self._buffer: Buffer[Transformed] = Buffer(hints, clock)
        self.observer: LandingObserver | None = None  # told each load's end-to-end lags

    @property
    def due(self) -> bool:
        return self._buffer.expired

    def add(self, record: Mapping[str, Any], size: int, original_b64: str) -> None:
        if self._buffer.would_overflow(size):
            self.load()
        self._buffer.add((record, original_b64), size)
        if self._buffer.full:
            self.load()

    def load(self) -> None:
        """Load what is buffered; the store skips event_ids it already holds."""
        pending = self._buffer.take()
        if not pending:
            return
        try:
            result = self._store.load(self._ledger.stream, [record for record, _ in pending])
        except FleetctlError as e:
            at = iso_now_ms()
            self._ledger.keep(
                [Failure(_decoded(b64), LOAD_FAILED, str(e), 1, at, at) for _, b64 in pending],
                undelivered=True,
            )
            return
        self._ledger.add(landed=result.inserted, duplicates_skipped=result.skipped_duplicates)
        if (observer := self.observer) is not None:
            # every record of the load is queryable from now on, new to the store or not
            landed_s = time.time()
            event_s = (event_time_s(record["event_ts"]) for record, _ in pending)
            lags = [landed_s - s for s in event_s if s is not None]
            observer.records_landed(self._ledger.stream, lags)

    def reject(
        self, rows: Sequence[RejectedRecord], attempts: int, first_at: str, last_at: str
    ) -> None:
        """Keep ProcessingFailed records in the store and, replayable, in the dead letters."""
        try:
            self._store.load_rejected(rows)
        except FleetctlError as e:
            code, undelivered, messages = REJECTED_LOAD_FAILED, True, [str(e)] * len(rows)
        else:
            code, undelivered, messages = PROCESSING_FAILED, False, [r.reason for r in rows]
        failures = [
            Failure(row.raw, code, message, attempts, first_at, last_at)
            for row, message in zip(rows, messages, strict=True)
        ]
        self._ledger.keep(failures, undelivered=undelivered)


def _decoded(data_b64: str) -> bytes:
    return binascii.a2b_base64(data_b64)
