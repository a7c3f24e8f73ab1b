"""A backfill: recorded history through the local pipeline (the production handlers validate it;
rejects land in RAW.REJECTED), then the truck dimension rebuilt where the history touched it and
its integrity checked. A dry run stages the history instead of landing it and shows what the
build would change."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fleetctl import aws
from fleetctl.backfill.ledger import Ledger
from fleetctl.backfill.selection import Router, Selection
from fleetctl.backfill.sources import Source, expand
from fleetctl.config import Settings
from fleetctl.core import STREAMS, LoadResult, RejectedRecord
from fleetctl.errors import InputError
from fleetctl.manifest import RunManifest, StreamManifest, new_run_id, utc_now_iso
from fleetctl.pacing import Event
from fleetctl.runs import Part, RunResult, deliver_parts
from fleetctl.warehouse import Warehouse, loading
from fleetctl.warehouse import dimension_build as engine
from fleetctl.warehouse.dimension_checks import CheckResult, run_checks
from fleetctl.warehouse.store import open_store


@dataclass(frozen=True)
class BackfillRequest:
    sources: tuple[str, ...]
    selection: Selection
    full: bool = False
    dry_run: bool = False

    def __post_init__(self) -> None:
        if self.selection.trucks and not self.full and not self.sources:
            raise InputError("--trucks chooses what to load (with --source) or to rebuild (--full)")


@dataclass
class SourceOutcome:
    name: str
    status: str  # "landed", "staged" (dry run) or "skipped" (landed by an earlier backfill)
    records: int = 0


@dataclass
class BackfillResult:
    sources: list[SourceOutcome]
    run: RunResult | None  # the pipeline's accounting, when anything was sent
    build: engine.BuildResult
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_backfill(
    request: BackfillRequest,
    settings: Settings,
    on_sent: Callable[[int], None] | None = None,
) -> BackfillResult:
    if str(settings.get("store")) != "snowflake":
        raise InputError("backfill rebuilds the warehouse's CORE.DIM_TRUCK: use --store snowflake")
    sources = expand(list(request.sources), lambda: aws.client("s3"))
    ledger = Ledger(settings.home, _target(settings))
    preview = loading.new_load_id() if request.dry_run else None

    selection = request.selection.key
    # the ledger saves the work of sources landed before; loads are idempotent all the same
    landed_before = [
        s for s in sources if not request.dry_run and ledger.landed(s.identity, selection)
    ]
    outcomes = [SourceOutcome(s.name, "skipped") for s in landed_before]
    to_send = [s for s in sources if s not in landed_before]
    run = None
    # the store of the local pipeline: the embedded warehouse migrated, Snowflake checked
    warehouse_store = open_store(settings)
    warehouse, tracked = warehouse_store.warehouse, warehouse_store.tracked
    with warehouse:
        if to_send:
            from fleetctl.pipeline.sink import open_sink

            store = (
                PreviewStore(warehouse, preview) if preview is not None else LandingStore(warehouse)
            )
            manifest = _manifest(request)
            parts = _parts(request, to_send, ledger, outcomes, manifest)
            run = deliver_parts(
                manifest, parts, open_sink(settings, store=store), settings.home, on_sent=on_sent
            )
        try:
            build = engine.build(
                warehouse,
                tracked,
                full=request.full,
                trucks=sorted(request.selection.trucks) if request.full else (),
                dry_run=request.dry_run,
                preview=preview,
            )
        finally:
            if preview is not None:
                loading.unstage(warehouse, "telemetry", preview)
        checks = [] if request.dry_run else run_checks(warehouse, tracked)
    return BackfillResult(outcomes, run, build, checks)


def _manifest(request: BackfillRequest) -> RunManifest:
    return RunManifest(
        run_id=new_run_id(),
        command="backfill",
        created_at=utc_now_iso(),
        parameters={
            "sources": list(request.sources),
            "from": request.selection.start,
            "to": request.selection.end,
            "trucks": sorted(request.selection.trucks),
            "dry_run": request.dry_run,
        },
        sink="local",
        streams={name: StreamManifest() for name in STREAMS},
    )


def _parts(
    request: BackfillRequest,
    sources: list[Source],
    ledger: Ledger,
    outcomes: list[SourceOutcome],
    manifest: RunManifest,
) -> Iterator[Part]:
    """One part per source; once it has landed, the ledger remembers it."""
    selection = request.selection.key
    for source in sources:
        identity = source.identity
        outcome = SourceOutcome(source.name, "staged" if request.dry_run else "landed")
        outcomes.append(outcome)

        def landed(identity: str = identity) -> None:
            if not request.dry_run:
                ledger.mark(identity, selection)

        yield Part(_events(source, Router(request.selection), outcome, manifest), landed)


def _events(
    source: Source, router: Router, outcome: SourceOutcome, manifest: RunManifest
) -> Iterator[Event]:
    for line in source.lines():
        routed = router.route(line)
        if routed is None:
            continue
        stream, record = routed
        outcome.records += 1
        stats = manifest.streams[stream]
        stats.generated += 1
        stats.bytes += len(line)
        event_ts, event_id = (_text(record, "event_ts"), _text(record, "event_id"))
        if event_ts is not None:
            stats.first_event_ts = min(stats.first_event_ts or event_ts, event_ts)
            stats.last_event_ts = max(stats.last_event_ts or event_ts, event_ts)
        yield Event(stream, line, event_ts, event_id)


def _text(record: dict | None, key: str) -> str | None:
    value = record.get(key) if record is not None else None
    return value if isinstance(value, str) else None


def _target(settings: Settings) -> str:
    """Which warehouse a landed source is in, for the resume ledger."""
    section = settings.section("warehouse")
    return ":".join(str(section.get(k, "")) for k in ("target", "account", "host", "database"))


class LandingStore:
    """The warehouse as the pipeline's store, without the end-of-run dimension refresh: the
    backfill builds the dimension itself, with its own options."""

    name = "snowflake"

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult:
        return loading.load_records(self.warehouse, stream, records)

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult:
        return loading.load_rejected(self.warehouse, rows)

    def close(self) -> None:
        """The backfill closes the warehouse."""


class PreviewStore(LandingStore):
    """A dry run's store: telemetry is staged under the preview's load id for the build to read;
    nothing is landed, nothing rejected is kept."""

    name = "nothing (dry run: telemetry staged for the preview)"

    def __init__(self, warehouse: Warehouse, preview: str) -> None:
        super().__init__(warehouse)
        self.preview = preview

    def load(self, stream: str, records: Iterable[Mapping[str, Any]]) -> LoadResult:
        rows = list(records)
        if stream == "telemetry":
            loading.stage_only(self.warehouse, stream, rows, self.preview)
        return LoadResult(inserted=len(rows))

    def load_rejected(self, rows: Iterable[RejectedRecord]) -> LoadResult:
        return LoadResult(inserted=len(list(rows)))
