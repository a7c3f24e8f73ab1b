"""The batcher never builds a PutRecordBatch call the service would refuse, and loses nothing."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetctl.batching import FIREHOSE_LIMITS, MIB, BatchLimits, batches

small_limits = st.builds(
    BatchLimits,
    max_records=st.integers(1, 20),
    max_bytes=st.integers(64, 400),
    max_record_bytes=st.integers(1, 64),
)


@given(data=st.data(), limits=small_limits)
def test_batches_respect_limits_keep_order_and_lose_nothing(
    data: st.DataObject, limits: BatchLimits
) -> None:
    records = data.draw(
        st.lists(st.binary(min_size=0, max_size=limits.max_record_bytes), max_size=120)
    )
    result = list(batches(records, limits))
    assert [r for batch in result for r in batch] == records
    for batch in result:
        assert 1 <= len(batch) <= limits.max_records
        assert sum(map(len, batch)) <= limits.max_bytes


@given(data=st.data(), limits=small_limits)
def test_a_batch_is_only_cut_when_the_next_record_would_break_a_limit(
    data: st.DataObject, limits: BatchLimits
) -> None:
    records = data.draw(
        st.lists(st.binary(min_size=1, max_size=limits.max_record_bytes), max_size=120)
    )
    result = list(batches(records, limits))
    for batch, following in itertools.pairwise(result):
        would_be = sum(map(len, batch)) + len(following[0])
        assert len(batch) == limits.max_records or would_be > limits.max_bytes


def test_service_limits_cut_by_count_and_by_bytes() -> None:
    by_count = list(batches([b"x\n"] * 1001))
    assert [len(b) for b in by_count] == [500, 500, 1]
    record = b"y" * (1000 * 1024)  # the largest record Firehose takes
    by_bytes = list(batches([record] * 9))
    assert [len(b) for b in by_bytes] == [4, 4, 1]
    assert all(sum(map(len, b)) <= 4 * MIB for b in by_bytes)


def test_an_oversize_record_is_refused_not_sent() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        list(batches([b"z" * (FIREHOSE_LIMITS.max_record_bytes + 1)]))
