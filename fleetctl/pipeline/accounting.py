"""One stream's accounting in the local pipeline: counts that the progress display reads from
another thread, and the dead-letter envelopes of records that did not land."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import NamedTuple

from fleetctl.core import DeliveryCounts
from fleetctl.deadletters import DeadLetter, DeadLetterFile


class Failure(NamedTuple):
    """A record the pipeline could not land as a row, with its bytes as the producer sent them."""

    data: bytes
    code: str
    message: str
    attempts: int  # invocations of the transformation function that carried it
    first_at: str | None
    last_at: str | None


class StreamLedger:
    def __init__(
        self,
        stream: str,
        delivery_stream: str,
        delivery: DeliveryCounts,
        lock: threading.Lock,
        dead_letters: DeadLetterFile,
    ) -> None:
        self.stream = stream
        self.delivery_stream = delivery_stream
        self.delivery = delivery
        self._lock = lock
        self._dead_letters = dead_letters

    def add(self, **counts: int) -> None:
        """Add to the named `DeliveryCounts` counters, e.g. `add(landed=3)`."""
        with self._lock:
            for name, value in counts.items():
                setattr(self.delivery, name, getattr(self.delivery, name) + value)

    def keep(self, failures: Sequence[Failure], *, undelivered: bool) -> None:
        """Write `failures` to the dead-letter file, on disk before they are counted.

        `undelivered` ones landed nowhere and count as dead-lettered (the run exits 1); the others
        (ProcessingFailed, kept in the store's rejected records too) are there so `fleetctl replay`
        can resend them once fixed.
        """
        if not failures:
            return
        self._dead_letters.write(
            [
                DeadLetter(
                    stream=self.stream,
                    delivery_stream=self.delivery_stream,
                    error_code=f.code,
                    error_message=f.message,
                    attempts=f.attempts,
                    first_attempt_at=f.first_at,
                    last_attempt_at=f.last_at,
                    data=f.data,
                )
                for f in failures
            ]
        )
        if undelivered:
            with self._lock:
                self.delivery.dead_lettered += len(failures)
                for f in failures:
                    self.delivery.errors[f.code] = self.delivery.errors.get(f.code, 0) + 1
