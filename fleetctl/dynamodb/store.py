"""The `dynamodb` store: transformed records landed in DynamoDB tables, idempotently.

Per chunk of `dynamodb.load_batch_records` records: keep the first of each event_id; look up
which keys the table holds already (BatchGetItem, strongly consistent) and write only the others,
so `inserted` counts exactly the items that are new, as the warehouse's MERGE does, and a replay
costs reads instead of writes. Telemetry writes a reading's alerts before the reading, so a stored
reading always has its alerts; then each truck's latest reading (conditional: only if newer) and
its SCD2 versions (`fleetctl.dynamodb.dimension`), which always run, so replaying a load that
stopped halfway completes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fleetctl.config import Settings
from fleetctl.core import STREAMS, LoadResult, RejectedRecord
from fleetctl.dynamodb import items
from fleetctl.dynamodb.calls import Calls, open_client, serialize
from fleetctl.dynamodb.dimension import DimensionTables, DynamoDimension
from fleetctl.dynamodb.options import SECTION, dynamo_settings
from fleetctl.dynamodb.tables import SPECS, TableNames
from fleetctl.errors import InputError
from fleetctl.retries import RetryPolicy
from fleetctl.scd2.tracked import tracked_attributes


@dataclass(frozen=True)
class DynamoOptions:
    tables: TableNames
    tracked: tuple[str, ...]
    ttl_days: int = 90
    load_batch_records: int = 2000
    concurrency: int = 1
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> DynamoOptions:
        options = dynamo_settings(settings)
        return cls(
            tables=TableNames.from_options(options),
            tracked=tuple(tracked_attributes(settings)),
            ttl_days=options.ttl_days,
            load_batch_records=options.load_batch_records,
            concurrency=options.concurrency,
            retry=options.retry_policy(SECTION),
        )


class DynamoStore:
    """Loads batches into the tables named by `options`; one load at a time (each runs its
    calls on `concurrency` threads). Close it when done."""

    name = "dynamodb"

    def __init__(self, calls: Calls, options: DynamoOptions) -> None:
        self.calls = calls
        self.options = options
        names = options.tables
        tables = DimensionTables(names.telemetry, names.truck_state, names.dim_truck)
        self.dimension = DynamoDimension(calls, tables, options.tracked)

    def __enter__(self) -> DynamoStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult:
        """Load transformed records of `stream` ("clickstream" or "telemetry") idempotently."""
        if stream not in STREAMS:
            raise InputError(f"unknown stream {stream!r} (choose from {', '.join(STREAMS)})")
        total = LoadResult()
        offset = 0
        for chunk in _chunks(records, self.options.load_batch_records):
            unique = items.first_of_each_event(stream, chunk, offset)
            offset += len(chunk)
            result = self._telemetry(unique) if stream == "telemetry" else self._clicks(unique)
            result.skipped_duplicates += len(chunk) - len(unique)
            total.add(result)
        return total

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult:
        """Keep refused records keyed on `reject_id`: the same bytes are one item however often."""
        total = LoadResult()
        now = datetime.now(UTC)
        for chunk in _chunks(rows, self.options.load_batch_records):
            first = {row.reject_id: row for row in reversed(chunk)}  # the first of each wins
            new = self._new("rejected", [items.rejected_item(row, now) for row in first.values()])
            self._put("rejected", new)
            total.add(LoadResult(len(new), len(chunk) - len(new)))
        return total

    def close(self) -> None:
        """Every load has finished its writes when it returns; this stops the worker threads."""
        self.calls.close()

    def _clicks(self, records: list[Mapping[str, Any]]) -> LoadResult:
        new = self._new(
            "clickstream", [items.event_item(r, self.options.ttl_days) for r in records]
        )
        self._put("clickstream", new)
        return LoadResult(len(new), len(records) - len(new))

    def _telemetry(self, records: list[Mapping[str, Any]]) -> LoadResult:
        tables = self.options.tables
        new = self._new("telemetry", [items.event_item(r, self.options.ttl_days) for r in records])
        by_key = {items.event_key(r): r for r in records}
        alerts = [a for item in new for a in items.alert_items(by_key[item["event_key"]])]
        self._put("alerts", alerts)  # first: a reading that is stored has its alerts stored
        self._put("telemetry", new)

        trucks_with_new = {item["truck_id"] for item in new}
        newest, earliest = items.newest(records), items.earliest(records)

        def truck_step(truck: str) -> tuple[int, int]:
            written, revision = self._update_state(newest[truck], bump=truck in trucks_with_new)
            return written, self.dimension.apply(truck, earliest[truck], revision)

        steps = self.calls.each(truck_step, sorted(newest))
        enriched = {
            tables.alerts: len(alerts),
            tables.truck_state: sum(written for written, _ in steps),
            tables.dim_truck: sum(changed for _, changed in steps),
        }
        return LoadResult(len(new), len(records) - len(new), enriched)

    def _new(self, role: str, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The candidates whose key the table does not hold yet."""
        key = SPECS[role].key
        keys = [{name: item[name] for name in key} for item in candidates]
        present = self.calls.existing_keys(getattr(self.options.tables, role), key, keys)
        return [item for item in candidates if tuple(item[name] for name in key) not in present]

    def _put(self, role: str, new: list[dict[str, Any]]) -> None:
        self.calls.put_all(getattr(self.options.tables, role), SPECS[role].key, new)

    def _update_state(self, record: Mapping[str, Any], *, bump: bool) -> tuple[int, int | None]:
        """Write `record` as its truck's state if it is newer (1, else 0). When the load brought
        new events of the truck, bump its event revision either way, and return its new value
        for the dimension step (None when not bumped)."""
        table = self.options.tables.truck_state
        update = items.latest_reading_update(record, bump=bump)
        key = serialize(update.pop("Key"))
        values = serialize(update.pop("ExpressionAttributeValues"))
        answer = self.calls.call(
            "update_item",
            table,
            unless="ConditionalCheckFailedException",
            Key=key,
            ExpressionAttributeValues=values,
            ReturnValues="UPDATED_NEW" if bump else "NONE",
            **update,
        )
        written = answer is not None
        if not written and bump:
            answer = self.calls.call(
                "update_item",
                table,
                Key=key,
                UpdateExpression="ADD #revision :one",
                ExpressionAttributeNames={"#revision": "revision"},
                ExpressionAttributeValues=serialize({":one": 1}),
                ReturnValues="UPDATED_NEW",
            )
        if not bump or answer is None:
            return int(written), None
        return int(written), int(answer["Attributes"]["revision"]["N"])


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def open_store(settings: Settings) -> DynamoStore:
    """A store on the standard AWS configuration chain (AWS_ENDPOINT_URL_DYNAMODB included)."""
    options = DynamoOptions.from_settings(settings)
    calls = Calls(open_client(settings), options.retry, options.concurrency)
    return DynamoStore(calls, options)
