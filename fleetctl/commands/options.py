"""Options shared by the commands that send records to a sink (simulate, replay)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from fleetctl.errors import InputError

PANEL = "Sink"

Sink = Annotated[
    str | None,
    typer.Option(
        help="Where records go: local (the pipeline into the store), file or firehose.",
        rich_help_panel=PANEL,
    ),
]
Out = Annotated[
    Path | None, typer.Option(help="Output directory of the file sink.", rich_help_panel=PANEL)
]
Compress = Annotated[
    bool | None,
    typer.Option(
        "--compress/--no-compress", help="gzip the file sink's output.", rich_help_panel=PANEL
    ),
]
Concurrency = Annotated[
    int | None, typer.Option(help="Firehose calls in flight at once.", rich_help_panel=PANEL)
]
Rate = Annotated[
    float | None, typer.Option(help="Firehose: new records/s cap (0: none).", rich_help_panel=PANEL)
]
ClickstreamStream = Annotated[
    str | None, typer.Option(help="Firehose delivery stream of clickstream.", rich_help_panel=PANEL)
]
TelemetryStream = Annotated[
    str | None, typer.Option(help="Firehose delivery stream of telemetry.", rich_help_panel=PANEL)
]
Store = Annotated[
    str | None,
    typer.Option(
        help="Local pipeline: where records land, snowflake (the warehouse) or dynamodb.",
        rich_help_panel=PANEL,
    ),
]
Realtime = Annotated[
    bool, typer.Option("--realtime", help="Send records when they happen (same as --speed 1).")
]
Speed = Annotated[
    float | None,
    typer.Option(
        help="Event time per wall time: 1 = real time, 60 = an hour a minute, 0 = no wait."
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON summary instead.")]


# flags that only one sink reads: given with another sink they would silently do nothing
SINK_ONLY_FLAGS = {
    "sinks.file.out": ("--out", "file"),
    "sinks.file.compress": ("--compress", "file"),
    "sinks.firehose.concurrency": ("--concurrency", "firehose"),
    "sinks.firehose.rate": ("--rate", "firehose"),
    "store": ("--store", "local"),
}


def sink_overrides(
    sink: str | None,
    out: Path | None,
    compress: bool | None,
    concurrency: int | None,
    rate: float | None,
    clickstream_stream: str | None,
    telemetry_stream: str | None,
    store: str | None,
) -> dict[str, Any]:
    """The sink flags as the settings keys they override."""
    return {
        "sink": sink,
        "sinks.file.out": out,
        "sinks.file.compress": compress,
        "sinks.firehose.concurrency": concurrency,
        "sinks.firehose.rate": rate,
        "streams.clickstream": clickstream_stream,
        "streams.telemetry": telemetry_stream,
        "store": store,
    }


def check_sink_flags(overrides: dict[str, Any], sink: str) -> None:
    """Refuse a flag of another sink than the one chosen, rather than ignore it."""
    for key, (flag, owner) in SINK_ONLY_FLAGS.items():
        if overrides.get(key) is not None and sink != owner:
            raise InputError(
                f"{flag} is an option of the {owner} sink, not of {sink} (add --sink {owner})"
            )
