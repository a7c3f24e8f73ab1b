"""Firehose sink: PutRecordBatch within the service limits, several calls in flight, failed records
resent with backoff and jitter, and whatever still fails written to a dead-letter file.

Whole-call failures (throttling, 5xx, connection errors) and per-record failures (`FailedPutCount`)
share one bounded loop, so every count is exact: botocore's own retries are switched off because
they report no attempt count for connection errors and their retry quota can stop them early.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from fleetctl import aws
from fleetctl.batching import FIREHOSE_LIMITS, BatchLimits, batches
from fleetctl.config import Settings
from fleetctl.core import STREAMS, SinkReport
from fleetctl.deadletters import DeadLetter, DeadLetterFile, iso_now_ms
from fleetctl.errors import InputError
from fleetctl.pacing import RateLimiter
from fleetctl.retries import RetryOptions, RetryPolicy, classify, is_throttling
from fleetctl.sinks.base import CallObserver, CallOutcome

SECTION = "sinks.firehose"
OVERSIZE_CODE = "RecordTooLarge"  # ours: Firehose refuses records over 1,000 KiB outright


class FirehoseSettings(RetryOptions, kw_only=True):
    """`sinks.firehose.*`, decoded once."""

    concurrency: int
    rate: float
    connect_timeout_s: float
    read_timeout_s: float


@dataclass(frozen=True)
class FirehoseOptions:
    delivery_streams: Mapping[str, str]  # logical stream -> Firehose delivery stream name
    dead_letter_dir: Path
    concurrency: int = 4
    rate_per_s: float = 0.0  # 0: as fast as the endpoint takes them
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise InputError(f"--concurrency must be >= 1, got {self.concurrency}")
        if self.rate_per_s < 0:
            raise InputError(f"--rate must be >= 0, got {self.rate_per_s}")

    @property
    def limits(self) -> BatchLimits:
        if not self.rate_per_s:
            return FIREHOSE_LIMITS
        # a batch holds at most a tenth of a second's records, so a rate limit stays smooth
        tenth = max(1, int(self.rate_per_s / 10))
        return BatchLimits(max_records=min(FIREHOSE_LIMITS.max_records, tenth))

    @classmethod
    def from_settings(cls, settings: Settings, section: FirehoseSettings) -> FirehoseOptions:
        return cls(
            delivery_streams={stream: str(settings.get(f"streams.{stream}")) for stream in STREAMS},
            dead_letter_dir=settings.home / "dead-letters",
            concurrency=section.concurrency,
            rate_per_s=section.rate,
            retry=section.retry_policy(SECTION),
        )


class Failed(NamedTuple):
    record: bytes
    code: str
    message: str


class FirehoseSink:
    """Thread-safe counts; `send` blocks once 2 x concurrency batches are waiting or in flight."""

    name = "firehose"

    def __init__(
        self,
        client: Any,
        options: FirehoseOptions,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options
        self._client = client
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._limits = options.limits
        self._limiter = RateLimiter(options.rate_per_s) if options.rate_per_s else None
        self._pool = ThreadPoolExecutor(options.concurrency, thread_name_prefix="firehose")
        self._slots = threading.BoundedSemaphore(2 * options.concurrency)
        self._lock = threading.Lock()
        self._report = SinkReport(sink=self.name)
        self._dead_letters = DeadLetterFile(options.dead_letter_dir, self.name)
        self._worker_errors: list[BaseException] = []
        self._observer: CallObserver | None = None

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
        delivery_stream = self.options.delivery_streams[stream]
        retry = self.options.retry
        started = time.perf_counter()
        pending = batch
        first_at = iso_now_ms()
        attempt = accepted = retried = throttled = dead_lettered = 0
        while pending:
            attempt += 1
            if attempt > 1:
                self._sleep(retry.delay_s(attempt - 1, self._rng))
                retried += len(pending)
                with self._lock:  # counted once the resend is really about to happen
                    self._report.stream(stream).retried += len(pending)
            last_at = iso_now_ms()
            failed, retryable = self._put(delivery_stream, pending)
            accepted += len(pending) - len(failed)
            throttled += sum(is_throttling(f.code) for f in failed)
            with self._lock:
                self._report.stream(stream).accepted += len(pending) - len(failed)
            if failed and (not retryable or attempt >= retry.max_attempts):
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

    def _put(self, delivery_stream: str, records: list[bytes]) -> tuple[list[Failed], bool]:
        """One PutRecordBatch call: the records that failed, and whether resending them may help."""
        try:
            response = self._client.put_record_batch(
                DeliveryStreamName=delivery_stream, Records=[{"Data": r} for r in records]
            )
        except Exception as error:
            if (failure := classify(error)) is None:
                raise
            return [Failed(r, failure.code, failure.message) for r in records], failure.retryable
        if response.get("FailedPutCount", 0) == 0:
            return [], True
        entries = response.get("RequestResponses", [])
        if len(entries) != len(records):
            # cannot tell which records landed: resend all (at least once beats lost)
            message = f"{len(entries)} responses for {len(records)} records"
            return [Failed(r, "MalformedResponse", message) for r in records], True
        # failed entries sit at the position of the request's record (AWS PutRecordBatch docs)
        return [
            Failed(record, entry["ErrorCode"], entry.get("ErrorMessage", ""))
            for record, entry in zip(records, entries, strict=True)
            if entry.get("ErrorCode")
        ], True

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
                    delivery_stream=self.options.delivery_streams[stream],
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


def open_sink(settings: Settings) -> FirehoseSink:
    """A sink on the standard AWS configuration chain: profiles, AWS_REGION, AWS_ENDPOINT_URL..."""
    from botocore.config import Config

    section = settings.options(SECTION, FirehoseSettings)
    options = FirehoseOptions.from_settings(settings, section)
    config = Config(
        # one attempt per call: the sink's own loop retries, and counts every resend
        retries={"mode": "standard", "total_max_attempts": 1},
        max_pool_connections=options.concurrency,
        connect_timeout=section.connect_timeout_s,
        read_timeout=section.read_timeout_s,
    )
    return FirehoseSink(aws.client("firehose", config, require_credentials=True), options)
