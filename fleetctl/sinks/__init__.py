"""Sink registry: the one place a sink name becomes an implementation, and each sink's flags."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from fleetctl.config import Settings
from fleetctl.core import STREAMS, Sink, SinkReport, Store
from fleetctl.errors import InputError
from fleetctl.sinks.base import (
    CallObserver,
    CallOutcome,
    LandingObserver,
    ReportsCalls,
    ReportsLag,
    ReportsProgress,
)

__all__ = [
    "PIPELINE",
    "SINKS",
    "STREAM_FLAGS",
    "CallObserver",
    "CallOutcome",
    "Flag",
    "LandingObserver",
    "ReportsCalls",
    "ReportsLag",
    "ReportsProgress",
    "Sink",
    "SinkReport",
    "SinkSpec",
    "batching_sinks",
    "open_sink",
]


@dataclass(frozen=True)
class Flag:
    """A command-line flag of `simulate` and `replay` and the settings key it overrides."""

    name: str  # "--out"; a switch also has its "--no-…" form in `off`
    key: str
    kind: type  # what the flag parses to: str, int, float, bool, Path
    help: str
    off: str | None = None


@dataclass(frozen=True)
class SinkSpec:
    """A sink: `module` has `open_sink(settings)`, which decodes the sink's options Struct from
    `sinks.<name>.*`; `flags` are the flags only this sink reads (given with another sink they
    would silently do nothing, so they are refused)."""

    module: str
    summary: str = ""  # for --sink's help, after the name
    flags: tuple[Flag, ...] = ()
    # a BatchingSink: its `sinks.<name>.*` have `concurrency` and `rate`, it reports every call
    batching: bool = False


PIPELINE = "local"  # the sink that runs the whole pipeline here, into a store
# module names, imported on use so `--help` never pays for boto3 or the warehouse
SINKS = {
    "file": SinkSpec(
        "fleetctl.sinks.file",
        flags=(
            Flag("--out", "sinks.file.out", Path, "Output directory of the file sink."),
            Flag(
                "--compress",
                "sinks.file.compress",
                bool,
                "gzip the file sink's output.",
                off="--no-compress",
            ),
        ),
    ),
    "firehose": SinkSpec(
        "fleetctl.sinks.firehose",
        flags=(
            Flag(
                "--concurrency",
                "sinks.firehose.concurrency",
                int,
                "Firehose calls in flight at once.",
            ),
            Flag("--rate", "sinks.firehose.rate", float, "Firehose: new records/s cap (0: none)."),
        ),
        batching=True,
    ),
    PIPELINE: SinkSpec(
        "fleetctl.pipeline.sink",
        "the pipeline into the store",
        flags=(
            Flag(
                "--store",
                "store",
                str,
                "Local pipeline: where records land, warehouse (alias snowflake) or dynamodb.",
            ),
        ),
    ),
}
# flags every sink that sends to a delivery stream reads (Firehose, the local pipeline)
STREAM_FLAGS = tuple(
    Flag(f"--{stream}-stream", f"streams.{stream}", str, f"Firehose delivery stream of {stream}.")
    for stream in STREAMS
)


def batching_sinks() -> list[str]:
    return [name for name, spec in SINKS.items() if spec.batching]


def open_sink(name: str, settings: Settings, store: Store | None = None) -> Sink:
    """Build the sink called `name`; its module's `open_sink` reads `sinks.<name>.*` settings.
    `store`: where the pipeline lands records instead of the configured store (it closes it)."""
    try:
        module = importlib.import_module(SINKS[name].module)
    except KeyError:
        raise InputError(f"unknown sink {name!r} (choose from {', '.join(SINKS)})") from None
    if store is not None:
        return module.open_sink(settings, store=store)
    return module.open_sink(settings)
