"""Load beyond one machine: Locust's master/worker mode with fleetctl's Firehose producer as its
user class (`locustfile.py`). Locust is an optional extra, `pip install 'fleetctl[distributed]'`,
and runs in its own process: it patches the standard library for gevent when imported."""

from __future__ import annotations

import enum
import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fleetctl.config import env_var_for
from fleetctl.errors import ConfigError, InputError

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


class Role(enum.StrEnum):
    master = "master"
    worker = "worker"


def locust_command(role: Role, locust_args: list[str], processes: int | None = None) -> list[str]:
    """The `python -m locust` command line of one role; `locust_args` pass through untouched."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), f"--{role.value}"]
    if processes is not None:
        if role is not Role.worker:
            raise InputError(
                "--processes with --distributed applies to workers (Locust forks them)"
            )
        command += ["--processes", str(processes)]
    return [*command, *locust_args]


def run_locust(
    role: Role,
    locust_args: list[str],
    overrides: Mapping[str, Any],
    processes: int | None = None,
) -> int:
    """Run Locust in this role until it ends; its exit status. `overrides` (settings keys given as
    flags) reach the user class as FLEETCTL_* variables, like any other configuration."""
    command = locust_command(role, locust_args, processes)
    if importlib.util.find_spec("locust") is None:
        raise ConfigError(
            "--distributed needs Locust, an optional extra: pip install 'fleetctl[distributed]'"
        )
    env = dict(os.environ)
    env.update(
        {env_var_for(key): str(value) for key, value in overrides.items() if value is not None}
    )
    return subprocess.run(command, env=env, check=False).returncode
