"""Idempotent bulk loads: stage a batch with COPY, MERGE it on its key, enrich, clear the stage.

Per chunk of `load_batch_rows` records: drop repeats of an event_id within the chunk (the first
wins), COPY the rest into the stream's STAGE table under a fresh LOAD_ID, MERGE into RAW
inserting only event_ids RAW has not seen, then run the stream's enrichment MERGEs, which
recompute from RAW what the load touched. Replaying any batch, whole or overlapping, changes
nothing.
"""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import pyarrow as pa

from fleetctl.core import LoadResult, RejectedRecord
from fleetctl.errors import FleetctlError, InputError
from fleetctl.warehouse import sql
from fleetctl.warehouse.batch import arrow_batch
from fleetctl.warehouse.connection import Warehouse
from fleetctl.warehouse.mapping import STREAM_TABLES, StreamTable, raw_merge_sql
from fleetctl.warehouse.staging import copy_into, ensure_stage

T = TypeVar("T")
REJECTED_STAGE = "STAGE.REJECTED"
REJECTED_MERGE = "merge_rejected.sql"


def load_records(
    warehouse: Warehouse, stream: str, records: Iterable[Mapping[str, Any]]
) -> LoadResult:
    try:
        spec = STREAM_TABLES[stream]
    except KeyError:
        known = ", ".join(sorted(STREAM_TABLES))
        raise InputError(f"unknown stream {stream!r} (choose from {known})") from None
    total = LoadResult()
    offset = 0
    for chunk in _chunks(records, warehouse.load_batch_rows):
        unique = _first_of_each_event(spec, chunk, offset)
        offset += len(chunk)
        result = _load_chunk(warehouse, spec, unique)
        result.skipped_duplicates += len(chunk) - len(unique)
        total.add(result)
    return total


def stage_only(
    warehouse: Warehouse, stream: str, records: Iterable[Mapping[str, Any]], load_id: str
) -> int:
    """COPY records into the stream's STAGE table under `load_id` without merging them into RAW:
    a preview (`backfill --dry-run`) reads them there; `unstage` removes them. Returns the rows."""
    spec = STREAM_TABLES[stream]
    staged = offset = 0
    ensure_stage(warehouse)
    for chunk in _chunks(records, warehouse.load_batch_rows):
        batch = arrow_batch(spec, _first_of_each_event(spec, chunk, offset), load_id)
        offset += len(chunk)
        # a file of its own per call: COPY skips a file name it has loaded before
        staged += copy_into(warehouse.run, spec.stage_table, batch, new_load_id())
    return staged


def unstage(warehouse: Warehouse, stream: str, load_id: str) -> None:
    warehouse.run(
        f"DELETE FROM {STREAM_TABLES[stream].stage_table} WHERE LOAD_ID = %(load_id)s",
        {"load_id": load_id},
    )


def new_load_id() -> str:
    return _new_load()[0]


def load_rejected(warehouse: Warehouse, rows: Iterable[RejectedRecord]) -> LoadResult:
    total = LoadResult()
    for chunk in _chunks(rows, warehouse.load_batch_rows):
        first: dict[str, RejectedRecord] = {}
        for row in chunk:
            first.setdefault(row.reject_id, row)
        unique = list(first.values())
        load_id, loaded_at = _new_load()
        now = datetime.now(UTC).replace(tzinfo=None)
        batch = pa.table(
            {
                "LOAD_ID": pa.array([load_id] * len(unique), pa.string()),
                "REJECT_ID": [row.reject_id for row in unique],
                "STREAM": [row.stream for row in unique],
                "REASON": [row.reason for row in unique],
                "RAW": pa.array([bytes(row.raw) for row in unique], pa.binary()),
                "EVENT_ID": pa.array([row.event_id for row in unique], pa.string()),
                "REJECTED_AT": pa.array(
                    [_naive_utc(row.rejected_at) or now for row in unique], pa.timestamp("us")
                ),
            }
        )
        inserted = _staged(
            warehouse,
            REJECTED_STAGE,
            batch,
            load_id,
            lambda params: _counts(warehouse.run(sql.read(REJECTED_MERGE), params))[0],
            loaded_at,
        )
        total.add(LoadResult(inserted, len(chunk) - inserted))
    return total


def _load_chunk(warehouse: Warehouse, spec: StreamTable, records: list[Any]) -> LoadResult:
    if not records:
        return LoadResult()
    load_id, loaded_at = _new_load()
    batch = arrow_batch(spec, records, load_id)

    def merge(params: dict[str, str]) -> LoadResult:
        inserted = _counts(warehouse.run(raw_merge_sql(spec), params))[0]
        enriched = {
            table: sum(_counts(warehouse.run(sql.read(file), params)))
            for table, file in spec.enrichments
        }
        return LoadResult(inserted, len(records) - inserted, enriched)

    return _staged(warehouse, spec.stage_table, batch, load_id, merge, loaded_at)


def _staged(
    warehouse: Warehouse,
    stage_table: str,
    batch: pa.Table,
    load_id: str,
    merge: Callable[[dict[str, str]], T],
    loaded_at: str,
) -> T:
    """COPY `batch` into `stage_table`, run `merge`, and clear the staged rows whatever happens."""
    ensure_stage(warehouse)
    params = {"load_id": load_id, "loaded_at": loaded_at}
    clear = f"DELETE FROM {stage_table} WHERE LOAD_ID = %(load_id)s"
    try:
        copy_into(warehouse.run, stage_table, batch, load_id)
        result = merge(params)
    except BaseException:
        # keep the original error; a failed clean-up leaves rows only this load id can select
        with contextlib.suppress(FleetctlError):
            warehouse.run(clear, params)
        raise
    warehouse.run(clear, params)
    return result


def _first_of_each_event(
    spec: StreamTable, chunk: Sequence[Any], offset: int
) -> list[Mapping[str, Any]]:
    seen: set[str] = set()
    unique = []
    for position, record in enumerate(chunk, start=offset + 1):
        if not isinstance(record, Mapping):
            raise InputError(f"{spec.stream} record {position}: not an object")
        event_id = record.get(spec.key.path[0])
        if not isinstance(event_id, str) or not event_id:
            raise InputError(f"{spec.stream} record {position}: event_id is missing")
        if event_id not in seen:
            seen.add(event_id)
            unique.append(record)
    return unique


def _new_load() -> tuple[str, str]:
    """A fresh load id, and the load's time as Snowflake's TIMESTAMP_NTZ text (UTC)."""
    return uuid.uuid4().hex, datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _counts(cursor: Any) -> list[int]:
    """A MERGE's result row: rows inserted, then rows updated when it has an UPDATE clause."""
    return [int(value) for value in cursor.fetchone()]


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
