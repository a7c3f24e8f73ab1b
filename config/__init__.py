"""Packaged default configuration: `default.toml` holds the defaults and the named profiles."""

from pathlib import Path

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default.toml")
