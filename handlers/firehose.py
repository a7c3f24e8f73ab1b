"""Firehose transformation plumbing: decode each record, drop repeats, enrich the batch, and
answer every recordId exactly once with Ok, Dropped or ProcessingFailed.
"""

from __future__ import annotations

import binascii
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, NotRequired, Protocol, TypedDict, TypeVar

import msgspec

from handlers.transformed import FailedRecord

logger = logging.getLogger(__name__)

Result = Literal["Ok", "Dropped", "ProcessingFailed"]


class FirehoseRecord(TypedDict):
    recordId: str
    approximateArrivalTimestamp: int
    data: str
    kinesisRecordMetadata: NotRequired[dict[str, Any]]


class FirehoseEvent(TypedDict):
    invocationId: str
    deliveryStreamArn: str
    region: str
    records: list[FirehoseRecord]
    sourceKinesisStreamArn: NotRequired[str]


class PartitionMetadata(TypedDict):
    partitionKeys: dict[str, str]


class ResponseRecord(TypedDict):
    recordId: str
    result: Result
    data: str
    metadata: NotRequired[PartitionMetadata]


class FirehoseResponse(TypedDict):
    records: list[ResponseRecord]


class ContractRecord(Protocol):
    @property
    def event_id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=ContractRecord)
D = TypeVar("D")


@dataclass(frozen=True)
class StreamSpec(Generic[R, D]):
    """What distinguishes one stream's handler: its contract, enrichment and partition keys."""

    name: str
    record_type: type[R]
    enrich: Callable[[Sequence[R]], list[D]]
    partition_keys: Callable[[R], dict[str, str]]
    decoder: msgspec.json.Decoder[R] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decoder", msgspec.json.Decoder(self.record_type))


_encoder = msgspec.json.Encoder()
_encode_into = _encoder.encode_into


def transform(event: FirehoseEvent, spec: StreamSpec[R, D]) -> FirehoseResponse:
    """Answer a Firehose transformation event; never raises for anything inside a record's data.

    The first valid occurrence of an event_id is kept and later ones are Dropped, so counts in
    the enrichment see each event once. Every record with a recordId is answered; one without
    cannot be, so it is logged and left out. An event with nothing to answer raises ValueError
    (a function error: Firehose retries the invocation, then fails its records).
    """
    records = _event_records(event)
    results: list[ResponseRecord | None] = [None] * len(records)
    record_ids: list[str | None] = [_record_id(record) for record in records]
    kept: list[R] = []
    kept_positions: list[int] = []
    seen_event_ids: set[int] = set()  # UUIDs as their 128-bit ints: hashed in C, not Python
    decode = spec.decoder.decode
    for position, record in enumerate(records):
        record_id = record_ids[position]
        if record_id is None:
            continue
        data = record.get("data")
        try:
            decoded = decode(binascii.a2b_base64(data, strict_mode=True))
        except (ValueError, TypeError, msgspec.DecodeError) as exc:
            results[position] = _failed(record_id, data, spec.name, _failure_reason(exc))
            continue
        event_id = decoded.event_id.int
        if event_id in seen_event_ids:
            results[position] = {"recordId": record_id, "result": "Dropped", "data": data}
            continue
        seen_event_ids.add(event_id)
        kept.append(decoded)
        kept_positions.append(position)
    partition_keys = spec.partition_keys
    line = bytearray()
    for position, decoded, derived in zip(kept_positions, kept, spec.enrich(kept), strict=True):
        _encode_transformed(decoded, derived, line)
        results[position] = {
            "recordId": record_ids[position],  # type: ignore[typeddict-item]  # kept ones have one
            "result": "Ok",
            "data": _b64(line),
            "metadata": {"partitionKeys": partition_keys(decoded)},
        }
    unanswerable = record_ids.count(None)
    if unanswerable:
        if unanswerable == len(records):
            raise ValueError(
                f"Firehose event has no usable records: none of its {len(records)} records "
                "is an object with a recordId string"
            )
        logger.warning("%s records without a recordId string cannot be answered", unanswerable)
        return {"records": [answer for answer in results if answer is not None]}
    return {"records": results}  # type: ignore[typeddict-item]  # every slot is filled above


def _event_records(event: object) -> list[Any]:
    """The event's `records` list, or ValueError naming what is missing instead."""
    if not isinstance(event, dict):
        raise ValueError(f"Firehose event is {_kind(event)}, expected an object with `records`")
    if "records" not in event:
        raise ValueError("Firehose event has no `records`")
    records = event["records"]
    if not isinstance(records, list):
        raise ValueError(f"Firehose event `records` is {_kind(records)}, expected a list")
    return records


def _record_id(record: object) -> str | None:
    if isinstance(record, dict):
        record_id = record.get("recordId")
        if isinstance(record_id, str) and record_id:
            return record_id
    return None


def _kind(value: object) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


def _encode_transformed(record: msgspec.Struct, derived: msgspec.Struct, line: bytearray) -> None:
    """The contract fields of `record` in contract order, then `derived`, as one JSON line in
    `line` (reused: encoding into one buffer spares a dict and two copies per record)."""
    _encode_into(record, line)
    line[-1:] = b',"derived":'  # the record's closing brace; contract records have fields
    _encode_into(derived, line, -1)
    line += b"}\n"


def _failure_reason(exc: Exception) -> str:
    """One line saying why a record was rejected; msgspec's own text names the field path."""
    if isinstance(exc, msgspec.ValidationError):
        reason = str(exc)
    elif isinstance(exc, msgspec.DecodeError):
        reason = f"Invalid JSON: {exc}"
    elif isinstance(exc, TypeError):
        reason = "Record data is not a base64 string"
    else:
        reason = f"Invalid base64 in record data: {exc}"
    # Field names quoted in the message come from the record and may hold line breaks.
    return reason.replace("\r", "\\r").replace("\n", "\\n")


def _failed(record_id: str, data: object, stream: str, reason: str) -> ResponseRecord:
    # Firehose itself writes the original bytes and a generic message to its processing-failed
    # prefix, so the reason also goes to the function's log (CloudWatch) where operators look.
    logger.warning("ProcessingFailed %s record %s: %s", stream, record_id, reason)
    raw_b64 = data if isinstance(data, str) else ""
    document = FailedRecord(error=reason, stream=stream, record_id=record_id, raw_b64=raw_b64)
    return {
        "recordId": record_id,
        "result": "ProcessingFailed",
        "data": _b64(_encoder.encode(document) + b"\n"),
    }


def _b64(payload: bytes | bytearray) -> str:
    return binascii.b2a_base64(payload, newline=False).decode("ascii")
