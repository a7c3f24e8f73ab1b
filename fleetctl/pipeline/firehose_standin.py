"""One Firehose delivery stream, in-process: records buffer to the Lambda processor's hints, each
full buffer becomes one transformation event run by the stream's function the way Lambda runs it,
the answer is checked against the contract, and every record goes where Firehose would send it.

| answer | goes to |
| --- | --- |
| Ok | the destination buffer, then the store |
| Dropped | counted only (a repeat within the event) |
| ProcessingFailed | the store's rejected records and the dead letters (`ProcessingFailed`) |
| Ok, ProcessingFailed, when the store refuses them | the dead letters (`Store.Load*Failed`) |
| the function raised, after `lambda_retries` retries | the dead letters (`Lambda.FunctionError`) |
| an answer that breaks the contract | the dead letters (`Lambda.InvalidResponse`) |
| a record over 1,000 KiB, refused at the put | the dead letters (`RecordTooLarge`), not accepted |
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import orjson

from fleetctl.config import Settings
from fleetctl.core import RejectedRecord
from fleetctl.deadletters import iso_now_ms
from fleetctl.errors import ConfigError, InvocationError
from fleetctl.lambdas.contract_check import Answer, check_response
from fleetctl.lambdas.events import (
    BUFFER_MAX_MB,
    BUFFER_MIN_MB,
    PAYLOAD_LIMIT_BYTES,
    RECORD_MAX_BYTES,
    BatchLimits,
    DeliveryStream,
    SourceRecord,
    TransformationBatch,
    firehose_batches,
)
from fleetctl.lambdas.invoker import Invoker
from fleetctl.pipeline.accounting import Failure, StreamLedger
from fleetctl.pipeline.buffering import Buffer, BufferHints, Clock
from fleetctl.pipeline.destination import Destination

SECTION = "sinks.local"
FUNCTION_ERROR = "Lambda.FunctionError"
INVALID_RESPONSE = "Lambda.InvalidResponse"
RECORD_TOO_LARGE = "RecordTooLarge"  # as the Firehose sink calls it
# Firehose bounds an invocation by bytes, not by records; the 6 MB payload bounds still apply
RECORDS_PER_INVOCATION = 1_000_000


class ProcessorHints(msgspec.Struct, kw_only=True):
    """Firehose's Lambda processor hints of one stream: an invocation carries at most
    `buffer_mb` of records, and records wait at most `buffer_interval_s` for one."""

    buffer_mb: float
    buffer_interval_s: float


class PipelineOptions(msgspec.Struct, kw_only=True):
    """`sinks.local.*`: the local pipeline's settings, decoded once."""

    lambda_retries: int  # Firehose's NumberOfRetries after a failed invocation
    destination_buffer_mb: float
    destination_buffer_interval_s: float
    clickstream: ProcessorHints
    telemetry: ProcessorHints

    @classmethod
    def from_settings(cls, settings: Settings) -> PipelineOptions:
        options = settings.options(SECTION, cls)
        if options.lambda_retries < 0:
            raise ConfigError(
                f"{SECTION}.lambda_retries must be >= 0, got {options.lambda_retries}"
            )
        return options


@dataclass(frozen=True)
class StandInOptions:
    stream: str
    function_name: str
    delivery_stream: DeliveryStream
    processor: BufferHints  # Firehose's BufferSizeInMBs / BufferIntervalInSeconds for the Lambda
    lambda_retries: int = 3  # Firehose's NumberOfRetries: invocations after a failed one

    @classmethod
    def from_settings(
        cls, settings: Settings, stream: str, options: PipelineOptions | None = None
    ) -> StandInOptions:
        """The stand-in of `stream`; `options`: the pipeline's, when already decoded."""
        options = options or PipelineOptions.from_settings(settings)
        hints: ProcessorHints = getattr(options, stream)
        key = f"{SECTION}.{stream}.buffer"
        return cls(
            stream=stream,
            function_name=str(settings.get(f"lambda.stream_functions.{stream}")),
            delivery_stream=DeliveryStream(
                name=str(settings.get(f"streams.{stream}")),
                region=str(settings.get("lambda.region")),
                account_id=str(settings.get("lambda.account_id")),
            ),
            processor=BufferHints.from_settings(
                hints.buffer_mb, hints.buffer_interval_s, key, (BUFFER_MIN_MB, BUFFER_MAX_MB)
            ),
            lambda_retries=options.lambda_retries,
        )


