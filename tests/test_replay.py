"""`fleetctl replay` reads recorded files exactly: streams inferred, gzip found by content, files
merged by event time, dead-letter envelopes unwrapped, bad input refused before anything is sent."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import orjson
import pytest

from fleetctl.deadletters import DeadLetter, DeadLetterFile
from fleetctl.replay import merged_events, read_events
from tests import records


def write_lines(path: Path, lines: list[bytes], compress: bool = False) -> Path:
    data = b"".join(lines)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_records_go_to_the_stream_they_belong_to_byte_for_byte(cli, tmp_path: Path) -> None:
    telemetry = records.lines([records.telemetry(n, second=n) for n in range(5)])
    clicks = records.lines([records.click(n, second=n) for n in range(4)])
    mixed = [telemetry[0], clicks[0], clicks[1], telemetry[1], *telemetry[2:], *clicks[2:]]
    source = write_lines(tmp_path / "mixed.jsonl", mixed)
    result = cli("replay", str(source), "--sink", "file", "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "telemetry.jsonl").read_bytes() == b"".join(telemetry)
    assert (tmp_path / "out" / "clickstream.jsonl").read_bytes() == b"".join(clicks)
    summary = orjson.loads(result.stdout)
    assert summary["command"] == "replay"
    assert {name: s["generated"] for name, s in summary["streams"].items()} == {
        "clickstream": 4,
        "telemetry": 5,
    }
    assert summary["streams"]["telemetry"]["accepted"] == 5


def test_gzip_is_read_by_content_whatever_the_file_is_called(tmp_path: Path) -> None:
    lines = records.lines([records.click(n) for n in range(3)])
    plain = write_lines(tmp_path / "a.jsonl", lines)
    # Firehose S3 objects carry no extension when compression is set on the stream
    disguised = write_lines(tmp_path / "fleet-clickstream-1-2026-11-27-00-00-00-abc", lines, True)
    assert [e.data for e in read_events(plain)] == [e.data for e in read_events(disguised)] == lines


def test_several_files_merge_by_event_time_keeping_each_files_order(tmp_path: Path) -> None:
    first = write_lines(
        tmp_path / "t.jsonl", records.lines([records.telemetry(n, second=60 * n) for n in range(3)])
    )
    second = write_lines(
        tmp_path / "c.jsonl.gz",
        records.lines([records.click(n, second=s) for n, s in enumerate([0, 30, 60, 150])]),
        compress=True,
    )
    merged = [(e.stream, e.event_ts) for e in merged_events((first, second))]
    assert merged == [
        ("telemetry", records.ts(0)),
        ("clickstream", records.ts(0)),
        ("clickstream", records.ts(30)),
        ("telemetry", records.ts(60)),
        ("clickstream", records.ts(60)),
        ("telemetry", records.ts(120)),
        ("clickstream", records.ts(150)),
    ]


def test_dead_letter_envelopes_replay_the_original_bytes_to_their_stream(tmp_path: Path) -> None:
    original = records.line(records.telemetry(1, second=5))
    letters = DeadLetterFile(tmp_path, "firehose")
    letters.write(
        [
            DeadLetter(
                stream="telemetry",
                delivery_stream="fleet-telemetry",
                error_code="ServiceUnavailableException",
                error_message="Slow down.",
                attempts=8,
                first_attempt_at="2026-11-27T00:00:05.000Z",
                last_attempt_at="2026-11-27T00:00:16.000Z",
                data=original,
            )
        ]
    )
    letters.close()
    [event] = read_events(letters.path)
    assert (event.stream, event.data, event.event_ts) == ("telemetry", original, records.ts(5))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"event_id": "a"}\n{"event_id": \n', "bad.jsonl:2: not valid JSON"),
        (b'{"event_id": "a"}\n\n[1, 2]\n', "bad.jsonl:3: expected a JSON object, got list"),
        (
            b'{"format": "fleetctl-dead-letter/1", "stream": "telemetry"}\n',
            "bad.jsonl:1: not a valid dead-letter envelope",
        ),
        (gzip.compress(b'{"a": 1}\n' * 100)[:-6], "bad.jsonl: damaged gzip data"),
    ],
)
def test_malformed_input_is_one_line_naming_file_and_line_and_nothing_is_sent(
    cli, tmp_path: Path, content: bytes, message: str
) -> None:
    good = write_lines(tmp_path / "good.jsonl", records.lines([records.click(0)]))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = cli("replay", str(good), str(bad), "--sink", "file", "--out", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert not out.exists()


def test_missing_file_and_contradictory_speeds_are_usage_errors(cli, tmp_path: Path) -> None:
    missing = cli("replay", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "nope.jsonl: no such file" in missing.stderr
    source = write_lines(tmp_path / "a.jsonl", records.lines([records.click(0)]))
    both = cli("replay", str(source), "--realtime", "--speed", "5")
    assert both.exit_code == 2 and "--realtime means --speed 1" in both.stderr


def test_speed_replays_the_original_pacing_faster(cli, tmp_path: Path) -> None:
    # 60 s of recorded clicks at 300x take 0.2 s; at no pacing they take next to nothing
    source = write_lines(
        tmp_path / "c.jsonl", records.lines([records.click(n, second=6 * n) for n in range(11)])
    )
    started = time.perf_counter()
    result = cli(
        "replay", str(source), "--sink", "file", "--out", str(tmp_path / "o"), "--speed", "300"
    )
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started >= 0.2
