"""Build CORE.DIM_TRUCK inside the warehouse: incrementally from RAW loads it has not taken in
yet, or fully; one transaction, so an interrupted build leaves the dimension as it was."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from fleetctl.core import BuildResult, TruckChange
from fleetctl.errors import ConfigError
from fleetctl.scd2.tracked import tracked_columns
from fleetctl.warehouse import Warehouse
from fleetctl.warehouse import dimension_sql as sql


def build(
    warehouse: Warehouse,
    tracked: Sequence[str],
    *,
    full: bool = False,
    trucks: Sequence[str] = (),
    dry_run: bool = False,
    preview: str | None = None,
) -> BuildResult:
    """Bring the dimension up to date with RAW.TRUCK_TELEMETRY.

    Incremental (default): only trucks with events from RAW loads not yet taken in, and only from
    the version before their earliest new event on. Full: whole histories of every truck, or of
    `trucks`. Either way the result equals the rule in `fleetctl.scd2.rules` over all events.
    `preview`: the load id of events staged by a dry run, taken in as if they were in RAW; the
    dimension is left as it is.
    """
    started = time.perf_counter()
    columns = tracked_columns(tracked)
    signature = ",".join(columns)
    _check_tracked(warehouse, signature, full)
    if trucks and not full:
        raise ConfigError("choosing trucks needs --full: an incremental build takes whole loads")

    every_load = full and not trucks
    params: dict[str, str] = {f"truck_{i}": truck for i, truck in enumerate(trucks)}
    events = sql.EVENTS
    if preview is not None:
        if full:
            raise ConfigError("a preview of staged events is incremental, not --full")
        params["preview"] = preview
        events = sql.events_with_preview(columns)
        warehouse.run(sql.PREVIEW_PENDING, params)
    else:
        warehouse.run(sql.pending_loads(full=every_load))
    affected = sql.affected_full(len(trucks), events) if full else sql.affected_incremental(events)
    warehouse.run(affected, params)
    warehouse.run(sql.versions(columns, events), params)
    applied = not (dry_run or preview)
    result = BuildResult(
        mode="full" if full else "incremental",
        applied=applied,
        loads=_count(warehouse, sql.PENDING),
        trucks=_count(warehouse, sql.AFFECTED),
        changes=[TruckChange(*row) for row in warehouse.run(sql.CHANGES).fetchall()],
    )
    if applied:
        now = {"now": datetime.now(UTC).replace(tzinfo=None), "tracked": signature}
        with _transaction(warehouse):
            warehouse.run(sql.DELETE_STALE)
            warehouse.run(sql.insert_new(columns), now)
            for statement in sql.REPLACE_LAST_EVENTS:
                warehouse.run(statement)
            if every_load:
                warehouse.run(f"DELETE FROM {sql.LOADS}")
            if not trucks:
                warehouse.run(sql.MARK_LOADS, now)
    result.seconds = time.perf_counter() - started
    return result


def _check_tracked(warehouse: Warehouse, signature: str, full: bool) -> None:
    """An incremental build must track what the dimension was built with."""
    if full:
        return
    before = {row[0] for row in warehouse.run(sql.TRACKED_BEFORE).fetchall()}
    if before and before != {signature}:
        raise ConfigError(
            f"the dimension was built tracking {', '.join(sorted(before))}; scd2.tracked is now "
            f"{signature}: rebuild it with `fleetctl backfill --full`"
        )


def _count(warehouse: Warehouse, table: str) -> int:
    return int(warehouse.run(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@contextmanager
def _transaction(warehouse: Warehouse) -> Iterator[None]:
    warehouse.run("BEGIN")
    try:
        yield
    except BaseException:
        warehouse.run("ROLLBACK")
        raise
    warehouse.run("COMMIT")
