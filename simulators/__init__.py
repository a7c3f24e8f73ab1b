"""Deterministic, pure generators of the pipeline's input: truck telemetry and website clicks.

Nothing here reads or writes files or sockets; the same seed and start give the same records.
"""

from simulators.catalog import CatalogItem, build_catalog
from simulators.clickstream import ClickstreamSimulator
from simulators.telemetry import TelemetrySimulator

__all__ = ["CatalogItem", "ClickstreamSimulator", "TelemetrySimulator", "build_catalog"]
