"""Third-party code for the deployment zip, built for Lambda's platform: a wheel from PyPI (cached),
or this interpreter's installed copy when its wheel tags fit Lambda.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fleetctl.errors import PackagingError

if TYPE_CHECKING:
    from packaging.tags import Tag

# The functions run on Lambda's python3.11 runtime on x86_64 (Amazon Linux 2, glibc 2.26).
LAMBDA_PYTHON = "3.11"
LAMBDA_PLATFORM = "manylinux2014_x86_64"

_SKIP_PARTS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
# Written by an installer, not part of the wheel: they would make the two sources differ.
_INSTALL_RECORDS = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
# Environment markers of requirements (`; python_version < "3.11"`) are judged for Lambda.
LAMBDA_MARKERS = {
    "python_version": LAMBDA_PYTHON,
    "python_full_version": LAMBDA_PYTHON + ".0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "extra": "",
}

WheelSource = Literal["auto", "download", "installed"]


@dataclass(frozen=True)
class Dependency:
    distribution: str
    version: str
    source: str  # the wheel file, or "installed" for this interpreter's copy


def distribution_files(
    dist: str, wheel_cache: Path, wheels: WheelSource
) -> tuple[Dependency, dict[str, bytes]]:
    """The files `dist` (at its installed version) ships in the zip, by path in the zip."""
    version = importlib.metadata.version(dist)
    if wheels != "installed":
        try:
            wheel = _lambda_wheel(dist, version, wheel_cache)
        except PackagingError:
            if wheels == "download" or not _installed_fits(dist):
                raise
        else:
            return Dependency(dist, version, wheel.name), _wheel_files(wheel)
    if not _installed_fits(dist):
        raise PackagingError(
            f"the installed {dist} {version} is not built for Lambda's platform "
            f"({LAMBDA_PLATFORM}, Python {LAMBDA_PYTHON}); use --wheels download"
        )
    return Dependency(dist, version, "installed"), _installed_files(dist)


def _lambda_tags() -> set[Tag]:
    """Wheel tags Lambda's python3.11 on x86_64 (glibc 2.26) can load."""
    from packaging.tags import compatible_tags, cpython_tags

    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(26, 4, -1)]
    platforms += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    version = tuple(int(part) for part in LAMBDA_PYTHON.split("."))
    return {
        *cpython_tags(version, abis=["cp311", "abi3", "none"], platforms=platforms),
        *compatible_tags(version, "cp311", platforms),
    }


def _lambda_wheel(dist: str, version: str, cache: Path) -> Path:
    """The wheel of `dist==version` for Lambda from the cache, else downloaded into it."""
    if (cached := _cached_wheel(dist, version, cache)) is not None:
        return cached
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--only-binary=:all:", "--platform", LAMBDA_PLATFORM,
        "--python-version", LAMBDA_PYTHON, "--implementation", "cp",
        "--dest", str(cache), f"{dist}=={version}",
    ]  # fmt: skip
    try:
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise PackagingError(f"pip download {dist}=={version} failed: {e}") from None
    wheel = _cached_wheel(dist, version, cache)
    if done.returncode != 0 or wheel is None:
        last = (done.stderr.strip().splitlines() or ["no wheel for Lambda's platform"])[-1]
        raise PackagingError(f"pip download {dist}=={version} failed: {last}")
    return wheel


def _cached_wheel(dist: str, version: str, cache: Path) -> Path | None:
    from packaging.utils import parse_wheel_filename

    prefix = re.sub(r"[-_.]+", "_", dist).lower()
    lambda_tags = _lambda_tags()
    for wheel in sorted(cache.glob(f"{prefix}-{version}-*.whl")):
        if set(parse_wheel_filename(wheel.name)[3]) & lambda_tags:
            return wheel
    return None


def _installed_fits(dist: str) -> bool:
    from packaging.tags import parse_tag

    wheel_info = importlib.metadata.distribution(dist).read_text("WHEEL") or ""
    tags = {
        tag
        for line in wheel_info.splitlines()
        if line.startswith("Tag:")
        for tag in parse_tag(line.removeprefix("Tag:").strip())
    }
    return bool(tags & _lambda_tags())


def _wheel_files(wheel: Path) -> dict[str, bytes]:
    files = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            target = _shipped_path(name)
            if target is not None:
                files[target] = archive.read(name)
    return files


def _installed_files(dist: str) -> dict[str, bytes]:
    distribution = importlib.metadata.distribution(dist)
    files = {}
    for path in distribution.files or []:
        target = _shipped_path(path.as_posix())
        if target is not None:
            files[target] = Path(str(distribution.locate_file(path))).read_bytes()
    return files


def _shipped_path(name: str) -> str | None:
    """Where a wheel member (or installed file) goes in the zip; None if it does not ship."""
    parts = name.split("/")
    if name.endswith("/") or ".." in parts or _SKIP_PARTS & set(parts):
        return None  # directories, files outside site-packages (scripts), bytecode caches
    if Path(name).suffix in _SKIP_SUFFIXES:
        return None
    if parts[0].endswith(".data"):  # a wheel's purelib/platlib trees install at the root
        return "/".join(parts[2:]) if parts[1] in ("purelib", "platlib") else None
    if parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_RECORDS:
        return None
    return name
