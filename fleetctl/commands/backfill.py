"""`fleetctl backfill`: load history through the handlers and rebuild the SCD2 truck history."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for, sink_flags


def backfill(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help="JSONL(.gz) file, directory of them, or s3://bucket/prefix; repeat for more.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Only events at or after this instant (ISO-8601).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Only events before this instant (ISO-8601).")
    ] = None,
    trucks: Annotated[
        list[str] | None,
        typer.Option(help="Only these trucks (comma-separated or repeated).", show_default=False),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild the whole history, not only what changed.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; land and change nothing.")
    ] = False,
    json: sink_flags.Json = False,
) -> None:
    """Load history (files or S3) through the handlers and rebuild the truck dimension's history."""
    from fleetctl import console
    from fleetctl.backfill.job import BackfillRequest, run_backfill
    from fleetctl.backfill.selection import Selection, contract_instant
    from fleetctl.errors import CheckFailed
    from fleetctl.views import backfill as view

    settings = settings_for(ctx)
    chosen = frozenset(t.strip() for group in trucks or [] for t in group.split(",") if t.strip())
    request = BackfillRequest(
        sources=tuple(source or ()),
        selection=Selection(
            start=contract_instant(start, "--from") if start else None,
            end=contract_instant(end, "--to") if end else None,
            trucks=chosen,
        ),
        full=full,
        dry_run=dry_run,
    )
    with console.progress() as bar:
        task = bar.add_task("backfill", total=None)
        result = run_backfill(request, settings, on_sent=lambda n: bar.advance(task, n))
    if json:
        console.emit_json(view.document(result))
    else:
        view.summary(result)
    if not result.ok:
        failed = ", ".join(c.name for c in result.checks if not c.ok)
        raise CheckFailed(f"the truck dimension fails its integrity checks: {failed}")