class FirehoseStandIn:
    def __init__(
        self,
        options: StandInOptions,
        invoker: Invoker,
        destination: Destination,
        ledger: StreamLedger,
        clock: Clock,
    ) -> None:
        self.options = options
        self._invoker = invoker
        self._destination = destination
        self._ledger = ledger
        self._buffer: Buffer[bytes] = Buffer(options.processor, clock)
        self._limits = BatchLimits(
            max_records=RECORDS_PER_INVOCATION, buffer_mb=options.processor.size_mb
        )
        self._received = 0  # records put so far, to name one in a contract violation

    def put(self, records: Sequence[bytes]) -> None:
        """Take records in as PutRecordBatch would; a full buffer is transformed at once."""
        sendable = [r for r in records if len(r) <= RECORD_MAX_BYTES]
        if len(sendable) < len(records):
            self._refuse([r for r in records if len(r) > RECORD_MAX_BYTES])
        self._ledger.add(accepted=len(sendable))
        for record in sendable:
            if self._buffer.would_overflow(len(record)):
                self._transform(self._buffer.take())
            self._buffer.add(record, len(record))
            if self._buffer.full:
                self._transform(self._buffer.take())

    def poll(self) -> None:
        """Deliver the buffers whose interval hint has passed."""
        if self._buffer.expired:
            self._transform(self._buffer.take())
        if self._destination.due:
            self._destination.load()

    def flush(self) -> None:
        self._transform(self._buffer.take())
        self._destination.load()

    def _refuse(self, records: list[bytes]) -> None:
        limit = f"{RECORD_MAX_BYTES:,}-byte limit"
        failures = [
            Failure(
                r,
                RECORD_TOO_LARGE,
                f"record of {len(r):,} bytes is over the {limit}",
                0,
                None,
                None,
            )
            for r in records
        ]
        self._ledger.keep(failures, undelivered=True)

    def _transform(self, records: list[bytes]) -> None:
        first = self._received
        self._received += len(records)
        sources = (
            SourceRecord(data, f"{self.options.stream} record {first + n + 1}")
            for n, data in enumerate(records)
        )
        for batch in firehose_batches(sources, self.options.delivery_stream, self._limits):
            self._invoke(batch)

    def _invoke(self, batch: TransformationBatch) -> None:
        """Run the function on one event, as many times as Firehose would, and route its answer."""
        first_at = iso_now_ms()
        attempts = 0
        while True:
            attempts += 1
            last_at = iso_now_ms()
            try:
                payload = self._invoker.invoke(self.options.function_name, batch.payload)
                break
            except InvocationError as e:
                if attempts > self.options.lambda_retries:
                    self._fail(batch, FUNCTION_ERROR, str(e), attempts, first_at, last_at)
                    return
                self._ledger.add(retried=batch.records)
        checked = check_response(batch, payload, self.options.stream, PAYLOAD_LIMIT_BYTES)
        if checked.violations:
            count = len(checked.violations)
            message = f"{checked.violations[0]} ({count} contract violation{'s' * (count > 1)})"
            self._fail(batch, INVALID_RESPONSE, message, attempts, first_at, last_at)
            return
        self._route(batch, checked.answers, attempts, first_at, last_at)

    def _route(
        self,
        batch: TransformationBatch,
        answers: list[Answer],
        attempts: int,
        first_at: str,
        last_at: str,
    ) -> None:
        # a checked answer holds every recordId once, in request order
        ok: list[tuple[bytes, str]] = []
        rejected: list[RejectedRecord] = []
        dropped = 0
        for data_b64, answer in zip(batch.datas, answers, strict=True):
            if answer.result == "Ok":
                ok.append((answer.data or b"", data_b64))
            elif answer.result == "Dropped":
                dropped += 1
            else:
                raw = binascii.a2b_base64(data_b64)
                reason = answer.reason or "ProcessingFailed"
                rejected.append(RejectedRecord(self.options.stream, reason, raw, _event_id(raw)))
        self._ledger.add(transformed_ok=len(ok), dropped=dropped, processing_failed=len(rejected))
        for data, data_b64 in ok:
            self._destination.add(orjson.loads(data), len(data), data_b64)
        if rejected:
            self._destination.reject(rejected, attempts, first_at, last_at)

    def _fail(
        self,
        batch: TransformationBatch,
        code: str,
        message: str,
        attempts: int,
        first_at: str,
        last_at: str,
    ) -> None:
        failures = [
            Failure(binascii.a2b_base64(d), code, message, attempts, first_at, last_at)
            for d in batch.datas
        ]
        self._ledger.keep(failures, undelivered=True)


def _event_id(raw: bytes) -> str | None:
    """The event_id of a refused record, when it has one that reads as a string."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    event_id = document.get("event_id") if isinstance(document, dict) else None
    return event_id if isinstance(event_id, str) else None
