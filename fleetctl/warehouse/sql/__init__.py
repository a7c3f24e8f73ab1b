"""Snowflake SQL shipped with fleetctl: migrations `V<NNN>__<name>.sql` and the load statements."""

from __future__ import annotations

from importlib import resources


def read(name: str) -> str:
    """The text of `name` (e.g. `merge_maintenance_alerts.sql`) from this package."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.name for p in resources.files(__name__).iterdir() if p.name.endswith(".sql"))
