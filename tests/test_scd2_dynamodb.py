"""The SCD2 truck dimension in DynamoDB (moto server) equals the rule over every event loaded,
whatever the batches, their order, repeats, ties and concurrent writers."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetctl.config import load_settings
from fleetctl.dynamodb.calls import Calls, serialize
from fleetctl.dynamodb.items import event_item
from fleetctl.dynamodb.store import DynamoOptions, DynamoStore
from fleetctl.errors import StoreError
from fleetctl.scd2.rules import Event, row_hash, surrogate_key, versions
from tests import dynamodb_tables as db
from tests.scd2_events import as_event
from tests.servers.dynamodb_proxy import DynamoProxy

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 27, 8, 0)


def reading(
    event_id: str, minute: int, driver: str | None, truck: str = "TRK-1", brake: str = "OK"
) -> dict[str, Any]:
    """A reading with the fields the dimension tracks (the store needs no others)."""
    return {
        "event_id": event_id,
        "truck_id": truck,
        "event_ts": (T0 + timedelta(minutes=minute)).strftime(db.FORMAT),
        "driver_id": driver,
        "depot_id": "DEP-1",
        "health": {"brake_status": brake, "transmission_status": "OK"},
    }


def spans(truck: str = "TRK-1") -> list[tuple[str | None, int, int | None]]:
    def minute(moment: datetime | None) -> int | None:
        return None if moment is None else int((moment - T0).total_seconds() // 60)

    return [
        (v.values[0], minute(v.effective_from), minute(v.effective_to))
        for v in db.dimension(db.names().dim_truck)
        if v.truck_id == truck
    ]


def expected(loaded: list[dict[str, Any]]) -> list:
    return versions(as_event(r) for r in loaded)


def load(*records: dict[str, Any]) -> int:
    """Load `records` in one call; the dimension items written."""
    return db.load("telemetry", list(records)).enriched[db.names().dim_truck]


@pytest.fixture
def proxy(dynamodb_env: str, moto_url: str, aws_env: pytest.MonkeyPatch):
    with DynamoProxy(moto_url) as started:
        aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", started.url)
        yield started


def test_an_event_in_order_closes_the_current_version_and_puts_the_next_atomically(
    proxy: DynamoProxy,
) -> None:
    load(reading("1", 0, "A"), reading("2", 1, "A"), reading("3", 2, "A"))
    load(reading("4", 3, "B"))

    assert spans() == [("A", 0, 3), ("B", 3, None)]
    close, put, check = proxy.transactions[-1]
    assert close["Update"]["Key"]["effective_from"] == {"S": "2026-11-27T08:00:00Z"}
    assert close["Update"]["ConditionExpression"].endswith("#is_current = :true")
    assert close["Update"]["UpdateExpression"].startswith("SET #effective_to = :to")
    assert put["Put"]["ConditionExpression"] == "attribute_not_exists(#truck_id)"
    assert put["Put"]["Item"]["effective_from"] == {"S": "2026-11-27T08:03:00Z"}
    assert check["ConditionCheck"]["ConditionExpression"] == "#revision = :revision"


def test_version_items_carry_keys_hashes_and_flags(dynamodb_env: str) -> None:
    load(reading("1", 0, "A"), reading("2", 4, None))
    items = sorted(db.scan(db.names().dim_truck), key=lambda i: i["effective_from"])
    first_values = ("A", "DEP-1", "OK", "OK")
    assert items[0] | {"updated_at": "-"} == {
        "truck_id": "TRK-1",
        "effective_from": "2026-11-27T08:00:00Z",
        "effective_to": "2026-11-27T08:04:00Z",
        "is_current": False,
        "driver_id": "A",
        "depot_id": "DEP-1",
        "brake_status": "OK",
        "transmission_status": "OK",
        "row_hash": row_hash(first_values),
        "truck_sk": surrogate_key("TRK-1", T0),
        "tracked": "driver_id,depot_id,brake_status,transmission_status",
        "updated_at": "-",
    }
    assert items[1]["driver_id"] is None and items[1]["is_current"] is True
    assert "effective_to" not in items[1]


def test_a_late_event_inside_a_version_splits_it(dynamodb_env: str) -> None:
    on_time = [reading("1", 0, "A"), reading("2", 10, "A"), reading("3", 20, "B")]
    load(*on_time)
    late = reading("9", 5, "C")
    load(late)
    assert spans() == [("A", 0, 5), ("C", 5, 10), ("A", 10, 20), ("B", 20, None)]
    assert db.dimension(db.names().dim_truck) == expected([*on_time, late])


def test_a_late_event_at_a_version_start_can_merge_it_away(dynamodb_env: str) -> None:
    load(reading("1", 0, "A"), reading("2", 5, "B"), reading("3", 9, "A"))
    load(reading("4", 5, "A"))  # "4" > "2": the state at minute 5 is A now, not B
    assert spans() == [("A", 0, None)]  # B's version is gone and A's is current again


def test_ties_at_one_instant_leave_the_largest_event_id_holding_the_state(
    dynamodb_env: str,
) -> None:
    load(reading("1", 0, "A"), reading("b", 1, "B"))
    load(reading("c", 1, "C"))
    assert spans() == [("A", 0, 1), ("C", 1, None)]
    assert load(reading("a", 1, "D")) == 0  # smaller than "c": changes nothing
    assert spans() == [("A", 0, 1), ("C", 1, None)]


def test_flip_flops_are_versions_of_their_own(dynamodb_env: str) -> None:
    for n, driver in enumerate(["A", "B", "A", "B"]):
        load(reading(str(n), n, driver))
    assert spans() == [("A", 0, 1), ("B", 1, 2), ("A", 2, 3), ("B", 3, None)]


def test_repeats_and_reruns_write_nothing(proxy: DynamoProxy) -> None:
    records = [reading(str(n), n, "AB"[n // 3 % 2]) for n in range(9)]
    load(*records)
    before = db.scan(db.names().dim_truck)
    transactions = len(proxy.transactions)

    assert load(*records) == 0
    assert load(records[4], records[4], records[0]) == 0
    assert len(proxy.transactions) == transactions
    assert db.scan(db.names().dim_truck) == before


def test_changing_the_tracked_attributes_rebuilds_a_trucks_history(
    dynamodb_env: str, aws_env: pytest.MonkeyPatch
) -> None:
    records = [reading("1", 0, "A"), reading("2", 1, "A", brake="WORN"), reading("3", 2, "B")]
    load(*records[:2])
    aws_env.setenv("FLEETCTL_SCD2_TRACKED", "driver_id")
    load(records[2])
    items = db.scan(db.names().dim_truck)
    assert sorted((i["effective_from"][11:16], i["driver_id"], i["tracked"]) for i in items) == [
        ("08:00", "A", "driver_id"),
        ("08:02", "B", "driver_id"),
    ]


def test_a_concurrent_change_of_the_dimension_makes_the_transaction_redo(
    proxy: DynamoProxy, moto_url: str
) -> None:
    load(reading("1", 0, "A"), reading("2", 1, "A"))
    direct = direct_store(moto_url)  # another loader, not behind the proxy
    proxy.before_transaction = once(lambda: direct.load("telemetry", [reading("3", 2, "B")]))
    with db.opened() as store:
        store.load("telemetry", [reading("4", 3, "C")])

    assert store.dimension.redone == 1
    assert spans() == [("A", 0, 2), ("B", 2, 3), ("C", 3, None)]


def test_events_of_a_concurrent_load_not_yet_in_the_dimension_make_it_redo(
    proxy: DynamoProxy, moto_url: str
) -> None:
    """The other load has written its event and bumped the truck's revision but not reached
    its dimension step: only the revision check can tell that the events read are stale."""
    load(reading("1", 0, "A"))
    names = db.names()
    other = reading("2", 9, "B")

    def concurrent_load() -> None:
        client = db.client(moto_url)
        client.put_item(TableName=names.telemetry, Item=serialize(event_item(other, 90)))
        client.update_item(
            TableName=names.truck_state,
            Key=serialize({"truck_id": "TRK-1"}),
            UpdateExpression="ADD revision :one",
            ExpressionAttributeValues=serialize({":one": 1}),
        )

    proxy.before_transaction = once(concurrent_load)
    with db.opened() as store:
        store.load("telemetry", [reading("3", 5, "C")])

    assert store.dimension.redone == 1
    # the redo read B's event, which lies after this load's earliest
    assert spans() == [("A", 0, 5), ("C", 5, 9), ("B", 9, None)]


def test_a_load_finishing_its_dimension_step_late_still_ends_right(
    dynamodb_env: str, moto_url: str
) -> None:
    """A load writes its event at minute 5 and stops before its dimension step; a load of minute
    9 runs in between; the first one's step then places minute 5 among what is there."""
    load(reading("1", 0, "A"))
    names = db.names()
    client = db.client(moto_url)
    early = reading("2", 5, "B")
    client.put_item(TableName=names.telemetry, Item=serialize(event_item(early, 90)))
    load(reading("3", 9, "C"))
    assert spans() == [("A", 0, 9), ("C", 9, None)]  # minute 5 is before this load's earliest

    direct_store(moto_url).dimension.apply("TRK-1", early["event_ts"])
    assert spans() == [("A", 0, 5), ("B", 5, 9), ("C", 9, None)]


