"""Unprocessed items and keys are resent until they land, through a proxy in front of moto that
answers part of every batch call as DynamoDB does under throttling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fleetctl.errors import StoreError
from fleetctl.scd2.rules import versions
from tests import dynamodb_tables as db
from tests.scd2_events import as_event
from tests.servers.dynamodb_proxy import DynamoProxy, Faults
from tests.warehouse_records import telemetry

pytestmark = pytest.mark.integration


@pytest.fixture
def through(dynamodb_env: str, moto_url: str, aws_env: pytest.MonkeyPatch):
    """Start a proxy with the given faults and point the store at it (the tables exist)."""
    proxies: list[DynamoProxy] = []

    def start(faults: Faults) -> DynamoProxy:
        proxy = DynamoProxy(moto_url, faults).__enter__()
        proxies.append(proxy)
        aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.url)
        return proxy

    yield start
    for proxy in proxies:
        proxy.__exit__(None, None, None)


def put_counts(proxy: DynamoProxy) -> Iterator[int]:
    return iter(proxy.forwarded_puts.values())


def test_unprocessed_items_and_keys_are_resent_until_every_item_lands(
    through, moto_url: str
) -> None:
    proxy = through(Faults(unprocessed_share=0.4, seed=5))
    records = [telemetry(n) for n in range(120)]
    with db.opened() as store:
        result = store.load("telemetry", records)

    assert result.inserted == 120
    stored = db.stored_records(db.names().telemetry)
    assert stored == sorted(records, key=lambda r: r["event_id"])
    assert proxy.held_back > 60  # the faults really happened...
    assert store.calls.retried == proxy.held_back  # ...and each held-back item was resent once
    assert set(put_counts(proxy)) == {1}  # no item was written twice


def test_concurrent_batch_calls_count_every_resend_exactly(
    through, aws_env: pytest.MonkeyPatch
) -> None:
    # clicks only: moto is not safe with concurrent transactions, the dimension's
    aws_env.setenv("FLEETCTL_DYNAMODB_CONCURRENCY", "6")
    proxy = through(Faults(unprocessed_share=0.4, seed=8))
    clicks = db.transformed_clicks(seed=6, minutes=20)
    with db.opened() as store:
        result = store.load("clickstream", clicks)

    assert result.inserted == len(clicks) > 300
    assert db.stored_records(db.names().clickstream) == sorted(clicks, key=lambda r: r["event_id"])
    assert proxy.held_back > 100
    assert store.calls.retried == proxy.held_back
    assert set(put_counts(proxy)) == {1}


def test_a_call_processing_nothing_is_throttling_and_is_resent(through) -> None:
    proxy = through(Faults(unprocessed_share=1.0))  # every call: ProvisionedThroughputExceeded
    with db.opened() as store, pytest.raises(StoreError) as raised:
        store.load("telemetry", [telemetry(n) for n in range(30)])
    assert str(raised.value) == (
        f"DynamoDB BatchGetItem on {db.names().telemetry}: 30 keys still not processed after "
        "8 attempts (ProvisionedThroughputExceededException); the load stopped there and can be "
        "run again (loads are idempotent)"
    )
    assert proxy.throttled_calls == proxy.calls["BatchGetItem"] == 8
    assert store.calls.retried == 7 * 30


def test_items_never_processed_end_in_a_clear_error_and_stop_the_load(
    through, aws_env: pytest.MonkeyPatch
) -> None:
    aws_env.setenv("FLEETCTL_DYNAMODB_CONCURRENCY", "1")  # one call at a time: a known stop
    records = [telemetry(n) for n in range(40)]
    stuck = {records[3]["event_id"], records[17]["event_id"]}
    proxy = through(Faults(never=lambda item: item.get("event_id", {}).get("S") in stuck))
    with db.opened() as store, pytest.raises(StoreError) as raised:
        store.load("telemetry", records)

    assert str(raised.value) == (
        f"DynamoDB BatchWriteItem on {db.names().telemetry}: 2 items still not processed after "
        "8 attempts (ProvisionedThroughputExceededException); the load stopped there and can be "
        "run again (loads are idempotent)"
    )  # the first call returned them unprocessed; alone, they made the next calls throttled
    assert proxy.throttled_calls == 7
    # the rest of their call landed; the load stopped before the next 25
    landed = {r["event_id"] for r in db.stored_records(db.names().telemetry)}
    assert landed == {r["event_id"] for r in records[:25]} - stuck
    # the BatchGetItem keys carry event_key, not event_id: only the two items were held back
    assert proxy.held_back == 2 * 8
    assert store.calls.retried == 2 * 7


def test_a_second_load_after_the_fault_completes_the_first(through, moto_url, aws_env) -> None:
    aws_env.setenv("FLEETCTL_DYNAMODB_CONCURRENCY", "1")
    records = [telemetry(n) for n in range(40)]
    stuck = {records[3]["event_id"]}
    through(Faults(never=lambda item: item.get("event_id", {}).get("S") in stuck))
    with pytest.raises(StoreError):
        db.load("telemetry", records)
    aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_url)

    result = db.load("telemetry", records)
    # the stuck item, and the 15 the first load never reached
    assert (result.inserted, result.skipped_duplicates) == (16, 24)
    assert db.stored_records(db.names().telemetry) == sorted(records, key=lambda r: r["event_id"])
    assert db.dimension(db.names().dim_truck) == versions(as_event(r) for r in records)
