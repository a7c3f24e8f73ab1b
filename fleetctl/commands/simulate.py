"""`fleetctl simulate`: synthetic clickstream and truck telemetry into a sink."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for, sink_flags


@sink_flags.sending
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
    *,
    sending: sink_flags.Sending,
) -> None:
    """Generate realistic clickstream and per-minute telemetry."""
    from fleetctl import console
    from fleetctl.deadletters import raise_if_undelivered
    from fleetctl.pacing import speed_option
    from fleetctl.simulate import SimulationRequest, run_simulation
    from fleetctl.sinks import open_sink
    from fleetctl.views import delivery

    settings = settings_for(
        ctx,
        {
            "simulate.trucks": trucks,
            "simulate.minutes": minutes,
            "simulate.clicks_per_minute": clicks_per_minute,
            "simulate.seed": seed,
            "simulate.start": start,
            "simulate.shard": shard,
            "simulate.speed": speed_option(sending.realtime, sending.speed),
            **sending.overrides(),
        },
    )
    request = SimulationRequest.from_settings(settings)
    sending.check(request.sink)
    target = open_sink(request.sink, settings)
    with console.progress(delivery.DeliveryColumn(target)) as bar:
        task = bar.add_task(f"simulate → {request.sink}", total=request.minutes)
        result = run_simulation(
            request, target, settings.home, on_minute=lambda done: bar.update(task, completed=done)
        )
    if sending.json:
        console.emit_json(delivery.document(result))
    else:
        delivery.summary(result)
    raise_if_undelivered(result.report)
