"""`fleetctl db migrate|status`: the warehouse schema and what its tables hold."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for

app = typer.Typer(help="Warehouse schema: apply migrations, show status.", no_args_is_help=True)

Target = Annotated[str | None, typer.Option(help="Warehouse target: embedded or snowflake.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]


@app.command()
def migrate(ctx: typer.Context, target: Target = None, json: Json = False) -> None:
    """Apply the pending versioned DDL (sql/V*.sql) to the warehouse, in order, once each."""
    from fleetctl import console
    from fleetctl.views import warehouse as view
    from fleetctl.warehouse import open_warehouse

    with open_warehouse(settings_for(ctx, {"warehouse.target": target})) as wh:
        applied = wh.migrate()
    if json:
        console.emit_json(view.migrations_document(applied))
    else:
        view.show_migrations(applied)


@app.command()
def status(ctx: typer.Context, target: Target = None, json: Json = False) -> None:
    """Show the target, the migrations applied and pending, and every table's row count."""
    from fleetctl import console
    from fleetctl.views import warehouse as view
    from fleetctl.warehouse import open_warehouse

    with open_warehouse(settings_for(ctx, {"warehouse.target": target})) as wh:
        state = wh.status()
    if json:
        console.emit_json(view.status_document(state))
    else:
        view.show_status(state)
