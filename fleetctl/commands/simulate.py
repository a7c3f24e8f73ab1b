"""`fleetctl simulate`: synthetic clickstream and truck telemetry into a sink."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleetctl.commands import settings_for


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
    sink: Annotated[str | None, typer.Option(help="Where records go: file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output directory of the file sink.")] = None,
    compress: Annotated[
        bool | None, typer.Option("--compress/--no-compress", help="gzip the file sink's output.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON summary instead.")] = False,
) -> None:
    """Generate realistic clickstream and per-minute telemetry."""
    from fleetctl import console
    from fleetctl.simulate import SimulationRequest, run_simulation
    from fleetctl.sinks import open_sink
    from fleetctl.views import simulation

    settings = settings_for(
        ctx,
        {
            "simulate.trucks": trucks,
            "simulate.minutes": minutes,
            "simulate.clicks_per_minute": clicks_per_minute,
            "simulate.seed": seed,
            "simulate.start": start,
            "sink": sink,
            "sinks.file.out": out,
            "sinks.file.compress": compress,
        },
    )
    request = SimulationRequest.from_settings(settings)
    target = open_sink(request.sink, settings)
    with console.progress() as bar:
        task = bar.add_task(f"simulate → {request.sink}", total=request.minutes)
        result = run_simulation(
            request, target, settings.home, on_minute=lambda done: bar.update(task, completed=done)
        )
    if json:
        console.emit_json(simulation.document(result))
    else:
        simulation.summary(result)
