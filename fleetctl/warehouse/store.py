"""The warehouse as the pipeline's store: transformed records into RAW (and the enrichment
tables), refused ones into RAW.REJECTED, and the SCD2 truck dimension refreshed once a run's last
batch has landed.

The embedded warehouse is migrated on open, so the local pipeline needs no setup; a real Snowflake
account is migrated only by `fleetctl db migrate`, on purpose, and refused until it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fleetctl.config import Settings
from fleetctl.core import LoadResult, RejectedRecord
from fleetctl.scd2.tracked import tracked_columns
from fleetctl.warehouse import Warehouse, loading, migrations


class WarehouseStore:
    name = "snowflake"

    def __init__(self, warehouse: Warehouse, tracked: Sequence[str]) -> None:
        self.warehouse = warehouse
        self.tracked = list(tracked)

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult:
        return loading.load_records(self.warehouse, stream, records)

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult:
        return loading.load_rejected(self.warehouse, rows)

    def finish(self) -> None:
        """Take the telemetry loads the truck dimension has not seen yet into CORE.DIM_TRUCK."""
        from fleetctl.warehouse.dimension_build import build

        build(self.warehouse, self.tracked)

    def close(self) -> None:
        self.warehouse.close()


def open_store(settings: Settings) -> WarehouseStore:
    tracked = list(settings.get("scd2.tracked"))
    tracked_columns(tracked)  # a configuration mistake stops the run before anything is sent
    return WarehouseStore(migrations.open_ready(settings), tracked)
