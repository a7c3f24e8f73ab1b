"""The `fleetctl` command line: the Typer app, its commands, and one-line error reporting."""

from __future__ import annotations

import errno
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fleetctl import console
from fleetctl.commands import (
    backfill,
    db,
    invoke,
    lambda_functions,
    loadtest,
    package,
    replay,
    report,
    simulate,
    sql,
)
from fleetctl.errors import FleetctlError

INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE: a bug in fleetctl, not in the user's input


class FleetctlGroup(TyperGroup):
    """Runs Click in non-standalone mode so every failure becomes one red line and an exit code."""

    show_tracebacks = False  # --debug, as the root callback parsed it

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        extra.pop("standalone_mode", None)
        try:
            result = super().main(argv, prog_name or "fleetctl", standalone_mode=False, **extra)
        except typer.Abort:
            console.error_line("aborted")
            sys.exit(130)
        except typer.TyperException as e:  # Click's usage errors, vendored by Typer
            context = getattr(e, "ctx", None)
            where = f"{context.command_path}: " if context else ""
            console.error_line(f"{where}{e.format_message()}")
            sys.exit(getattr(e, "exit_code", 2))
        except FleetctlError as e:
            if self.show_tracebacks:
                raise
            console.error_line(str(e))
            sys.exit(e.exit_code)
        except OSError as e:
            if e.errno == errno.EPIPE:
                sys.exit(1)
            if self.show_tracebacks:
                raise
            console.error_line(f"{e.filename or 'I/O'}: {e.strerror or e}")
            sys.exit(1)
        except Exception as e:
            if self.show_tracebacks:
                raise
            console.error_line(
                f"internal error: {type(e).__name__}: {e} (run with --debug for the traceback)"
            )
            sys.exit(INTERNAL_ERROR_EXIT)
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=FleetctlGroup,
    name="fleetctl",
    help="Simulate, replay, load and reconcile the fleet and clickstream pipeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(help="Configuration profile (default: $FLEETCTL_PROFILE or 'local')."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = {"profile": profile}
    if isinstance(ctx.command, FleetctlGroup):
        ctx.command.show_tracebacks = debug


app.command("simulate")(simulate.simulate)
app.command("replay")(replay.replay)
app.command("invoke")(invoke.invoke)
app.command("package")(package.package)
app.add_typer(lambda_functions.app, name="lambda")
app.command("backfill")(backfill.backfill)
app.command("sql")(sql.sql)
app.add_typer(db.app, name="db")
app.add_typer(report.app, name="report")
# extra arguments (after `--`) are Locust's, for `loadtest --distributed`
app.command("loadtest", context_settings={"allow_extra_args": True})(loadtest.loadtest)


def main() -> None:
    app()
