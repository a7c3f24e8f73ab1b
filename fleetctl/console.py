"""Terminal output: Rich consoles, one-line errors, JSON documents, progress bars."""

from __future__ import annotations

import sys
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from rich.progress import Progress


@cache
def out() -> Console:
    return Console()


@cache
def err() -> Console:
    # soft_wrap keeps an error on one line however narrow the terminal or pipe is
    return Console(stderr=True, soft_wrap=True)


def error_line(message: str) -> None:
    err().print(f"[bold red]error:[/] {escape(message)}")


def emit_json(document: Any) -> None:
    """Write exactly one JSON document on stdout (dataclasses, Structs and datetimes included)."""
    sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2, default=_encode).decode())
    sys.stdout.write("\n")
    sys.stdout.flush()


def _encode(value: Any) -> Any:
    import msgspec

    if isinstance(value, msgspec.Struct):
        return msgspec.to_builtins(value)
    if hasattr(value, "__fspath__"):
        return str(value)
    if isinstance(value, Decimal):  # Snowflake NUMBER
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):  # Snowflake BINARY, shown as its default output format, HEX
        return value.hex()
    raise TypeError(f"cannot serialize {type(value).__name__} as JSON")


def progress(*extra_columns: Any) -> Progress:
    """A progress bar on stderr; transient so only the summary stays, silent when not a terminal."""
    # imported here: commands that show no progress (and `--help`) start without it
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = err()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        *extra_columns,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
