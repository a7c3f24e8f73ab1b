"""The truck dimension (SCD Type 2) kept in DynamoDB, updated truck by truck as events land.

For a truck whose events from `earliest` on were just loaded, read its versions newest first back
to the anchor, the version starting last before `earliest`: no version starts between the two, so
the state is the anchor's all along and only events from `earliest` on can change anything.
Recompute the versions from the anchor on with `fleetctl.scd2.rules` over the anchor's state (a
seed event at its start) and the events from `earliest` on, and write the difference with
TransactWriteItems. Every action is conditioned on the item as read, plus a check that the
truck's event `revision` (bumped by every load after it writes events of the truck) has not
moved, so a concurrent writer makes the transaction fail and the truck is redone from a fresh
read. Nothing differs, nothing is written.

Reading from `earliest` keeps an in-order append to a handful of reads however long the current
version is, and makes readings expired by TTL before `earliest` irrelevant. It relies on every
load finishing its dimension step: one that failed before it is completed by running it again.
A truck with no anchor, or one built tracking other attributes, is recomputed from all its events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fleetctl.dynamodb.calls import Calls, store_error
from fleetctl.dynamodb.dimension_plan import Change, action, plan, revision_check
from fleetctl.dynamodb.items import parse_ts
from fleetctl.errors import StoreError
from fleetctl.retries import classify
from fleetctl.scd2.rules import Event, versions
from fleetctl.scd2.tracked import record_path, tracked_columns

MAX_TRANSACTION_ITEMS = 100  # TransactWriteItems' limit, the revision check included
# cancellation reasons that a fresh read and a new transaction can get past
REDO_REASONS = frozenset(
    {
        "ConditionalCheckFailed",
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
    }
)
SEED_EVENT_ID = ""  # the anchor's state stands in for the events at and after the anchor
ANCHOR_PAGE_ITEMS = 8  # versions per page when reading back to the anchor


@dataclass(frozen=True)
class DimensionTables:
    telemetry: str
    truck_state: str
    dim_truck: str


@dataclass(frozen=True)
class Snapshot:
    """What one attempt read of a truck: its revision, stored versions and events."""

    revision: int
    stored: list[dict[str, Any]]
    events: list[Event]


class Redo(Exception):
    """The transaction was cancelled for a reason a fresh read can get past."""


class DynamoDimension:
    """Keeps the dimension table equal to `rules.versions` over the telemetry table."""

    def __init__(self, calls: Calls, tables: DimensionTables, tracked: Sequence[str]) -> None:
        columns = tracked_columns(tracked)  # checks the names, as the SQL engine does
        self.tracked = [column.lower() for column in columns]
        self._paths = [record_path(column) for column in columns]
        self._calls = calls
        self._tables = tables
        self.redone = 0  # transactions cancelled and redone from a fresh read
        self._lock = threading.Lock()  # trucks are maintained on several threads at once

    def apply(self, truck_id: str, earliest: str, revision: int | None = None) -> int:
        """Bring `truck_id`'s versions up to date after events from `earliest` (event_ts text)
        on were loaded; `revision` is the truck's event revision if the caller just learnt it
        (None: read it). Returns the versions put, updated or deleted."""
        attempts = self._calls.retry.max_attempts
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self._calls.backoff(attempt)
            snapshot = self._read(truck_id, earliest, revision)
            changes = plan(snapshot.stored, versions(snapshot.events), self.tracked)
            if not changes:
                return 0
            try:
                self._commit(truck_id, snapshot.revision, changes)
            except Redo:
                with self._lock:
                    self.redone += 1
                revision = None  # it may have moved: read it again
                continue
            return len(changes)
        raise StoreError(
            f"the dimension of truck {truck_id} changed under each of {attempts} attempts to "
            "update it (concurrent loads of this truck?); run the load again"
        )

    def _read(self, truck_id: str, earliest: str, revision: int | None) -> Snapshot:
        if revision is None:
            revision = self._revision(truck_id)
        stored, anchor = self._stored(truck_id, earliest)
        if anchor is None:
            return Snapshot(revision, stored, self._events(truck_id, since=None))
        seed = Event(
            SEED_EVENT_ID,
            truck_id,
            parse_ts(anchor["effective_from"]),
            tuple(anchor.get(name) for name in self.tracked),
        )
        return Snapshot(revision, stored, [seed, *self._events(truck_id, since=earliest)])

    def _revision(self, truck_id: str) -> int:
        """The truck's event revision (0 before any)."""
        response = self._calls.call(
            "get_item",
            self._tables.truck_state,
            Key={"truck_id": {"S": truck_id}},
            ProjectionExpression="#revision",
            ExpressionAttributeNames={"#revision": "revision"},
            ConsistentRead=True,
        )
        return int((response or {}).get("Item", {}).get("revision", {"N": "0"})["N"])

    def _stored(self, truck_id: str, earliest: str) -> tuple[list[dict[str, Any]], Any]:
        """The truck's versions from the anchor on, and the anchor: the version starting last
        before `earliest`. Read newest first, so appending in order reads one or two items.
        If the anchor was built tracking other attributes, or there is none, every version and
        no anchor: the whole history is recomputed."""
        stored = []
        rebuild = False
        for item in self._query(
            self._tables.dim_truck, truck_id, newest_first=True, page_items=ANCHOR_PAGE_ITEMS
        ):
            stored.append(item)
            if not rebuild and item["effective_from"] < earliest:
                if item.get("tracked") == ",".join(self.tracked):
                    return stored, item
                rebuild = True
        return stored, None

    def _events(self, truck_id: str, since: str | None) -> list[Event]:
        """The truck's events from `since` (event_ts text) on, or all of them."""
        names = {"#event_id": "event_id", "#event_ts": "event_ts"}
        projection = ["#event_id", "#event_ts"]
        for i, path in enumerate(self._paths):
            parts = [f"#t{i}_{j}" for j in range(len(path))]
            names |= dict(zip(parts, path, strict=True))
            projection.append(".".join(parts))
        items = self._query(
            self._tables.telemetry, truck_id, since=since, projection=projection, names=names
        )
        return [
            Event(item["event_id"], truck_id, parse_ts(item["event_ts"]), self._values(item))
            for item in items
        ]

    def _values(self, item: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for path in self._paths:
            value: Any = item
            for part in path:
                value = value.get(part) if isinstance(value, Mapping) else None
            values.append(value)
        return tuple(values)

    def _query(
        self,
        table: str,
        truck_id: str,
        *,
        since: str | None = None,
        newest_first: bool = False,
        page_items: int = 0,
        projection: Sequence[str] = (),
        names: Mapping[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """A truck's items, from sort key `since` on if given (`event_ts` text sorts before the
        `event_ts#event_id` keys of its own instant)."""
        key = "#truck_id = :truck"
        attribute_names = {"#truck_id": "truck_id", **(names or {})}
        values = {":truck": {"S": truck_id}}
        if since is not None:
            key += " AND #sort_key >= :since"
            attribute_names["#sort_key"] = "event_key"
            values[":since"] = {"S": since}
        arguments: dict[str, Any] = {
            "KeyConditionExpression": key,
            "ExpressionAttributeNames": attribute_names,
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
            "ScanIndexForward": not newest_first,
        }
        if projection:
            arguments["ProjectionExpression"] = ", ".join(projection)
        if page_items:
            arguments["Limit"] = page_items
        return self._calls.query(table, **arguments)

    def _commit(self, truck_id: str, revision: int, changes: list[Change]) -> None:
        """One transaction per 99 changes plus the revision check; more than 99 changes (a
        truck's first load, a rebuild) are applied in several, each conditioned alike."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        table = self._tables.dim_truck
        check = revision_check(self._tables.truck_state, truck_id, revision)
        size = MAX_TRANSACTION_ITEMS - 1
        for start in range(0, len(changes), size):
            actions = [action(table, c, self.tracked, now) for c in changes[start : start + size]]
            self._transact([*actions, check], table)

    def _transact(self, actions: list[dict[str, Any]], table: str) -> None:
        try:
            self._calls.client.transact_write_items(TransactItems=actions)
        except Exception as error:
            failure = classify(error)
            if failure is None:
                raise
            if failure.code == "TransactionCanceledException":
                cancelled = getattr(error, "response", {}).get("CancellationReasons", [])
                reasons = {r.get("Code") for r in cancelled} - {"None", None}
                if reasons and reasons <= REDO_REASONS:
                    raise Redo from None
                detail = ", ".join(sorted(str(r) for r in reasons)) or failure.message
                raise store_error("TransactWriteItems", table, failure.code, detail) from None
            if failure.retryable:
                raise Redo from None
            raise store_error("TransactWriteItems", table, failure.code, failure.message) from None
