"""Bulk staging: an Arrow table becomes one Parquet file, PUT to an internal stage, then COPY INTO.

This is Snowflake's own bulk path (what `write_pandas` does underneath) and runs unchanged on
fakesnow, in-process and through its HTTP server: the embedded warehouse reads the Parquet file
with DuckDB, column by column, instead of binding rows one at a time.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from fleetctl.errors import WarehouseError
from fleetctl.warehouse.connection import Warehouse

# temporary, so it lives as long as the session and needs no clean-up of its own
STAGE = "STAGE.FLEETCTL_LOAD"
CREATE_STAGE = f"CREATE TEMPORARY STAGE IF NOT EXISTS {STAGE} FILE_FORMAT = (TYPE = PARQUET)"
# timestamps as Parquet logical types, binary as BINARY rather than text
COPY_OPTIONS = (
    "FILE_FORMAT = (TYPE = PARQUET USE_LOGICAL_TYPE = TRUE BINARY_AS_TEXT = FALSE) "
    "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE PURGE = TRUE"
)
COPY_ROWS_LOADED = 3  # COPY INTO's result: file, status, rows_parsed, rows_loaded, ...
LOAD_ID = re.compile(r"[0-9a-f]{32}")

Run = Callable[..., Any]  # (sql, params=None) -> cursor


def ensure_stage(warehouse: Warehouse) -> None:
    """Create the session's load stage, once per connection."""
    if STAGE not in warehouse.session_objects:
        warehouse.run(CREATE_STAGE)
        warehouse.session_objects.add(STAGE)


def copy_into(run: Run, table: str, batch: pa.Table, load_id: str) -> int:
    """Stage `batch` and COPY it into `table`; returns the rows loaded, all of them or an error."""
    # PUT and COPY take no bind parameters for stage paths; the path holds only the load id,
    # which we generate and check here, and a temporary file name of our own.
    if not LOAD_ID.fullmatch(load_id):
        raise ValueError(f"load id must be 32 hex digits, got {load_id!r}")
    location = f"@{STAGE}/{load_id}"
    with tempfile.TemporaryDirectory(prefix="fleetctl-load-") as tmp:
        path = Path(tmp) / f"{load_id}.parquet"
        pq.write_table(batch, path)
        run(f"PUT '{_file_url(path)}' {location} AUTO_COMPRESS = FALSE OVERWRITE = TRUE")
    results = run(f"COPY INTO {table} FROM {location}/ {COPY_OPTIONS}").fetchall()
    loaded = sum(int(row[COPY_ROWS_LOADED]) for row in results if len(row) > COPY_ROWS_LOADED)
    if loaded != batch.num_rows:
        raise WarehouseError(
            f"COPY INTO {table} loaded {loaded} of {batch.num_rows} staged rows ({results!r})"
        )
    return loaded


def _file_url(path: Path) -> str:
    # the connector's own quoting for PUT: backslashes and quotes escaped inside '...'
    text = path.resolve().as_posix().replace("\\", "\\\\").replace("'", "\\'")
    return f"file://{text}"
