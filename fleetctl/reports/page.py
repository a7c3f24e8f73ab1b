"""A report's layout, independent of the medium: titled tables, charts and lines of text.

The views build one `Page` per report result; the terminal (Rich) and the HTML page both render
that same `Page`, so they always show the same tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fleetctl.reports.charts import Chart

Tone = Literal["", "good", "bad", "warn", "dim", "strong"]


@dataclass(frozen=True)
class Cell:
    """A value as shown, with an optional tone (good, bad, warn, dim, strong)."""

    text: str
    tone: Tone = ""


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool = False  # right-aligned
    wrap: bool = False  # long free text; other columns (ids, numbers, times) are never cut


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = "none"  # shown instead of an empty table
    caption: str = ""  # a line under the table (a definition, what was left out)

    def add(self, *cells: Cell | str | int | float | None) -> None:
        self.rows.append([as_cell(c) for c in cells])


@dataclass
class Text:
    lines: list[Cell]


Block = Table | Chart | Text


@dataclass
class Page:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    verdict: Cell | None = None  # the one line a script or a person reads first

    def add(self, block: Block) -> None:
        self.blocks.append(block)


def as_cell(value: Cell | str | int | float | None) -> Cell:
    if isinstance(value, Cell):
        return value
    if value is None:
        return Cell("-", "dim")
    if isinstance(value, bool):
        return Cell("yes" if value else "no")
    if isinstance(value, int):
        return Cell(f"{value:,}")
    if isinstance(value, float):
        return Cell(f"{value:,.1f}")
    return Cell(value)


def number(value: float | None, decimals: int = 1, tone: Tone = "") -> Cell:
    """A number with thousands separators and fixed decimals; `-` when unknown."""
    if value is None:
        return Cell("-", "dim")
    return Cell(f"{value:,.{decimals}f}", tone)


def when(timestamp: str | None) -> Cell:
    """`2026-11-27T13:39:00Z` as `2026-11-27 13:39`: a table's times, to the minute."""
    if not timestamp:
        return Cell("-", "dim")
    return Cell(f"{timestamp[:10]} {timestamp[11:16]}")


def count(value: int, bad_when_positive: bool = False) -> Cell:
    """A count, red when it is a problem and above zero."""
    return Cell(f"{value:,}", "bad" if bad_when_positive and value > 0 else "")
