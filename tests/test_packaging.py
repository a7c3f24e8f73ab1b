"""The deployment zip: the handler modules the entry points import plus msgspec, nothing else,
byte-identical across builds, and runnable by an interpreter that has nothing but the zip."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fleetctl.lambdas.handler_imports import local_modules, third_party_imports
from fleetctl.lambdas.packaging import build_package
from handlers import clickstream, telemetry
from tests.handler_records import click_record, event_of, minute, telemetry_record

# Runs where Lambda would: only the unpacked zip (Lambda's /var/task) and the stdlib on sys.path.
BARE_RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
import importlib
handler = importlib.import_module(sys.argv[2]).handler
import msgspec
result = handler(json.load(sys.stdin), None)
print(json.dumps({"result": result, "msgspec": msgspec.__file__, "path": sys.path}))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("package")
    return build_package(root / "fleet-handlers.zip", root / "wheels", wheels="installed")


def test_zip_holds_the_handlers_and_msgspec_only(package) -> None:
    names = zipfile.ZipFile(package.path).namelist()
    top_level = {name.split("/")[0] for name in names}

    version = package.dependencies[0].version
    assert top_level == {"handlers", "msgspec", f"msgspec-{version}.dist-info"}
    assert sorted(n for n in names if n.startswith("handlers/")) == sorted(
        m.replace(".", "/") + ("/__init__.py" if m == "handlers" else ".py")
        for m in package.modules
    )
    assert any(n.startswith("msgspec/_core.") and n.endswith(".so") for n in names)
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]
    assert [(d.distribution, d.source) for d in package.dependencies] == [("msgspec", "installed")]


def test_only_modules_the_entry_points_reach_are_shipped() -> None:
    assert local_modules(["handlers.timestamps"]) == ["handlers", "handlers.timestamps"]
    telemetry_only = local_modules(["handlers.telemetry"])
    assert "handlers.alerts" in telemetry_only
    assert "handlers.enrich_clickstream" not in telemetry_only
    assert third_party_imports(local_modules()) == ["msgspec"]


def test_zip_is_byte_identical_across_builds(package, tmp_path: Path) -> None:
    again = build_package(tmp_path / "again.zip", tmp_path / "wheels", wheels="installed")

    assert again.path.read_bytes() == package.path.read_bytes()
    assert again.code_sha256 == package.code_sha256
    info = zipfile.ZipFile(again.path).infolist()
    assert {i.date_time for i in info} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("module", "handler", "record"),
    [
        ("handlers.telemetry", telemetry.handler, telemetry_record(3, event_ts=minute(3))),
        ("handlers.clickstream", clickstream.handler, click_record(3)),
    ],
)
def test_packaged_handler_runs_with_only_the_zip_on_its_path(
    package, tmp_path: Path, module: str, handler, record: dict
) -> None:
    # Lambda unpacks the zip before importing: a C extension cannot be imported from a zip.
    task = tmp_path / "task"
    zipfile.ZipFile(package.path).extractall(task)
    stream = module.split(".")[1]
    event = event_of([record, record, {"broken": True}], stream)

    done = subprocess.run(
        [sys.executable, "-S", "-I", "-c", BARE_RUNNER, str(task), module],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["msgspec"].startswith(str(task))
    assert not [p for p in output["path"] if "site-packages" in p]
    assert output["result"] == handler(event, None)
    assert [r["result"] for r in output["result"]["records"]] == [
        "Ok",
        "Dropped",
        "ProcessingFailed",
    ]


def test_package_command_reports_the_zip(cli, tmp_path: Path) -> None:
    out = tmp_path / "lambda.zip"
    result = cli("package", "--out", str(out), "--wheels", "installed", "--json")

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["path"] == str(out)
    assert doc["size_bytes"] == out.stat().st_size
    assert doc["entries"] == sorted(zipfile.ZipFile(out).namelist())


def test_package_command_rejects_an_unknown_wheel_source(cli) -> None:
    result = cli("package", "--wheels", "conda")

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --wheels must be auto, download or installed, got 'conda'"
    )


@pytest.mark.integration
def test_wheel_downloaded_for_lambda_gives_the_same_zip(package, tmp_path: Path) -> None:
    downloaded = build_package(tmp_path / "dl.zip", tmp_path / "wheels", wheels="download")

    [dependency] = downloaded.dependencies
    assert "manylinux" in dependency.source and "x86_64" in dependency.source
    assert list((tmp_path / "wheels").glob("msgspec-*.whl"))
    assert downloaded.path.read_bytes() == package.path.read_bytes()
