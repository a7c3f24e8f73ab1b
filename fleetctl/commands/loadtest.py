"""`fleetctl loadtest`: drive a load profile into a sink, show it live, save it, give a verdict."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for, sink_flags
from fleetctl.loadtest.distributed import Role

PANEL = "Distributed (Locust)"


def loadtest(
    ctx: typer.Context,
    rate: Annotated[
        float | None,
        typer.Option(metavar="R", help="Steady load of R records/s, half per stream."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            metavar="NAME|FILE",
            help="Load profile: steady, ramp, spike, black-friday, or a TOML file.",
        ),
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option(metavar="SECONDS", help="Length of the run (default: the profile's)."),
    ] = None,
    sink: Annotated[str | None, typer.Option(help="Where records go: firehose or local.")] = None,
    processes: Annotated[
        int | None, typer.Option(metavar="P", help="Processes that generate and send records.")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="Firehose calls in flight per process.")
    ] = None,
    clickstream_stream: sink_flags.ClickstreamStream = None,
    telemetry_stream: sink_flags.TelemetryStream = None,
    distributed: Annotated[
        Role | None,
        typer.Option(
            help="Run Locust in this role instead; Locust's own options go after `--`.",
            rich_help_panel=PANEL,
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the saved result JSON.")] = False,
) -> None:
    """Load-test the pipeline open-loop: target vs achieved records/s, latency, a verdict.

    Exit code 1 when a threshold is missed, so the run can gate a release.
    """
    from fleetctl import console
    from fleetctl.errors import CheckFailed, InputError

    overrides = {
        "loadtest.sink": sink,
        "loadtest.processes": processes,
        "loadtest.concurrency": concurrency,
        "streams.clickstream": clickstream_stream,
        "streams.telemetry": telemetry_stream,
    }
    if distributed is not None:
        from fleetctl.loadtest.distributed import run_locust

        raise typer.Exit(run_locust(distributed, ctx.args, overrides, processes))
    if ctx.args:
        raise InputError(
            f"unexpected arguments {' '.join(ctx.args)!r} (Locust's go with --distributed)"
        )

    from fleetctl.loadtest import dashboard, results
    from fleetctl.loadtest.runner import LoadTestRequest, run_loadtest

    settings = settings_for(ctx, overrides)
    request = LoadTestRequest.from_settings(settings, rate, profile, duration)
    noun = "process" if request.processes == 1 else "processes"
    title = f"loadtest {request.profile.name} → {request.sink}, {request.processes} {noun}"
    with dashboard.Dashboard(console.err(), title) as board:
        result = run_loadtest(request, settings, board.update if board.enabled else None)
    document = results.save(result, settings.home)
    if json:
        console.emit_json(document)
    else:
        out = console.out()
        out.print(dashboard.render(result.snapshot, title))
        out.print(dashboard.verdict_lines(result.verdict))
        for path in document["sink"]["dead_letter_paths"]:
            out.print(f"  [dim]dead letters[/] {path}", soft_wrap=True)
        out.print(f"  [dim]result[/] {document['files']['result']}", soft_wrap=True)
        out.print(f"  [dim]time series[/] {document['files']['timeseries']}", soft_wrap=True)
    if result.interrupted:
        raise typer.Abort()
    if not result.verdict.passed:
        raise CheckFailed(f"load test failed: {'; '.join(result.verdict.failures)}")
