"""Dead letters: records a sink gave up on, one JSON envelope per line, replayable byte for byte."""

from __future__ import annotations

import shlex
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from fleetctl.core import SinkReport
from fleetctl.errors import DeliveryError
from fleetctl.manifest import new_run_id

FORMAT = "fleetctl-dead-letter/1"


class DeadLetter(msgspec.Struct, kw_only=True):
    """One undelivered record; `data` is its exact bytes (base64 in the file), newline included."""

    format: str = FORMAT
    stream: str  # logical stream: clickstream | telemetry
    delivery_stream: str  # the Firehose delivery stream it was meant for
    error_code: str
    error_message: str
    attempts: int  # PutRecordBatch calls that carried this record (0: never sendable)
    first_attempt_at: str | None
    last_attempt_at: str | None
    data: bytes


def is_dead_letter(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def from_document(document: dict[str, Any]) -> DeadLetter:
    """A parsed envelope as a DeadLetter; msgspec.ValidationError says which field is wrong."""
    return msgspec.convert(document, DeadLetter)


def iso_now_ms() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DeadLetterFile:
    """Appends envelopes from any thread; the file exists only once something is written to it."""

    def __init__(self, directory: Path, prefix: str) -> None:
        self.path = directory / f"{prefix}-{new_run_id()}.jsonl"
        self.count = 0
        self._file: BinaryIO | None = None
        self._lock = threading.Lock()
        self._encoder = msgspec.json.Encoder()

    def write(self, letters: list[DeadLetter]) -> None:
        if not letters:
            return
        lines = b"".join(self._encoder.encode(letter) + b"\n" for letter in letters)
        with self._lock:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("ab")
            self._file.write(lines)
            self._file.flush()  # on disk before the records are reported dead-lettered
            self.count += len(letters)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def raise_if_undelivered(report: SinkReport) -> None:
    """The run's one-line verdict when records ended up in a dead-letter file."""
    if report.dead_lettered:
        path = str(report.dead_letter_path)
        raise DeliveryError(
            f"{report.dead_lettered} records could not be delivered; they are in {path} "
            f"(replay them with: fleetctl replay {shlex.quote(path)} --sink {report.sink})"
        )
