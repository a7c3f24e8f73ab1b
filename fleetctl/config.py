"""Layered settings: command-line flag > FLEETCTL_* environment > profile > packaged defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from config import DEFAULT_CONFIG_PATH
from fleetctl.errors import ConfigError

DEFAULT_PROFILE = "local"
ENV_PREFIX = "FLEETCTL_"
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Resolved configuration as dotted keys (`streams.telemetry`), plus the chosen profile."""

    profile: str
    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise ConfigError(f"configuration key {key!r} is not set") from None

    def section(self, prefix: str) -> dict[str, Any]:
        """All keys under `prefix.`, without the prefix."""
        dotted = prefix + "."
        return {k.removeprefix(dotted): v for k, v in self.values.items() if k.startswith(dotted)}

    def options(self, prefix: str, kind: type[T]) -> T:
        """The keys under `prefix.` decoded once into `kind` (a msgspec Struct: a plug-in's
        typed options); a value of the wrong type is a ConfigError naming `prefix` and its
        `$.path`, e.g. ``sinks.firehose: Expected `int`, got `str` - at `$.concurrency` ``."""
        tree: dict[str, Any] = {}
        for key, value in self.section(prefix).items():
            *parents, leaf = key.split(".")
            node = tree
            for parent in parents:
                node = node.setdefault(parent, {})
            node[leaf] = value
        try:
            return msgspec.convert(tree, kind)
        except msgspec.ValidationError as e:
            raise ConfigError(f"{prefix}: {e}") from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """Flags given on the command line (None means "not given") layered on top."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return Settings(profile=self.profile, values={**self.values, **given})

    @property
    def home(self) -> Path:
        return Path(self.get("home"))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration ({e.strerror})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def env_var_for(key: str) -> str:
    return ENV_PREFIX + key.upper().replace(".", "_")


def _coerce(raw: str, like: Any, var: str) -> Any:
    """Environment values are strings; give them the type the configured value has."""
    try:
        if isinstance(like, bool):
            lowered = raw.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError
            return lowered in {"1", "true", "yes"}
        if isinstance(like, int):
            return int(raw)
        if isinstance(like, float):
            return float(raw)
        if isinstance(like, list):
            return [item.strip() for item in raw.split(",") if item.strip()]
    except ValueError:
        kind = {bool: "true or false", int: "an integer", float: "a number"}[type(like)]
        raise ConfigError(f"{var}: expected {kind}, got {raw!r}") from None
    return raw


def load_settings(
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Packaged defaults, then an optional `FLEETCTL_CONFIG` file, a profile, the environment."""
    env = os.environ if environ is None else environ
    documents = [(DEFAULT_CONFIG_PATH, _read_toml(DEFAULT_CONFIG_PATH))]
    if extra := env.get(ENV_PREFIX + "CONFIG"):
        documents.append((Path(extra), _read_toml(Path(extra))))

    chosen = profile or env.get(ENV_PREFIX + "PROFILE") or DEFAULT_PROFILE
    values: dict[str, Any] = {}
    profiles: set[str] = set()
    for _, doc in documents:
        values.update(_flatten(doc.get("defaults", {})))
        profiles.update(doc.get("profiles", {}))
    if chosen not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"unknown profile {chosen!r} (known: {known})")
    for _, doc in documents:
        values.update(_flatten(doc.get("profiles", {}).get(chosen, {})))

    for key, value in list(values.items()):
        var = env_var_for(key)
        if var in env:
            values[key] = _coerce(env[var], value, var)
    return Settings(profile=chosen, values=values)
