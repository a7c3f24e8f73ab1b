"""How a built deployment zip is shown: its identity (size, hashes) and what went into it."""

from __future__ import annotations

from typing import Any

from fleetctl import console
from fleetctl.lambdas.packaging import PackageResult
from fleetctl.views import human_bytes


def document(result: PackageResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "size_bytes": result.size_bytes,
        "sha256": result.sha256_hex,
        "code_sha256": result.code_sha256,
        "modules": result.modules,
        "dependencies": [
            {"distribution": d.distribution, "version": d.version, "source": d.source}
            for d in result.dependencies
        ],
        "entries": result.entries,
    }


def summary(result: PackageResult) -> None:
    out = console.out()
    out.print(
        f"wrote {result.path} ({human_bytes(result.size_bytes)}, {len(result.entries)} files)"
    )
    out.print(f"  CodeSha256 {result.code_sha256}", highlight=False)
    out.print(f"  modules    {', '.join(result.modules)}", highlight=False, soft_wrap=True)
    for d in result.dependencies:
        out.print(f"  bundled    {d.distribution} {d.version} ({d.source})", highlight=False)
    out.print(
        "  handlers   handlers.telemetry.handler, handlers.clickstream.handler", highlight=False
    )
