"""Check a transformation response against Firehose's contract and the handlers' documented one:
every recordId once and in order, a known result, base64 data holding one JSON line of the right
shape, partition keys on Ok records, nothing else, and a payload within Lambda's limit.
"""

from __future__ import annotations

import binascii
from collections import Counter
from dataclasses import dataclass
from typing import Any

import msgspec

from fleetctl.lambdas.events import TransformationBatch
from handlers.transformed import FailedRecord, TransformedClickstream, TransformedTelemetry

RESULTS = ("Ok", "Dropped", "ProcessingFailed")
_REQUIRED_KEYS = {"recordId", "result", "data"}
_ALLOWED_KEYS = {*_REQUIRED_KEYS, "metadata"}
_OK_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    "telemetry": msgspec.json.Decoder(TransformedTelemetry),
    "clickstream": msgspec.json.Decoder(TransformedClickstream),
}
_FAILED_DECODER = msgspec.json.Decoder(FailedRecord)
_PartitionKeys = msgspec.json.Decoder(dict[str, dict[str, str]])


@dataclass(frozen=True)
class Answer:
    """One response record, decoded: `data` is the bytes inside the base64, `reason` the error
    of a ProcessingFailed record.
    """

    record_id: str
    result: str
    data: bytes | None
    metadata: Any
    reason: str | None = None


@dataclass
class CheckedResponse:
    answers: list[Answer]
    violations: list[str]


def check_response(
    batch: TransformationBatch, payload: bytes, stream: str, limit_bytes: int
) -> CheckedResponse:
    """Decode `payload`, the answer to `batch`, noting every way it breaks the contract."""
    violations: list[str] = []
    where = f"batch {batch.number}"
    if len(payload) > limit_bytes:
        violations.append(
            f"{where}: response is {len(payload):,} bytes, over Lambda's {limit_bytes:,}-byte limit"
        )
    try:
        document = msgspec.json.decode(payload)
    except msgspec.DecodeError as e:
        return CheckedResponse([], [*violations, f"{where}: response is not JSON ({e})"])
    if not isinstance(document, dict) or not isinstance(document.get("records"), list):
        return CheckedResponse([], [*violations, f"{where}: response has no 'records' list"])
    if extra := sorted(set(document) - {"records"}):
        violations.append(f"{where}: response has keys besides 'records': {', '.join(extra)}")
    entries = document["records"]
    violations.extend(_record_id_violations(batch, entries))
    origins = dict(zip(batch.record_ids, batch.origins, strict=True))
    sent = dict(zip(batch.record_ids, batch.datas, strict=True))
    answers = []
    for position, entry in enumerate(entries):
        problems, answer = _check_entry(entry, stream, sent)
        if answer is not None:
            answers.append(answer)
        record_id = entry.get("recordId") if isinstance(entry, dict) else None
        label = f"{where} record {record_id}" if record_id else f"{where} answer {position}"
        if record_id in origins:
            label += f" ({origins[record_id]})"
        violations.extend(f"{label}: {problem}" for problem in problems)
    return CheckedResponse(answers, violations)


def _record_id_violations(batch: TransformationBatch, entries: list[Any]) -> list[str]:
    where = f"batch {batch.number}"
    answered = [e.get("recordId") for e in entries if isinstance(e, dict)]
    counts = Counter(answered)
    expected = set(batch.record_ids)
    violations = [
        f"{where}: recordId {rid} answered {n} times" for rid, n in counts.items() if n > 1
    ]
    violations += [
        f"{where}: recordId {rid!r} was not in the request" for rid in counts if rid not in expected
    ]
    missing = [rid for rid in batch.record_ids if rid not in counts]
    if missing:
        violations.append(f"{where}: {len(missing)} recordIds not answered, first {missing[0]}")
    if not violations and answered != batch.record_ids:
        pairs = zip(answered, batch.record_ids, strict=True)  # same ids, so same length
        first = next(i for i, (a, b) in enumerate(pairs) if a != b)
        violations.append(f"{where}: answers out of request order from position {first}")
    return violations


def _check_entry(entry: Any, stream: str, sent: dict[str, str]) -> tuple[list[str], Answer | None]:
    if not isinstance(entry, dict):
        return [f"answer is {type(entry).__name__}, not an object"], None
    problems = []
    if missing := sorted(_REQUIRED_KEYS - set(entry)):
        return [f"missing {', '.join(missing)}"], None
    if extra := sorted(set(entry) - _ALLOWED_KEYS):
        problems.append(f"unexpected keys {', '.join(extra)}")
    result, data_b64, metadata = entry["result"], entry["data"], entry.get("metadata")
    if result not in RESULTS:
        problems.append(f"result {result!r} is not one of {', '.join(RESULTS)}")
    try:
        data = binascii.a2b_base64(data_b64, strict_mode=True)
    except (binascii.Error, TypeError, ValueError):
        return [*problems, "data is not base64"], None
    reason = None
    if result == "Dropped":
        if data_b64 != sent.get(entry["recordId"]):
            problems.append("Dropped data differs from the data sent")
        if metadata is not None:
            problems.append("Dropped record carries metadata")
    elif result in ("Ok", "ProcessingFailed"):
        problems += _line_problems(data)
        if result == "Ok":
            problems += _decode_problems(_OK_DECODERS[stream], data)
            problems += _partition_key_problems(metadata)
        else:
            reason, failed_problems = _failed_document(data, entry["recordId"], stream, sent)
            problems += failed_problems
            if metadata is not None:
                problems.append("ProcessingFailed record carries metadata")
    return problems, Answer(entry["recordId"], result, data, metadata, reason)


def _line_problems(data: bytes) -> list[str]:
    if not data.endswith(b"\n"):
        return ["data is not newline-terminated"]
    if b"\n" in data[:-1]:
        return ["data holds more than one line"]
    return []


def _decode_problems(decoder: msgspec.json.Decoder[Any], data: bytes) -> list[str]:
    try:
        decoder.decode(data)
    except msgspec.DecodeError as e:
        return [f"data does not match the transformed-record shape: {e}"]
    return []


def _partition_key_problems(metadata: Any) -> list[str]:
    try:
        parsed = _PartitionKeys.decode(msgspec.json.encode(metadata))
    except msgspec.DecodeError:
        return ["metadata is not {'partitionKeys': {name: string}}"]
    if set(parsed) != {"partitionKeys"} or not parsed["partitionKeys"]:
        return ["metadata must hold exactly a non-empty 'partitionKeys'"]
    return []


def _failed_document(
    data: bytes, record_id: str, stream: str, sent: dict[str, str]
) -> tuple[str | None, list[str]]:
    try:
        document = _FAILED_DECODER.decode(data)
    except msgspec.DecodeError as e:
        return None, [f"ProcessingFailed data is not an error document: {e}"]
    problems = []
    if document.record_id != record_id or document.stream != stream:
        problems.append("error document names another record or stream")
    if document.raw_b64 != sent.get(record_id):
        problems.append("error document's raw_b64 differs from the data sent")
    return document.error, problems
