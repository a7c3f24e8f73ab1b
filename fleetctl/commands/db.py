"""`fleetctl db migrate|status|create-tables`: the warehouse schema and what its tables hold,
and the DynamoDB store's tables."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for

app = typer.Typer(
    help="Warehouse schema: apply migrations, show status; create the DynamoDB tables.",
    no_args_is_help=True,
)

Target = Annotated[str | None, typer.Option(help="Warehouse target: embedded or snowflake.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
Store = Annotated[str | None, typer.Option(help="Store whose tables to create: dynamodb.")]


@app.command()
def migrate(ctx: typer.Context, target: Target = None, json: Json = False) -> None:
    """Apply the pending versioned DDL (sql/V*.sql) to the warehouse, in order, once each."""
    from fleetctl import console
    from fleetctl.views import warehouse as view
    from fleetctl.warehouse import migrations, open_warehouse

    with open_warehouse(settings_for(ctx, {"warehouse.target": target})) as wh:
        applied = migrations.apply(wh)
    if json:
        console.emit_json(view.migrations_document(applied))
    else:
        view.show_migrations(applied)


@app.command()
def status(ctx: typer.Context, target: Target = None, json: Json = False) -> None:
    """Show the target, the migrations applied and pending, and every table's row count."""
    from fleetctl import console
    from fleetctl.views import warehouse as view
    from fleetctl.warehouse import migrations, open_warehouse

    with open_warehouse(settings_for(ctx, {"warehouse.target": target})) as wh:
        state = migrations.status(wh)
    if json:
        console.emit_json(view.status_document(state))
    else:
        view.show_status(state)


@app.command("create-tables")
def create_tables(ctx: typer.Context, store: Store = None, json: Json = False) -> None:
    """Create the store's tables that are missing: on demand, TTL on the raw event tables."""
    from fleetctl import console
    from fleetctl.stores import create_store_tables
    from fleetctl.views import store_tables as view

    states = create_store_tables(settings_for(ctx, {"store": store}))
    if json:
        console.emit_json(view.tables_document(states))
    else:
        view.show_tables(states)
