"""The reports' Snowflake SQL, one statement a file; values are bound, never formatted in."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def read(name: str) -> str:
    """The text of `name` (e.g. `fleet_trucks.sql`) from this package."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
