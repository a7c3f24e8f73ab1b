"""Run manifests: what a run generated and delivered, per stream, kept under FLEETCTL_HOME/runs."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from fleetctl.core import DeliveryCounts
from fleetctl.errors import InputError
from fleetctl.instants import CONTRACT_TS


class StreamManifest(DeliveryCounts, kw_only=True):
    """One stream of a run: what was generated, and the sink's delivery counts."""

    generated: int = 0
    bytes: int = 0
    first_event_ts: str | None = None
    last_event_ts: str | None = None
    per_minute: dict[str, int] = msgspec.field(default_factory=dict)
    ids_path: str | None = None  # the event ids sent, one a line in send order (gzip)


class RunManifest(msgspec.Struct, kw_only=True):
    run_id: str
    command: str
    created_at: str
    finished_at: str | None = None
    parameters: dict[str, Any] = msgspec.field(default_factory=dict)
    sink: str = ""
    store: str | None = None
    outputs: list[str] = msgspec.field(default_factory=list)
    dead_letter_path: str | None = None
    streams: dict[str, StreamManifest] = msgspec.field(default_factory=dict)


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime(CONTRACT_TS)


def new_run_id() -> str:
    """Time-sortable to the microsecond, so `--last` is simply the greatest id even for runs
    started within one second; the random tail keeps concurrent processes apart."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"


def runs_dir(home: Path) -> Path:
    return home / "runs"


def run_dir(home: Path, run_id: str) -> Path:
    """Files a run keeps beside its manifest (the event-id sidecars)."""
    return runs_dir(home) / run_id


def write_manifest(home: Path, manifest: RunManifest) -> Path:
    """Write atomically so a reader never sees half a manifest."""
    directory = runs_dir(home)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{manifest.run_id}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2))
    os.replace(tmp, path)
    return path


def read_manifest(home: Path, run_id: str | None = None) -> RunManifest:
    """The manifest of `run_id`, or of the latest run when `run_id` is None."""
    directory = runs_dir(home)
    if run_id is None:
        candidates = sorted(directory.glob("*.json")) if directory.is_dir() else []
        if not candidates:
            raise InputError(f"no run manifests under {directory}")
        path = candidates[-1]
    else:
        path = directory / f"{run_id}.json"
        if not path.is_file():
            raise InputError(f"no manifest for run {run_id!r} under {directory}")
    try:
        return msgspec.json.decode(path.read_bytes(), type=RunManifest)
    except msgspec.DecodeError as e:
        raise InputError(f"{path}: not a valid run manifest ({e})") from None
