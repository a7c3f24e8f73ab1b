"""`fleetctl replay`: resend recorded files (simulator output, S3 backups, dead letters)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleetctl.commands import options, settings_for


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
    """Resend recorded records in event order, optionally at their original pace."""
    from fleetctl import console
    from fleetctl.deadletters import raise_if_undelivered
    from fleetctl.pacing import speed_option
    from fleetctl.replay import ReplayRequest, count_records, run_replay
    from fleetctl.sinks import open_sink
    from fleetctl.views import runs

    sink_flags = options.sink_overrides(
        sink, out, compress, concurrency, rate, clickstream_stream, telemetry_stream, store
    )
    settings = settings_for(
        ctx,
        {
            "replay.speed": speed_option(realtime, speed),
            **sink_flags,
        },
    )
    request = ReplayRequest.from_settings(paths, settings)
    options.check_sink_flags(sink_flags, request.sink)
    total = count_records(request.paths)
    target = open_sink(request.sink, settings)
    with console.progress(runs.DeliveryColumn(target)) as bar:
        task = bar.add_task(f"replay → {request.sink}", total=total)
        result = run_replay(request, target, settings.home, on_sent=lambda n: bar.advance(task, n))
    if json:
        console.emit_json(runs.document(result))
    else:
        runs.summary(result)
    raise_if_undelivered(result.report)
