"""Firehose data-transformation events built from records, in batches that fit Lambda's limits.

Firehose buffers records for the Lambda processor up to `BufferSizeInMBs` (1 MB by default, 0.2
to 3 MB) and invokes the function synchronously, where request and response are each at most
6 MB. The response is larger than the input (docs/DESIGN.md "Partition keys and size"), so a batch
closes when either the request or an upper bound of the response would pass the limit.
"""

from __future__ import annotations

import binascii
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from fleetctl.errors import InputError

# Lambda's synchronous invocation limit, for the request and for the response.
PAYLOAD_LIMIT_BYTES = 6_291_456
# Firehose refuses a record over 1,000 KiB before base64.
RECORD_MAX_BYTES = 1_024_000
BUFFER_MIN_MB, BUFFER_MAX_MB = 0.2, 3.0
# Upper bound of one answer's size: measured worst cases are 3.7x the input for a telemetry
# reading raising every alert and ~350 bytes for a one-byte ProcessingFailed record.
RESPONSE_BYTES_PER_DATA_BYTE = 4
RESPONSE_BYTES_PER_RECORD = 512
# Firehose record ids are 56-digit numbers; counting up from AWS's sample keeps them unique.
_RECORD_ID_BASE = 49546986683135544286507457936321625675700192471156785154


@dataclass(frozen=True)
class SourceRecord:
    """One record's bytes as a producer put them, and where they came from (`file:line`)."""

    data: bytes
    origin: str


@dataclass(frozen=True)
class BatchLimits:
    max_records: int = 500
    buffer_mb: float = 1.0
    payload_limit_bytes: int = PAYLOAD_LIMIT_BYTES

    def __post_init__(self) -> None:
        if self.max_records < 1:
            raise InputError(f"--batch-records must be >= 1, got {self.max_records}")
        if not BUFFER_MIN_MB <= self.buffer_mb <= BUFFER_MAX_MB:
            raise InputError(
                f"--buffer-mb must be within {BUFFER_MIN_MB}..{BUFFER_MAX_MB} "
                f"(Firehose's range for the Lambda processor), got {self.buffer_mb}"
            )

    @property
    def buffer_bytes(self) -> int:
        return int(self.buffer_mb * 1_000_000)


@dataclass(frozen=True)
class DeliveryStream:
    """What the event says about where the records came from."""

    name: str
    region: str
    account_id: str

    @property
    def arn(self) -> str:
        return f"arn:aws:firehose:{self.region}:{self.account_id}:deliverystream/{self.name}"


@dataclass
class TransformationBatch:
    """One invocation's event, its JSON payload, and the origin of each of its records."""

    number: int
    payload: bytes
    record_ids: list[str]
    datas: list[str]
    origins: list[str]
    data_bytes: int
    response_bound_bytes: int

    @property
    def records(self) -> int:
        return len(self.record_ids)


@dataclass
class _Pending:
    entries: list[bytes] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    datas: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    request_bytes: int = 0
    data_bytes: int = 0
    response_bound_bytes: int = len(b'{"records": []}')


def firehose_batches(
    records: Iterable[SourceRecord], stream: DeliveryStream, limits: BatchLimits
) -> Iterator[TransformationBatch]:
    """Group `records` into transformation events as Firehose would, numbering record ids on
    across batches so each is unique in the run.
    """
    envelope = _envelope_bytes(stream)
    pending = _Pending(request_bytes=envelope)
    number = 0
    arrival_ms = int(time.time() * 1000)
    for sequence, record in enumerate(records):
        size = len(record.data)
        if size > RECORD_MAX_BYTES:
            raise InputError(
                f"{record.origin}: record is {size:,} bytes, over Firehose's "
                f"{RECORD_MAX_BYTES:,}-byte record limit"
            )
        record_id = str(_RECORD_ID_BASE + sequence)
        data = binascii.b2a_base64(record.data, newline=False).decode("ascii")
        entry = orjson.dumps(
            {"recordId": record_id, "approximateArrivalTimestamp": arrival_ms, "data": data}
        )
        bound = RESPONSE_BYTES_PER_DATA_BYTE * size + RESPONSE_BYTES_PER_RECORD
        if pending.record_ids and not _fits(pending, limits, size, len(entry) + 1, bound):
            number += 1
            yield _close(pending, stream, number)
            pending = _Pending(request_bytes=envelope)
            arrival_ms = int(time.time() * 1000)
        pending.entries.append(entry)
        pending.record_ids.append(record_id)
        pending.datas.append(data)
        pending.origins.append(record.origin)
        pending.request_bytes += len(entry) + (1 if len(pending.entries) > 1 else 0)
        pending.data_bytes += size
        pending.response_bound_bytes += bound
    if pending.record_ids:
        yield _close(pending, stream, number + 1)


def _fits(pending: _Pending, limits: BatchLimits, size: int, entry: int, bound: int) -> bool:
    return (
        len(pending.record_ids) < limits.max_records
        and pending.data_bytes + size <= limits.buffer_bytes
        and pending.request_bytes + entry <= limits.payload_limit_bytes
        and pending.response_bound_bytes + bound <= limits.payload_limit_bytes
    )


def _envelope(stream: DeliveryStream) -> dict[str, Any]:
    return {
        "invocationId": str(uuid.uuid4()),
        "deliveryStreamArn": stream.arn,
        "region": stream.region,
        "records": [],
    }


def _envelope_bytes(stream: DeliveryStream) -> int:
    return len(orjson.dumps(_envelope(stream)))


def _close(pending: _Pending, stream: DeliveryStream, number: int) -> TransformationBatch:
    # The records are spliced in as already-encoded JSON rather than encoded a second time.
    head = orjson.dumps(_envelope(stream))[: -len(b"[]}")]
    payload = b"".join((head, b"[", b",".join(pending.entries), b"]}"))
    return TransformationBatch(
        number=number,
        payload=payload,
        record_ids=pending.record_ids,
        datas=pending.datas,
        origins=pending.origins,
        data_bytes=pending.data_bytes,
        response_bound_bytes=pending.response_bound_bytes,
    )
