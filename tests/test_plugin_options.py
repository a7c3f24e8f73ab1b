"""Plug-ins' typed options: each sink, store and report decodes its settings once, and a value of
the wrong kind is one line naming where it is, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleetctl.commands.sink_flags import OWNED
from fleetctl.sinks import SINKS


def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str) -> None:
    path = tmp_path / "extra.toml"
    path.write_text(toml)
    monkeypatch.setenv("FLEETCTL_CONFIG", str(path))


@pytest.mark.parametrize(
    ("args", "toml", "message"),
    [
        (
            ["simulate", "--sink", "firehose"],
            '[defaults.sinks.firehose]\nconcurrency = "four"\n',
            "error: sinks.firehose: Expected `int`, got `str` - at `$.concurrency`",
        ),
        (
            ["simulate", "--sink", "file"],
            "[defaults.sinks.file]\ncompress = 1\n",
            "error: sinks.file: Expected `bool`, got `int` - at `$.compress`",
        ),
        (
            ["simulate"],
            '[defaults.sinks.local.telemetry]\nbuffer_mb = "1"\n',
            "error: sinks.local: Expected `float`, got `str` - at `$.telemetry.buffer_mb`",
        ),
        (
            ["simulate", "--store", "dynamodb"],
            "[defaults.dynamodb.tables]\nalerts = 7\n",
            "error: dynamodb: Expected `str`, got `int` - at `$.tables.alerts`",
        ),
        (
            ["db", "status"],
            '[defaults.warehouse]\nload_batch_rows = "many"\n',
            "error: warehouse: Expected `int`, got `str` - at `$.load_batch_rows`",
        ),
        (
            ["report", "reconcile"],
            '[defaults.reports]\nbucket = "day"\n',
            "error: --bucket (reports.bucket): expected one of hour, minute, got 'day'",
        ),
    ],
)
def test_a_setting_of_the_wrong_kind_is_one_line_naming_its_path(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, toml: str, message: str
) -> None:
    configured(tmp_path, monkeypatch, toml)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [message]


def test_every_sink_flag_is_owned_by_a_registered_sink_and_refused_for_the_others(
    cli, tmp_path: Path
) -> None:
    for flag, owners in OWNED.values():
        assert set(owners) <= set(SINKS)
        other = next(name for name in SINKS if name not in owners)
        value = "x" if flag.kind in (str, Path) else "1"
        args = [flag.name] if flag.kind is bool else [flag.name, value]
        result = cli("simulate", "--sink", other, "--minutes", "0", *args)
        assert result.exit_code == 2, (flag.name, result.output)
        assert f"{flag.name} is an option of the {owners[0]} sink, not of {other}" in result.stderr
