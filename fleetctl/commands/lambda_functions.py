"""`fleetctl lambda ...`: serve the transformation handlers behind a local Lambda Invoke API."""

from __future__ import annotations

from typing import Annotated

import typer

from fleetctl.commands import settings_for

app = typer.Typer(
    help="Run the transformation functions behind a local Lambda API.", no_args_is_help=True
)


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="TCP port; 0 picks a free one.")] = 3001,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Answer `lambda.invoke` for the functions in lambda.functions until Ctrl-C."""
    from fleetctl import console
    from fleetctl.errors import InputError
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.lambdas.server import LambdaServer

    table = FunctionTable.from_settings(settings_for(ctx))
    try:
        server = LambdaServer((host, port), table, log=_log_line)
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    out = console.out()
    for line in (
        f"Lambda Invoke API on {server.url} for: {', '.join(sorted(table.handlers))}",
        f"  export AWS_ENDPOINT_URL_LAMBDA={server.url}",
        "  (any AWS credentials and region are accepted; Ctrl-C stops)",
    ):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        out.print("stopped")
    finally:
        server.server_close()


def _log_line(line: str) -> None:
    from fleetctl import console

    console.err().print(line, markup=False, highlight=False)
