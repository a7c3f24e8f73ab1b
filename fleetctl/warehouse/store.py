"""The warehouse as the pipeline's store: transformed records into RAW (and the enrichment
tables), refused ones into RAW.REJECTED, and the SCD2 truck dimension refreshed once a run's last
batch has landed.

The embedded warehouse is migrated on open, so the local pipeline needs no setup; a real Snowflake
account is migrated only by `fleetctl db migrate`, on purpose, and refused until it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from fleetctl.config import Settings
from fleetctl.core import BuildResult, CheckResult, LoadResult, RejectedRecord
from fleetctl.scd2.tracked import tracked_attributes
from fleetctl.warehouse import Warehouse, loading, migrations


class WarehouseStore:
    name = "warehouse"

    def __init__(self, warehouse: Warehouse, tracked: Sequence[str], target: str = "") -> None:
        self.warehouse = warehouse
        self.tracked = list(tracked)
        self.target = target  # which warehouse this is, for a backfill's resume ledger

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

    @contextmanager
    def landing(self, *, preview: bool) -> Iterator[WarehouseLanding]:
        """`OffersLanding`: a backfill's side of the warehouse; a preview's staged rows are
        removed at the end, whatever happens."""
        landing = WarehouseLanding(self, loading.new_load_id() if preview else None)
        try:
            yield landing
        finally:
            if landing.preview is not None:
                loading.unstage(self.warehouse, "telemetry", landing.preview)


class WarehouseLanding:
    """History into RAW without the end-of-run refresh (the backfill chooses the build), or, for
    a preview, telemetry staged under a preview load id that the build reads beside RAW."""

    def __init__(self, owner: WarehouseStore, preview: str | None) -> None:
        self.target = owner.target
        self.preview = preview
        self._owner = owner
        self.store = _PreviewStore(owner.warehouse, preview) if preview else _LandingStore(owner)

    def rebuild(self, *, full: bool, trucks: Sequence[str]) -> BuildResult:
        from fleetctl.warehouse.dimension_build import build

        return build(
            self._owner.warehouse,
            self._owner.tracked,
            full=full,
            trucks=trucks,
            dry_run=self.preview is not None,
            preview=self.preview,
        )

    def checks(self) -> list[CheckResult]:
        from fleetctl.warehouse.dimension_checks import run_checks

        return run_checks(self._owner.warehouse, self._owner.tracked)


class _LandingStore:
    """The warehouse store without its end-of-run refresh; the landing's owner closes it."""

    name = WarehouseStore.name

    def __init__(self, owner: WarehouseStore) -> None:
        self.load = owner.load
        self.load_rejected = owner.load_rejected

    def close(self) -> None:
        """The owner closes the warehouse."""


class _PreviewStore:
    """A dry run's store: telemetry is staged under the preview's load id for the build to read;
    nothing is landed, nothing rejected is kept."""

    name = "nothing (dry run: telemetry staged for the preview)"

    def __init__(self, warehouse: Warehouse, preview: str) -> None:
        self.warehouse = warehouse
        self.preview = preview

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult:
        rows = list(records)
        if stream == "telemetry":
            loading.stage_only(self.warehouse, stream, rows, self.preview)
        return LoadResult(inserted=len(rows))

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult:
        return LoadResult(inserted=len(list(rows)))

    def close(self) -> None:
        """The owner closes the warehouse."""


def open_store(settings: Settings) -> WarehouseStore:
    tracked = tracked_attributes(settings)
    return WarehouseStore(migrations.open_ready(settings), tracked, _target(settings))


def _target(settings: Settings) -> str:
    """Which warehouse this is: a source landed in one has not landed in another."""
    section = settings.section("warehouse")
    return ":".join(str(section.get(k, "")) for k in ("target", "account", "host", "database"))
