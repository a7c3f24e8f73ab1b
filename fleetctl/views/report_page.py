"""A report `Page` in the terminal: Rich tables, plotext charts, toned lines of text."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text as RichText

from fleetctl import console as consoles
from fleetctl.reports import charts
from fleetctl.reports.charts import Chart
from fleetctl.reports.page import Cell, Page, Table, Text

STYLES = {
    "": "",
    "good": "green",
    "bad": "bold red",
    "warn": "yellow",
    "dim": "dim",
    "strong": "bold",
}


def show(page: Page, console: Console | None = None) -> None:
    out = console or consoles.out()
    out.print(RichText(page.title, style="bold"))
    if page.subtitle:
        out.print(RichText(page.subtitle, style="dim"))
    for block in page.blocks:
        out.print()
        if isinstance(block, Table):
            _table(out, block)
        elif isinstance(block, Chart):
            _chart(out, block)
        else:
            _text(out, block)
    if page.verdict is not None:
        out.print()
        out.print(styled(page.verdict))


def window_subtitle(window: dict[str, str | None]) -> str:
    """What event time a report covers, from its `window` document."""
    if not window["from"] and not window["to"]:
        return "all event time in the warehouse"
    return f"event time {window['from'] or '…'} to {window['to'] or '…'}"


def styled(cell: Cell) -> RichText:
    """Never read as markup: values come from data."""
    return RichText(cell.text, style=STYLES[cell.tone])


def _table(out: Console, table: Table) -> None:
    if not table.rows:
        out.print(RichText(table.title, style="bold"))
        out.print(RichText(f"  {table.empty}", style="dim"))
    else:
        rich = RichTable(title=table.title, title_justify="left", box=box.SIMPLE_HEAD)
        for column in table.columns:
            rich.add_column(
                column.name,
                justify="right" if column.numeric else "left",
                no_wrap=not column.wrap,
                overflow="fold" if column.wrap else "ellipsis",
            )
        for row in table.rows:
            rich.add_row(*(styled(cell) for cell in row))
        out.print(rich)
    if table.caption:
        out.print(RichText(table.caption, style="dim"))


def _chart(out: Console, chart: Chart) -> None:
    if chart.empty:
        out.print(RichText(f"{chart.title}: no data", style="dim"))
        return
    drawing = charts.terminal(chart, width=min(out.width, 120))
    out.print(RichText.from_ansi(drawing), no_wrap=True, crop=True)


def _text(out: Console, text: Text) -> None:
    for line in text.lines:
        out.print(styled(line))
