"""`fleetctl report reconcile|scd2|fleet|clicks`: reports read from the warehouse, as tables and
charts in the terminal, one JSON document (`--json`) or a self-contained page (`--html PATH`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from fleetctl.commands import settings_for

app = typer.Typer(
    help="Reports: reconciliation, the SCD2 dimension, fleet and clickstream insight.",
    no_args_is_help=True,
)


class Bucket(StrEnum):
    minute = "minute"
    hour = "hour"


class TrendBucket(StrEnum):
    auto = "auto"
    minute = "minute"
    hour = "hour"


Json = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
Html = Annotated[
    Path | None, typer.Option("--html", metavar="PATH", help="Also write a self-contained page.")
]
Target = Annotated[str | None, typer.Option(help="Warehouse target: embedded or snowflake.")]
From = Annotated[
    str | None, typer.Option("--from", metavar="T", help="Event time from T (ISO 8601, UTC).")
]
To = Annotated[str | None, typer.Option("--to", metavar="T", help="Event time before T.")]


@app.command()
def reconcile(
    ctx: typer.Context,
    run: Annotated[str | None, typer.Option(metavar="RUN_ID", help="The run to check.")] = None,
    last: Annotated[bool, typer.Option("--last", help="The latest run (the default).")] = False,
    start: From = None,
    end: To = None,
    bucket: Annotated[Bucket | None, typer.Option(help="Rows per minute or hour.")] = None,
    allowed_lateness: Annotated[
        int | None, typer.Option(metavar="SECONDS", help="Late beyond this behind the watermark.")
    ] = None,
    samples: Annotated[int | None, typer.Option(help="Event ids shown per discrepancy.")] = None,
    fail_on_unexpected: Annotated[
        bool, typer.Option("--fail-on-unexpected", help="Rows the run did not send fail it too.")
    ] = False,
    target: Target = None,
    json: Json = False,
    html: Html = None,
) -> None:
    """Did every record of a run arrive, once, in time? Exit 1 when not."""
    from fleetctl.errors import CheckFailed, InputError
    from fleetctl.reports.reconcile import ReconcileRequest, reconcile
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_reconcile as view

    if run and last:
        raise InputError("give --run RUN_ID or --last, not both")
    settings = settings_for(
        ctx,
        {
            "warehouse.target": target,
            "reports.bucket": bucket.value if bucket else None,
            "reports.allowed_lateness_s": allowed_lateness,
            "reports.samples": samples,
        },
    )
    request = ReconcileRequest(
        run_id=run,
        window=Window.parse(start, end),
        bucket=str(settings.get("reports.bucket")),
        allowed_lateness_s=_at_least(
            settings, "reports.allowed_lateness_s", 0, "--allowed-lateness"
        ),
        samples=_at_least(settings, "reports.samples", 0, "--samples"),
        fail_on_unexpected=fail_on_unexpected,
    )
    outcome = _with_warehouse(settings, lambda wh: reconcile(wh, settings.home, request))
    _emit(outcome.result, view.page(outcome), json, html)
    if not outcome.result.reconciled:
        raise CheckFailed(outcome.result.verdict)


@app.command()
def scd2(
    ctx: typer.Context,
    recent: Annotated[int | None, typer.Option(help="Recent changes listed.")] = None,
    target: Target = None,
    json: Json = False,
    html: Html = None,
) -> None:
    """Integrity checks of CORE.DIM_TRUCK, versions, recent changes; exit 1 when one fails."""
    from fleetctl.errors import CheckFailed
    from fleetctl.reports.scd2 import Scd2Request, scd2_report
    from fleetctl.views import reports_scd2 as view

    settings = settings_for(ctx, {"warehouse.target": target, "reports.recent_changes": recent})
    request = Scd2Request(
        tracked=list(settings.get("scd2.tracked")),
        recent=_at_least(settings, "reports.recent_changes", 0, "--recent"),
    )
    report = _with_warehouse(settings, lambda wh: scd2_report(wh, request))
    _emit(report, view.page(report), json, html)
    if not report.ok:
        failed = ", ".join(c.name for c in report.checks if not c.ok)
        raise CheckFailed(f"CORE.DIM_TRUCK failed its integrity checks: {failed}")


@app.command()
def fleet(
    ctx: typer.Context,
    start: From = None,
    end: To = None,
    open_within: Annotated[
        int | None,
        typer.Option(metavar="MINUTES", help="Open: raised this close to the last reading."),
    ] = None,
    min_stop: Annotated[
        int | None, typer.Option(metavar="MINUTES", help="Stationary this long = a stop.")
    ] = None,
    target: Target = None,
    json: Json = False,
    html: Html = None,
) -> None:
    """Fuel efficiency, distance, idling, CO2, open alerts, trucks at risk, route efficiency."""
    from fleetctl.reports.fleet import FleetRequest, fleet_report
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_fleet as view

    settings = settings_for(
        ctx,
        {
            "warehouse.target": target,
            "reports.open_alert_minutes": open_within,
            "reports.min_stop_minutes": min_stop,
        },
    )
    request = FleetRequest(
        window=Window.parse(start, end),
        open_alert_minutes=_at_least(settings, "reports.open_alert_minutes", 0, "--open-within"),
        min_stop_minutes=_at_least(settings, "reports.min_stop_minutes", 1, "--min-stop"),
    )
    report = _with_warehouse(settings, lambda wh: fleet_report(wh, request))
    _emit(report, view.page(report), json, html)


@app.command()
def clicks(
    ctx: typer.Context,
    start: From = None,
    end: To = None,
    bucket: Annotated[
        TrendBucket, typer.Option(help="Trend per minute, hour, or auto (minute up to 3 h).")
    ] = TrendBucket.auto,
    top: Annotated[int | None, typer.Option(help="Items per category.")] = None,
    per_item: Annotated[int | None, typer.Option(help="Recommendations per item.")] = None,
    target: Target = None,
    json: Json = False,
    html: Html = None,
) -> None:
    """Top items per category, clicks trend, sessions, funnel, co-click recommendations."""
    from fleetctl.reports.clicks import ClicksRequest, clicks_report
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_clicks as view

    settings = settings_for(
        ctx,
        {
            "warehouse.target": target,
            "reports.top_items": top,
            "reports.recommendations_per_item": per_item,
        },
    )
    request = ClicksRequest(
        window=Window.parse(start, end),
        bucket=bucket.value,
        top=_at_least(settings, "reports.top_items", 1, "--top"),
        per_item=_at_least(settings, "reports.recommendations_per_item", 1, "--per-item"),
    )
    report = _with_warehouse(settings, lambda wh: clicks_report(wh, request))
    _emit(report, view.page(report), json, html)


def _with_warehouse(settings: Any, job: Any) -> Any:
    """Run `job` on the warehouse; the embedded one is migrated first, as the local pipeline
    does (a Snowflake account only by `fleetctl db migrate`)."""
    from fleetctl.warehouse import migrations, open_warehouse

    with open_warehouse(settings) as wh:
        if wh.migrates_on_open:
            migrations.apply(wh)
        return job(wh)


def _at_least(settings: Any, key: str, minimum: int, flag: str) -> int:
    from fleetctl.errors import InputError

    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{flag} ({key}): expected an integer >= {minimum}, got {value!r}")
    return value


def _emit(result: Any, page: Any, json: bool, html: Path | None) -> None:
    """JSON alone on stdout, or the page in the terminal; the HTML page in either case."""
    from fleetctl import console
    from fleetctl.reports import html as html_page
    from fleetctl.views import report_page

    if html is not None:
        html_page.write(page, html)
    if json:
        console.emit_json(result)
        return
    report_page.show(page)
    if html is not None:
        console.out().print(f"  [dim]wrote[/] {html}", soft_wrap=True, highlight=False)
