"""The deployment zip of the transformation handlers: the `handlers` modules the entry points
import, plus the third-party distributions they import, built for Lambda's platform.

The zip is deterministic (sorted entries, fixed times and modes): same inputs, same bytes, so
the CodeSha256 Lambda reports tells whether what runs there is what was tested here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from fleetctl.errors import PackagingError
from fleetctl.lambdas.handler_imports import (
    distributions_for,
    local_modules,
    source_path,
    third_party_imports,
)
from fleetctl.lambdas.wheels import Dependency, WheelSource, distribution_files

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


@dataclass
class PackageResult:
    path: Path
    size_bytes: int
    sha256_hex: str
    code_sha256: str  # base64 of the digest: what Lambda reports as CodeSha256
    modules: list[str]
    dependencies: list[Dependency]
    entries: list[str] = field(default_factory=list)


def build_package(out: Path, wheel_cache: Path, wheels: WheelSource = "auto") -> PackageResult:
    """Write the zip to `out`; third-party wheels come from PyPI for Lambda's platform
    (cached in `wheel_cache`) or, when this interpreter matches that platform, from site-packages.
    """
    modules = local_modules()
    files: dict[str, bytes] = {}
    for module in modules:
        files[_archive_name(module)] = source_path(module).read_bytes()
    dependencies = []
    for dist in distributions_for(third_party_imports(modules)):
        dependency, dist_files = distribution_files(dist, wheel_cache, wheels)
        dependencies.append(dependency)
        files.update(dist_files)
    data = _deterministic_zip(files)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as e:
        raise PackagingError(f"cannot write {out}: {e.strerror or e}") from None
    digest = hashlib.sha256(data).digest()
    return PackageResult(
        path=out,
        size_bytes=len(data),
        sha256_hex=digest.hex(),
        code_sha256=base64.b64encode(digest).decode("ascii"),
        modules=modules,
        dependencies=dependencies,
        entries=sorted(files),
    )


def _archive_name(module: str) -> str:
    path = module.replace(".", "/")
    return f"{path}/__init__.py" if source_path(module).name == "__init__.py" else f"{path}.py"


def _deterministic_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the permission bits below are honoured
            info.external_attr = (0o100755 if name.endswith(".so") else 0o100644) << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
