"""A load test's record: `result.json` (summary, thresholds, verdict) and `timeseries.csv` (one
row per second and stream) under FLEETCTL_HOME/loadtests/<id>/."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import msgspec
import orjson

from fleetctl.loadtest.aggregate import WindowRow
from fleetctl.loadtest.runner import LoadTestResult

FORMAT = "fleetctl-loadtest/1"
RESULT_FILE = "result.json"
TIMESERIES_FILE = "timeseries.csv"


def loadtests_dir(home: Path) -> Path:
    return home / "loadtests"


def document(result: LoadTestResult, directory: Path) -> dict[str, Any]:
    """The result as saved in `result.json` and printed by `--json`."""
    request = result.request
    return {
        "format": FORMAT,
        "id": result.id,
        "created_at": result.created_at,
        "interrupted": result.interrupted,
        "profile": request.profile.document(),
        "parameters": {
            "duration_s": request.duration_s,
            "processes": request.processes,
            "sink": request.sink,
            "flush_interval_s": request.tick_s,
            "seed": request.seed,
        },
        "thresholds": msgspec.to_builtins(request.thresholds),
        "summary": msgspec.to_builtins(result.snapshot),
        "verdict": {
            "passed": result.verdict.passed,
            "failures": result.verdict.failures,
            "checks": msgspec.to_builtins(result.verdict.checks),
        },
        "sink": {
            "reports_lag": result.reports_lag,
            "dead_letter_paths": [
                r.dead_letter_path for r in result.sink_reports if r.dead_letter_path
            ],
        },
        "files": {
            "result": str(directory / RESULT_FILE),
            "timeseries": str(directory / TIMESERIES_FILE),
        },
    }


def save(result: LoadTestResult, home: Path) -> dict[str, Any]:
    """Write both files (atomically, so a reader never sees half of one); the saved document."""
    directory = loadtests_dir(home) / result.id
    directory.mkdir(parents=True, exist_ok=True)
    doc = document(result, directory)
    _write(directory / RESULT_FILE, orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    tmp = directory / f"{TIMESERIES_FILE}.tmp"
    with tmp.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(WindowRow.__struct_fields__)
        for row in result.rows:
            writer.writerow(["" if v is None else v for v in msgspec.structs.astuple(row)])
    os.replace(tmp, directory / TIMESERIES_FILE)
    return doc


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
