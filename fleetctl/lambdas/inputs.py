"""Records to send to a handler: the lines of a JSONL(.gz) file, or freshly simulated ones."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import orjson

from fleetctl.errors import InputError
from fleetctl.lambdas.events import SourceRecord

_GZIP_MAGIC = b"\x1f\x8b"


class RecordSource(Protocol):
    description: str
    blank_lines: int
    expected_records: int | None

    def __iter__(self) -> Iterator[SourceRecord]: ...


class JsonlFile:
    """Each non-blank line of a file (gzip-compressed or not) as sent, newline included.

    A line that is not JSON is still a record: telling it apart is the handler's job. Blank
    lines are not records; they are counted so the summary accounts for every line.
    """

    expected_records = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = str(path)
        self.blank_lines = 0
        try:
            with path.open("rb") as probe:
                self._compressed = probe.read(2) == _GZIP_MAGIC
        except OSError as e:
            raise InputError(f"{path}: cannot read input ({e.strerror or e})") from None

    def __iter__(self) -> Iterator[SourceRecord]:
        path = self.path
        line_number = 0
        try:
            with gzip.open(path, "rb") if self._compressed else path.open("rb") as lines:
                for line_number, line in enumerate(lines, start=1):
                    if line.strip():
                        yield SourceRecord(line, f"{path}:{line_number}")
                    else:
                        self.blank_lines += 1
        except (OSError, EOFError, zlib.error) as e:
            raise InputError(f"{path}: unreadable after line {line_number} ({e})") from None


@dataclass
class SimulatedRecords:
    """The first `count` records of the stream's simulator, serialized as the sinks do."""

    stream: str
    count: int
    seed: int
    start: datetime
    trucks: int
    clicks_per_minute: float
    blank_lines: int = 0

    def __post_init__(self) -> None:
        if self.count < 1:
            raise InputError(f"--generate must be >= 1, got {self.count}")
        if self.stream == "telemetry" and self.trucks < 1:
            raise InputError(
                f"simulate.trucks must be >= 1 to generate telemetry, got {self.trucks}"
            )
        if self.stream == "clickstream" and self.clicks_per_minute <= 0:
            raise InputError(
                "simulate.clicks_per_minute must be > 0 to generate clicks, "
                f"got {self.clicks_per_minute}"
            )

    @property
    def description(self) -> str:
        return f"the {self.stream} simulator (seed {self.seed})"

    @property
    def expected_records(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[SourceRecord]:
        from simulators import ClickstreamSimulator, TelemetrySimulator

        if self.stream == "telemetry":
            simulator = TelemetrySimulator(seed=self.seed, start=self.start, trucks=self.trucks)
        else:
            simulator = ClickstreamSimulator(
                seed=self.seed, start=self.start, clicks_per_minute=self.clicks_per_minute
            )
        made = 0
        while made < self.count:
            for record in simulator.next_minute()[: self.count - made]:
                made += 1
                yield SourceRecord(
                    orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE), f"simulated #{made}"
                )
