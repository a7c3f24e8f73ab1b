"""`fleetctl package`: the deployment zip of the transformation handlers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleetctl.commands import settings_for


def package(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Where to write the zip.")] = None,
    wheels: Annotated[
        str | None,
        typer.Option(
            help="Third-party code from: download (PyPI wheels for Lambda), installed "
            "(this interpreter's, if its platform matches Lambda's), or auto (download, "
            "else installed)."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON summary instead.")] = False,
) -> None:
    """Build the Lambda zip: the handler modules and only what they import."""
    from fleetctl import console
    from fleetctl.errors import InputError
    from fleetctl.lambdas.packaging import build_package
    from fleetctl.lambdas.wheels import LAMBDA_PLATFORM
    from fleetctl.views import packaging

    settings = settings_for(ctx, {"package.out": out, "package.wheels": wheels})
    source = str(settings.get("package.wheels"))
    if source not in ("auto", "download", "installed"):
        raise InputError(f"--wheels must be auto, download or installed, got {source!r}")
    cache = settings.home / "wheels" / f"{LAMBDA_PLATFORM}-cp311"
    result = build_package(Path(settings.get("package.out")), cache, source)  # type: ignore[arg-type]
    if json:
        console.emit_json(packaging.document(result))
    else:
        packaging.summary(result)
