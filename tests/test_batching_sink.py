"""The batching sinks' engine with a second service behind it: a sink is one `put` method, and
the engine's pool, retries, dead letters and counts serve it as they serve Firehose."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import msgspec
import pytest

from fleetctl.batching import BatchLimits
from fleetctl.sinks import CallOutcome
from fleetctl.sinks.batch_delivery import BatchingOptions, BatchingSink, Failed, PutAnswer


class Shelf(BatchingSink):
    """A service that keeps what it takes and refuses every record whose first byte is odd on
    its first `refusals` tries (throttled), or always when it starts with `!`."""

    name = "shelf"

    def __init__(self, tmp_path: Path, refusals: int, **options: object) -> None:
        settings = {"concurrency": 3, "rate": 0.0, "max_attempts": 4} | options
        settings |= {"base_delay_s": 0.0, "max_delay_s": 0.0}
        super().__init__(
            msgspec.convert(settings, BatchingOptions),
            {"telemetry": "shelf-telemetry"},
            tmp_path,
            BatchLimits(max_records=7, max_bytes=1000, max_record_bytes=100),
            sleep=lambda _: None,
            rng=random.Random(1),
        )
        self.kept: list[bytes] = []
        self.calls: list[int] = []
        self._tries: dict[bytes, int] = {}
        self._refusals = refusals
        self._guard = threading.Lock()

    def put(self, destination: str, records: list[bytes]) -> PutAnswer:
        assert destination == "shelf-telemetry" and len(records) <= 7
        failed = []
        with self._guard:
            self.calls.append(len(records))
            for record in records:
                tries = self._tries[record] = self._tries.get(record, 0) + 1
                if record.startswith(b"!"):
                    failed.append(Failed(record, "Refused", "never"))
                elif record[0] % 2 and tries <= self._refusals:
                    failed.append(Failed(record, "ThrottlingException", "slow down"))
                else:
                    self.kept.append(record)
        return PutAnswer(failed)


def records(n: int) -> list[bytes]:
    return [bytes([48 + i % 10]) + f"-{i}".encode() for i in range(n)]


def test_failed_records_are_resent_alone_until_taken_and_counted_once(tmp_path: Path) -> None:
    sink = Shelf(tmp_path, refusals=2)
    outcomes: list[CallOutcome] = []
    sink.observe_calls(type("Observer", (), {"call_finished": lambda _, o: outcomes.append(o)})())
    sent = records(40)
    sink.send("telemetry", sent)
    report = sink.close()

    odd = sum(r[0] % 2 for r in sent)
    assert sorted(sink.kept) == sorted(r + b"\n" for r in sent)
    counts = report.streams["telemetry"]
    assert (counts.accepted, counts.retried, counts.dead_lettered) == (40, 2 * odd, 0)
    assert sum(o.records for o in outcomes) == 40 and all(o.attempts == 3 for o in outcomes)
    assert sum(o.throttled for o in outcomes) == 2 * odd


def test_what_is_left_at_the_bound_is_dead_lettered_with_its_bytes(tmp_path: Path) -> None:
    sink = Shelf(tmp_path, refusals=0, max_attempts=2)
    sink.send("telemetry", [b"!a", b"ok", b"x" * 200])
    report = sink.close()
    counts = report.streams["telemetry"]
    assert (counts.accepted, counts.dead_lettered) == (1, 2)
    assert counts.errors == {"Refused": 1, "RecordTooLarge": 1}
    lines = Path(report.dead_letter_path).read_bytes().splitlines()
    letters = [msgspec.json.decode(line) for line in lines]
    assert {(letter["error_code"], letter["attempts"]) for letter in letters} == {
        ("Refused", 2),
        ("RecordTooLarge", 0),
    }


def test_the_options_are_checked_once_for_every_batching_sink(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="--concurrency must be >= 1, got 0"):
        Shelf(tmp_path, refusals=0, concurrency=0)
