"""Start-up stays light: `--help` imports no backend library, and a warehouse command imports the
connector without the extras it never uses (pandas, boto3, botocore), in a fresh interpreter as a
user's shell would start it. `python -m benchmarks.bench_targets --only startup` times them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("fakesnow", "snowflake", "duckdb", "pyarrow", "pandas", "numpy", "boto3", "ortools")
UNUSED_BY_THE_CONNECTOR = ("pandas", "boto3", "botocore")


def modules_after(args: list[str], home: Path) -> set[str]:
    """The top-level modules (and rich.progress) imported by `fleetctl ARGS` in a new process."""
    script = (
        "import json, sys\n"
        f"sys.argv = ['fleetctl', *{args!r}]\n"
        "from fleetctl.cli import main\n"
        "code = None\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "names = {m.split('.')[0] for m in sys.modules}\n"
        "names |= {m for m in sys.modules if m == 'rich.progress'}\n"
        "sys.stderr.write(json.dumps({'code': code, 'modules': sorted(names)}))\n"
    )
    env = {"FLEETCTL_HOME": str(home), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    outcome = json.loads(done.stderr.strip().splitlines()[-1])
    assert outcome["code"] in (0, None), done.stdout
    return set(outcome["modules"])


def test_help_imports_no_warehouse_aws_or_progress_library(tmp_path: Path) -> None:
    imported = modules_after(["--help"], tmp_path)
    assert imported.isdisjoint(BACKENDS), sorted(imported & set(BACKENDS))
    assert "rich.progress" not in imported


def test_sql_on_the_embedded_warehouse_imports_the_connector_without_pandas_or_boto(
    tmp_path: Path,
) -> None:
    imported = modules_after(["sql", "select 1"], tmp_path)
    assert {"fakesnow", "snowflake", "duckdb"} <= imported  # it did run on the warehouse
    assert imported.isdisjoint(UNUSED_BY_THE_CONNECTOR), sorted(imported)


def test_pandas_stays_importable_after_the_connector_was_imported_without_it(
    tmp_path: Path,
) -> None:
    script = (
        "import sys\n"
        "from fleetctl.warehouse.connector import import_connector\n"
        "connector = import_connector()\n"
        "assert 'pandas' not in sys.modules and not connector.options.installed_pandas\n"
        "import pandas, boto3\n"
        "print(pandas.__name__, boto3.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["pandas", "boto3"]
