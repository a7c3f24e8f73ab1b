"""The warehouse connection: one Snowflake connection (real, or fakesnow's) that runs statements.

`Warehouse` runs statements and shapes their results; the target modules (`embedded`,
`snowflake`) only open the connection, and `migrations` and `loading` are functions over it.
Connector errors become one-line fleetctl errors here: `SqlError` for a statement the user gave,
`WarehouseError` otherwise.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleetctl.errors import SqlError, WarehouseError

Params = Sequence[Any] | Mapping[str, Any] | None
# Snowflake's result metadata type codes whose values arrive as JSON text
JSON_TYPE_CODES = {5, 9, 10}  # VARIANT, OBJECT, ARRAY
DML_COLUMN_PREFIX = "number of "  # Snowflake names DML results "number of rows inserted", ...


@dataclass
class Result:
    """What a statement returned: named columns and rows, and the rows it changed if it was DML."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    rowcount: int | None = None

    @property
    def is_dml(self) -> bool:
        return bool(self.columns) and all(c.startswith(DML_COLUMN_PREFIX) for c in self.columns)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Migration:
    """A versioned DDL file, `V<NNN>__<name>.sql`; `applied_at` is set once it ran."""

    version: int
    name: str
    checksum: str
    applied_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"V{self.version:03d}__{self.name}"


@dataclass(frozen=True)
class TableCount:
    schema: str
    name: str
    rows: int


@dataclass
class WarehouseStatus:
    target: str
    location: str
    database: str
    schema: str
    applied: list[Migration]  # oldest first
    pending: list[Migration]
    tables: list[TableCount]


class Warehouse:
    """An open warehouse connection; use it as a context manager. Not safe across threads."""

    def __init__(
        self,
        connection: Any,
        *,
        target: str,
        location: str,
        database: str,
        schema: str,
        load_batch_rows: int = 250_000,
        migrates_on_open: bool = False,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.connection = connection
        self.target = target
        self.location = location
        self.database = database
        self.schema = schema
        self.load_batch_rows = load_batch_rows
        # a local target is brought up to date on use; a real account only by `db migrate`
        self.migrates_on_open = migrates_on_open
        self._on_close = on_close
        # session-scoped objects created on this connection (temporary stages), by name
        self.session_objects: set[str] = set()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    # -- statements ---------------------------------------------------------------------------

    def execute(self, sql: str, params: Params = None) -> Result:
        """Run one statement given by a user; a statement the warehouse rejects is a `SqlError`."""
        import snowflake.connector.errors as sf

        if _statement_count(sql) != 1:
            raise SqlError("give exactly one SQL statement")
        try:
            cursor = self.connection.cursor()
            cursor.execute(sql, params)
            return _result(cursor)
        except sf.ProgrammingError as e:
            raise SqlError(one_line(e)) from None
        except sf.Error as e:
            raise WarehouseError(one_line(e)) from None
        except (ValueError, NotImplementedError, AssertionError) as e:
            # fakesnow's way of saying it cannot translate a statement to DuckDB
            raise SqlError(f"the {self.target} warehouse cannot run this statement: {e}") from None

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts keyed by column name."""
        return self.execute(sql, params).records()

    def run(self, sql: str, params: Params = None) -> Any:
        """Run one statement of fleetctl's own and return the cursor; failures are
        `WarehouseError`s, with a hint when the tables are missing."""
        import snowflake.connector.errors as sf

        try:
            cursor = self.connection.cursor()
            cursor.execute(sql, params)
            return cursor
        except sf.Error as e:
            message = one_line(e)
            if "does not exist" in message:
                message += " (run `fleetctl db migrate` first?)"
            raise WarehouseError(message) from None


def one_line(error: BaseException) -> str:
    """A connector error as one line: Snowflake messages span several."""
    return " ".join(part.strip() for part in str(error).splitlines() if part.strip())


def _statement_count(sql: str) -> int:
    from snowflake.connector.util_text import split_statements

    return sum(
        1 for statement, _ in split_statements(io.StringIO(sql), remove_comments=True) if statement
    )


def _result(cursor: Any) -> Result:
    description = cursor.description or []
    columns = [d.name for d in description]
    json_columns = [i for i, d in enumerate(description) if d.type_code in JSON_TYPE_CODES]
    rows = [_normalised(row, json_columns) for row in cursor.fetchall()] if description else []
    rowcount = cursor.rowcount if cursor.rowcount is not None and cursor.rowcount >= 0 else None
    return Result(columns=columns, rows=rows, rowcount=rowcount)


def _normalised(row: Sequence[Any], json_columns: list[int]) -> tuple[Any, ...]:
    """The same values whichever way they came: VARIANT parsed, BINARY as bytes."""
    values = [bytes(v) if isinstance(v, bytearray) else v for v in row]
    for i in json_columns:
        if isinstance(values[i], str):
            values[i] = json.loads(values[i])
    return tuple(values)
