"""The delivery engine of batching sinks: records cut into batches within the service's limits,
several calls in flight, failed records resent with backoff and jitter in one bounded loop, and
whatever still fails written to a dead-letter file.

A batching sink (Firehose's PutRecordBatch; Kinesis Data Streams' PutRecords would be another)
implements one method, `put`: send this batch once, say what became of each record. Whole-call
failures (throttling, 5xx, connection errors) and per-record failures share the loop here, so
every count is exact.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from fleetctl.batching import BatchLimits, batches
from fleetctl.core import SinkReport
from fleetctl.deadletters import DeadLetter, DeadLetterFile, iso_now_ms
from fleetctl.errors import InputError
from fleetctl.pacing import RateLimiter
from fleetctl.retries import RetryOptions, is_throttling
from fleetctl.sinks.base import CallObserver, CallOutcome

OVERSIZE_CODE = "RecordTooLarge"  # ours: the service refuses records over its limit outright


class BatchingOptions(RetryOptions, kw_only=True):
    """The settings every batching sink has, `sinks.<name>.*`; a sink's own Struct extends it."""

    concurrency: int  # calls in flight at once
    rate: float  # new records/s cap; 0: as fast as the endpoint takes them

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise InputError(f"--concurrency must be >= 1, got {self.concurrency}")
        if self.rate < 0:
            raise InputError(f"--rate must be >= 0, got {self.rate}")


class Failed(NamedTuple):
    """A record the service did not take, and why."""

    record: bytes
    code: str
    message: str
    # the answer could not tell whether the service stored it: resent all the same (at least
    # once beats lost), so it may land twice
    ambiguous: bool = False


class PutAnswer(NamedTuple):
    """What one call did: the records that failed, in request order, and whether resending
    them may help."""

    failed: list[Failed]
    retryable: bool = True


class BatchingSink(ABC):
    """Thread-safe counts; `send` blocks once 2 x concurrency batches are waiting or in flight.

    `destinations` names each logical stream's delivery stream; `limits` are the service's
    per-call limits (a rate cap narrows the batches to a tenth of a second's records).
    """

    name: str

    def __init__(
        self,
        options: BatchingOptions,
        destinations: Mapping[str, str],
        dead_letter_dir: Path,
        limits: BatchLimits,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options
        self.destinations = dict(destinations)
        self._retry = options.retry_policy(f"sinks.{self.name}")
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._limits = _paced(limits, options.rate)
        self._limiter = RateLimiter(options.rate) if options.rate else None
        self._pool = ThreadPoolExecutor(options.concurrency, thread_name_prefix=self.name)
        self._slots = threading.BoundedSemaphore(2 * options.concurrency)
        self._lock = threading.Lock()
        self._report = SinkReport(sink=self.name)
        self._dead_letters = DeadLetterFile(dead_letter_dir, self.name)
        self._worker_errors: list[BaseException] = []
        self._observer: CallObserver | None = None

    @abstractmethod
    def put(self, destination: str, records: list[bytes]) -> PutAnswer:
        """Send `records` (within the limits) to `destination` in one call; never retry here."""

    def observe_calls(self, observer: CallObserver) -> None:
        """Report each batch's delivery (latency incl. retries, throttles) to `observer`."""
        self._observer = observer

    def send(self, stream: str, records: list[bytes]) -> None:
        sendable: list[bytes] = []
        oversize: list[Failed] = []
        for record in records:
            line = record if record.endswith(b"\n") else record + b"\n"
            if self._limits.fits(line):
                sendable.append(line)
            else:
                limit = self._limits.max_record_bytes
                message = f"record of {len(line):,} bytes is over the {limit:,}-byte limit"
                oversize.append(Failed(line, OVERSIZE_CODE, message))
        self._dead_letter(stream, oversize, attempts=0, first_at=None, last_at=None)
        for batch in batches(sendable, self._limits):
            if self._limiter is not None:
                self._limiter.acquire(len(batch))
            self._slots.acquire()
            future = self._pool.submit(self._deliver, stream, batch)
            future.add_done_callback(self._finished)

    def progress(self) -> SinkReport:
        with self._lock:
            return copy.deepcopy(self._report)

    def close(self) -> SinkReport:
        """Wait for every batch to be accepted or dead-lettered."""
        self._pool.shutdown(wait=True)
        self._dead_letters.close()
        if self._worker_errors:
            raise self._worker_errors[0]
        if self._dead_letters.count:
            self._report.dead_letter_path = str(self._dead_letters.path)
        return self.progress()

    def _finished(self, future: Future[None]) -> None:
        self._slots.release()
        if (error := future.exception()) is not None:
            with self._lock:
                self._worker_errors.append(error)

    def _deliver(self, stream: str, batch: list[bytes]) -> None:
        """Send `batch`, resend what failed with backoff, dead-letter what is left at the bound."""
        destination = self.destinations[stream]
        started = time.perf_counter()
        pending = batch
        first_at = iso_now_ms()
        attempt = accepted = retried = throttled = dead_lettered = 0
        while pending:
            attempt += 1
            if attempt > 1:
                self._sleep(self._retry.delay_s(attempt - 1, self._rng))
                retried += len(pending)
                with self._lock:  # counted once the resend is really about to happen
                    self._report.stream(stream).retried += len(pending)
            last_at = iso_now_ms()
            failed, retryable = self.put(destination, pending)
            accepted += len(pending) - len(failed)
            throttled += sum(is_throttling(f.code) for f in failed)
            with self._lock:
                self._report.stream(stream).accepted += len(pending) - len(failed)
            if failed and (not retryable or attempt >= self._retry.max_attempts):
                self._dead_letter(stream, failed, attempt, first_at, last_at)
                dead_lettered = len(failed)
                break
            pending = [f.record for f in failed]
        if self._observer is not None:
            outcome = CallOutcome(
                stream=stream,
                records=len(batch),
                bytes=sum(map(len, batch)),
                accepted=accepted,
                dead_lettered=dead_lettered,
                retried=retried,
                throttled=throttled,
                attempts=attempt,
                seconds=time.perf_counter() - started,
            )
            self._observer.call_finished(outcome)

    def _dead_letter(
        self,
        stream: str,
        failed: list[Failed],
        attempts: int,
        first_at: str | None,
        last_at: str | None,
    ) -> None:
        if not failed:
            return
        self._dead_letters.write(
            [
                DeadLetter(
                    stream=stream,
                    delivery_stream=self.destinations[stream],
                    error_code=f.code,
                    error_message=f.message,
                    attempts=attempts,
                    first_attempt_at=first_at,
                    last_attempt_at=last_at,
                    data=f.record,
                )
                for f in failed
            ]
        )
        with self._lock:
            delivery = self._report.stream(stream)
            delivery.dead_lettered += len(failed)
            for f in failed:
                delivery.errors[f.code] = delivery.errors.get(f.code, 0) + 1


def _paced(limits: BatchLimits, rate_per_s: float) -> BatchLimits:
    if not rate_per_s:
        return limits
    # a batch holds at most a tenth of a second's records, so a rate limit stays smooth
    tenth = max(1, int(rate_per_s / 10))
    return BatchLimits(
        max_records=min(limits.max_records, tenth),
        max_bytes=limits.max_bytes,
        max_record_bytes=limits.max_record_bytes,
    )