def test_readings_expired_before_the_anchor_do_not_matter(dynamodb_env: str) -> None:
    load(*[reading(str(n), n, "A") for n in range(6)], reading("6", 6, "B"))
    names = db.names()
    client = db.client()
    for item in db.scan(names.telemetry):  # as TTL would delete them
        key = {"truck_id": item["truck_id"], "event_key": item["event_key"]}
        client.delete_item(TableName=names.telemetry, Key=serialize(key))
    load(reading("7", 7, "C"))
    assert spans() == [("A", 0, 6), ("B", 6, 7), ("C", 7, None)]


def test_a_truck_changed_under_every_attempt_is_a_clear_error(
    proxy: DynamoProxy, moto_url: str
) -> None:
    load(reading("1", 0, "A"))
    client = db.client(moto_url)
    proxy.before_transaction = lambda: client.update_item(
        TableName=db.names().truck_state,
        Key=serialize({"truck_id": "TRK-1"}),
        UpdateExpression="ADD revision :one",
        ExpressionAttributeValues=serialize({":one": 1}),
    )
    with db.opened() as store, pytest.raises(StoreError) as raised:
        store.load("telemetry", [reading("2", 1, "B")])
    assert str(raised.value) == (
        "the dimension of truck TRK-1 changed under each of 8 attempts to update it "
        "(concurrent loads of this truck?); run the load again"
    )
    assert store.dimension.redone == 8
    proxy.before_transaction = None
    load(reading("2", 1, "B"))  # run again: completes it
    assert spans() == [("A", 0, 1), ("B", 1, None)]


