"""The embedded warehouse: fakesnow's Snowflake emulation over DuckDB files in FLEETCTL_HOME.

Each database is one DuckDB file, `FLEETCTL_HOME/warehouse/<DATABASE>.db`. We hold a FakeSnow
instance of our own rather than `fakesnow.patch()`, which swaps `snowflake.connector.connect`
for the whole process: a test (or a tool) could then not talk to a real endpoint at the same time.
"""

from __future__ import annotations

import logging
import warnings

from fleetctl.config import Settings
from fleetctl.errors import WarehouseError
from fleetctl.warehouse import WarehouseOptions, identifier
from fleetctl.warehouse.connection import Warehouse


def open_warehouse(settings: Settings) -> Warehouse:
    options = WarehouseOptions.from_settings(settings)
    database = identifier(options.database, "database")
    schema = identifier(options.schema, "schema")
    path = settings.home / "warehouse"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WarehouseError(f"cannot create the embedded warehouse {path}: {e.strerror}") from None
    _quiet_translation_notes()

    import duckdb

    from fleetctl.warehouse.connector import import_connector

    import_connector()
    from fakesnow.instance import FakeSnow

    fake = FakeSnow(db_path=path)
    try:
        connection = fake.connect(database, schema)
    except duckdb.Error as e:
        fake.duck_conn.close()
        first_line = str(e).splitlines()[0]
        raise WarehouseError(f"embedded warehouse {path}: {first_line}") from None

    def close() -> None:
        connection.close()
        fake.duck_conn.close()  # checkpoints the DuckDB file

    return Warehouse(
        connection,
        target="embedded",
        location=str(path),
        database=database,
        schema=schema,
        load_batch_rows=options.load_batch_rows,
        migrates_on_open=True,
        on_close=close,
    )


def _quiet_translation_notes() -> None:
    # sqlglot logs a warning for each Snowflake clause DuckDB has no use for (TRANSIENT, formats
    # of TO_CHAR), and DuckDB warns that fakesnow fetches results as Arrow; neither is ours to fix
    # and both would land on the user's terminal
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    warnings.filterwarnings(
        "ignore", message="Arrow output on a DB-API result", category=UserWarning
    )
