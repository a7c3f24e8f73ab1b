"""A run's event ids: read from its `<stream>.ids.gz` sidecars, placed in the minute the run
generated them, and staged in the warehouse (PUT + COPY into STAGE.RUN_EVENT_IDS) for the
reconciliation's joins."""

from __future__ import annotations

import gzip
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from fleetctl.errors import InputError
from fleetctl.manifest import RunManifest, StreamManifest, run_dir
from fleetctl.reports.window import parse_iso
from fleetctl.warehouse import Warehouse
from fleetctl.warehouse.staging import copy_into, ensure_stage

TABLE = "STAGE.RUN_EVENT_IDS"
IDS_SUFFIX = ".ids.gz"


def sidecar_path(home: Path, manifest: RunManifest, stream: str) -> Path:
    """The stream's sidecar as the manifest names it, else where runs keep it under `home`
    (a relative FLEETCTL_HOME makes the recorded path relative to where the run was started)."""
    recorded = manifest.streams[stream].ids_path
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    conventional = run_dir(home, manifest.run_id) / f"{stream}{IDS_SUFFIX}"
    if conventional.is_file():
        return conventional
    where = recorded or str(conventional)
    raise InputError(f"run {manifest.run_id}: no event-id file for {stream} at {where}")


def read_ids(path: Path) -> list[str]:
    """One id a line, in send order; lower-cased, as the transformation writes them back."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            return [line.strip().lower() for line in lines if line.strip()]
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a readable event-id file ({e})") from None


def generation_minutes(stats: StreamManifest, count: int) -> list[datetime] | None:
    """The minute each of the `count` ids (in send order) was generated in, or None when the
    manifest cannot tell: a run sends each minute's records before the next minute's, so the
    per-minute counts, in minute order, cut the sidecar into its minutes - if they add up."""
    if not stats.per_minute or sum(stats.per_minute.values()) != count:
        return None
    minutes: list[datetime] = []
    for key in sorted(stats.per_minute):
        minutes.extend([parse_iso(key)] * stats.per_minute[key])
    return minutes


@contextmanager
def staged_ids(
    warehouse: Warehouse, ids: dict[str, list[str]], minutes: dict[str, list | None]
) -> Iterator[str]:
    """Stage every stream's ids under a fresh load id (yielded); deleted again afterwards."""
    load_id = uuid.uuid4().hex
    streams, seqs, event_ids, gen_minutes = [], [], [], []
    for stream, stream_ids in ids.items():
        stream_minutes = minutes.get(stream)
        streams.extend([stream] * len(stream_ids))
        seqs.extend(range(1, len(stream_ids) + 1))
        event_ids.extend(stream_ids)
        gen_minutes.extend(
            stream_minutes if stream_minutes is not None else [None] * len(stream_ids)
        )
    batch = pa.table(
        {
            "LOAD_ID": pa.array([load_id] * len(event_ids), pa.string()),
            "STREAM": pa.array(streams, pa.string()),
            "SEQ": pa.array(seqs, pa.int64()),
            "EVENT_ID": pa.array(event_ids, pa.string()),
            "GEN_MINUTE": pa.array(gen_minutes, pa.timestamp("us")),
        }
    )
    clear = f"DELETE FROM {TABLE} WHERE LOAD_ID = %(load_id)s"
    try:
        if event_ids:
            ensure_stage(warehouse)
            copy_into(warehouse.run, TABLE, batch, load_id)
        yield load_id
    finally:
        warehouse.run(clear, {"load_id": load_id})
