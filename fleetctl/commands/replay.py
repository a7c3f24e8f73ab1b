"""`fleetctl replay`: resend recorded files (simulator output, S3 backups, dead letters)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleetctl.commands import settings_for, sink_flags


@sink_flags.sending
def replay(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="JSONL files, gzip or not: simulator output, Firehose S3 objects, dead letters.",
            metavar="PATH",
            show_default=False,
        ),
    ],
    *,
    sending: sink_flags.Sending,
) -> None:
    """Resend recorded records in event order, optionally at their original pace."""
    from fleetctl import console
    from fleetctl.deadletters import raise_if_undelivered
    from fleetctl.pacing import speed_option
    from fleetctl.replay import ReplayRequest, count_records, run_replay
    from fleetctl.sinks import open_sink
    from fleetctl.views import delivery

    settings = settings_for(
        ctx,
        {
            "replay.speed": speed_option(sending.realtime, sending.speed),
            **sending.overrides(),
        },
    )
    request = ReplayRequest.from_settings(paths, settings)
    sending.check(request.sink)
    total = count_records(request.paths)
    target = open_sink(request.sink, settings)
    with console.progress(delivery.DeliveryColumn(target)) as bar:
        task = bar.add_task(f"replay → {request.sink}", total=total)
        result = run_replay(request, target, settings.home, on_sent=lambda n: bar.advance(task, n))
    if sending.json:
        console.emit_json(delivery.document(result))
    else:
        delivery.summary(result)
    raise_if_undelivered(result.report)