def test_more_changes_than_a_transaction_holds_are_applied_in_several(proxy: DynamoProxy) -> None:
    records = [reading(f"{n:03d}", n, "AB"[n % 2]) for n in range(150)]
    load(*records)
    assert [len(t) for t in proxy.transactions] == [100, 52]  # 99 + 51 versions, each + the check
    assert db.dimension(db.names().dim_truck) == expected(records)


def once(function: Callable[[], object]) -> Callable[[], None]:
    done = []

    def first_time_only() -> None:
        if not done:
            done.append(True)
            function()

    return first_time_only


def direct_store(moto_url: str) -> DynamoStore:
    options = DynamoOptions.from_settings(load_settings())
    client = boto3.client("dynamodb", endpoint_url=moto_url, region_name="eu-west-1")
    return DynamoStore(Calls(client, options.retry), options)


@st.composite
def loads(draw: st.DrawFn) -> list[list[Event]]:
    """Distinct events of one or two trucks over a few minutes (ties included), each loaded
    once or twice, shuffled and cut into batches."""
    count = draw(st.integers(1, 14))
    events = [
        Event(
            f"{n:02d}",
            draw(st.sampled_from(["T1", "T2"])),
            T0 + timedelta(minutes=draw(st.integers(0, 6))),
            (
                draw(st.sampled_from(["A", "B", None])),
                "DEP-1",
                draw(st.sampled_from(["OK", "WORN"])),
                "OK",
            ),
        )
        for n in range(count)
    ]
    sent = draw(st.permutations(events + draw(st.lists(st.sampled_from(events), max_size=4))))
    cuts = sorted(draw(st.lists(st.integers(1, len(sent)), max_size=4, unique=True)))
    bounds = [0, *cuts, len(sent)]
    return [sent[a:b] for a, b in itertools.pairwise(bounds) if a < b]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=loads(), chunk=st.integers(1, 6))
def test_any_batches_in_any_order_give_the_rule_over_all_events(
    dynamodb_env: str, batches: list[list[Event]], chunk: int
) -> None:
    # trucks of this example only: the tables are shared by every example
    run = uuid.uuid4().hex[:8]
    with db.opened() as opened:
        options = dataclasses.replace(opened.options, load_batch_records=chunk)
        store = DynamoStore(opened.calls, options)
        for batch in batches:
            store.load("telemetry", [as_reading(e, run) for e in batch])

    everything = [
        Event(e.event_id, f"{run}-{e.truck_id}", e.event_ts, e.values) for b in batches for e in b
    ]
    trucks = [f"{run}-T1", f"{run}-T2"]
    assert db.dimension(db.names().dim_truck, trucks) == versions(everything)


def as_reading(event: Event, run: str) -> dict[str, Any]:
    driver, depot, brake, gear = event.values
    return {
        "event_id": event.event_id,
        "truck_id": f"{run}-{event.truck_id}",
        "event_ts": event.event_ts.strftime(db.FORMAT),
        "driver_id": driver,
        "depot_id": depot,
        "health": {"brake_status": brake, "transmission_status": gear},
    }
