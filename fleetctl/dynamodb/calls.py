"""DynamoDB calls with bounded retries: single calls, BatchGetItem and BatchWriteItem.

Batch calls answer HTTP 200 with the part they did not get to (`UnprocessedKeys`,
`UnprocessedItems`, e.g. under throttling); only that part is sent again, after a full-jitter
backoff (`fleetctl.retries`). Whole calls failing with throttling, 5xx or connection errors are
resent the same way. botocore's own retries are off, so `retried` counts every resend. What is
still unprocessed after `max_attempts` calls is a StoreError: nothing is dropped silently.
A step's batch calls, and the store's per-truck steps, run on `concurrency` threads.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from typing import Any, TypeVar

from fleetctl.config import Settings
from fleetctl.dynamodb.options import dynamo_settings
from fleetctl.errors import StoreError
from fleetctl.retries import RetryPolicy, classify

GET_BATCH_KEYS = 100  # BatchGetItem's limit per call
WRITE_BATCH_ITEMS = 25  # BatchWriteItem's limit per call
MISSING_TABLE = "ResourceNotFoundException"
T = TypeVar("T")
R = TypeVar("R")


def open_client(settings: Settings, *, own_retries: bool = True) -> Any:
    """A DynamoDB client; with `own_retries` botocore retries nothing, so fleetctl's loops
    count every resend (as the Firehose sink does)."""
    from botocore.config import Config

    from fleetctl import aws

    options = dynamo_settings(settings)
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1 if own_retries else 3},
        max_pool_connections=max(10, options.concurrency),
        connect_timeout=options.connect_timeout_s,
        read_timeout=options.read_timeout_s,
    )
    return aws.client("dynamodb", config, require_credentials=True)


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {key: serializer.serialize(value) for key, value in item.items()}


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {key: deserializer.deserialize(value) for key, value in item.items()}


def store_error(operation: str, table: str, code: str, message: str) -> StoreError:
    if code == MISSING_TABLE:
        return StoreError(
            f"DynamoDB table {table} does not exist: "
            "run `fleetctl db create-tables --store dynamodb`"
        )
    return StoreError(f"DynamoDB {operation} on {table}: {code}: {message}")


class Calls:
    """One client, the retry policy and the worker threads every caller shares; counts every
    item (or single call) sent again. Safe across threads."""

    def __init__(
        self,
        client: Any,
        retry: RetryPolicy,
        concurrency: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.retry = retry
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.retried = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(concurrency, "dynamodb") if concurrency > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def backoff(self, attempt: int) -> None:
        """Wait before attempt number `attempt` (2, 3, ...)."""
        with self._lock:
            delay_s = self.retry.delay_s(attempt - 1, self.rng)
        self.sleep(delay_s)

    def count_retried(self, count: int) -> None:
        with self._lock:
            self.retried += count

    def each(self, function: Callable[[T], R], values: Iterable[T]) -> list[R]:
        """`function(value)` for every value, up to `concurrency` at a time, results in order.
        The first failure stops what has not started yet and is raised once the rest is done:
        a load that fails stops soon, and can be run again. `function` must not call `each`
        (its workers would wait for themselves)."""
        if self._pool is None:
            return [function(value) for value in values]
        futures = [self._pool.submit(function, value) for value in values]
        for future in as_completed(futures):
            if (error := future.exception()) is not None:
                for other in futures:
                    other.cancel()
                wait(futures)
                raise error
        return [future.result() for future in futures]

    def call(
        self, operation: str, table: str, *, unless: str = "", **kwargs: Any
    ) -> dict[str, Any] | None:
        """One API call (`operation` in snake_case), resent while it fails retryably; None when
        it fails with the error code `unless` (e.g. a condition the caller expects to fail)."""
        method = getattr(self.client, operation)
        for attempt in range(1, self.retry.max_attempts + 1):
            if attempt > 1:
                self.backoff(attempt)
                self.count_retried(1)
            try:
                return method(TableName=table, **kwargs)
            except Exception as error:
                failure = classify(error)
                if failure is None:
                    raise
                if failure.code == unless:
                    return None
                if not failure.retryable or attempt == self.retry.max_attempts:
                    raise store_error(operation, table, failure.code, failure.message) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def query(self, table: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item a Query matches, page after page, deserialized."""
        while True:
            page = self.call("query", table, **kwargs) or {}
            yield from (deserialize(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def existing_keys(
        self, table: str, key_names: Sequence[str], keys: Sequence[Mapping[str, Any]]
    ) -> set[tuple[Any, ...]]:
        """Which of `keys` the table holds (strongly consistent), as tuples in `key_names` order."""
        names = {f"#k{i}": name for i, name in enumerate(key_names)}

        def found(start: int) -> list[tuple[Any, ...]]:
            request = {
                table: {
                    "Keys": [serialize(key) for key in keys[start : start + GET_BATCH_KEYS]],
                    "ProjectionExpression": ", ".join(names),
                    "ExpressionAttributeNames": names,
                    "ConsistentRead": True,
                }
            }
            return [
                tuple(deserialize(item)[name] for name in key_names)
                for response in self._until_done("BatchGetItem", table, request)
                for item in response.get("Responses", {}).get(table, [])
            ]

        batches = self.each(found, range(0, len(keys), GET_BATCH_KEYS))
        return {key for batch in batches for key in batch}

    def put_all(self, table: str, key_names: Sequence[str], items: Iterable[dict[str, Any]]) -> int:
        """BatchWriteItem every item, 25 distinct keys a call (DynamoDB refuses a call holding
        one key twice; a later item with the same key wins, as sequential puts would do).
        Returns the items written."""
        chunks: list[dict[tuple[Any, ...], dict[str, Any]]] = [{}]
        for item in items:
            key = tuple(item[name] for name in key_names)
            if key not in chunks[-1] and len(chunks[-1]) == WRITE_BATCH_ITEMS:
                chunks.append({})
            chunks[-1][key] = item
        return sum(self.each(lambda chunk: self._write(table, list(chunk.values())), chunks))

    def _write(self, table: str, items: list[dict[str, Any]]) -> int:
        if not items:
            return 0
        request = {table: [{"PutRequest": {"Item": serialize(item)}} for item in items]}
        for _ in self._until_done("BatchWriteItem", table, request):
            pass
        return len(items)

    def _until_done(
        self, operation: str, table: str, request: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Send `request`, then what came back unprocessed, until nothing is left or the attempts
        run out; yields every successful response."""
        method, leftover = {
            "BatchGetItem": (self.client.batch_get_item, "UnprocessedKeys"),
            "BatchWriteItem": (self.client.batch_write_item, "UnprocessedItems"),
        }[operation]
        pending, reason = request, ""
        for attempt in range(1, self.retry.max_attempts + 1):
            if attempt > 1:
                self.backoff(attempt)
                self.count_retried(_count(pending))
            try:
                response = method(RequestItems=pending)
            except Exception as error:
                failure = classify(error)
                if failure is None:
                    raise
                if not failure.retryable:
                    raise store_error(operation, table, failure.code, failure.message) from None
                reason = failure.code
                continue
            yield response
            pending, reason = response.get(leftover) or {}, f"returned as {leftover}"
            if not pending:
                return
        noun = "keys" if operation == "BatchGetItem" else "items"
        raise StoreError(
            f"DynamoDB {operation} on {table}: {_count(pending)} {noun} still not processed after "
            f"{self.retry.max_attempts} attempts ({reason}); the load stopped there and can be "
            "run again (loads are idempotent)"
        )


def _count(request: Mapping[str, Any]) -> int:
    """Items of a BatchWriteItem request, or keys of a BatchGetItem one."""
    return sum(
        len(entry["Keys"]) if isinstance(entry, Mapping) else len(entry)
        for entry in request.values()
    )
