"""Cut records into PutRecordBatch-sized batches: Firehose limits met, order kept, nothing lost."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class BatchLimits:
    """Per-call limits of PutRecordBatch; sizes count record bytes before base64 encoding."""

    max_records: int = 500
    max_bytes: int = 4 * MIB
    max_record_bytes: int = 1000 * KIB

    def __post_init__(self) -> None:
        if self.max_records < 1 or self.max_record_bytes < 1:
            raise ValueError("batch limits must be positive")
        if self.max_record_bytes > self.max_bytes:
            raise ValueError("a record limit above the batch limit could never be met")

    def fits(self, record: bytes) -> bool:
        return len(record) <= self.max_record_bytes


FIREHOSE_LIMITS = BatchLimits()


def batches(
    records: Iterable[bytes], limits: BatchLimits = FIREHOSE_LIMITS
) -> Iterator[list[bytes]]:
    """Consecutive runs of `records` within `limits`; concatenated, they are `records` again.

    Every record must satisfy `limits.fits` (oversize records are the caller's to dead-letter):
    one that does not raises ValueError rather than produce a batch the service would refuse.
    """
    batch: list[bytes] = []
    batch_bytes = 0
    for record in records:
        if not limits.fits(record):
            raise ValueError(f"record of {len(record)} bytes exceeds {limits.max_record_bytes}")
        if batch and (
            len(batch) == limits.max_records or batch_bytes + len(record) > limits.max_bytes
        ):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(record)
        batch_bytes += len(record)
    if batch:
        yield batch
