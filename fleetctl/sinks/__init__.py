"""Sink registry: the one place a sink name becomes an implementation."""

from __future__ import annotations

import importlib

from fleetctl.config import Settings
from fleetctl.core import Sink, SinkReport
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

# module names, imported on use so `--help` never pays for boto3 or the warehouse
SINKS = {
    "file": "fleetctl.sinks.file",
    "firehose": "fleetctl.sinks.firehose",
    "local": "fleetctl.pipeline.sink",
}


def open_sink(name: str, settings: Settings) -> Sink:
    """Build the sink called `name`; its module's `open_sink` reads `sinks.<name>.*` settings."""
    try:
        module = importlib.import_module(SINKS[name])
    except KeyError:
        raise InputError(f"unknown sink {name!r} (choose from {', '.join(SINKS)})") from None
    return module.open_sink(settings)
