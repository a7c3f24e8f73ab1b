"""`fleetctl report reconcile|scd2|fleet|clicks`: reports read from the warehouse, as tables and
charts in the terminal, one JSON document (`--json`) or a self-contained page (`--html PATH`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from fleetctl.commands import settings_for
from fleetctl.config import Settings

if TYPE_CHECKING:
    from fleetctl.warehouse import Warehouse

Opts = TypeVar("Opts")  # a report's options Struct
Q = TypeVar("Q")  # its request
R = TypeVar("R")  # its result

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
    from fleetctl.reports.reconcile import ReconcileOptions, ReconcileRequest, reconcile
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_reconcile as view

    if run and last:
        raise InputError("give --run RUN_ID or --last, not both")
    outcome = _report(
        Report(ctx, target, json, html),
        ReconcileOptions,
        {
            "bucket": ("--bucket", bucket.value if bucket else None),
            "allowed_lateness_s": ("--allowed-lateness", allowed_lateness),
            "samples": ("--samples", samples),
        },
        lambda options, _: ReconcileRequest(
            run_id=run,
            window=Window.parse(start, end),
            bucket=options.bucket,
            allowed_lateness_s=options.allowed_lateness_s,
            samples=options.samples,
            fail_on_unexpected=fail_on_unexpected,
        ),
        lambda wh, request, settings: reconcile(wh, settings.home, request),
        view.page,
        document=lambda outcome: outcome.result,
    )
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
    from fleetctl.reports.scd2 import Scd2Options, Scd2Request, scd2_report
    from fleetctl.scd2.tracked import tracked_attributes
    from fleetctl.views import reports_scd2 as view

    report = _report(
        Report(ctx, target, json, html),
        Scd2Options,
        {"recent_changes": ("--recent", recent)},
        lambda options, settings: Scd2Request(
            tracked=tracked_attributes(settings), recent=options.recent_changes
        ),
        lambda wh, request, _: scd2_report(wh, request),
        view.page,
    )
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
    from fleetctl.reports.fleet import FleetOptions, FleetRequest, fleet_report
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_fleet as view

    _report(
        Report(ctx, target, json, html),
        FleetOptions,
        {
            "open_alert_minutes": ("--open-within", open_within),
            "min_stop_minutes": ("--min-stop", min_stop),
        },
        lambda options, _: FleetRequest(
            window=Window.parse(start, end),
            open_alert_minutes=options.open_alert_minutes,
            min_stop_minutes=options.min_stop_minutes,
        ),
        lambda wh, request, _: fleet_report(wh, request),
        view.page,
    )


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
    from fleetctl.reports.clicks import ClicksOptions, ClicksRequest, clicks_report
    from fleetctl.reports.window import Window
    from fleetctl.views import reports_clicks as view

    _report(
        Report(ctx, target, json, html),
        ClicksOptions,
        {
            "top_items": ("--top", top),
            "recommendations_per_item": ("--per-item", per_item),
        },
        lambda options, _: ClicksRequest(
            window=Window.parse(start, end),
            bucket=bucket.value,
            top=options.top_items,
            per_item=options.recommendations_per_item,
        ),
        lambda wh, request, _: clicks_report(wh, request),
        view.page,
    )


@dataclass(frozen=True)
class Report:
    """What every report command takes alike: the context, --target, --json and --html."""

    ctx: typer.Context
    target: str | None
    json: bool
    html: Path | None


def _report(
    report: Report,
    kind: type[Opts],
    flags: dict[str, tuple[str, Any]],
    request: Callable[[Opts, Settings], Q],
    job: Callable[[Warehouse, Q, Settings], R],
    page: Callable[[R], Any],
    document: Callable[[R], Any] = lambda result: result,
) -> R:
    """The skeleton of every report: settings (each flag over `reports.<key>`) → the report's
    options Struct, decoded once → its request (bad input fails before the warehouse opens) →
    the job on the warehouse, the embedded one migrated first → JSON, the terminal, HTML."""
    overrides = {f"reports.{key}": value for key, (_, value) in flags.items()}
    settings = settings_for(report.ctx, {"warehouse.target": report.target, **overrides})
    options = _options(settings, kind, {key: flag for key, (flag, _) in flags.items()})
    asked = request(options, settings)
    result = _with_warehouse(settings, lambda wh: job(wh, asked, settings))
    _emit(document(result), page(result), report.json, report.html)
    return result


def _options(settings: Settings, kind: type[Opts], flags: dict[str, str]) -> Opts:
    """`reports.*` as the report's options; a bad value is one line naming its flag and key."""
    import msgspec

    from fleetctl.errors import InputError

    section = settings.section("reports")
    values = {name: section[name] for name in kind.__struct_fields__ if name in section}
    try:
        return msgspec.convert(values, kind)
    except msgspec.ValidationError as e:
        name = str(e).rpartition("$.")[2].strip("`")
        field = next(f for f in msgspec.inspect.type_info(kind).fields if f.name == name)
        raise InputError(
            f"{flags[name]} (reports.{name}): expected {_expected(field.type)}, "
            f"got {values.get(name)!r}"
        ) from None


def _expected(kind: Any) -> str:
    import msgspec

    if isinstance(kind, msgspec.inspect.IntType):
        return "an integer" + (f" >= {kind.ge}" if kind.ge is not None else "")
    if isinstance(kind, msgspec.inspect.LiteralType):
        return "one of " + ", ".join(map(str, kind.values))
    return type(kind).__name__.removesuffix("Type").lower()


def _with_warehouse(settings: Settings, job: Callable[[Warehouse], R]) -> R:
    """Run `job` on the warehouse; the embedded one is migrated first, as the local pipeline
    does (a Snowflake account only by `fleetctl db migrate`)."""
    from fleetctl.warehouse import migrations, open_warehouse

    with open_warehouse(settings) as wh:
        if wh.migrates_on_open:
            migrations.apply(wh)
        return job(wh)


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
