"""`fleetctl sql`: run one statement on the configured warehouse and show what it returned."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for


def sql(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help="One SQL statement (Snowflake dialect).")],
    target: Annotated[
        str | None, typer.Option(help="Warehouse target: embedded or snowflake.")
    ] = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print the rows as a JSON array of objects.")
    ] = False,
) -> None:
    """Run a query or DML statement on the warehouse: a table of rows, or the rows affected."""
    from fleetctl import console
    from fleetctl.views import warehouse as view
    from fleetctl.warehouse import open_warehouse

    settings = settings_for(ctx, {"warehouse.target": target})
    with open_warehouse(settings) as wh:
        result = wh.execute(statement)
    if json:
        console.emit_json(view.result_document(result))
    else:
        view.show_result(result)
