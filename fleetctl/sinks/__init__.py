"""Sink registry: the one place a sink name becomes an implementation."""

from __future__ import annotations

import importlib

from fleetctl.config import Settings
from fleetctl.core import Sink, SinkReport, Store
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
    "CallObserver",
    "CallOutcome",
    "LandingObserver",
    "ReportsCalls",
    "ReportsLag",
    "ReportsProgress",
    "Sink",
    "SinkReport",
    "open_sink",
]

PIPELINE = "local"  # the sink that runs the whole pipeline here, into a store
# module names, imported on use so `--help` never pays for boto3 or the warehouse
SINKS = {
    "file": "fleetctl.sinks.file",
    "firehose": "fleetctl.sinks.firehose",
    PIPELINE: "fleetctl.pipeline.sink",
}


def open_sink(name: str, settings: Settings, store: Store | None = None) -> Sink:
    """Build the sink called `name`; its module's `open_sink` reads `sinks.<name>.*` settings.
    `store`: where the pipeline lands records instead of the configured store (it closes it)."""
    try:
        module = importlib.import_module(SINKS[name])
    except KeyError:
        raise InputError(f"unknown sink {name!r} (choose from {', '.join(SINKS)})") from None
    if store is not None:
        return module.open_sink(settings, store=store)
    return module.open_sink(settings)
