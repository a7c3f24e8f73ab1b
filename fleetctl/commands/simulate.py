"""`fleetctl simulate`: synthetic clickstream and truck telemetry into a sink."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import options, settings_for


def simulate(
    ctx: typer.Context,
    trucks: Annotated[int | None, typer.Option(help="Trucks in the fleet.")] = None,
    minutes: Annotated[int | None, typer.Option(help="Simulated minutes.")] = None,
    clicks_per_minute: Annotated[
        float | None, typer.Option(help="Mean clickstream events per minute over a day.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Same seed, same records, byte for byte.")
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="First simulated minute, ISO-8601 (UTC if no offset).")
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(help="Generate part K/N of the run; N shards together make the whole run."),
    ] = None,
    realtime: options.Realtime = False,
    speed: options.Speed = None,
    sink: options.Sink = None,
    out: options.Out = None,
    compress: options.Compress = None,
    concurrency: options.Concurrency = None,
    rate: options.Rate = None,
    clickstream_stream: options.ClickstreamStream = None,
    telemetry_stream: options.TelemetryStream = None,
    store: options.Store = None,
    json: options.Json = False,
) -> None:
    """Generate realistic clickstream and per-minute telemetry."""
    from fleetctl import console
    from fleetctl.deadletters import raise_if_undelivered
    from fleetctl.pacing import speed_option
    from fleetctl.simulate import SimulationRequest, run_simulation
    from fleetctl.sinks import open_sink
    from fleetctl.views import runs

    sink_flags = options.sink_overrides(
        sink, out, compress, concurrency, rate, clickstream_stream, telemetry_stream, store
    )
    settings = settings_for(
        ctx,
        {
            "simulate.trucks": trucks,
            "simulate.minutes": minutes,
            "simulate.clicks_per_minute": clicks_per_minute,
            "simulate.seed": seed,
            "simulate.start": start,
            "simulate.shard": shard,
            "simulate.speed": speed_option(realtime, speed),
            **sink_flags,
        },
    )
    request = SimulationRequest.from_settings(settings)
    options.check_sink_flags(sink_flags, request.sink)
    target = open_sink(request.sink, settings)
    with console.progress(runs.DeliveryColumn(target)) as bar:
        task = bar.add_task(f"simulate → {request.sink}", total=request.minutes)
        result = run_simulation(
            request, target, settings.home, on_minute=lambda done: bar.update(task, completed=done)
        )
    if json:
        console.emit_json(runs.document(result))
    else:
        runs.summary(result)
    raise_if_undelivered(result.report)
