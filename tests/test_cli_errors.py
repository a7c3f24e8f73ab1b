"""Bad invocations end with one red line and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def fleetctl(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fleetctl", *args],
        capture_output=True,
        text=True,
        env={"FLEETCTL_HOME": str(home), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--trucks", "-1"], "--trucks must be >= 0, got -1"),
        (["simulate", "--trucks", "abc"], "Invalid value for '--trucks'"),
        (["simulate", "--sink", "carrier-pigeon"], "unknown sink 'carrier-pigeon'"),
        (["simulate", "--start", "yesterday"], "--start: not an ISO-8601 timestamp"),
        (["simulate", "--no-such-option"], "No such option: --no-such-option"),
        (["--profile", "nope", "simulate"], "unknown profile 'nope'"),
        (["simulate", "--sink", "firehose", "--concurrency", "0"], "--concurrency must be >= 1"),
        (["simulate", "--sink", "firehose", "--rate", "-5"], "--rate must be >= 0, got -5.0"),
        (["simulate", "--realtime", "--speed", "2"], "--realtime means --speed 1"),
        (["simulate", "--speed", "-1"], "--speed must be >= 0"),
        (["simulate", "--store", "nosuch"], "store: unknown store 'nosuch'"),
        (["simulate", "--sink", "file", "--out", "o", "--store", "snowflake"], "--store is an"),
        (["replay"], "Missing argument 'PATH'"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = fleetctl(*args, home=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_out_dir_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = fleetctl("simulate", "--sink", "file", "--out", str(blocker / "sub"), home=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write to {blocker / 'sub'}: Not a directory"
    ]
