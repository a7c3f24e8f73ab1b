"""One module per command; each parses options, calls one library function and renders."""

from __future__ import annotations

from typing import Any

import typer

from fleetctl.config import Settings, load_settings


def settings_for(ctx: typer.Context, overrides: dict[str, Any] | None = None) -> Settings:
    """Settings for this invocation: the chosen profile, the environment, then the given flags."""
    root = ctx.find_root().obj or {}
    return load_settings(root.get("profile")).with_overrides(overrides or {})
