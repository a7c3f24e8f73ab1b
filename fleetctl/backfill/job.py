"""A backfill: recorded history through the local pipeline (the production handlers validate it;
rejects land in RAW.REJECTED), then the truck dimension rebuilt where the history touched it and
its integrity checked. A dry run stages the history instead of landing it and shows what the
build would change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import cast

from fleetctl import aws
from fleetctl.backfill.resume import ResumeLedger
from fleetctl.backfill.selection import Router, Selection
from fleetctl.backfill.sources import Source, expand
from fleetctl.config import Settings
from fleetctl.core import STREAMS, BuildResult, CheckResult, Landing, OffersLanding
from fleetctl.delivery import Part, RunResult, deliver_parts
from fleetctl.errors import InputError
from fleetctl.manifest import RunManifest, StreamManifest, new_run_id, utc_now_iso
from fleetctl.pacing import Event
from fleetctl.sinks import PIPELINE, open_sink
from fleetctl.stores import open_store, require


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
    build: BuildResult
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def run_backfill(
    request: BackfillRequest,
    settings: Settings,
    on_sent: Callable[[int], None] | None = None,
) -> BackfillResult:
    require(settings, OffersLanding, "backfill rebuilds a store's truck dimension from history")
    sources = expand(list(request.sources), lambda: aws.client("s3"))
    # the store the pipeline lands in: the embedded warehouse migrated, Snowflake checked
    store = open_store(settings)
    with closing(store), cast(OffersLanding, store).landing(preview=request.dry_run) as landing:
        return _backfill(request, settings, sources, landing, on_sent)


def _backfill(
    request: BackfillRequest,
    settings: Settings,
    sources: list[Source],
    landing: Landing,
    on_sent: Callable[[int], None] | None,
) -> BackfillResult:
    ledger = ResumeLedger(settings.home, landing.target)
    selection = request.selection.key
    # the ledger saves the work of sources landed before; loads are idempotent all the same
    landed_before = [
        s for s in sources if not request.dry_run and ledger.landed(s.identity, selection)
    ]
    outcomes = [SourceOutcome(s.name, "skipped") for s in landed_before]
    to_send = [s for s in sources if s not in landed_before]
    run = None
    if to_send:
        manifest = _manifest(request)
        parts = _parts(request, to_send, ledger, outcomes, manifest)
        pipeline = open_sink(PIPELINE, settings, store=landing.store)
        run = deliver_parts(manifest, parts, pipeline, settings.home, on_sent=on_sent)
    build = landing.rebuild(
        full=request.full,
        trucks=sorted(request.selection.trucks) if request.full else (),
    )
    checks = [] if request.dry_run else landing.checks()
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
        sink=PIPELINE,
        streams={name: StreamManifest() for name in STREAMS},
    )


def _parts(
    request: BackfillRequest,
    sources: list[Source],
    ledger: ResumeLedger,
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
